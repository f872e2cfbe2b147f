/**
 * The bundled actions, run as a runner runs them against the GitHub emulator (issue 14):
 * - a failure leaves the previous state: train (a failing command), publish-model (a missing
 *   model), check-drift (a model input that does not exist is an error, not a skipped check);
 * - publish-model and promote-model refuse a model whose evaluation failed its gates, unless the
 *   input allow-failed-gates is true; the model card and the release notes then say so first;
 * - publishing the same bytes again after an unrelated commit returns their version and creates
 *   no release, tag or asset.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { snapshotFiles } from '../support/snapshot-files.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const MODEL = 'breast-cancer';

let emulator: GitHubEmulator;
let workspace: Workspace;
let modelDigest: string;

const sha256 = (data: Uint8Array) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const errors = (run: ActionRun) =>
  run.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n');
const mainHead = () => emulator.repo.refs.get('refs/heads/main') as string;
const releases = () => [...emulator.repo.releases.values()];
const tagRefs = () => [...emulator.repo.refs.keys()].filter((ref) => ref.startsWith('refs/tags/'));
const firstLine = (text: string | null) => (text ?? '').split('\n')[0];

/** The action on a workflow_dispatch of the default branch at its head commit. */
function onMain(action: string, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    action: path.join(root, 'actions', action),
    cwd: workspace.dir,
    inputs: { 'github-token': emulator.token, ...inputs },
    github: {
      apiUrl: emulator.url,
      repository: emulator.repo.fullName,
      ref: 'refs/heads/main',
      sha: mainHead(),
      runId: 4242,
    },
    timeoutMs: 90_000,
  });
}

/** evaluate's report of the trained model, its one gate failed. */
function failedReport(digest: string) {
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
      digest,
      path: '.mlops/train/model.onnx',
      metrics: { values: { accuracy: 0.9123 } },
    },
    baseline: null,
    baselineNote: 'no production version yet',
    deltas: [],
    mcnemar: null,
    slices: [],
    gates: [{ metric: 'accuracy', rule: '≥ 0.99', status: 'failed', detail: '0.9123 < 0.99' }],
    passed: false,
    bootstrap: { resamples: 1000, seed: 42, confidence: 0.95 },
    run: { url: null, commit: null, pullRequest: null },
    createdAt: '2026-12-06T00:00:00Z',
  };
}

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  workspace = await createWorkspace({});
  await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
  const trained = await runAction({
    action: path.join(root, 'actions/train'),
    cwd: workspace.dir,
    inputs: { builtin: 'logistic-regression', gpus: 'none' },
    github: { repository: emulator.repo.fullName, sha: mainHead(), runId: 7 },
    timeoutMs: 90_000,
  });
  expect(trained.exitCode, trained.stdout).toBe(0);
  modelDigest = sha256(await readFile(workspace.path('.mlops/train/model.onnx')));
  await workspace.write(
    '.mlops/evaluate-report.json',
    JSON.stringify(failedReport(modelDigest), null, 2),
  );
}, 120_000);

afterAll(async () => {
  await workspace.cleanup();
  await emulator.close();
});

describe('a failure leaves the previous state', { timeout: 120_000 }, () => {
  it('train: a failing command leaves the previous model, metrics and manifest', async () => {
    const before = await snapshotFiles(workspace.dir);
    const run = await runAction({
      action: path.join(root, 'actions/train'),
      cwd: workspace.dir,
      inputs: {
        command:
          'printf partial > "$MLOPS_MODEL_PATH"; printf \'{"accuracy": 1}\' > "$MLOPS_OUTPUT_DIR/metrics.json"; exit 4',
        gpus: 'none',
      },
      github: { repository: emulator.repo.fullName, sha: mainHead(), runId: 8 },
      timeoutMs: 90_000,
    });
    expect(run.conclusion).toBe('failure');
    expect(errors(run)).toContain('training command failed with exit code 4');
    expect(await snapshotFiles(workspace.dir)).toEqual(before);
  });

  it('publish-model: a missing model fails before anything is written', async () => {
    const before = await snapshotFiles(workspace.dir);
    const run = await onMain('publish-model', { model: 'missing.onnx' });
    expect(run.conclusion).toBe('failure');
    expect(errors(run)).toContain('there is no model here');
    expect(errors(run)).not.toContain('ENOENT');
    expect(releases()).toEqual([]);
    expect(tagRefs()).toEqual([]);
    expect(await snapshotFiles(workspace.dir)).toEqual(before);
  });

  it('check-drift: a model input that does not exist is an error, not a skipped check', async () => {
    const before = await snapshotFiles(workspace.dir);
    const run = await onMain('check-drift', {
      model: 'missing.onnx',
      reference: 'data/train.csv',
      current: 'data/eval.csv',
      'open-issue': 'false',
      'fail-on': 'never',
    });
    expect(run.conclusion).toBe('failure');
    expect(errors(run)).toContain('there is no model at "missing.onnx"');
    expect(run.stdout).not.toContain('Prediction drift was skipped');
    expect(await snapshotFiles(workspace.dir)).toEqual(before);
  });
});

