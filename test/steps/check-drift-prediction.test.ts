/**
 * Prediction drift through the model on fresh data that has no labels yet: the current file lacks
 * the target column, the reference is the training data, or a profile of it that holds the
 * model's predictions (with no training data at hand). The expected statistic is worked out
 * here independently: the model's labels from a plain onnxruntime session, counted by hand, and
 * Evidently's two-proportion z-test (reference of at most 1,000 rows, two values) written out.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../src/core/logger.js';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import { loadMlopsConfig } from '../../src/adapters/fs/load-config.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';
import { checkDrift } from '../../src/steps/check-drift.js';
import { buildProfileFile } from '../../src/adapters/data/profile-dataset.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
let workspace: Workspace;

beforeAll(async () => {
  workspace = await createWorkspace({});
  await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
});
afterAll(async () => {
  await workspace.cleanup();
});

/** The standard normal survival function from erfc (Abramowitz-Stegun 7.1.26 is too coarse). */
function normalSf(z: number): number {
  // Continued fraction for erfc, accurate to ~1e-15 for the z used here.
  const x = z / Math.SQRT2;
  let f = 0;
  for (let k = 60; k >= 1; k--) f = k / 2 / (x + f);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + f) / 2;
}

/** The same check, against a reference given as data files or as a profile. */
async function check(reference: string, configFile = 'mlops.yml') {
  const loaded = await loadMlopsConfig({ cwd: workspace.dir, path: configFile });
  if (loaded === undefined) throw new Error('no config');
  return checkDrift({
    cwd: workspace.dir,
    loaded,
    current: ['data/current.csv'],
    reference: [workspace.path(reference)],
    model: workspace.path('model.onnx'),
    reportPath: workspace.path('drift-report.json'),
    registry: null,
    issues: null,
    dispatcher: null,
    runUrl: null,
    workDir: workspace.path('.mlops/drift'),
    logger: createSilentLogger(),
  });
}

let expectedP = NaN;

beforeAll(async () => {
  const schema = parseDatasetSchema(
    await readFile(workspace.path('schema.yml'), 'utf8'),
    'schema.yml',
  );
  const train = await loadFeatureMatrix([workspace.path('data/train.csv')], schema);
  const onnx = trainBaseline({ kind: 'logistic-regression', matrix: train, seed: 42 }).onnx;
  await writeFile(workspace.path('model.onnx'), onnx);

  // Current: the evaluation rows without their label, every feature scaled by 1.3.
  const lines = (await readFile(workspace.path('data/eval.csv'), 'utf8')).trim().split('\n');
  const header = (lines[0] ?? '').split(',');
  const target = header.indexOf('diagnosis');
  const shifted = lines.slice(1).map((line) =>
    line
      .split(',')
      .filter((_, i) => i !== target)
      .map((cell) => String(Number(cell) * 1.3))
      .join(','),
  );
  await writeFile(
    workspace.path('data/current.csv'),
    `${header.filter((_, i) => i !== target).join(',')}\n${shifted.join('\n')}\n`,
  );

  // Independent expectation: labels from a bare onnxruntime session over both data sets.
  const session = await ort.InferenceSession.create(onnx);
  const labelsOf = async (x: Float64Array, rows: number, F: number) => {
    const out = await session.run({
      features: new ort.Tensor('float32', Float32Array.from(x), [rows, F]),
    });
    return Array.from(out['label']?.data as BigInt64Array, Number);
  };
  const F = train.featureNames.length;
  const current = await loadFeatureMatrix([workspace.path('data/current.csv')], schema, {
    unlabelled: true,
  });
  const refLabels = await labelsOf(train.x, train.rows, F);
  const curLabels = await labelsOf(current.x, current.rows, F);
  // Evidently's z-test: p1, p2 the shares of the non-"zero key" value; pooled P.
  const n1 = refLabels.length;
  const n2 = curLabels.length;
  const p1 = refLabels.filter((l) => l === 1).length / n1;
  const p2 = curLabels.filter((l) => l === 1).length / n2;
  const P = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(P * (1 - P) * (1 / n1 + 1 / n2));
  expectedP = 2 * normalSf(Math.abs(z));
  await session.release();
}, 60_000);

describe('check-drift prediction drift', () => {
  it('scores unlabelled current data and the training data, and tests the predicted classes', async () => {
    const result = await check('data/train.csv');
    const column = result.report.columns.find((c) => c.kind === 'prediction');
    expect(column, JSON.stringify(result.report.notes)).toBeDefined();
    expect(column?.test).toBe('z');
    expect(column?.p_value).toBeCloseTo(expectedP, 10);
    expect(column?.drifted).toBe(expectedP < 0.05);
    expect(result.report.prediction_drift).toBe(expectedP < 0.05);
  });

  it("takes the reference predictions from a profile that holds this model's", async () => {
    // Without data.train, only the profile can give the reference predictions.
    const config = await readFile(workspace.path('mlops.yml'), 'utf8');
    expect(config).toContain('  train: data/train.csv\n');
    await writeFile(
      workspace.path('no-train.yml'),
      config.replace('  train: data/train.csv\n', ''),
    );
    const loaded = await loadMlopsConfig({ cwd: workspace.dir, path: 'mlops.yml' });
    if (loaded === undefined) throw new Error('no config');
    const logger = createSilentLogger();
    await buildProfileFile({
      cwd: workspace.dir,
      loaded,
      output: workspace.path('with-predictions.json'),
      logger,
      modelPath: workspace.path('model.onnx'),
    });
    await buildProfileFile({
      cwd: workspace.dir,
      loaded,
      output: workspace.path('without-predictions.json'),
      logger,
    });

    const result = await check('with-predictions.json', 'no-train.yml');
    const column = result.report.columns.find((c) => c.kind === 'prediction');
    expect(column, JSON.stringify(result.report.notes)).toBeDefined();
    expect(column?.p_value).toBeCloseTo(expectedP, 10);

    const skipped = await check('without-predictions.json', 'no-train.yml');
    expect(skipped.report.columns.find((c) => c.kind === 'prediction')).toBeUndefined();
    expect(skipped.report.notes).toContain(
      'Prediction drift was skipped: the reference profile holds no predictions, and mlops.yml names no training data (data.train) to score instead',
    );
  });
});
