/**
 * The journey: a user's repository (examples/breast-cancer) with our starter workflows, driven
 * through the GitHub emulator by the events GitHub would send, each event offered to every
 * starter in workflows/ and interpreted from the parsed files (workflow-interpreter.ts), so the
 * test runs our bundled actions in exactly the order and with exactly the inputs the workflow
 * files declare:
 *
 *   1. a pull request changes the training (train the built-in baseline) → validate, train,
 *      evaluate → one sticky comment and one successful check run whose external_id is the
 *      model's digest;
 *   2. it is merged → publish → the release breast-cancer@v1.0.0 with verified digests and one
 *      promotion pull request;
 *   3. a collaborator with write access approves the promotion, it is merged → promote → the
 *      stage tag breast-cancer#production#1;
 *   4. the schedule fires on drifted data → check-drift → one drift issue and one dispatch of
 *      mlops-retrain.yml.
 *
 * Everything runs from a release tree (scripts/build-release-tree.mjs) built for package.json's
 * version, as a user's repository runs it from GitHub: the starters from its workflows/, the
 * reusable workflows from its .github/workflows/ and our actions from its actions/ and dist/,
 * every `uses:` of ours at that exact version, onnxruntime from the tree's dist/node_modules. The
 * repository's own workflows/ and dist/ are not read.
 *
 * Needs the bundles (`npm run build`).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Octokit } from 'octokit';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';
import { buildReleaseTree, type ReleaseTree } from '../release/build-tree.js';
import { repoRoot } from '../workflows/workflow-rules.js';
import {
  runStarterWorkflow,
  type WorkflowEvent,
  type WorkflowResult,
  type WorkflowSource,
} from './workflow-interpreter.js';

const MODEL = 'breast-cancer';
const CHECK = `mlops/evaluate (${MODEL})`;
const STARTERS = [
  'workflows/mlops-drift.yml',
  'workflows/mlops-promote.yml',
  'workflows/mlops-publish.yml',
  'workflows/mlops-pull-request.yml',
  'workflows/mlops-retrain.yml',
];
/**
 * The drifted data: the evaluation rows with the example's documented shift
 * (examples/breast-cancer/drift-shift.json: 10 columns × 1.3, each a shift the column's drift test
 * detects on 114 rows; the unshifted rows drift in no column). The profile has 31 columns (30
 * features and the target), so the share is 10/31 ≈ 0.32: at least the default moderate
 * threshold (0.25), below the severe one (0.5) → moderate: the issue is labelled `retrain` and
 * mlops-retrain.yml is dispatched.
 */
const SHIFT = JSON.parse(
  readFileSync(path.join(repoRoot, 'examples/breast-cancer/drift-shift.json'), 'utf8'),
) as { factor: number; columns: string[] };
const SHIFTED = SHIFT.columns;
const PROFILE_COLUMNS = 31;

let emulator: GitHubEmulator;
let workspace: Workspace;
let tree: ReleaseTree;
let source: WorkflowSource;
let bot: Octokit;
const sha256 = (data: Uint8Array) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const owner = () => emulator.repo.owner.login;
const repo = () => emulator.repo.name;

beforeAll(async () => {
  // The onnxruntime binaries of this machine only: the tree's default platforms are for runners.
  tree = await buildReleaseTree({ platforms: [`${process.platform}/${process.arch}`] });
  source = { root: tree.dir, ref: tree.version };
  emulator = await startGitHubEmulator();
  workspace = await createWorkspace({});
  // The user's repository: the example, on the default branch and in the checkout.
  const example = path.join(repoRoot, 'examples/breast-cancer');
  await workspace.copyInto(example, '.');
  const files: Record<string, Buffer> = {};
  for (const file of ['mlops.yml', 'schema.yml', 'train.py', 'data/train.csv', 'data/eval.csv']) {
    files[file] = await readFile(path.join(example, file));
  }
  emulator.repo.writeFiles('main', files, 'The breast-cancer model');
  // The user copied the starters; mlops-retrain.yml must exist to be dispatched.
  emulator.repo.addWorkflow('mlops-retrain.yml', 'mlops retrain');
  emulator.repo.addCollaborator('alice', 'write');
  emulator.state.addToken('token-alice', 'alice');
  bot = new Octokit({ auth: emulator.token, baseUrl: emulator.url, retry: { enabled: false } });
}, 120_000);

afterAll(async () => {
  await workspace?.cleanup();
  await emulator?.close();
  await tree?.cleanup();
});

