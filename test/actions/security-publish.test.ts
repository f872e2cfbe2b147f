/**
 * Issue 13, findings 1 and 12, performed as attacks through the bundled publish-model and
 * promote-model actions against the GitHub emulator. Each attack is refused with a message that
 * says why, and nothing is written: no release, no asset, no tag, no branch, no pull request, no
 * comment (the emulator's state is compared before and after).
 *
 * Finding 1: anyone who can push a branch can run a workflow with `checks: write` and create the
 * `mlops/evaluate (<model>)` check run on a pull request's head, pointing at their own run's
 * artifacts. Publish (model: pr-artifact) must accept only the evaluation of this pull request:
 * a check run of the github-actions app, whose run is a pull_request run of the pull request
 * workflow on this head, whose artifacts are that run's, whose model and report are the bytes
 * evaluate recorded.
 *
 * Finding 12: `pull_request: types: [closed]` also fires for a pull request closed without being
 * merged (GitHub's published example, octokit/webhooks
 * payload-examples/api.github.com/pull_request/closed.payload.json: `merged: false`,
 * `merged_at: null`, and a `merge_commit_sha` naming the test merge). Neither action may write on it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Octokit } from 'octokit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';
import { makeManifest } from '../github/registry-fixtures.js';
import {
  startGitHubEmulator,
  type GitHubEmulator,
  type WorkflowRecord,
  type WorkflowRunRecord,
} from '../support/github-emulator/index.js';
import { OpenApiConformance } from '../support/github-emulator/openapi-conformance.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const MODEL = 'breast-cancer';
const CHECK = `mlops/evaluate (${MODEL})`;

let emulator: GitHubEmulator;
let workspace: Workspace;
let bot: Octokit;
let prWorkflow: WorkflowRecord;
/** The model the pull request trained and reviewers saw, and the attacker's. */
let reviewed: Buffer;
let attackers: Buffer;

const sha256 = (data: Uint8Array) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const owner = () => emulator.repo.owner.login;
const repo = () => emulator.repo.name;

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  workspace = await createWorkspace({});
  await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
  const schema = parseDatasetSchema(
    await readFile(workspace.path('schema.yml'), 'utf8'),
    'schema.yml',
  );
  const matrix = await loadFeatureMatrix([workspace.path('data/train.csv')], schema);
  reviewed = Buffer.from(trainBaseline({ kind: 'logistic-regression', matrix, seed: 42 }).onnx);
  attackers = Buffer.from(trainBaseline({ kind: 'softmax-regression', matrix, seed: 7 }).onnx);
  bot = new Octokit({ auth: emulator.token, baseUrl: emulator.url, retry: { enabled: false } });
  emulator.repo.addCollaborator('alice', 'write');
  emulator.state.addToken('token-alice', 'alice');
  prWorkflow = emulator.repo.addWorkflow('mlops-pull-request.yml', 'mlops pull request');
});

afterAll(async () => {
  try {
    expect(emulator.crashes.map((e) => e.stack ?? e.message)).toEqual([]);
    // Every answer, the extended runs, check runs and artifacts included, as GitHub describes them.
    expect(OpenApiConformance.load().check(emulator.exchanges).problems).toEqual([]);
  } finally {
    await workspace.cleanup();
    await emulator.close();
  }
});

/** A report as evaluate writes it for `model` (accuracy as given), as bytes. */
function reportBytes(model: Buffer, accuracy = 0.9123): Buffer {
  return Buffer.from(
    `${JSON.stringify(
      {
        reportVersion: 1,
        model: MODEL,
        task: 'binary-classification',
        classes: ['malignant', 'benign'],
        rows: 114,
        data: [],
        candidate: {
          label: 'candidate',
          version: null,
          digest: sha256(model),
          path: '.mlops/train/model.onnx',
          metrics: { values: { accuracy } },
        },
        baseline: null,
        baselineNote: 'no production version yet',
        deltas: [],
        mcnemar: null,
        slices: [],
        gates: [],
        passed: true,
        bootstrap: { resamples: 1000, seed: 42, confidence: 0.95 },
        run: { url: null, commit: null, pullRequest: null },
        createdAt: '2026-11-25T00:00:00Z',
      },
      null,
      2,
    )}\n`,
  );
}

/** What train and evaluate leave in `run`: the model artifact and the report artifact. */
function uploadArtifacts(run: WorkflowRunRecord, model: Buffer, report: Buffer): void {
  emulator.repo.addArtifact(run, `model-${MODEL}`, {
    'model.onnx': model,
    'manifest.json': JSON.stringify(makeManifest(MODEL, null, model)),
  });
  emulator.repo.addArtifact(run, `evaluation-${MODEL}`, { 'evaluate-report.json': report });
}

