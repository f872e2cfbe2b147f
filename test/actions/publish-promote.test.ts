/**
 * The bundled publish-model and promote-model actions against the GitHub emulator, run as a
 * runner runs them on the events the workflows use (a merged pull request):
 * - publishing the candidate the pull request's evaluation ran on creates a release whose every
 *   asset's digest matches its file, and a promotion pull request; a re-run creates nothing; an
 *   upload failure midway leaves no published release (and a re-run completes it); two concurrent
 *   publishes of one commit end with one version;
 * - promotion is refused without a valid approval (none, the author's, a read-only user's, an
 *   older commit's, changes requested after it) and for a tampered asset, accepted for a valid one,
 *   after which evaluate's production baseline is that version; a rollback gives #production#2.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Octokit } from 'octokit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import { createPromotionRequests } from '../../src/adapters/github/promotion-pull-request.js';
import { createSilentLogger } from '../../src/core/logger.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';
import { makeManifest } from '../github/registry-fixtures.js';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { expectMermaidParses } from '../support/mermaid-parse.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const MODEL = 'breast-cancer';
const CHECK = `mlops/evaluate (${MODEL})`;

let emulator: GitHubEmulator;
let workspace: Workspace;
let bot: Octokit;
const models: Buffer[] = [];

const sha256 = (data: Uint8Array) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

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
    models.push(
      Buffer.from(
        trainBaseline({
          kind: seed === 42 ? 'logistic-regression' : 'softmax-regression',
          matrix,
          seed,
        }).onnx,
      ),
    );
  }
  bot = new Octokit({ auth: emulator.token, baseUrl: emulator.url, retry: { enabled: false } });
  emulator.repo.addCollaborator('alice', 'write');
  emulator.repo.addCollaborator('bob', 'read');
  emulator.repo.addCollaborator('carol', 'maintain');
  for (const login of ['alice', 'bob', 'carol']) emulator.state.addToken(`token-${login}`, login);
});

afterAll(async () => {
  await workspace.cleanup();
  await emulator.close();
});

const as = (login: string) =>
  new Octokit({ auth: `token-${login}`, baseUrl: emulator.url, retry: { enabled: false } });
const owner = () => emulator.repo.owner.login;
const repo = () => emulator.repo.name;

/** A report as evaluate writes it, for `model`: accuracy 0.9123 on 114 records, no baseline. */
function evaluationReport(model: Buffer) {
  return {
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
      metrics: { values: { accuracy: 0.9123 } },
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
  };
}

/** A pull request that changed the model, evaluated (check run + train's artifact), merged. */
async function mergedEvaluatedPull(model: Buffer, branch: string) {
  const head = emulator.repo.writeFiles(branch, { 'train.py': `# ${branch}\n` }, 'Retrain');
  const { data: pull } = await bot.rest.pulls.create({
    owner: owner(),
    repo: repo(),
    title: `Retrain (${branch})`,
    head: branch,
    base: 'main',
  });
  const workflow = emulator.repo.addWorkflow('mlops-pull-request.yml', 'mlops pull request');
  const run = emulator.repo.addWorkflowRun(workflow, {
    event: 'pull_request',
    headSha: head.sha,
    branch,
  });
  const manifest = makeManifest(MODEL, null, model);
  emulator.repo.addArtifact(run, `model-${MODEL}`, {
    'model.onnx': model,
    'manifest.json': JSON.stringify(manifest),
  });
  // evaluate's report of these bytes, uploaded by the evaluate job of the same run.
  const report = JSON.stringify(evaluationReport(model));
  emulator.repo.addArtifact(run, `evaluation-${MODEL}`, { 'evaluate-report.json': report });
  await bot.rest.checks.create({
    owner: owner(),
    repo: repo(),
    name: CHECK,
    head_sha: head.sha,
    status: 'completed',
    conclusion: 'success',
    external_id: sha256(model),
    details_url: `https://github.com/${emulator.repo.fullName}/actions/runs/${run.id}`,
    // evaluate's record of the candidate and of the report it uploaded, which publish verifies.
    output: {
      title: 'passed',
      summary: `<!-- mlops-actions:evaluation model=${sha256(model)} report=${sha256(Buffer.from(report))} -->\nok`,
    },
  });
  const merged = emulator.repo.mergePull(pull.number);
  return { number: pull.number, head: head.sha, merge: merged.mergeCommitSha as string };
}