describe('a model that failed its gates', { timeout: 120_000 }, () => {
  it('publish-model refuses it: no release, no tag', async () => {
    const run = await onMain('publish-model', {
      report: '.mlops/evaluate-report.json',
      'open-promotion-pr': 'false',
    });
    expect(run.conclusion).toBe('failure');
    expect(errors(run)).toContain(
      'refusing to publish breast-cancer: its evaluation failed its gates (accuracy ≥ 0.99: 0.9123 < 0.99)',
    );
    expect(errors(run)).toContain('the input allow-failed-gates: true');
    expect(releases()).toEqual([]);
    expect(tagRefs()).toEqual([]);
  });

  it('allow-failed-gates publishes it; the release notes and model card say so first', async () => {
    const run = await onMain('publish-model', {
      report: '.mlops/evaluate-report.json',
      'open-promotion-pr': 'false',
      'allow-failed-gates': 'true',
    });
    expect(run.conclusion, errors(run)).toBe('success');
    expect(run.outputs.version).toBe('1.0.0');
    expect(run.outputs.digest).toBe(modelDigest);
    const [release] = releases();
    const warning =
      '> ⚠️ **This version FAILED its evaluation gates** and was published anyway (allow-failed-gates): accuracy ≥ 0.99: 0.9123 &lt; 0.99.';
    expect(release?.draft).toBe(false);
    expect(firstLine(release?.body ?? null)).toBe(warning);
    const card = [...emulator.repo.assets.values()].find(
      (a) => a.releaseId === release?.id && a.name === 'model-card.md',
    );
    expect(firstLine(card?.data.toString('utf8') ?? null)).toBe(warning);
  });

  it('the same bytes after an unrelated commit: the same version, nothing created', async () => {
    emulator.repo.writeFiles('main', { 'docs/notes.md': 'Unrelated.\n' }, 'Docs');
    const before = {
      releases: releases().map((r) => ({ ...r })),
      tags: tagRefs(),
      assets: emulator.repo.assets.size,
    };
    const run = await onMain('publish-model', {
      report: '.mlops/evaluate-report.json',
      'open-promotion-pr': 'false',
      'allow-failed-gates': 'true',
    });
    expect(run.conclusion, errors(run)).toBe('success');
    expect(run.outputs.version).toBe('1.0.0');
    expect(run.outputs.tag).toBe('breast-cancer@v1.0.0');
    expect(run.summary).toContain('Already published');
    expect(releases()).toEqual(before.releases);
    expect(tagRefs()).toEqual(before.tags);
    expect(emulator.repo.assets.size).toBe(before.assets);
  });

  it('promote-model refuses it unless allow-failed-gates is true', async () => {
    emulator.repo.writeFiles(
      'main',
      { [`.mlops-stages/${MODEL}.yml`]: `model: ${MODEL}\nproduction: v1.0.0\n` },
      'Promote v1.0.0',
    );
    const inputs = { version: '1.0.0', 'require-approval': 'false' };
    const refused = await onMain('promote-model', inputs);
    expect(refused.conclusion).toBe('failure');
    expect(errors(refused)).toContain(
      'refusing to promote breast-cancer v1.0.0 to production: its evaluation failed its gates',
    );
    expect(errors(refused)).toContain('the input allow-failed-gates: true');
    expect(tagRefs().filter((ref) => ref.includes('#production#'))).toEqual([]);

    const allowed = await onMain('promote-model', { ...inputs, 'allow-failed-gates': 'true' });
    expect(allowed.conclusion, errors(allowed)).toBe('success');
    expect(allowed.outputs['stage-tag']).toBe('breast-cancer#production#1');
    expect(releases()[0]?.body).toContain(
      'although its evaluation FAILED its gates (allow-failed-gates).',
    );
  });
});
