import { describe, expect, it } from 'vitest';
import { useGitHubEmulator, githubError } from '../support/github-emulator/harness.js';

const gh = useGitHubEmulator();

describe('git references and tags', () => {
  it('reads a branch and creates, moves and deletes a reference', async () => {
    const { octokit, repo } = gh;
    const seeded = gh.emulator.repo;
    const main = await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' });
    expect(main.data).toMatchObject({
      ref: 'refs/heads/main',
      object: { type: 'commit', sha: seeded.refs.get('refs/heads/main') },
    });

    const base = seeded.commitOnBranch('work', 'one');
    const created = await octokit.rest.git.createRef({
      ...repo,
      ref: 'refs/heads/feature/x',
      sha: base.sha,
    });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(
      `${gh.emulator.url}/repos/octo-org/models/git/refs/heads/feature/x`,
    );
    const again = await githubError(
      octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/feature/x', sha: base.sha }),
    );
    expect(again.status).toBe(422);
    expect(again.message).toContain('Reference already exists');

    const next = seeded.addCommit({ message: 'two', parents: [base.sha] });
    const moved = await octokit.rest.git.updateRef({
      ...repo,
      ref: 'heads/feature/x',
      sha: next.sha,
    });
    expect(moved.data.object.sha).toBe(next.sha);
    const backwards = await githubError(
      octokit.rest.git.updateRef({ ...repo, ref: 'heads/feature/x', sha: base.sha }),
    );
    expect(backwards.status).toBe(422);
    expect(backwards.message).toContain('Update is not a fast forward');
    const forced = await octokit.rest.git.updateRef({
      ...repo,
      ref: 'heads/feature/x',
      sha: base.sha,
      force: true,
    });
    expect(forced.data.object.sha).toBe(base.sha);

    expect((await octokit.rest.git.deleteRef({ ...repo, ref: 'heads/feature/x' })).status).toBe(
      204,
    );
    expect(
      (await githubError(octokit.rest.git.getRef({ ...repo, ref: 'heads/feature/x' }))).status,
    ).toBe(404);
    const gone = await githubError(octokit.rest.git.deleteRef({ ...repo, ref: 'heads/feature/x' }));
    expect(gone.status).toBe(422);
    expect(gone.message).toContain('Reference does not exist');
  });

  it('records promotions as annotated tags found by ref prefix (GTO stage tags)', async () => {
    const { octokit, repo } = gh;
    const commit = gh.emulator.repo.refs.get('refs/heads/main') as string;
    const tagger = { name: 'mlops', email: 'mlops@example.com', date: '2026-01-02T03:04:05Z' };

    for (const n of [1, 2]) {
      const tag = await octokit.rest.git.createTag({
        ...repo,
        tag: `iris#production#${n}`,
        message: `Promote iris@v1.${n}.0 to production`,
        object: commit,
        type: 'commit',
        tagger,
      });
      expect(tag.status).toBe(201);
      expect(tag.data).toMatchObject({
        tag: `iris#production#${n}`,
        tagger,
        object: { sha: commit, type: 'commit' },
      });
      expect(tag.data.sha).toMatch(/^[0-9a-f]{40}$/);
      await octokit.rest.git.createRef({
        ...repo,
        ref: `refs/tags/iris#production#${n}`,
        sha: tag.data.sha,
      });
    }
    await octokit.rest.git.createRef({ ...repo, ref: 'refs/tags/other#production#1', sha: commit });

    const matching = await octokit.rest.git.listMatchingRefs({
      ...repo,
      ref: 'tags/iris#production#',
    });
    expect(matching.data.map((r) => r.ref)).toEqual([
      'refs/tags/iris#production#1',
      'refs/tags/iris#production#2',
    ]);
    expect(matching.data.every((r) => r.object.type === 'tag')).toBe(true);

    const ref = await octokit.rest.git.getRef({ ...repo, ref: 'tags/iris#production#2' });
    const tag = await octokit.rest.git.getTag({ ...repo, tag_sha: ref.data.object.sha });
    expect(tag.data.message).toBe('Promote iris@v1.2.0 to production');
    expect(tag.data.verification).toMatchObject({ verified: false, reason: 'unsigned' });
    const none = await octokit.rest.git.listMatchingRefs({ ...repo, ref: 'tags/absent#' });
    expect(none.data).toEqual([]);

    // The commits API peels the annotated tag to its commit.
    const peeled = await octokit.rest.repos.getCommit({ ...repo, ref: 'iris#production#2' });
    expect(peeled.data.sha).toBe(commit);
  });

  it('gets commits by branch and SHA', async () => {
    const { octokit, repo } = gh;
    const seeded = gh.emulator.repo;
    const parent = seeded.refs.get('refs/heads/main') as string;
    const commit = seeded.commitOnBranch('main', 'Add training config');
    const byBranch = await octokit.rest.repos.getCommit({ ...repo, ref: 'main' });
    expect(byBranch.data).toMatchObject({
      sha: commit.sha,
      commit: { message: 'Add training config', author: { name: 'Mona Lisa' } },
      parents: [{ sha: parent }],
    });
    const byShort = await octokit.rest.repos.getCommit({ ...repo, ref: commit.sha.slice(0, 7) });
    expect(byShort.data.sha).toBe(commit.sha);
    const missing = await githubError(
      octokit.rest.repos.getCommit({ ...repo, ref: 'no-such-branch' }),
    );
    expect(missing.status).toBe(422);
    expect(missing.message).toContain('No commit found for SHA: no-such-branch');
  });
});