/** The check run evaluate writes (through the workflow's token: the github-actions app). */
async function writeCheckRun(
  headSha: string,
  run: WorkflowRunRecord,
  model: Buffer,
  report: Buffer,
): Promise<void> {
  await bot.rest.checks.create({
    owner: owner(),
    repo: repo(),
    name: CHECK,
    head_sha: headSha,
    status: 'completed',
    conclusion: 'success',
    external_id: sha256(model),
    details_url: `https://github.com/${emulator.repo.fullName}/actions/runs/${run.id}`,
    output: {
      title: 'passed',
      summary: `<!-- mlops-actions:evaluation model=${sha256(model)} report=${sha256(report)} -->\nAll gates passed.`,
    },
  });
}

interface Pull {
  number: number;
  head: string;
  branch: string;
  run: WorkflowRunRecord;
  report: Buffer;
}

/** A pull request trained by its pull_request run; `evaluated`: evaluate wrote its check run. */
async function openPull(branch: string, options: { evaluated?: boolean } = {}): Promise<Pull> {
  const head = emulator.repo.writeFiles(branch, { 'train.py': `# ${branch}\n` }, 'Retrain');
  const { data: pull } = await bot.rest.pulls.create({
    owner: owner(),
    repo: repo(),
    title: `Retrain (${branch})`,
    head: branch,
    base: 'main',
  });
  const run = emulator.repo.addWorkflowRun(prWorkflow, {
    event: 'pull_request',
    headSha: head.sha,
    branch,
    referencedWorkflows: [
      {
        path: 'mlops-actions/mlops-actions/.github/workflows/mlops-pull-request.yml@v1',
        sha: 'c'.repeat(40),
        ref: 'refs/tags/v1',
      },
    ],
  });
  const report = reportBytes(reviewed);
  uploadArtifacts(run, reviewed, report);
  if (options.evaluated ?? true) await writeCheckRun(head.sha, run, reviewed, report);
  return { number: pull.number, head: head.sha, branch, run, report };
}

/** The `pull_request` `closed` event of a merged pull request, with the REST objects GitHub sends. */
async function closedEvent(number: number) {
  const { data: pull } = await bot.rest.pulls.get({
    owner: owner(),
    repo: repo(),
    pull_number: number,
  });
  const { data: repository } = await bot.rest.repos.get({ owner: owner(), repo: repo() });
  return {
    name: 'pull_request',
    payload: { action: 'closed', number, pull_request: pull, repository },
  };
}

function publish(
  event: { name: string; payload: object },
  inputs: Record<string, string> = {},
  github: { sha?: string; ref?: string } = {},
): Promise<ActionRun> {
  return runAction({
    action: path.join(root, 'actions/publish-model'),
    cwd: workspace.dir,
    inputs: { 'github-token': emulator.token, model: 'pr-artifact', ...inputs },
    event,
    github: {
      apiUrl: emulator.url,
      repository: emulator.repo.fullName,
      runId: 700,
      ...(github.sha !== undefined && { sha: github.sha }),
      ...(github.ref !== undefined && { ref: github.ref }),
    },
    timeoutMs: 60_000,
  });
}

/** Everything a publish or promote could write. */
function snapshot() {
  const r = emulator.repo;
  return {
    releases: [...r.releases.values()].map((x) => `${x.tagName} draft=${x.draft}`).sort(),
    assets: [...r.assets.values()].map((a) => `${a.releaseId}/${a.name}`).sort(),
    refs: [...r.refs.entries()].map(([ref, sha]) => `${ref}=${sha}`).sort(),
    pulls: [...r.pulls.keys()].sort(),
    comments: [...r.comments.values()].map((c) => `${c.id}:${c.body}`).sort(),
    tagObjects: r.tagObjects.size,
  };
}

const errors = (run: ActionRun) =>
  run.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n');

/** Runs `attack`, expects a failure whose message contains `expected`, and no write at all. */
async function refused(attack: () => Promise<ActionRun>, expected: string | RegExp) {
  const before = snapshot();
  const run = await attack();
  expect(run.exitCode, run.stdout).not.toBe(0);
  if (typeof expected === 'string') expect(errors(run)).toContain(expected);
  else expect(errors(run)).toMatch(expected);
  expect(errors(run)).not.toMatch(/\n\s+at /); // a message, not a stack trace
  expect(snapshot()).toEqual(before);
  return run;
}

