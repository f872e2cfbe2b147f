/**
 * Attacks on the review-to-production chain (issue 13, findings 3 and 4), performed through the
 * bundled promote-model and evaluate actions against the GitHub emulator, each shown refused with
 * a message that says why and nothing written (no stage tag, no release note):
 * - a writer pushes another version onto the bot's promotion branch and approves it;
 * - a commit GitHub cannot attribute to anyone sits on the promotion branch;
 * - an approved pull request that does not change this model's promotion file;
 * - a re-run of a promote run (`GITHUB_RUN_ATTEMPT` 2);
 * - the promote run of an older promotion after a newer one merged (the default branch names
 *   another version now);
 * - a forged `#production#99` tag pushed by a writer, claiming the bot in its message (ignored
 *   with a warning; evaluate's baseline is the real production version);
 * - a release whose model and manifest were replaced together (the digest recorded in the version
 *   tag at publish refuses it, in promote and in evaluate's baseline download).
 * Versions are published with the real registry writer (what publish-model runs), so these tests
 * do not depend on publish's own evaluation checks.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import { GitHubRegistryWriter } from '../../src/adapters/github/github-registry-writer.js';
import type { Octokit } from '../../src/adapters/github/octokit.js';
import { createPromotionRequests } from '../../src/adapters/github/promotion-pull-request.js';
import { createSilentLogger } from '../../src/core/logger.js';
import { formatReleaseMarker } from '../../src/core/registry/registry-writer.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';
import { makeManifest } from '../github/registry-fixtures.js';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { emulatorOctokit } from '../support/github-emulator/harness.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const MODEL = 'breast-cancer';
const FILE = `.mlops-stages/${MODEL}.yml`;

let emulator: GitHubEmulator;
let workspace: Workspace;
let bot: Octokit;
const models: Buffer[] = [];
/** Release URL of each published version. */
const published = new Map<string, string>();

const sha256 = (data: Uint8Array) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const owner = () => emulator.repo.owner.login;
const repo = () => emulator.repo.name;
const as = (login: string) => emulatorOctokit(emulator, { token: `token-${login}` });

/** Registers `bytes` as the next version, as publish-model does (annotated tag, then release). */
async function publishVersion(bytes: Buffer): Promise<string> {
  const commit = emulator.repo.writeFiles('main', { 'train.py': `# ${sha256(bytes)}\n` }).sha;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'security-publish-'));
  const writer = new GitHubRegistryWriter({ octokit: bot, owner: owner(), repo: repo() });
  const result = await writer.publish({
    model: MODEL,
    version: 'auto',
    commit,
    modelDigest: sha256(bytes),
    async prepare(version) {
      const manifest = Buffer.from(JSON.stringify(makeManifest(MODEL, version, bytes)));
      await writeFile(path.join(dir, 'model.onnx'), bytes);
      await writeFile(path.join(dir, 'manifest.json'), manifest);
      return [
        { name: 'model.onnx', data: bytes },
        { name: 'manifest.json', data: manifest },
      ].map(({ name, data }) => ({
        name,
        path: path.join(dir, name),
        digest: sha256(data),
        bytes: data.length,
        contentType: 'application/octet-stream',
      }));
    },
    notes: () =>
      formatReleaseMarker({ model: MODEL, commit, digest: sha256(bytes) }) + '\nPublished.',
  });
  published.set(result.version, result.releaseUrl);
  return result.version;
}

/** The bot's promotion pull request for `version` (publish-model's adapter opens it). */
async function promotionPull(version: string): Promise<number> {
  const requests = createPromotionRequests({
    octokit: bot,
    owner: owner(),
    repo: repo(),
    logger: createSilentLogger(),
  });
  const opened = await requests.open({
    model: MODEL,
    version,
    stage: 'production',
    releaseUrl: published.get(version) ?? '',
    current: null,
    report: null,
  });
  return opened.number;
}