/** Offers the event to every starter, as GitHub does; the results by file. */
async function dispatch(event: WorkflowEvent): Promise<Map<string, WorkflowResult>> {
  const results = new Map<string, WorkflowResult>();
  for (const file of STARTERS) {
    results.set(file, await runStarterWorkflow(file, event, { emulator, workspace, source }));
  }
  for (const result of results.values()) {
    await expectDeclaredInputs(result);
    // Our actions ran from the release tree, never from this repository.
    for (const step of result.ownSteps) {
      expect(step.actionFile.startsWith(`${tree.dir}${path.sep}`), step.actionFile).toBe(true);
    }
  }
  return results;
}

/** Which starters ran a job (any job not skipped). */
const ran = (results: Map<string, WorkflowResult>) =>
  [...results.values()]
    .filter((r) => [...r.jobs.values()].some((j) => j.result === 'success'))
    .map((r) => r.file);

/** Every input given to one of our actions is declared in its action.yml. */
async function expectDeclaredInputs(result: WorkflowResult): Promise<void> {
  for (const step of result.ownSteps) {
    const action = parseYaml(await readFile(step.actionFile, 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    expect(
      Object.keys(step.inputs).filter((name) => !(name in action.inputs)),
      step.actionFile,
    ).toEqual([]);
  }
}

/** A pull_request event with the pull request and repository as GitHub's API gives them. */
async function pullRequestEvent(number: number, action: string): Promise<WorkflowEvent> {
  const { data: pull } = await bot.rest.pulls.get({
    owner: owner(),
    repo: repo(),
    pull_number: number,
  });
  const { data: repository } = await bot.rest.repos.get({ owner: owner(), repo: repo() });
  return {
    name: 'pull_request',
    payload: {
      action,
      number,
      pull_request: pull,
      repository,
      sender: { login: emulator.repo.owner.login },
    },
    sha: action === 'closed' ? (pull.merge_commit_sha ?? pull.head.sha) : pull.head.sha,
    ref: `refs/pull/${number}/merge`,
    changedFiles: changedFiles(pull.base.sha, pull.head.sha),
  };
}

/** The files a pull request changes: its head's tree against the merge base. */
function changedFiles(base: string, head: string): string[] {
  const { repo: state } = emulator;
  const ancestor = state.mergeBase(base, head);
  const before =
    (ancestor !== undefined ? state.commits.get(ancestor)?.files : undefined) ?? new Map();
  const after = state.commits.get(head)?.files ?? new Map<string, Buffer>();
  return [...new Set([...before.keys(), ...after.keys()])].filter((file) => {
    const a = before.get(file);
    const b = after.get(file);
    return a === undefined || b === undefined || !a.equals(b);
  });
}

const ownStep = (result: WorkflowResult | undefined, action: string) => {
  const step = result?.ownSteps.find((s) => s.action === action);
  if (step === undefined) throw new Error(`${action} did not run`);
  return step;
};

let pullNumber = 0;
let modelDigest = '';
let promotionNumber = 0;

describe('journey: pull request → publish → promotion → drift', () => {
  it('1. a pull request changing the training gets one sticky comment and one check run', async () => {
    // The change: train the built-in baseline instead of the PyTorch script.
    const config = (await workspace.read('mlops.yml')).replace(
      'command: python3 train.py',
      'builtin: logistic-regression',
    );
    expect(config).toContain('builtin: logistic-regression');
    const head = emulator.repo.writeFiles(
      'baseline',
      { 'mlops.yml': config },
      'Train the baseline',
    );
    await workspace.write('mlops.yml', config);
    // Opened by a person with write access: a bot's pull request would wait for safe-to-train.
    const author = new Octokit({
      auth: 'token-alice',
      baseUrl: emulator.url,
      retry: { enabled: false },
    });
    const { data: pull } = await author.rest.pulls.create({
      owner: owner(),
      repo: repo(),
      title: 'Train the built-in baseline',
      head: 'baseline',
      base: 'main',
    });
    pullNumber = pull.number;

    const results = await dispatch(await pullRequestEvent(pullNumber, 'opened'));
    expect(ran(results)).toEqual(['workflows/mlops-pull-request.yml']);
    const pr = results.get('workflows/mlops-pull-request.yml');
    expect(Object.fromEntries([...(pr?.jobs ?? [])].map(([id, j]) => [id, j.result]))).toEqual({
      'mlops/validate': 'success',
      'mlops/authorize': 'skipped',
      'mlops/doctor': 'success',
      'mlops/train': 'success',
      'mlops/evaluate': 'success',
    });
    // Our steps, in order, with exactly the inputs mlops-pull-request.yml gives them.
    expect(pr?.ownSteps.map((s) => [s.action, s.inputs])).toEqual([
      ['validate-data', { config: 'mlops.yml' }],
      // The starter trains on ubuntu-latest: the settings are reported, none is required.
      ['doctor', { 'gpu-runner-labels': '"ubuntu-latest"', environment: 'gpu-training' }],
      [
        'train',
        { config: 'mlops.yml', command: '', builtin: '', gpus: '', 'upload-artifact': 'true' },
      ],
      [
        'evaluate',
        {
          config: 'mlops.yml',
          model: '.mlops/candidate/model.onnx',
          baseline: 'production',
          'check-name': '',
          'fail-on-gate': 'true',
        },
      ],
    ]);
    const train = ownStep(pr, 'train');
    expect(train.env).toEqual({ MLOPS_DATA_TOKEN: '' });
    modelDigest = train.run.outputs['model-digest'] ?? '';
    expect(modelDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pr?.jobs.get('mlops/train')?.outputs).toEqual({ 'model-digest': modelDigest });
    // The artifact evaluate downloaded is the one train wrote (the digest step in between).
    expect(sha256(await readFile(workspace.path('.mlops/candidate/model.onnx')))).toBe(modelDigest);
    expect(pr?.log.join('\n')).toContain('Verify the model\'s digest": simulated');

    const comments = [...emulator.repo.comments.values()].filter(
      (c) => c.issueNumber === pullNumber,
    );
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body.startsWith(`<!-- mlops-actions:evaluate:${MODEL} -->`)).toBe(true);
    expect(pr?.jobs.get('mlops/evaluate')?.outputs).toMatchObject({ passed: 'true' });
    const checks = [...emulator.repo.checkRuns.values()];
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({
      name: CHECK,
      headSha: head.sha,
      status: 'completed',
      conclusion: 'success',
      externalId: modelDigest,
    });
    expect(checks[0]?.detailsUrl).toContain(`/actions/runs/${pr?.runRecord?.id}`);
  }, 180_000);

  it('2. merging it publishes breast-cancer@v1.0.0 and opens one promotion pull request', async () => {
    emulator.repo.mergePull(pullNumber);
    const results = await dispatch(await pullRequestEvent(pullNumber, 'closed'));
    // mlops-promote.yml: this pull request changed no .mlops-stages/ file.
    expect(results.get('workflows/mlops-promote.yml')?.triggered).toBe(false);
    expect(ran(results)).toEqual(['workflows/mlops-publish.yml']);
    const publish = results.get('workflows/mlops-publish.yml');
    expect(publish?.ownSteps.map((s) => [s.action, s.inputs])).toEqual([
      [
        'publish-model',
        {
          config: 'mlops.yml',
          model: 'pr-artifact',
          version: 'auto',
          'open-promotion-pr': 'true',
          'check-name': '',
          // No MLOPS_TOKEN secret in this repository: `secrets.token || github.token`.
          'github-token': emulator.token,
        },
      ],
    ]);
    const outputs = publish?.jobs.get('publish/publish')?.outputs;
    expect(outputs).toMatchObject({
      version: '1.0.0',
      tag: `${MODEL}@v1.0.0`,
      digest: modelDigest,
    });

    const releases = [...emulator.repo.releases.values()];
    expect(releases.map((r) => [r.tagName, r.draft])).toEqual([[`${MODEL}@v1.0.0`, false]]);
    const assets = [...emulator.repo.assets.values()].filter(
      (a) => a.releaseId === releases[0]?.id,
    );
    expect(assets.map((a) => a.name).sort()).toEqual([
      'manifest.json',
      'metrics.json',
      'model-card.md',
      'model.onnx',
      'profile.json',
    ]);
    for (const asset of assets) expect(asset.digest, asset.name).toBe(sha256(asset.data));
    expect(assets.find((a) => a.name === 'model.onnx')?.digest).toBe(modelDigest);

    const promotions = [...emulator.repo.pulls.values()].filter((p) =>
      emulator.repo.issue(p.number)?.labels.includes('mlops:promotion'),
    );
    expect(promotions).toHaveLength(1);
    promotionNumber = promotions[0]?.number ?? 0;
    expect(emulator.repo.issue(promotionNumber)?.state).toBe('open');
    expect(outputs?.['promotion-pr']).toContain(`/pull/${promotionNumber}`);
  }, 180_000);

  it('3. an approved promotion pull request, merged, writes breast-cancer#production#1', async () => {
    const promotion = emulator.repo.pulls.get(promotionNumber);
    const alice = new Octokit({
      auth: 'token-alice',
      baseUrl: emulator.url,
      retry: { enabled: false },
    });
    await alice.rest.pulls.createReview({
      owner: owner(),
      repo: repo(),
      pull_number: promotionNumber,
      event: 'APPROVE',
      commit_id: promotion?.headSha as string,
    });
    emulator.repo.mergePull(promotionNumber);
    // The checkout of the merged state holds the promotion file.
    const stages = emulator.repo.readFile('main', `.mlops-stages/${MODEL}.yml`);
    expect(stages?.toString()).toContain('production: v1.0.0');
    await workspace.write(`.mlops-stages/${MODEL}.yml`, stages ?? '');

    const results = await dispatch(await pullRequestEvent(promotionNumber, 'closed'));
    // mlops-publish.yml runs on every merge, and skips its job for a promotion.
    expect(results.get('workflows/mlops-publish.yml')?.triggered).toBe(true);
    expect(results.get('workflows/mlops-publish.yml')?.jobs.get('publish')?.result).toBe('skipped');
    expect(ran(results)).toEqual(['workflows/mlops-promote.yml']);
    const promote = results.get('workflows/mlops-promote.yml');
    expect(promote?.ownSteps.map((s) => [s.action, s.inputs])).toEqual([
      [
        'promote-model',
        {
          config: 'mlops.yml',
          version: '',
          stage: 'production',
          'require-approval': 'true',
          // No MLOPS_APP_CLIENT_ID variable: no App token is minted, GITHUB_TOKEN writes the tag.
          'github-token': emulator.token,
        },
      ],
    ]);
    expect(promote?.jobs.get('promote/promote')?.outputs).toEqual({
      'stage-tag': `${MODEL}#production#1`,
      'previous-version': '',
    });
    const stageTags = [...emulator.repo.refs.keys()].filter((r) =>
      r.startsWith(`refs/tags/${MODEL}#`),
    );
    expect(stageTags).toEqual([`refs/tags/${MODEL}#production#1`]);
    const tag = emulator.repo.tagObjects.get(
      emulator.repo.refs.get(`refs/tags/${MODEL}#production#1`) as string,
    );
    expect(tag?.message).toContain(
      `Assigning stage production to artifact ${MODEL} version v1.0.0`,
    );
    expect(tag?.message).toContain('approved-by: alice');
    expect(tag?.message).toContain(`pull-request: ${promotionNumber}`);
  }, 180_000);

  it('4. the scheduled check on drifted data opens one drift issue and dispatches retraining', async () => {
    // The fresh data: the evaluation rows, SHIFTED columns × 1.3.
    const [header, ...rows] = (await workspace.read('data/eval.csv')).trim().split('\n');
    const columns = (header as string).split(',');
    const shifted = SHIFTED.map((name) => columns.indexOf(name));
    expect(shifted).not.toContain(-1);
    expect(columns).toHaveLength(PROFILE_COLUMNS);
    const drifted = rows.map((row) => {
      const values = row.split(',');
      for (const i of shifted) values[i] = String(Number(values[i]) * SHIFT.factor);
      return values.join(',');
    });
    await workspace.write('data/current/eval-shifted.csv', `${[header, ...drifted].join('\n')}\n`);
    const share = SHIFTED.length / PROFILE_COLUMNS;
    expect(share).toBeGreaterThanOrEqual(0.25);
    expect(share).toBeLessThan(0.5);

    const main = emulator.repo.refs.get('refs/heads/main') as string;
    const results = await dispatch({
      name: 'schedule',
      payload: { schedule: '17 6 * * *' },
      sha: main,
      ref: 'refs/heads/main',
    });
    expect(ran(results)).toEqual(['workflows/mlops-drift.yml']);
    const drift = results.get('workflows/mlops-drift.yml');
    expect(drift?.log.join('\n')).toContain('step "Fetch the fresh data": skipped');
    expect(drift?.ownSteps.map((s) => [s.action, s.inputs])).toEqual([
      [
        'check-drift',
        {
          config: 'mlops.yml',
          current: 'data/current/*.csv',
          reference: 'production',
          model: 'production',
          'open-issue': 'true',
          'retrain-workflow': 'mlops-retrain.yml',
          'fail-on': 'severe',
        },
      ],
    ]);
    const outputs = drift?.jobs.get('drift/drift')?.outputs ?? {};
    expect(outputs['severity']).toBe('moderate');
    expect(Number(outputs['share'])).toBeCloseTo(share, 2);
    // The number of drifted columns (actions/check-drift/action.yml, mlops-drift.yml).
    expect(outputs['drifted']).toBe(String(SHIFTED.length));

    const issues = [...emulator.repo.issues.values()].filter(
      (i) => !i.isPullRequest && i.labels.includes('mlops:drift'),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]?.state).toBe('open');
    expect(issues[0]?.labels).toContain('retrain');
    expect(issues[0]?.labels).not.toContain('needs-investigation');
    expect(outputs['issue-number']).toBe(String(issues[0]?.number));
    expect(emulator.repo.dispatches).toHaveLength(1);
    expect(emulator.repo.dispatches[0]).toMatchObject({
      workflowPath: '.github/workflows/mlops-retrain.yml',
      inputs: { model: MODEL },
    });
  }, 180_000);
});
