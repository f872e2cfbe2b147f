/**
 * The baselines on encoded datetime and category features, against scikit-learn on the Seattle
 * weather data. test/fixtures/train/weather-sklearn-reference.json was written once by
 * scripts/reference/feature_encoding_reference.py (scikit-learn 1.2.1), which computes the datetime
 * parts with Python's datetime module and the one-hot columns with OneHotEncoder, never with this
 * project's code. Split: record i (0-based, file order) is held out when i % 5 == 0.
 *
 * Tolerances as in sklearn-reference.test.ts: softmax weights to 2e-5 (our L-BFGS stops at a
 * gradient of 1e-9, curvature at least l2 = 1e-4; scikit-learn's solution has a largest gradient
 * component of 2e-12, recorded in the fixture), ridge regression (QR here, Cholesky there) to 1e-7
 * relative.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadOnnxModel, predictInBatches } from '../../src/adapters/onnx/onnx-model.js';
import { datasetSchemaSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';
import { FeatureMatrixBuilder } from '../../src/core/train/feature-matrix.js';
import { fixture, loadMatrix, r2, repoPath, splitEveryFifth } from './helpers.js';

const reference = JSON.parse(
  readFileSync(repoPath('test/fixtures/train/weather-sklearn-reference.json'), 'utf8'),
) as {
  classification: {
    maxGradient: number;
    firstEvalRows: number[][];
    coef: number[];
    interceptCentered: number[];
    evalCorrect: number;
    evalRecords: number;
  };
  regression: {
    unseenRow: number[];
    coef: number[];
    intercept: number;
    evalR2: number;
    firstEvalPredictions: number[];
    unseenPrediction: number;
  };
};

const WEATHERS = ['drizzle', 'fog', 'rain', 'snow', 'sun'];

const classificationSchema = datasetSchemaSchema.parse({
  columns: {
    date: { type: 'datetime' },
    precipitation: { type: 'number' },
    temp_max: { type: 'number' },
    temp_min: { type: 'number' },
    wind: { type: 'number' },
    weather: { type: 'category', role: 'target', values: WEATHERS },
  },
});

const regressionSchema = datasetSchemaSchema.parse({
  columns: {
    date: { type: 'datetime' },
    weather: { type: 'category', values: WEATHERS },
    precipitation: { type: 'number' },
    temp_max: { type: 'number', role: 'target' },
    temp_min: { type: 'number', role: 'ignored' },
    wind: { type: 'number' },
  },
});

function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    tolerance * Math.max(1, Math.abs(expected)),
  );
}

describe('baselines on encoded features, against scikit-learn 1.2.1 (Seattle weather)', () => {
  it('softmax regression on the date parts and the measurements', async () => {
    expect(reference.classification.maxGradient).toBeLessThan(1e-9);
    const { train, eval: test } = splitEveryFifth(
      await loadMatrix(fixture('seattle-weather.csv'), classificationSchema),
    );
    const F = train.featureNames.length;
    expect(F).toBe(13);
    reference.classification.firstEvalRows.forEach((row, r) =>
      row.forEach((value, f) => expect(test.x[r * F + f]).toBeCloseTo(value, 12)),
    );
    const model = trainBaseline({ kind: 'softmax-regression', matrix: train, seed: 0 });
    expect(model.converged).toBe(true);
    const C = WEATHERS.length;
    const bias = Array.from(model.parameters.bias);
    const meanBias = bias.reduce((a, b) => a + b, 0) / C;
    for (let c = 0; c < C; c++) {
      for (let f = 0; f < F; f++) {
        const ours = model.parameters.weights[f * C + c] as number;
        expect(Math.abs(ours - (reference.classification.coef[c * F + f] as number))).toBeLessThan(
          2e-5,
        );
      }
      expect(
        Math.abs(
          (bias[c] as number) -
            meanBias -
            (reference.classification.interceptCentered[c] as number),
        ),
      ).toBeLessThan(2e-5);
    }
    const labels = model.predict(test.x, test.rows).labels ?? new Int32Array();
    const truth = test.target.kind === 'classes' ? test.target.labels : new Int32Array();
    expect(test.rows).toBe(reference.classification.evalRecords);
    expect(labels.filter((label, i) => label === truth[i]).length).toBe(
      reference.classification.evalCorrect,
    );
  });

  it('ridge regression with the weather one-hot encoded, an unseen value all zeros, and the ONNX model agreeing', async () => {
    const { train, eval: test } = splitEveryFifth(
      await loadMatrix(fixture('seattle-weather.csv'), regressionSchema),
    );
    expect(train.featureNames.slice(9, 14)).toEqual(WEATHERS.map((w) => `weather=${w}`));
    const model = trainBaseline({ kind: 'linear-regression', matrix: train, seed: 0, l2: 1e-4 });
    reference.regression.coef.forEach((c, f) =>
      expectRelative(model.parameters.weights[f] as number, c, 1e-7),
    );
    expectRelative(model.parameters.bias[0] as number, reference.regression.intercept, 1e-7);
    const predicted = model.predict(test.x, test.rows).values ?? new Float64Array();
    const truth = test.target.kind === 'values' ? test.target.values : new Float64Array();
    expectRelative(r2(predicted, truth), reference.regression.evalR2, 1e-9);
    reference.regression.firstEvalPredictions.forEach((p, i) =>
      expectRelative(predicted[i] as number, p, 1e-7),
    );

    // A weather the schema does not list: all of its one-hot columns 0.
    const builder = new FeatureMatrixBuilder(regressionSchema, { unlabelled: true });
    builder.add({
      file: 'new.csv',
      format: 'csv',
      columns: ['date', 'weather', 'precipitation', 'wind'],
      values: [['2016-02-29T06:00:00Z'], ['hail'], ['1.0'], ['3.0']],
      lines: Int32Array.from([2]),
      rows: 1,
    });
    const unseen = builder.finish();
    reference.regression.unseenRow.forEach((value, f) =>
      expect(unseen.x[f]).toBeCloseTo(value, 12),
    );
    expectRelative(
      model.predict(unseen.x, 1).values?.[0] as number,
      reference.regression.unseenPrediction,
      1e-7,
    );

    // The exported model takes the same encoded columns and predicts the same (float32).
    const onnx = await loadOnnxModel(model.onnx, { displayName: 'weather.onnx' });
    expect(JSON.parse(onnx.metadata['mlops.features'] ?? '[]')).toEqual(train.featureNames);
    const scored = await predictInBatches(onnx, test.x, test.rows, train.featureNames.length);
    await onnx.release();
    predicted.forEach((value, i) =>
      expect(Math.abs((scored.values?.[i] as number) - value)).toBeLessThan(1e-3),
    );
  });
});