const headOf = (pull: number) => emulator.repo.pulls.get(pull)?.headSha as string;

async function approve(login: string, pull: number): Promise<void> {
  await as(login).rest.pulls.createReview({
    owner: owner(),
    repo: repo(),
    pull_number: pull,
    event: 'APPROVE',
    commit_id: headOf(pull),
  });
}

/** Merges `pull` and checks its merge commit out into the workspace (the promotion file). */
async function mergeAndCheckOut(pull: number): Promise<string> {
  const merged = emulator.repo.mergePull(pull);
  const merge = merged.mergeCommitSha as string;
  const file = emulator.repo.readFile(merge, FILE);
  if (file !== undefined) await workspace.write(FILE, file);
  return merge;
}

let runs = 900;
function promote(
  pull: number,
  options: { inputs?: Record<string, string>; runAttempt?: number } = {},
): Promise<ActionRun> {
  const merge = emulator.repo.pulls.get(pull)?.mergeCommitSha ?? '';
  runs += 1;
  return runAction({
    action: path.join(root, 'actions/promote-model'),
    cwd: workspace.dir,
    inputs: { 'github-token': emulator.token, ...options.inputs },
    event: {
      name: 'pull_request',
      payload: {
        action: 'closed',
        number: pull,
        pull_request: {
          number: pull,
          merged: true,
          merge_commit_sha: merge,
          head: { sha: headOf(pull), ref: emulator.repo.pulls.get(pull)?.headRef },
          base: { ref: 'main' },
        },
      },
    },
    github: {
      apiUrl: emulator.url,
      repository: emulator.repo.fullName,
      sha: merge,
      ref: `refs/pull/${pull}/merge`,
      runId: runs,
      runAttempt: options.runAttempt ?? 1,
    },
    timeoutMs: 60_000,
  });
}

const errors = (run: ActionRun) =>
  run.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n');
const warnings = (run: ActionRun) =>
  run.annotations
    .filter((a) => a.level === 'warning')
    .map((a) => a.message)
    .join('\n');

/** What a promotion writes: stage tags and release notes. */
function registryState() {
  return {
    stageTags: [...emulator.repo.refs.keys()]
      .filter((ref) => ref.startsWith(`refs/tags/${MODEL}#`))
      .sort(),
    notes: [...emulator.repo.releases.values()].map((r) => [r.tagName, r.body]),
  };
}

/** Runs promote, expects a refusal naming `expected`, and that nothing was written. */
async function refused(
  pull: number,
  expected: string,
  options: Parameters<typeof promote>[1] = {},
): Promise<ActionRun> {
  const before = registryState();
  const run = await promote(pull, options);
  expect(run.exitCode, run.stdout + run.stderr).not.toBe(0);
  expect(errors(run)).toContain(expected);
  expect(registryState()).toEqual(before);
  return run;
}

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  workspace = await createWorkspace({});
  await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
  const schema = parseDatasetSchema(
    await readFile(workspace.path('schema.yml'), 'utf8'),
    'schema.yml',
  );
  const matrix = await loadFeatureMatrix([workspace.path('data/train.csv')], schema);
  for (const seed of [42, 7, 9, 11]) {
    const kind = seed === 42 ? 'logistic-regression' : 'softmax-regression';
    models.push(Buffer.from(trainBaseline({ kind, matrix, seed }).onnx));
  }
  bot = emulatorOctokit(emulator);
  emulator.repo.addCollaborator('alice', 'write');
  emulator.repo.addCollaborator('carol', 'maintain');
  emulator.repo.addCollaborator('mallory', 'write');
  for (const login of ['alice', 'carol', 'mallory'])
    emulator.state.addToken(`token-${login}`, login);
  for (const bytes of models.slice(0, 3)) await publishVersion(bytes as Buffer);
  expect([...published.keys()]).toEqual(['1.0.0', '1.1.0', '1.2.0']);
}, 120_000);