function closedEvent(pull: { number: number; head: string; merge: string }) {
  return {
    name: 'pull_request',
    payload: {
      action: 'closed',
      number: pull.number,
      pull_request: {
        number: pull.number,
        merged: true,
        merge_commit_sha: pull.merge,
        head: { sha: pull.head },
      },
    },
  };
}

function publish(
  pull: { number: number; head: string; merge: string },
  inputs: Record<string, string> = {},
): Promise<ActionRun> {
  return runAction({
    action: path.join(root, 'actions/publish-model'),
    cwd: workspace.dir,
    inputs: { 'github-token': emulator.token, model: 'pr-artifact', ...inputs },
    event: closedEvent(pull),
    github: {
      apiUrl: emulator.url,
      repository: emulator.repo.fullName,
      sha: pull.merge,
      runId: 500 + pull.number,
    },
    timeoutMs: 60_000,
  });
}

function promote(pullNumber: number, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    action: path.join(root, 'actions/promote-model'),
    cwd: workspace.dir,
    inputs: { 'github-token': emulator.token, ...inputs },
    event: {
      name: 'pull_request',
      payload: {
        action: 'closed',
        number: pullNumber,
        pull_request: { number: pullNumber, merged: true },
      },
    },
    github: { apiUrl: emulator.url, repository: emulator.repo.fullName, runId: 900 },
    timeoutMs: 60_000,
  });
}

const errors = (run: ActionRun) =>
  run.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n');
const releases = () =>
  [...emulator.repo.releases.values()].filter((r) => r.tagName.startsWith(`${MODEL}@`));
const assetsOf = (id: number) =>
  [...emulator.repo.assets.values()].filter((a) => a.releaseId === id);
const stageTags = () =>
  [...emulator.repo.refs.keys()].filter((ref) => ref.startsWith(`refs/tags/${MODEL}#`)).sort();

let first: { number: number; head: string; merge: string };
let promotionPull: number;

/** The comments publish-model left on a merged pull request. */
const publishComments = (pull: number) =>
  [...emulator.repo.comments.values()].filter(
    (c) => c.issueNumber === pull && c.body.includes(`mlops-actions:publish:${MODEL}`),
  );

