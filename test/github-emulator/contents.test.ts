import { describe, expect, it } from 'vitest';
import {
  emulatorOctokit,
  githubError,
  useGitHubEmulator,
} from '../support/github-emulator/harness.js';
import { startGitHubEmulator } from '../support/github-emulator/index.js';
import { OpenApiConformance } from '../support/github-emulator/openapi-conformance.js';
import { blobSha, EMPTY_TREE_SHA, treeSha } from '../support/github-emulator/state.js';

const gh = useGitHubEmulator();

const BOT_EMAIL = '41898282+github-actions[bot]@users.noreply.github.com';

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** A branch off main's tip, created as the product does it (`POST /git/refs`). */
async function branchFromMain(name: string): Promise<string> {
  const { octokit, repo } = gh;
  const main = await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' });
  await octokit.rest.git.createRef({
    ...repo,
    ref: `refs/heads/${name}`,
    sha: main.data.object.sha,
  });
  return main.data.object.sha;
}

/** The file's content and blob SHA at `ref`, failing when the path is not a file there. */
async function readFile(path: string, ref?: string): Promise<{ text: string; sha: string }> {
  const { data } = await gh.octokit.rest.repos.getContent({
    ...gh.repo,
    path,
    ...(ref !== undefined && { ref }),
  });
  if (Array.isArray(data) || data.type !== 'file') throw new Error(`${path} is not a file`);
  expect(data.encoding).toBe('base64');
  return { text: Buffer.from(data.content, 'base64').toString('utf8'), sha: data.sha };
}

