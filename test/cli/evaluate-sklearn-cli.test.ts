/**
 * `mlops evaluate` on a scikit-learn model exported by skl2onnx with its default ZipMap: the
 * probabilities are read (so ROC AUC is there), and the class order is the model's own, even where
 * the schema lists the classes the other way round. Expected values worked by hand from the
 * model's decision function z = 2a - b + 0.5 (test/support/sklearn-onnx.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationReport } from '../../src/core/evaluate/report.js';
import { mlops } from '../support/run-cli.js';
import { sklearnLogistic } from '../support/sklearn-onnx.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

let ws: Workspace;

beforeAll(async () => {
  ws = await createWorkspace({
    'mlops.yml': [
      'version: 1',
      'model:',
      '  name: sklearn-model',
      '  task: binary-classification',
      '  path: sklearn.onnx',
      'data:',
      '  schema: schema.yml',
      '  eval: eval.csv',
      '',
    ].join('\n'),
    'schema.yml': [
      'version: 1',
      'columns:',
      '  a: { type: number }',
      '  b: { type: number }',
      '  diagnosis: { type: category, role: target, values: [malignant, benign] }',
      '',
    ].join('\n'),
    // z per row: 0.5, -1.5, 4, -4.5, -1.5, 4.5; predicted malignant where z > 0.
    'eval.csv': [
      'a,b,diagnosis',
      '0,0,malignant',
      '-1,0,benign',
      '1,-1.5,malignant',
      '-2,1,malignant',
      '0.5,3,benign',
      '2,0,benign',
      '',
    ].join('\n'),
    'sklearn.onnx': sklearnLogistic({ strings: ['benign', 'malignant'] }),
  });
});

afterAll(async () => {
  await ws.cleanup();
});

describe('mlops evaluate on a skl2onnx model with a ZipMap', { timeout: 30_000 }, () => {
  it("reads its probabilities, in the model's class order", async () => {
    const result = await mlops(ws.dir, 'evaluate', '--baseline', 'none');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(await ws.read('.mlops/evaluate-report.json')) as EvaluationReport;
    expect(report.classes).toEqual(['benign', 'malignant']);
    const values = report.candidate.metrics.values;
    // Right on rows 1, 2, 3 and 5.
    expect(values.accuracy).toBeCloseTo(4 / 6, 12);
    // Malignant (the positive class, second in the model's order) is scored above benign in 4
    // of the 3 x 3 pairs: 0.5 and 4 beat -1.5 twice each; nothing beats 4.5; -4.5 beats nothing.
    expect(values.roc_auc).toBeCloseTo(4 / 9, 12);
  });
});