describe('publish-model', () => {
  it('publishes the evaluated candidate from the pull request artifact, every digest verified', async () => {
    first = await mergedEvaluatedPull(models[0] as Buffer, 'retrain-1');
    const run = await publish(first);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({
      version: '1.0.0',
      tag: `${MODEL}@v1.0.0`,
      digest: sha256(models[0] as Buffer),
    });
    const [release] = releases();
    expect(releases()).toHaveLength(1);
    expect(release?.draft).toBe(false);
    const assets = assetsOf(release?.id ?? 0);
    expect(assets.map((a) => a.name).sort()).toEqual([
      'manifest.json',
      'metrics.json',
      'model-card.md',
      'model.onnx',
      'profile.json',
    ]);
    for (const asset of assets) expect(asset.digest, asset.name).toBe(sha256(asset.data));
    expect(assets.find((a) => a.name === 'model.onnx')?.digest).toBe(sha256(models[0] as Buffer));
    // The manifest records the version and the digest of every other asset.
    const manifest = JSON.parse(
      assets.find((a) => a.name === 'manifest.json')?.data.toString() ?? '{}',
    ) as {
      model: { version: string };
      publication: {
        commit: string;
        assets: { path: string; digest: string }[];
        evaluation: unknown;
      };
    };
    expect(manifest.model.version).toBe('1.0.0');
    expect(manifest.publication.commit).toBe(first.merge);
    for (const listed of manifest.publication.assets) {
      expect(listed.digest).toBe(assets.find((a) => a.name === listed.path)?.digest);
    }
    // GTO's annotated version tag on the merge commit.
    const ref = emulator.repo.refs.get(`refs/tags/${MODEL}@v1.0.0`) as string;
    const tag = emulator.repo.tagObjects.get(ref);
    expect(tag?.objectSha).toBe(first.merge);
    // GTO's title, then the digest every download checks and who wrote the tag.
    expect(tag?.message).toBe(
      `Registering artifact ${MODEL} version v1.0.0\n\nmodel-digest: ${sha256(models[0] as Buffer)}\ntagged-by: github-actions[bot]`,
    );
    // The profile is the training data's: 455 records.
    const profile = JSON.parse(
      assets.find((a) => a.name === 'profile.json')?.data.toString() ?? '{}',
    ) as { rows: number };
    expect(profile.rows).toBe(455);
    // One promotion pull request, labelled, changing the promotion file.
    const promotions = [...emulator.repo.pulls.values()].filter(
      (p) => p.headRef === `mlops/promote/${MODEL}`,
    );
    expect(promotions).toHaveLength(1);
    promotionPull = promotions[0]?.number ?? 0;
    expect(emulator.repo.issue(promotionPull)?.title).toBe(`Promote ${MODEL} v1.0.0 to production`);
    expect(emulator.repo.issue(promotionPull)?.labels).toContain('mlops:promotion');
    expect(
      emulator.repo.readFile(`mlops/promote/${MODEL}`, `.mlops-stages/${MODEL}.yml`)?.toString(),
    ).toContain('production: v1.0.0');
    expect(run.outputs['promotion-pr']).toContain(`/pull/${promotionPull}`);
    // The evaluation of the pull request, found in its run's artifact, in the promotion pull
    // request, the model card and the manifest.
    expect(emulator.repo.issue(promotionPull)?.body).toContain('## Evaluation');
    expect(emulator.repo.issue(promotionPull)?.body).toContain('0.9123');
    expect(assets.find((a) => a.name === 'model-card.md')?.data.toString()).toContain(
      '| accuracy | 0.9123 |',
    );
    expect(manifest.publication.evaluation).toEqual({
      baselineVersion: null,
      passed: true,
      metrics: { accuracy: 0.9123 },
    });
    // The merged pull request learns what its model became: one comment, found by its marker.
    const comments = publishComments(first.number);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body.startsWith(`<!-- mlops-actions:publish:${MODEL} -->\n`)).toBe(true);
    expect(body).toContain(`### 📦 Published \`${MODEL}@v1.0.0\``);
    expect(body).toContain(run.outputs['release-url'] ?? 'no release url');
    expect(body).toContain(`pull request #${promotionPull}`);
    expect(body).toContain(run.outputs['promotion-pr'] ?? 'no promotion url');
    expect(body).toContain(sha256(models[0] as Buffer));
  });

  it('changes nothing when run again for the same commit', async () => {
    const before = {
      releases: releases().length,
      assets: emulator.repo.assets.size,
      pulls: emulator.repo.pulls.size,
      refs: emulator.repo.refs.size,
    };
    const run = await publish(first);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.version).toBe('1.0.0');
    // The re-run updates the same comment rather than adding one.
    const comments = publishComments(first.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('a re-run found it already published');
    expect({
      releases: releases().length,
      assets: emulator.repo.assets.size,
      pulls: emulator.repo.pulls.size,
      refs: emulator.repo.refs.size,
    }).toEqual(before);
  });

  it('leaves no published release when an upload fails midway, and a re-run completes it', async () => {
    const pull = await mergedEvaluatedPull(models[1] as Buffer, 'retrain-2');
    // Two uploads go through, then the third fails for good (502s the retry plugin gives up on).
    emulator.faults.push({
      method: 'POST',
      path: /\/releases\/\d+\/assets$/,
      status: 502,
      after: 2,
      times: 4,
    });
    const failed = await publish(pull);
    expect(failed.exitCode).not.toBe(0);
    expect(errors(failed)).toContain('502');
    const v11 = releases().filter((r) => r.tagName === `${MODEL}@v1.1.0`);
    expect(v11).toHaveLength(1);
    expect(v11[0]?.draft).toBe(true);
    expect(assetsOf(v11[0]?.id ?? 0)).toHaveLength(2);
    emulator.faults.clear();
    const again = await publish(pull);
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(again.outputs.version).toBe('1.1.0');
    const after = releases().filter((r) => r.tagName === `${MODEL}@v1.1.0`);
    expect(after).toHaveLength(1);
    expect(after[0]?.draft).toBe(false);
    expect(assetsOf(after[0]?.id ?? 0)).toHaveLength(5);
    // The promotion pull request is the same one, now proposing v1.1.0.
    expect(emulator.repo.issue(promotionPull)?.title).toBe(`Promote ${MODEL} v1.1.0 to production`);
    // The release notes chart the earlier version's recorded metrics (its verified metrics.json).
    expect(after[0]?.body).toContain('### History');
    expect(after[0]?.body).toContain('x-axis "version" ["v1.0.0", "v1.1.0"]');
    expect(after[0]?.body).toMatch(/\| v1\.0\.0 \|[^\n]*0\.9123 \|/);
    await expectMermaidParses(after[0]?.body ?? '');
    expect(publishComments(pull.number)).toHaveLength(1);
  }, 120_000);

  it('ends with one version when two runs publish the same commit at once', async () => {
    const pull = await mergedEvaluatedPull(models[2] as Buffer, 'retrain-3');
    const [a, b] = await Promise.all([
      publish(pull, { 'open-promotion-pr': 'false' }),
      publish(pull, { 'open-promotion-pr': 'false' }),
    ]);
    expect(a.exitCode, errors(a)).toBe(0);
    expect(b.exitCode, errors(b)).toBe(0);
    expect(a.outputs.version).toBe('1.2.0');
    expect(b.outputs.version).toBe('1.2.0');
    const mine = releases().filter((r) => r.body?.includes(`commit=${pull.merge}`));
    expect(mine).toHaveLength(1);
    expect(mine[0]?.draft).toBe(false);
    expect(releases().filter((r) => r.tagName === `${MODEL}@v1.3.0`)).toHaveLength(0);
  });
});

