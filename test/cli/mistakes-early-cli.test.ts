/**
 * Mistakes found early, through the built `mlops` command (`npm run build` first):
 * - a gate on a misspelt metric fails when mlops.yml is read, before any training, with the
 *   file, line, field and "did you mean";
 * - r2 on a one-record evaluation set is undefined (scikit-learn warns "R^2 score is not
 *   well-defined with less than two samples" and returns nan): left out of the report, the
 *   markdown and the training metrics, never reported as 0.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { mlops } from '../support/run-cli.js';
import { snapshotFiles } from '../support/snapshot-files.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

let ws: Workspace | undefined;

afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

const schema = [
  'version: 1',
  'columns:',
  '  x:',
  '    type: number',
  '  y:',
  '    type: number',
  '    role: target',
  '',
].join('\n');

// y = 2x + 1 plus a small alternating wobble, so the fit is good but not exact.
const trainCsv = `x,y\n${Array.from({ length: 20 }, (_, i) => `${i},${2 * i + 1 + (i % 2 === 0 ? 0.25 : -0.25)}`).join('\n')}\n`;

describe('mistakes found early', { timeout: 120_000 }, () => {
  it('a gate on a misspelt metric stops at config loading, before training', async () => {
    ws = await createWorkspace({
      'mlops.yml': [
        'model:',
        '  name: line',
        '  task: regression',
        'data:',
        '  train: train.csv',
        'train:',
        '  builtin: linear-regression',
        'evaluate:',
        '  gates:',
        '    - metric: rsme',
        '      max: 1',
        '',
      ].join('\n'),
      'schema.yml': schema,
      'train.csv': trainCsv,
    });
    const before = await snapshotFiles(ws.dir);
    const result = await mlops(ws.dir, 'train');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatchInlineSnapshot(`
      "mlops: mlops.yml:10:15 (evaluate.gates[0].metric): unknown metric "rsme"; did you mean "rmse"? A gate names one of the metrics evaluate computes for regression: rmse, mae, r2, mape
      "
    `);
    expect(await snapshotFiles(ws.dir)).toEqual(before);
  });

  it('r2 on a one-record evaluation set is left out everywhere, never 0', async () => {
    ws = await createWorkspace({
      'mlops.yml': [
        'model:',
        '  name: line',
        '  task: regression',
        'data:',
        '  train: train.csv',
        '  eval: eval.csv',
        'train:',
        '  builtin: linear-regression',
        '',
      ].join('\n'),
      'schema.yml': schema,
      'train.csv': trainCsv,
      'eval.csv': 'x,y\n4,10\n',
    });
    const trained = await mlops(ws.dir, 'train');
    expect(trained.code, trained.stderr).toBe(0);
    const trainingMetrics = JSON.parse(await ws.read('.mlops/train/metrics.json')) as Record<
      string,
      number
    >;
    expect(trainingMetrics).toHaveProperty('eval_rmse');
    expect(trainingMetrics).not.toHaveProperty('eval_r2');

    const evaluated = await mlops(
      ws.dir,
      'evaluate',
      '--baseline',
      'none',
      '--markdown',
      'comparison.md',
    );
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const report = JSON.parse(await ws.read('.mlops/evaluate-report.json')) as {
      rows: number;
      candidate: { metrics: { values: Record<string, number> } };
    };
    expect(report.rows).toBe(1);
    const values = report.candidate.metrics.values;
    expect(Object.keys(values).sort()).toEqual(['mae', 'mape', 'rmse']);
    // On one record, by hand: rmse = sqrt((y − ŷ)²) = |y − ŷ| = mae, and mape = |y − ŷ| / |y|.
    expect(values.rmse).toBeCloseTo(values.mae ?? NaN, 12);
    expect(values.mape).toBeCloseTo((values.mae ?? NaN) / 10, 12);
    const markdown = await readFile(ws.path('comparison.md'), 'utf8');
    // The table and the chart show the three defined metrics, and no r2 row or bar.
    expect(markdown).toContain('| rmse |');
    expect(markdown).toContain('x-axis ["rmse", "mae", "mape"]');
    expect(markdown).not.toMatch(/\br2\b|R²/);
  });
});
