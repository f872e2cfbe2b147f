/**
 * Drift beyond one runner: the reusable workflow .github/workflows/mlops-drift-sharded.yml, run by
 * the workflow interpreter with 4 shards, gives the same drift report as `mlops drift` on the
 * whole data, bit for bit (the report JSON is compared with exact equality; only the `current`
 * label, which names the files, differs). The fetch command runs for real once per shard (bash,
 * MLOPS_SHARD_INDEX and MLOPS_SHARD_COUNT), each shard is profiled by the bundled profile-data
 * action with the model's predictions and uploaded as drift-profile-<index>, and the final job
 * downloads them all and runs the bundled check-drift action with the profiles as `current`.
 *
 * The data: the breast-cancer example's evaluation rows with three features scaled by 1.3 (real
 * values, real drift), a logistic-regression baseline as the model, the training data's profile
 * (with the model's predictions) as the reference.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { mlops } from '../support/run-cli.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';
import { repoRoot } from '../workflows/workflow-rules.js';
import { runStarterWorkflow, type WorkflowResult } from './workflow-interpreter.js';

const SHIFTED = ['mean radius', 'mean texture', 'worst area'];
let emulator: GitHubEmulator;
let workspace: Workspace;
let records: string[] = [];
let header = '';

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  workspace = await createWorkspace({});
  await workspace.copyInto(path.join(repoRoot, 'examples/breast-cancer'), '.');
  emulator.repo.writeFiles(
    'main',
    { 'mlops.yml': await readFile(workspace.path('mlops.yml')) },
    'The breast-cancer model',
  );
  const schema = parseDatasetSchema(
    await readFile(workspace.path('schema.yml'), 'utf8'),
    'schema.yml',
  );
  const train = await loadFeatureMatrix([workspace.path('data/train.csv')], schema);
  await writeFile(
    workspace.path('model.onnx'),
    trainBaseline({ kind: 'logistic-regression', matrix: train, seed: 42 }).onnx,
  );
  const lines = (await readFile(workspace.path('data/eval.csv'), 'utf8')).trim().split('\n');
  header = lines[0] as string;
  const columns = header.split(',');
  const shifted = new Set(SHIFTED.map((name) => columns.indexOf(name)));
  expect(shifted.has(-1)).toBe(false);
  records = lines.slice(1).map((line) =>
    line
      .split(',')
      .map((cell, i) => (shifted.has(i) ? String(Number(cell) * 1.3) : cell))
      .join(','),
  );
  await workspace.write('data/current.csv', `${[header, ...records].join('\n')}\n`);
  const reference = await mlops(
    workspace.dir,
    'profile',
    '--data',
    'data/train.csv',
    '--model',
    'model.onnx',
    '--output',
    'reference.json',
  );
  expect(reference.code, reference.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await workspace?.cleanup();
  await emulator?.close();
});

/** The report with the label that names the current files left out. */
function withoutCurrentLabel(report: Record<string, unknown>): Record<string, unknown> {
  const { current: _current, ...rest } = report;
  return rest;
}

describe('drift on 4 shards through mlops-drift-sharded.yml', () => {
  let result: WorkflowResult;

  it('runs the plan, one profile job per shard and the check', async () => {
    result = await runStarterWorkflow(
      'test/journey/fixtures/mlops-drift-sharded-caller.yml',
      {
        name: 'schedule',
        payload: { schedule: '17 6 * * *' },
        sha: emulator.repo.refs.get('refs/heads/main') as string,
        ref: 'refs/heads/main',
      },
      { emulator, workspace, timeoutMs: 120_000 },
    );
    expect(result.jobs.get('drift/plan')).toEqual({
      result: 'success',
      outputs: { indexes: '[0,1,2,3]' },
    });
    expect(result.jobs.get('drift/profile')?.result).toBe('success');
    expect(result.jobs.get('drift/drift')?.result).toBe('success');
    expect(result.ownSteps.map((s) => `${s.job}:${s.action}`)).toEqual([
      'profile:profile-data',
      'profile:profile-data',
      'profile:profile-data',
      'profile:profile-data',
      'drift:check-drift',
    ]);
    // Each shard job profiled its own folder, with the model's predictions.
    for (const [index, step] of result.ownSteps.slice(0, 4).entries()) {
      expect(step.inputs['data']).toBe(`.mlops/shards/${index}/**`);
      expect(step.inputs['model']).toBe('model.onnx');
    }
    expect(result.ownSteps[4]?.inputs['current']).toBe(
      '.mlops/drift-profiles/drift-profile-*/*.json',
    );
  }, 600_000);

  it('record i went to shard i mod 4, and each shard was uploaded as drift-profile-<i>', async () => {
    const artifacts = [...emulator.repo.artifacts.values()]
      .filter((a) => a.runId === result.runRecord?.id)
      .map((a) => a.name)
      .sort();
    expect(artifacts).toEqual([
      'drift-profile-0',
      'drift-profile-1',
      'drift-profile-2',
      'drift-profile-3',
      'drift-report',
    ]);
    // 114 records round-robin over 4 shards: 29, 29, 28, 28.
    for (const [index, rows] of [29, 29, 28, 28].entries()) {
      const shard = (await workspace.read(`.mlops/shards/${index}/part.csv`)).trim().split('\n');
      expect(shard).toEqual([header, ...records.filter((_, i) => i % 4 === index)]);
      const profile = JSON.parse(
        await workspace.read(
          `.mlops/drift-profiles/drift-profile-${index}/drift-profile-${index}.json`,
        ),
      ) as { rows: number; predictions?: { model: string } };
      expect(profile.rows).toBe(rows);
      expect(profile.predictions?.model).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });

  it('gives the same report as mlops drift on the whole data, bit for bit', async () => {
    const whole = await mlops(
      workspace.dir,
      'drift',
      '--current',
      'data/current.csv',
      '--reference',
      'reference.json',
      '--model',
      'model.onnx',
      '--report',
      'whole-report.json',
      '--fail-on',
      'never',
    );
    expect(whole.code, whole.stderr).toBe(0);
    const one = JSON.parse(await workspace.read('whole-report.json')) as Record<string, unknown>;
    const sharded = JSON.parse(await workspace.read('.mlops/drift-report.json')) as Record<
      string,
      unknown
    >;
    expect(one['current']).toBe('data/current.csv');
    expect(sharded['current']).toBe(
      [0, 1, 2, 3]
        .map((i) => `.mlops/drift-profiles/drift-profile-${i}/drift-profile-${i}.json`)
        .join(', '),
    );
    expect(withoutCurrentLabel(sharded)).toEqual(withoutCurrentLabel(one));
    // Not a vacuous comparison: the shifted columns drifted, and prediction drift was tested.
    const columns = one['columns'] as { name: string; drifted: boolean; statistic: number }[];
    expect(columns.filter((c) => c.drifted).map((c) => c.name)).toEqual(
      expect.arrayContaining(SHIFTED),
    );
    expect(columns.map((c) => c.name)).toContain('prediction');
    expect(one['notes']).not.toEqual(
      expect.arrayContaining([expect.stringContaining('Prediction drift was skipped')]),
    );
    expect(JSON.stringify(withoutCurrentLabel(sharded))).toBe(
      JSON.stringify(withoutCurrentLabel(one)),
    );
  });
});