afterAll(async () => {
  await workspace.cleanup();
  await emulator.close();
});

describe('promotion is a two-person rule bound to the promotion file', () => {
  let first: number;

  it('promotes v1.0.0 through the bot pull request approved by another person (the control)', async () => {
    first = await promotionPull('1.0.0');
    await approve('alice', first);
    await mergeAndCheckOut(first);
    const run = await promote(first);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['stage-tag']).toBe(`${MODEL}#production#1`);
    const tag = emulator.repo.tagObjects.get(
      emulator.repo.refs.get(`refs/tags/${MODEL}#production#1`) as string,
    );
    expect(tag?.message).toContain('tagged-by: github-actions[bot]');
    expect(tag?.tagger.name).toBe('github-actions[bot]');
  });

  it('refuses the approval of a writer who pushed another version onto the promotion branch', async () => {
    const pull = await promotionPull('1.1.0');
    // Mallory replaces the proposed v1.1.0 with v1.2.0, which nobody reviewed, and approves.
    const { data: current } = await as('mallory').rest.repos.getContent({
      owner: owner(),
      repo: repo(),
      path: FILE,
      ref: emulator.repo.pulls.get(pull)?.headRef as string,
    });
    const pushed = await as('mallory').rest.repos.createOrUpdateFileContents({
      owner: owner(),
      repo: repo(),
      path: FILE,
      branch: emulator.repo.pulls.get(pull)?.headRef as string,
      message: 'Promote v1.2.0 instead',
      content: Buffer.from(`model: ${MODEL}\nproduction: v1.2.0\n`).toString('base64'),
      sha: (current as { sha: string }).sha,
    });
    await approve('mallory', pull);
    await mergeAndCheckOut(pull);
    await refused(
      pull,
      `@mallory approved, but also pushed commit ${(pushed.data.commit.sha as string).slice(0, 7)} to this pull request; an approval must come from someone who did not change it.`,
    );
  });

  it('refuses every approval when a commit of the pull request is by nobody GitHub knows', async () => {
    const pull = await promotionPull('1.1.0');
    const branch = emulator.repo.pulls.get(pull)?.headRef as string;
    emulator.repo.commitOnBranch(
      branch,
      'tweak',
      { [FILE]: `model: ${MODEL}\nproduction: v1.2.0\n` },
      {
        author: { name: 'Ghost', email: 'ghost@nowhere.invalid' },
      },
    );
    await approve('carol', pull);
    await mergeAndCheckOut(pull);
    await refused(pull, 'is by Ghost <ghost@nowhere.invalid>, whom GitHub matches to no account');
  });

  it('refuses an approved pull request that does not change this model promotion file', async () => {
    await bot.rest.git.createRef({
      owner: owner(),
      repo: repo(),
      ref: 'refs/heads/docs-update',
      sha: emulator.repo.refs.get('refs/heads/main') as string,
    });
    await bot.rest.repos.createOrUpdateFileContents({
      owner: owner(),
      repo: repo(),
      path: 'docs/notes.md',
      branch: 'docs-update',
      message: 'Notes',
      content: Buffer.from('# an unrelated change\n').toString('base64'),
    });
    const { data: pr } = await bot.rest.pulls.create({
      owner: owner(),
      repo: repo(),
      title: 'Docs',
      head: 'docs-update',
      base: 'main',
    });
    await approve('alice', pr.number);
    await mergeAndCheckOut(pr.number);
    await refused(
      pr.number,
      `pull request #${pr.number} does not change ${FILE}, so its approval is not an approval of this promotion`,
      { inputs: { version: 'v1.2.0' } },
    );
  });

  it('refuses a re-run of a promote run', async () => {
    await refused(
      first,
      'this is attempt 2 of the run, and a re-run re-applies what was approved',
      {
        runAttempt: 2,
      },
    );
  });

  it('refuses the promote run of an older promotion once the default branch names another version', async () => {
    const newer = await promotionPull('1.1.0');
    await approve('carol', newer);
    await mergeAndCheckOut(newer);
    const ok = await promote(newer);
    expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
    expect(ok.outputs).toMatchObject({
      'stage-tag': `${MODEL}#production#2`,
      'previous-version': '1.0.0',
    });
    // The first promotion's run again (a new run, attempt 1), its checkout saying v1.0.0.
    await workspace.write(
      FILE,
      emulator.repo.readFile(emulator.repo.pulls.get(first)?.mergeCommitSha as string, FILE) ?? '',
    );
    await refused(first, `${FILE} on main names v1.1.0 now`);
  });
});