describe('commit trees in the emulator state', () => {
  it('hashes blobs and trees as git does', () => {
    expect(blobSha('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    // `git write-tree` of these files; `dir-` < `dir.x` < `dir/` in git's tree order.
    const files = new Map([
      ['a.txt', Buffer.from('hello\n')],
      ['dir/b.txt', Buffer.from('b\n')],
      ['dir.x/c', Buffer.from('c')],
      ['dir-', Buffer.from('z')],
    ]);
    expect(treeSha(files)).toBe('f9af03275f62815bd1a44d835f4f411a84278e17');
    expect(treeSha(files, 'dir/')).toBe('f8f7aefc2900a3d737cea9eee45729fd55761e1a');
    const seeded = gh.emulator.repo;
    const root = seeded.addCommit({ message: 'empty' });
    expect(root.treeSha).toBe(EMPTY_TREE_SHA);
    expect(seeded.addCommit({ message: 'seeded', files: { 'a.txt': 'hello\n' } }).files).toEqual(
      new Map([['a.txt', Buffer.from('hello\n')]]),
    );
  });

  it('applies changes on top of the parent and deletes with null', () => {
    const seeded = gh.emulator.repo;
    const first = seeded.writeFiles('state-only', { 'a.txt': 'one', 'b/c.txt': 'two' }, 'seed');
    const second = seeded.commitOnBranch('state-only', 'change', {
      'a.txt': 'uno',
      'b/c.txt': null,
    });
    expect(second.parents).toEqual([first.sha]);
    expect(seeded.readFile('state-only', 'a.txt')?.toString()).toBe('uno');
    expect(seeded.readFile('state-only', 'b/c.txt')).toBeUndefined();
    expect(seeded.readFile(first.sha, 'b/c.txt')?.toString()).toBe('two');
    expect(seeded.readFile('no-such-ref', 'a.txt')).toBeUndefined();
    // Same files, same tree.
    const back = seeded.commitOnBranch('state-only', 'restore', {
      'a.txt': 'one',
      'b/c.txt': 'two',
    });
    expect(back.treeSha).toBe(first.treeSha);
    expect(back.sha).not.toBe(first.sha);
  });

  it('merges file by file and refuses a conflict', async () => {
    const { octokit, repo } = gh;
    const seeded = gh.emulator.repo;
    seeded.writeFiles('main', { 'shared.txt': 'base' });
    seeded.writeFiles('left', { 'shared.txt': 'left' });
    seeded.writeFiles('main', { 'shared.txt': 'main' });
    const pr = await octokit.rest.pulls.create({ ...repo, title: 'x', head: 'left', base: 'main' });
    expect(() => seeded.mergePull(pr.data.number)).toThrow('Merge conflict in shared.txt');
    expect(seeded.readFile('main', 'shared.txt')?.toString()).toBe('main');
    await octokit.rest.pulls.update({ ...repo, pull_number: pr.data.number, state: 'closed' });
  });
});

describe('repository contents', () => {
  it('creates, reads and updates a file on a branch', async () => {
    const { octokit, repo } = gh;
    const seeded = gh.emulator.repo;
    seeded.writeFiles('main', { 'models/iris.yaml': 'name: iris\n' }, 'Add iris');
    const base = await branchFromMain('promote/iris-1');
    const path = 'models/iris/candidate.json';
    const text = `${JSON.stringify({ accuracy: 0.97, recall: 0.95, notes: 'x'.repeat(80) })}\n`;

    const created = await octokit.rest.repos.createOrUpdateFileContents({
      ...repo,
      path,
      message: 'Promote iris candidate',
      content: base64(text),
      branch: 'promote/iris-1',
    });
    expect(created.status).toBe(201);
    const commitSha = created.data.commit.sha as string;
    expect(created.data.content).toMatchObject({
      name: 'candidate.json',
      path,
      type: 'file',
      sha: blobSha(text),
      size: Buffer.byteLength(text),
      html_url: `${gh.emulator.url}/octo-org/models/blob/promote/iris-1/${path}`,
    });
    expect(created.data.commit).toMatchObject({
      message: 'Promote iris candidate',
      parents: [{ sha: base }],
      author: { name: 'github-actions[bot]', email: BOT_EMAIL },
      committer: { name: 'github-actions[bot]', email: BOT_EMAIL },
      tree: { sha: seeded.commits.get(commitSha)?.treeSha },
    });
    expect(seeded.refs.get('refs/heads/promote/iris-1')).toBe(commitSha);
    expect(seeded.readFile('promote/iris-1', path)?.toString()).toBe(text);

    // Read back by branch and by the commit: base64 in lines of 60, as GitHub sends it.
    const { data } = await octokit.rest.repos.getContent({ ...repo, path, ref: 'promote/iris-1' });
    if (Array.isArray(data) || data.type !== 'file') throw new Error('not a file');
    const lines = data.content.split('\n');
    expect(lines.slice(0, -2).every((line) => line.length === 60)).toBe(true);
    expect(lines.at(-1)).toBe('');
    expect(data).toMatchObject({ sha: blobSha(text), encoding: 'base64', name: 'candidate.json' });
    expect(data.url).toBe(
      `${gh.emulator.url}/repos/octo-org/models/contents/${path}?ref=promote%2Firis-1`,
    );
    expect(await readFile(path, commitSha)).toEqual({ text, sha: blobSha(text) });
    // The download URL serves the raw file.
    const raw = await fetch(data.download_url as string);
    expect(raw.status).toBe(200);
    expect(await raw.text()).toBe(text);

    // Not on main; main's own file is, at the default branch when no ref is given.
    expect((await githubError(octokit.rest.repos.getContent({ ...repo, path }))).status).toBe(404);
    expect((await readFile('models/iris.yaml')).text).toBe('name: iris\n');
    const badRef = await githubError(
      octokit.rest.repos.getContent({ ...repo, path, ref: 'no-such-branch' }),
    );
    expect(badRef.status).toBe(404);
    expect(badRef.message).toContain('No commit found for the ref no-such-branch');

    // A directory lists its entries.
    const dir = await octokit.rest.repos.getContent({ ...repo, path: 'models', ref: commitSha });
    expect(Array.isArray(dir.data)).toBe(true);
    const entries = dir.data as { name: string; type: string; sha: string }[];
    expect(entries.map((e) => [e.name, e.type])).toEqual([
      ['iris', 'dir'],
      ['iris.yaml', 'file'],
    ]);
    expect(entries[0]?.sha).toBe(
      treeSha(seeded.commits.get(commitSha)?.files ?? new Map(), 'models/iris/'),
    );

    // The commit lists the file it added.
    const commit = await octokit.rest.repos.getCommit({ ...repo, ref: commitSha });
    expect(commit.data.files).toEqual([
      expect.objectContaining({ filename: path, status: 'added', additions: 1, deletions: 0 }),
    ]);
    expect(commit.data.stats).toEqual({ total: 1, additions: 1, deletions: 0 });

    // Updating needs the current blob SHA.
    const missingSha = await githubError(
      octokit.rest.repos.createOrUpdateFileContents({
        ...repo,
        path,
        message: 'no sha',
        content: base64('{}\n'),
        branch: 'promote/iris-1',
      }),
    );
    expect(missingSha.status).toBe(422);
    expect(missingSha.message).toContain('Invalid request.\n\n"sha" wasn\'t supplied.');

    const next = '{"accuracy":0.98}\n';
    const updated = await octokit.rest.repos.createOrUpdateFileContents({
      ...repo,
      path,
      message: 'Update candidate',
      content: base64(next),
      sha: blobSha(text),
      branch: 'promote/iris-1',
      committer: { name: 'MLOps', email: 'mlops@example.com', date: '2026-01-02T03:04:05Z' },
    });
    expect(updated.status).toBe(200);
    expect(updated.data.commit).toMatchObject({
      parents: [{ sha: commitSha }],
      committer: { name: 'MLOps', email: 'mlops@example.com', date: '2026-01-02T03:04:05Z' },
      author: { name: 'MLOps', email: 'mlops@example.com' },
    });
    expect(await readFile(path, 'promote/iris-1')).toEqual({ text: next, sha: blobSha(next) });
    const diff = await octokit.rest.repos.getCommit({
      ...repo,
      ref: updated.data.commit.sha as string,
    });
    expect(diff.data.files?.map((f) => [f.filename, f.status, f.additions, f.deletions])).toEqual([
      [path, 'modified', 1, 1],
    ]);

    const noBranch = await githubError(
      octokit.rest.repos.createOrUpdateFileContents({
        ...repo,
        path,
        message: 'x',
        content: base64('x'),
        branch: 'no-such-branch',
      }),
    );
    expect(noBranch.status).toBe(404);
    const notBase64 = await githubError(
      octokit.rest.repos.createOrUpdateFileContents({
        ...repo,
        path: 'other.txt',
        message: 'x',
        content: 'not base64!',
        branch: 'promote/iris-1',
      }),
    );
    expect(notBase64.status).toBe(422);
  });

  it('refuses writes without push access', async () => {
    const { repo } = gh;
    const seeded = gh.emulator.repo;
    seeded.writeFiles('main', { 'locked.txt': 'keep' });
    const sha = blobSha('keep');
    gh.emulator.state.addToken('ghs_read_only', 'github-actions[bot]', 'read');
    const reader = emulatorOctokit(gh.emulator, { token: 'ghs_read_only' });
    const read = await reader.rest.repos.getContent({ ...repo, path: 'locked.txt' });
    expect(read.status).toBe(200);
    const denied = await githubError(
      reader.rest.repos.createOrUpdateFileContents({
        ...repo,
        path: 'locked.txt',
        message: 'x',
        content: base64('changed'),
        sha,
      }),
    );
    expect(denied.status).toBe(403);
    expect(denied.message).toContain('Resource not accessible by integration');

    // A user's token that can write, held by someone who is no collaborator: hidden as 404.
    gh.emulator.state.addToken('ghp_outsider', 'outsider');
    const outsider = emulatorOctokit(gh.emulator, { token: 'ghp_outsider' });
    const hidden = await githubError(
      outsider.rest.repos.deleteFile({ ...repo, path: 'locked.txt', message: 'x', sha }),
    );
    expect(hidden.status).toBe(404);
    expect(seeded.readFile('main', 'locked.txt')?.toString()).toBe('keep');
  });

  it('carries a change through a pull request and deletes the file', async () => {
    const { octokit, repo } = gh;
    const seeded = gh.emulator.repo;
    seeded.writeFiles('main', { 'registry/iris.json': '{"production":"1.0.0"}\n' });
    await branchFromMain('promote/iris-2');
    const current = await readFile('registry/iris.json', 'promote/iris-2');
    const change = await octokit.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: 'registry/iris.json',
      message: 'Promote iris 1.1.0',
      content: base64('{"production":"1.1.0"}\n'),
      sha: current.sha,
      branch: 'promote/iris-2',
    });
    const headSha = change.data.commit.sha as string;
    const pr = await octokit.rest.pulls.create({
      ...repo,
      title: 'Promote iris 1.1.0',
      head: 'promote/iris-2',
      base: 'main',
    });
    expect(pr.data.head.sha).toBe(headSha);
    // Main moves on meanwhile; the merge keeps that change too.
    const unrelated = seeded.writeFiles('main', { 'docs/notes.md': 'notes\n' });

    // The open pull request is found by its head commit.
    const open = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      ...repo,
      commit_sha: headSha,
    });
    expect(open.data.map((p) => [p.number, p.state])).toEqual([[pr.data.number, 'open']]);

    const merged = seeded.mergePull(pr.data.number);
    const mergeSha = merged.mergeCommitSha as string;
    expect(seeded.commits.get(mergeSha)?.parents).toEqual([unrelated.sha, headSha]);
    expect(await readFile('registry/iris.json', 'main')).toMatchObject({
      text: '{"production":"1.1.0"}\n',
    });
    expect((await readFile('docs/notes.md')).text).toBe('notes\n');

    for (const sha of [mergeSha, headSha]) {
      const found = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
        ...repo,
        commit_sha: sha,
      });
      expect(found.data.map((p) => [p.number, p.merge_commit_sha])).toEqual([
        [pr.data.number, mergeSha],
      ]);
    }
    const none = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
      ...repo,
      commit_sha: unrelated.sha,
    });
    expect(none.data).toEqual([]);
    const unknown = await githubError(
      octokit.rest.repos.listPullRequestsAssociatedWithCommit({
        ...repo,
        commit_sha: 'f'.repeat(40),
      }),
    );
    expect(unknown.status).toBe(422);

    // Delete on main: a wrong SHA conflicts, the right one removes the file.
    const merged1 = await readFile('registry/iris.json');
    const wrong = await githubError(
      octokit.rest.repos.deleteFile({
        ...repo,
        path: 'registry/iris.json',
        message: 'Remove',
        sha: blobSha('other'),
      }),
    );
    expect(wrong.status).toBe(409);
    const deleted = await octokit.rest.repos.deleteFile({
      ...repo,
      path: 'registry/iris.json',
      message: 'Remove iris from the registry',
      sha: merged1.sha,
    });
    expect(deleted.status).toBe(200);
    expect(deleted.data.content).toBeNull();
    expect(deleted.data.commit.parents?.map((p) => p.sha)).toEqual([mergeSha]);
    expect(seeded.refs.get('refs/heads/main')).toBe(deleted.data.commit.sha);
    expect(seeded.readFile('main', 'registry/iris.json')).toBeUndefined();
    expect(
      (await githubError(octokit.rest.repos.getContent({ ...repo, path: 'registry/iris.json' })))
        .status,
    ).toBe(404);
    const again = await githubError(
      octokit.rest.repos.deleteFile({
        ...repo,
        path: 'registry/iris.json',
        message: 'Remove',
        sha: merged1.sha,
      }),
    );
    expect(again.status).toBe(404);
    const removal = await octokit.rest.repos.getCommit({
      ...repo,
      ref: deleted.data.commit.sha as string,
    });
    expect(removal.data.files?.map((f) => [f.filename, f.status, f.deletions])).toEqual([
      ['registry/iris.json', 'removed', 1],
    ]);
  });

  it('moves an open pull request with its branch', async () => {
    const { octokit, repo } = gh;
    const seeded = gh.emulator.repo;
    seeded.writeFiles('follow', { 'f.txt': 'one' });
    const pr = await octokit.rest.pulls.create({
      ...repo,
      title: 'f',
      head: 'follow',
      base: 'main',
    });
    const next = seeded.writeFiles('follow', { 'f.txt': 'two' });
    const fetched = await octokit.rest.pulls.get({ ...repo, pull_number: pr.data.number });
    expect(fetched.data.head.sha).toBe(next.sha);
    seeded.mergePull(pr.data.number);
    expect(seeded.readFile('main', 'f.txt')?.toString()).toBe('two');
  });

  // Apart from the shared emulator: the description documents this 409 as `oneOf` basic-error and
  // repository-rule-violation-error, two schemas that accept the same bodies, so no body, GitHub's
  // included, matches exactly one. This test checks everything else it exchanged.
  it('answers 409 to an update with a stale SHA', async () => {
    const emulator = await startGitHubEmulator();
    try {
      const octokit = emulatorOctokit(emulator, { retries: 0 });
      const repo = { owner: emulator.repo.owner.login, repo: emulator.repo.name };
      emulator.repo.writeFiles('main', { 'model.json': 'v2' });
      const stale = await githubError(
        octokit.rest.repos.createOrUpdateFileContents({
          ...repo,
          path: 'model.json',
          message: 'stale',
          content: base64('v3'),
          sha: blobSha('v1'),
        }),
      );
      expect(stale.status).toBe(409);
      expect(stale.message).toContain(`model.json does not match ${blobSha('v1')}`);
      const fresh = await octokit.rest.repos.createOrUpdateFileContents({
        ...repo,
        path: 'model.json',
        message: 'fresh',
        content: base64('v3'),
        sha: blobSha('v2'),
      });
      expect(fresh.status).toBe(200);
      expect(emulator.crashes).toEqual([]);
      const { problems } = OpenApiConformance.load().check(emulator.exchanges);
      expect(problems).toEqual([
        expect.stringMatching(/→ 409: .* must match exactly one schema in oneOf$/),
      ]);
    } finally {
      await emulator.close();
    }
  });
});