describe('promote-model', () => {
  beforeAll(async () => {
    // The checkout of the merged promotion pull request holds the promotion file.
    await workspace.write(
      `.mlops-stages/${MODEL}.yml`,
      emulator.repo.readFile(`mlops/promote/${MODEL}`, `.mlops-stages/${MODEL}.yml`) ?? '',
    );
  });
  const head = () => emulator.repo.pulls.get(promotionPull)?.headSha as string;
  const review = (login: string, event: 'APPROVE' | 'REQUEST_CHANGES', commitId = head()) =>
    as(login).rest.pulls.createReview({
      owner: owner(),
      repo: repo(),
      pull_number: promotionPull,
      event,
      commit_id: commitId,
      ...(event === 'REQUEST_CHANGES' && {
        body: 'Not yet: the recall on the malignant class dropped.',
      }),
    });
  const refused = async (expected: string) => {
    const tags = stageTags();
    const run = await promote(promotionPull);
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toContain(expected);
    expect(stageTags()).toEqual(tags);
  };

  it('refuses without any review', async () => {
    emulator.repo.reviews.clear();
    await refused('has no approving review');
  });

  it("refuses the author's own approval", async () => {
    emulator.repo.reviews.clear();
    // GitHub itself refuses this review; seeded directly to show the check does not rely on that.
    emulator.repo.reviews.set(1, {
      id: 1,
      pullNumber: promotionPull,
      user: emulator.repo.issue(promotionPull)?.user ?? '',
      body: '',
      state: 'APPROVED',
      commitId: head(),
      submittedAt: null,
    });
    await refused('approved their own pull request');
  });

  it('refuses an approval by a read-only user', async () => {
    emulator.repo.reviews.clear();
    await review('bob', 'APPROVE');
    await refused('@bob approved, but has read permission');
  });

  it('refuses an approval of an older commit', async () => {
    emulator.repo.reviews.clear();
    const older = emulator.repo.pulls.get(promotionPull)?.baseSha as string;
    await review('alice', 'APPROVE', older);
    await refused(`@alice approved commit ${older.slice(0, 7)}, not the head commit`);
  });

  it('refuses when changes were requested after the approval', async () => {
    emulator.repo.reviews.clear();
    await review('alice', 'APPROVE');
    await review('carol', 'REQUEST_CHANGES');
    await refused('@carol requested changes');
  });

  it('refuses a release whose asset was changed after publication', async () => {
    emulator.repo.reviews.clear();
    await review('alice', 'APPROVE');
    // Merged: the default branch's promotion file names v1.1.0, as promote requires.
    emulator.repo.mergePull(promotionPull);
    const release = releases().find((r) => r.tagName === `${MODEL}@v1.1.0`);
    const asset = assetsOf(release?.id ?? 0).find((a) => a.name === 'model.onnx');
    if (asset === undefined) throw new Error('no model asset');
    const tampered = Buffer.from(models[3] as Buffer);
    emulator.repo.assets.set(asset.id, { ...asset, data: tampered, digest: sha256(tampered) });
    const tags = stageTags();
    const run = await promote(promotionPull);
    emulator.repo.assets.set(asset.id, asset);
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toContain('refusing to promote breast-cancer v1.1.0');
    expect(stageTags()).toEqual(tags);
  });

  it('promotes with a valid approval; evaluate then compares with that version', async () => {
    const run = await promote(promotionPull);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({
      'stage-tag': `${MODEL}#production#1`,
      'previous-version': '',
    });
    const ref = emulator.repo.refs.get(`refs/tags/${MODEL}#production#1`) as string;
    const tag = emulator.repo.tagObjects.get(ref);
    expect(tag?.message).toContain(
      `Assigning stage production to artifact ${MODEL} version v1.1.0`,
    );
    expect(tag?.message).toContain('approved-by: alice');
    expect(tag?.message).toContain(`pull-request: ${promotionPull}`);
    expect(tag?.objectSha).toBe(
      emulator.repo.tagObjects.get(emulator.repo.refs.get(`refs/tags/${MODEL}@v1.1.0`) as string)
        ?.objectSha,
    );
    const notes = releases().find((r) => r.tagName === `${MODEL}@v1.1.0`)?.body ?? '';
    expect(notes).toContain('promoted to **production**');

    // evaluate's production baseline resolves to v1.1.0.
    await workspace.write('.mlops/train/model.onnx', models[0] as Buffer);
    const evaluate = await runAction({
      action: path.join(root, 'actions/evaluate'),
      cwd: workspace.dir,
      inputs: { 'github-token': emulator.token, comment: 'false' },
      github: {
        apiUrl: emulator.url,
        repository: emulator.repo.fullName,
        sha: first.merge,
        runId: 901,
      },
      timeoutMs: 60_000,
    });
    expect(evaluate.exitCode, errors(evaluate)).toBe(0);
    expect(evaluate.outputs['baseline-version']).toBe('v1.1.0');
  });

  it('rolls back through the same flow: #production#2 names the older version', async () => {
    // A promotion pull request for v1.0.0, as `mlops promote` opens it, approved and merged.
    const rollback = await createPromotionRequests({
      octokit: bot,
      owner: owner(),
      repo: repo(),
      logger: createSilentLogger(),
    }).open({
      model: MODEL,
      version: '1.0.0',
      stage: 'production',
      releaseUrl: '',
      current: null,
      report: null,
    });
    await as('alice').rest.pulls.createReview({
      owner: owner(),
      repo: repo(),
      pull_number: rollback.number,
      event: 'APPROVE',
      commit_id: emulator.repo.pulls.get(rollback.number)?.headSha as string,
    });
    const merged = emulator.repo.mergePull(rollback.number);
    await workspace.write(
      `.mlops-stages/${MODEL}.yml`,
      emulator.repo.readFile(merged.mergeCommitSha as string, `.mlops-stages/${MODEL}.yml`) ?? '',
    );
    const run = await promote(rollback.number);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({
      'stage-tag': `${MODEL}#production#2`,
      'previous-version': '1.1.0',
    });
    const tag = emulator.repo.tagObjects.get(
      emulator.repo.refs.get(`refs/tags/${MODEL}#production#2`) as string,
    );
    expect(tag?.message).toContain('version: v1.0.0');
    expect(tag?.objectSha).toBe(first.merge);
    expect(releases().find((r) => r.tagName === `${MODEL}@v1.1.0`)?.body ?? '').toContain(
      'replaced in **production** by v1.0.0',
    );
  });
});