describe('registry state is verified, not trusted as found', () => {
  async function evaluate(): Promise<ActionRun> {
    await workspace.write('.mlops/train/model.onnx', models[3] as Buffer);
    runs += 1;
    return runAction({
      action: path.join(root, 'actions/evaluate'),
      cwd: workspace.dir,
      inputs: { 'github-token': emulator.token, comment: 'false' },
      github: {
        apiUrl: emulator.url,
        repository: emulator.repo.fullName,
        sha: emulator.repo.refs.get('refs/heads/main') as string,
        runId: runs,
      },
      timeoutMs: 60_000,
    });
  }

  it('ignores a forged production tag a writer pushed, warning about it by name', async () => {
    const target = emulator.repo.peel(
      emulator.repo.refs.get(`refs/tags/${MODEL}@v1.2.0`) as string,
    ) as string;
    // An annotated tag through the API with Mallory's token, its message imitating promote's.
    const { data: object } = await as('mallory').rest.git.createTag({
      owner: owner(),
      repo: repo(),
      tag: `${MODEL}#production#99`,
      message: `Assigning stage production to artifact ${MODEL} version v1.2.0\n\nversion: v1.2.0\napproved-by: carol\ntagged-by: github-actions[bot]`,
      object: target,
      type: 'commit',
    });
    await as('mallory').rest.git.createRef({
      owner: owner(),
      repo: repo(),
      ref: `refs/tags/${MODEL}#production#99`,
      sha: object.sha,
    });
    const run = await evaluate();
    expect(run.exitCode, errors(run)).toBe(0);
    expect(run.outputs['baseline-version']).toBe('v1.1.0');
    expect(warnings(run)).toContain(
      `Ignoring the stage tag ${MODEL}#production#99 in ${emulator.repo.fullName}: it was tagged by mallory`,
    );
  });

  it('refuses a release whose model and manifest were replaced together, in promote and evaluate', async () => {
    const release = [...emulator.repo.releases.values()].find(
      (r) => r.tagName === `${MODEL}@v1.1.0`,
    );
    const swapped = models[3] as Buffer;
    const manifest = Buffer.from(JSON.stringify(makeManifest(MODEL, '1.1.0', swapped)));
    for (const asset of emulator.repo.assets.values()) {
      if (asset.releaseId !== release?.id) continue;
      const data =
        asset.name === 'model.onnx' ? swapped : asset.name === 'manifest.json' ? manifest : null;
      if (data !== null)
        emulator.repo.assets.set(asset.id, { ...asset, data, digest: sha256(data) });
    }
    const expected = `the version tag ${MODEL}@v1.1.0 recorded ${sha256(models[1] as Buffer)} when it was published`;
    // evaluate's production baseline (v1.1.0) is not downloaded.
    const run = await evaluate();
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toContain(expected);

    // Promoting it again (a rollback to v1.1.0 after v1.2.0) is refused before anything is written.
    const to12 = await promotionPull('1.2.0');
    await approve('alice', to12);
    await mergeAndCheckOut(to12);
    expect((await promote(to12)).exitCode).toBe(0);
    const back = await promotionPull('1.1.0');
    await approve('carol', back);
    await mergeAndCheckOut(back);
    await refused(back, expected);
  });
});
