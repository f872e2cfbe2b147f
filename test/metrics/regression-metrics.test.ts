/**
 * Regression metrics against scikit-learn.
 *
 * Reference values: printed once by scripts/reference/metrics_reference.py with scikit-learn
 * 1.2.1 (numpy 1.24.2) on fixtures/metrics-fixture.json, pasted here: mean_squared_error(
 * squared=False), mean_absolute_error, r2_score, mean_absolute_percentage_error. The first five
 * truths are exactly 0, where MAPE divides by float64 eps (hence ~1e14).
 */
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/core/metrics/compute-metrics.js';
import { DataError } from '../../src/core/errors.js';
import { expectValuesClose, regression } from './helpers.js';

const sklearn = {
  model: {
    rmse: 1.9341399453118886,
    mae: 1.5730915595095813,
    r2: 0.8640472255276042,
    mape: 97840068239714.5,
  },
  weighted: {
    rmse: 1.9874589985173952,
    mae: 1.6149595796269665,
    r2: 0.8561325335020602,
    mape: 123474527991875.4,
  },
  nonzeroTruth: {
    rmse: 1.939022707344658,
    mae: 1.5776610510624978,
    r2: 0.8573516418566982,
    mape: 0.4736125371363267,
  },
  // r2_score([3, 3, 3, 3], [3, 3, 3, 3]) and r2_score([3, 3, 3, 3], [3, 4, 3, 3])
  constantTruthPerfect: 1.0,
  constantTruthImperfect: 0.0,
};

const { truth, predicted, weights } = regression;

describe('regression metrics (scikit-learn 1.2.1 references)', () => {
  it('rmse, mae, r2 and mape, zero truths included', () => {
    expectValuesClose(computeMetrics('regression', { truth, predicted }).values, sklearn.model);
  });

  it('weights count records that many times', () => {
    const set = computeMetrics('regression', { truth, predicted }, weights);
    expectValuesClose(set.values, sklearn.weighted);
    expect(set).not.toHaveProperty('confusion');
  });

  it('mape on ordinary truths', () => {
    const set = computeMetrics('regression', {
      truth: truth.subarray(5),
      predicted: predicted.subarray(5),
    });
    expectValuesClose(set.values, sklearn.nonzeroTruth);
  });

  it("constant truth: r2 follows sklearn's force_finite convention", () => {
    const constant = Float64Array.of(3, 3, 3, 3);
    const perfect = computeMetrics('regression', { truth: constant, predicted: constant });
    expect(perfect.values.r2).toBe(sklearn.constantTruthPerfect);
    const imperfect = computeMetrics('regression', {
      truth: constant,
      predicted: Float64Array.of(3, 4, 3, 3),
    });
    expect(imperfect.values.r2).toBe(sklearn.constantTruthImperfect);
  });

  // sklearn's test_regression_single_sample: r2_score([0], [1]) warns "R^2 score is not
  // well-defined with less than two samples" (UndefinedMetricWarning) and returns nan.
  it('r2 on one record is undefined: absent, never 0; the other metrics stay', () => {
    const one = computeMetrics('regression', {
      truth: Float64Array.of(0),
      predicted: Float64Array.of(1),
    });
    expect(one.values).not.toHaveProperty('r2');
    // |0 − 1| = 1: rmse and mae are 1; mape divides by eps = 2^−52.
    expect(one.values).toEqual({ rmse: 1, mae: 1, mape: 2 ** 52 });
  });

  it('r2 of a one-record slice (0/1 weights) is absent; two records (one counted twice) are enough', () => {
    const input = { truth: Float64Array.of(1, 2, 4), predicted: Float64Array.of(1.5, 2, 3) };
    const slice = computeMetrics('regression', input, Int32Array.of(0, 0, 1));
    expect(slice.values).not.toHaveProperty('r2');
    expect(slice.values.mae).toBe(1);
    // Multiplicities: weight 2 on one record is the set [4, 4] predicted [3, 3]: constant truth,
    // imperfect predictions, so sklearn's force_finite gives 0.0 (r2_score([4, 4], [3, 3])).
    const twice = computeMetrics('regression', input, Int32Array.of(0, 0, 2));
    expect(twice.values.r2).toBe(0);
  });

  it('rejects non-finite values and class-index input', () => {
    expect(() =>
      computeMetrics('regression', {
        truth,
        predicted: predicted.map((v, i) => (i === 7 ? NaN : v)),
      }),
    ).toThrow(DataError);
    expect(() =>
      computeMetrics('regression', {
        truth: Int32Array.of(1),
        predicted: Int32Array.of(1),
        classes: ['a', 'b'],
      }),
    ).toThrow(TypeError);
  });
});