describe('publish-model (model: pr-artifact) publishes only what this pull request evaluated', () => {
  it('publishes the evaluated candidate of a merged pull request (the control)', async () => {
    const pull = await openPull('control');
    emulator.repo.mergePull(pull.number);
    const run = await publish(await closedEvent(pull.number), { 'open-promotion-pr': 'false' });
    expect(run.exitCode, errors(run) || run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ version: '1.0.0', digest: sha256(reviewed) });
    expect(run.stdout).toContain(
      'calling mlops-actions/mlops-actions/.github/workflows/mlops-pull-request.yml@v1',
    );
  });

  it('refuses a check run written by another app', async () => {
    const pull = await openPull('forged-app', { evaluated: false });
    // An app the attacker installed, writing the check run name evaluate uses.
    const now = new Date().toISOString();
    const id = emulator.state.nextId();
    emulator.repo.checkRuns.set(id, {
      id,
      checkSuiteId: emulator.state.nextId(),
      name: CHECK,
      headSha: pull.head,
      status: 'completed',
      conclusion: 'success',
      externalId: sha256(attackers),
      detailsUrl: `https://github.com/${emulator.repo.fullName}/actions/runs/${pull.run.id}`,
      startedAt: now,
      completedAt: now,
      output: {
        title: 'passed',
        summary: `<!-- mlops-actions:evaluation model=${sha256(attackers)} report=${sha256(pull.report)} -->`,
        text: null,
      },
      annotations: [],
      app: { id: 990001, slug: 'evil-ci', name: 'Evil CI' },
    });
    emulator.repo.mergePull(pull.number);
    await refused(
      async () => publish(await closedEvent(pull.number)),
      `were written by the app "evil-ci", not by GitHub Actions (github-actions) running evaluate`,
    );
  });

  it.each(['push', 'workflow_dispatch'])(
    'refuses a check run whose run was started by %s, not by the pull request',
    async (event) => {
      const pull = await openPull(`from-${event}`, { evaluated: false });
      // The attacker's own workflow on a push (or a dispatch) of the same branch, with its
      // own model and made-up metrics, writing the check run through its GITHUB_TOKEN.
      const theirs = emulator.repo.addWorkflowRun(prWorkflow, {
        event,
        headSha: pull.head,
        branch: pull.branch,
      });
      const fake = reportBytes(attackers, 0.999);
      uploadArtifacts(theirs, attackers, fake);
      await writeCheckRun(pull.head, theirs, attackers, fake);
      emulator.repo.mergePull(pull.number);
      await refused(
        async () => publish(await closedEvent(pull.number)),
        `workflow run ${theirs.id}, named by its check run, was started by a "${event}" event, not by a pull_request`,
      );
    },
  );

  it('refuses a check run whose run is of another workflow file', async () => {
    const pull = await openPull('other-workflow', { evaluated: false });
    const other = emulator.repo.addWorkflow('looks-legit.yml', 'mlops pull request');
    const theirs = emulator.repo.addWorkflowRun(other, {
      event: 'pull_request',
      headSha: pull.head,
      branch: pull.branch,
    });
    const fake = reportBytes(attackers, 0.999);
    uploadArtifacts(theirs, attackers, fake);
    await writeCheckRun(pull.head, theirs, attackers, fake);
    emulator.repo.mergePull(pull.number);
    await refused(
      async () => publish(await closedEvent(pull.number)),
      `workflow run ${theirs.id}, named by its check run, is a run of .github/workflows/looks-legit.yml, not of .github/workflows/mlops-pull-request.yml`,
    );
  });

  it('refuses when two successful check runs disagree on the candidate', async () => {
    const pull = await openPull('disagree');
    const theirs = emulator.repo.addWorkflowRun(prWorkflow, {
      event: 'pull_request',
      headSha: pull.head,
      branch: pull.branch,
    });
    const fake = reportBytes(attackers, 0.999);
    uploadArtifacts(theirs, attackers, fake);
    await writeCheckRun(pull.head, theirs, attackers, fake);
    emulator.repo.mergePull(pull.number);
    await refused(
      async () => publish(await closedEvent(pull.number)),
      /successful "mlops\/evaluate \(breast-cancer\)" check runs on commit [0-9a-f]{7} \(the head of pull request #\d+\) disagree on the candidate \(check run \d+: "sha256:[0-9a-f]{64}"; check run \d+: "sha256:[0-9a-f]{64}"\)/,
    );
  });

  it("refuses a run for another head repository (a fork's branch of the same name)", async () => {
    const pull = await openPull('fork-head', { evaluated: false });
    const fork = emulator.state.addRepo('mallory', 'models');
    const theirs = emulator.repo.addWorkflowRun(prWorkflow, {
      event: 'pull_request',
      headSha: pull.head,
      branch: pull.branch,
      headRepositoryId: fork.id,
    });
    const fake = reportBytes(attackers, 0.999);
    uploadArtifacts(theirs, attackers, fake);
    await writeCheckRun(pull.head, theirs, attackers, fake);
    emulator.repo.mergePull(pull.number);
    await refused(
      async () => publish(await closedEvent(pull.number)),
      `workflow run ${theirs.id} ran for the repository mallory/models, not for the pull request's head repository`,
    );
  });

  it('refuses a run that belongs to another pull request from the same head, into another base', async () => {
    const pull = await openPull('same-head', { evaluated: false });
    // A second pull request from the same branch into a base whose workflow file the attacker
    // wrote: its pull_request run is of the same file name, on the same head.
    emulator.repo.writeFiles('evil-base', { 'evil.txt': 'x' }, 'Evil base');
    const { data: second } = await bot.rest.pulls.create({
      owner: owner(),
      repo: repo(),
      title: 'Same head, other base',
      head: pull.branch,
      base: 'evil-base',
    });
    const theirs = emulator.repo.addWorkflowRun(prWorkflow, {
      event: 'pull_request',
      headSha: pull.head,
      branch: pull.branch,
    });
    const fake = reportBytes(attackers, 0.999);
    uploadArtifacts(theirs, attackers, fake);
    await writeCheckRun(pull.head, theirs, attackers, fake);
    emulator.repo.mergePull(pull.number);
    await refused(
      async () => publish(await closedEvent(pull.number)),
      `workflow run ${theirs.id} belongs to pull request(s) #${second.number} into evil-base, not to #${pull.number} into main`,
    );
  });

  it("refuses an artifact whose own workflow_run is another run's", async () => {
    const pull = await openPull('swapped-artifact');
    const theirs = emulator.repo.addWorkflowRun(prWorkflow, {
      event: 'pull_request',
      headSha: pull.head,
      branch: pull.branch,
    });
    uploadArtifacts(theirs, attackers, reportBytes(attackers, 0.999));
    emulator.repo.mergePull(pull.number);
    // The listing for the evaluated run answers with the other run's artifact (as a confused
    // cache or proxy between the job and GitHub would): its own record says whose it is.
    const { data: listing } = await bot.rest.actions.listWorkflowRunArtifacts({
      owner: owner(),
      repo: repo(),
      run_id: theirs.id,
      name: `model-${MODEL}`,
    });
    emulator.faults.push({
      method: 'GET',
      path: new RegExp(`/actions/runs/${pull.run.id}/artifacts$`),
      status: 200,
      body: listing,
    });
    await refused(
      async () => publish(await closedEvent(pull.number)),
      `listed for run ${pull.run.id} was made by run ${theirs.id} on commit ${pull.head.slice(0, 7)}, not by run ${pull.run.id}`,
    );
    emulator.faults.clear();
  });

  it('refuses a report whose bytes changed after evaluate recorded them', async () => {
    const pull = await openPull('tampered-report');
    // The report artifact replaced with better-looking metrics for the same model.
    for (const artifact of [...emulator.repo.artifacts.values()]) {
      if (artifact.runId === pull.run.id && artifact.name === `evaluation-${MODEL}`) {
        emulator.repo.artifacts.delete(artifact.id);
      }
    }
    emulator.repo.addArtifact(pull.run, `evaluation-${MODEL}`, {
      'evaluate-report.json': reportBytes(reviewed, 0.999),
    });
    emulator.repo.mergePull(pull.number);
    await refused(
      async () => publish(await closedEvent(pull.number)),
      `has the sha256 evaluate recorded for its report (${sha256(pull.report)}): the report was changed after the evaluation`,
    );
  });

  it('refuses a model whose bytes are not the digest evaluate recorded', async () => {
    const pull = await openPull('tampered-model');
    for (const artifact of [...emulator.repo.artifacts.values()]) {
      if (artifact.runId === pull.run.id && artifact.name === `model-${MODEL}`) {
        emulator.repo.artifacts.delete(artifact.id);
      }
    }
    emulator.repo.addArtifact(pull.run, `model-${MODEL}`, {
      'model.onnx': attackers,
      'manifest.json': JSON.stringify(makeManifest(MODEL, null, attackers)),
    });
    emulator.repo.mergePull(pull.number);
    await refused(
      async () => publish(await closedEvent(pull.number)),
      `has digest ${sha256(attackers)}, but the evaluation recorded ${sha256(reviewed)}: it is not the model that was reviewed`,
    );
  });
});

describe('closed is not merged: neither action writes for an unmerged pull request', () => {
  /**
   * GitHub's `closed` event for a pull request closed without merging: the pull request as the
   * API returns it (the webhook's `pull_request` is that object), `merged: false`,
   * `merged_at: null`, and `merge_commit_sha` naming the test merge commit, as in the example.
   */
  async function closedUnmerged(number: number) {
    const pr = emulator.repo.pulls.get(number);
    if (pr === undefined) throw new Error(`no pull request #${number}`);
    const testMerge = emulator.repo.addCommit({
      message: `Merge ${pr.headSha} into ${pr.baseSha}`,
      parents: [pr.baseSha, pr.headSha],
    });
    await bot.rest.pulls.update({
      owner: owner(),
      repo: repo(),
      pull_number: number,
      state: 'closed',
    });
    const event = await closedEvent(number);
    const pullRequest = event.payload.pull_request as unknown as Record<string, unknown>;
    expect(pullRequest).toMatchObject({ state: 'closed', merged: false, merged_at: null });
    pullRequest.merge_commit_sha = testMerge.sha;
    return { event, testMerge: testMerge.sha };
  }

  it('publish-model given a model path refuses a pull request closed without merging', async () => {
    await workspace.write('.mlops/train/model.onnx', attackers);
    await workspace.write(
      '.mlops/train/manifest.json',
      JSON.stringify(makeManifest(MODEL, null, attackers)),
    );
    const pull = await openPull('rejected', { evaluated: false });
    const { event, testMerge } = await closedUnmerged(pull.number);
    await refused(
      () =>
        publish(
          event,
          { model: '.mlops/train/model.onnx', 'open-promotion-pr': 'true' },
          { sha: testMerge },
        ),
      `publish-model refuses to run on pull request #${pull.number}, which was closed without being merged`,
    );
    // With pr-artifact too.
    await refused(
      () => publish(event, {}, { sha: testMerge }),
      'which was closed without being merged',
    );
  });

  it('promote-model with an approving review refuses a pull request closed without merging', async () => {
    const pull = await openPull('rejected-promotion', { evaluated: false });
    await new Octokit({
      auth: 'token-alice',
      baseUrl: emulator.url,
      retry: { enabled: false },
    }).rest.pulls.createReview({
      owner: owner(),
      repo: repo(),
      pull_number: pull.number,
      event: 'APPROVE',
      commit_id: pull.head,
    });
    const { event } = await closedUnmerged(pull.number);
    await refused(
      () =>
        runAction({
          action: path.join(root, 'actions/promote-model'),
          cwd: workspace.dir,
          inputs: { 'github-token': emulator.token, version: 'v1.0.0' },
          event,
          github: { apiUrl: emulator.url, repository: emulator.repo.fullName, runId: 901 },
          timeoutMs: 60_000,
        }),
      `promote-model refuses to run on pull request #${pull.number}, which was closed without being merged`,
    );
  });

  it('refuses a dispatch on another branch, and publishes on a dispatch of the default branch', async () => {
    await workspace.write('.mlops/train/model.onnx', reviewed);
    await workspace.write(
      '.mlops/train/manifest.json',
      JSON.stringify(makeManifest(MODEL, null, reviewed)),
    );
    const branchSha = emulator.repo.writeFiles('side', { 'x.txt': 'x' }, 'Side').sha;
    const dispatch = { name: 'workflow_dispatch', payload: {} };
    const inputs = { model: '.mlops/train/model.onnx', 'open-promotion-pr': 'false' };
    await refused(
      () => publish(dispatch, inputs, { sha: branchSha, ref: 'refs/heads/side' }),
      'publish-model refuses to run on a workflow_dispatch on refs/heads/side',
    );
    const main = emulator.repo.refs.get('refs/heads/main') as string;
    const ok = await publish(dispatch, inputs, { sha: main, ref: 'refs/heads/main' });
    expect(ok.exitCode, errors(ok)).toBe(0);
    expect(ok.outputs.digest).toBe(sha256(reviewed));
  });
});
