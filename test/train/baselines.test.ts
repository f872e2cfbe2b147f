/**
 * The baselines against references worked out by hand (closed forms, a 1-D root found by
 * bisection here), and against each other where the mathematics says they must agree.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../../src/core/errors.js';
import type { FeatureMatrix, MatrixTarget } from '../../src/core/train/feature-matrix.js';
import { choleskySolve, householderLeastSquares } from '../../src/core/train/linear-algebra.js';
import { fitLogisticRegression } from '../../src/core/train/logistic-regression.js';
import { trainBaseline } from '../../src/core/train/baselines.js';
import { fitStandardization } from '../../src/core/train/standardize.js';
import { breastCancer, loadMatrix } from './helpers.js';

function matrix(rows: number[][], target: MatrixTarget, names?: string[]): FeatureMatrix {
  const F = rows[0]?.length ?? 0;
  return {
    featureNames: names ?? Array.from({ length: F }, (_, i) => `x${i}`),
    targetName: 'y',
    rows: rows.length,
    x: Float64Array.from(rows.flat()),
    missing: new Array<number>(F).fill(0),
    droppedRows: 0,
    target,
    extra: {},
  };
}
const values = (...v: number[]): MatrixTarget => ({ kind: 'values', values: Float64Array.from(v) });
const classes = (names: string[], ...labels: number[]): MatrixTarget => ({
  kind: 'classes',
  classes: names,
  labels: Int32Array.from(labels),
});

/** Raw-unit slope and intercept of a model fitted on standardised features. */
function rawCoefficients(model: ReturnType<typeof trainBaseline>, output = 0) {
  const { means, scales, weights, bias } = model.parameters;
  const K = bias.length;
  const slopes = Array.from(
    means,
    (_, f) => (weights[f * K + output] as number) / (scales[f] as number),
  );
  const intercept =
    (bias[output] as number) - slopes.reduce((sum, s, f) => sum + s * (means[f] as number), 0);
  return { slopes, intercept };
}

describe('standardisation', () => {
  it('uses the population standard deviation and ignores NaN', () => {
    // Column 0: 1, 2, 3 (NaN ignored): mean 2, variance (1 + 0 + 1) / 3.
    // Column 1: constant 5 → scale 1. Column 2: all missing → mean 0, scale 1.
    const x = Float64Array.of(1, 5, NaN, 2, 5, NaN, 3, 5, NaN, NaN, 5, NaN);
    const { means, scales } = fitStandardization(x, 4, 3);
    expect(Array.from(means)).toEqual([2, 5, 0]);
    expect(scales[0]).toBeCloseTo(Math.sqrt(2 / 3), 15);
    expect(Array.from(scales.subarray(1))).toEqual([1, 1]);
  });
});

describe('dense solvers', () => {
  it('solves a symmetric positive definite system and refuses an indefinite one', () => {
    // [[4, 2], [2, 3]]·[0.5, 0] = [2, 1]
    expect(
      Array.from(choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), 2) ?? []),
    ).toEqual([0.5, 0]);
    expect(choleskySolve(Float64Array.of(1, 2, 2, 1), Float64Array.of(1, 1), 2)).toBeUndefined();
  });

  it('fits least squares by QR and gives a dependent column the coefficient 0', () => {
    // Columns (column-major): ones, t, 2t; b = 1 + 3t exactly. The third column is 2× the second.
    const t = [0, 1, 2, 3];
    const a = Float64Array.from([...t.map(() => 1), ...t, ...t.map((v) => 2 * v)]);
    const { coefficients, rank } = householderLeastSquares(
      a,
      Float64Array.from(t, (v) => 1 + 3 * v),
      4,
      3,
    );
    expect(rank).toBe(2);
    expect(coefficients[0]).toBeCloseTo(1, 12);
    expect(coefficients[1]).toBeCloseTo(3, 12);
    expect(coefficients[2]).toBe(0);
  });
});

describe('linear regression', () => {
  it('recovers an exact plane: y = 2·x0 − 3·x1 + 5', () => {
    const points = [
      [0, 0],
      [1, 0],
      [0, 1],
      [2, 3],
      [-1, 4],
    ];
    const model = trainBaseline({
      kind: 'linear-regression',
      matrix: matrix(
        points,
        values(...points.map(([a, b]) => 2 * (a as number) - 3 * (b as number) + 5)),
      ),
      seed: 0,
    });
    const { slopes, intercept } = rawCoefficients(model);
    expect(slopes[0]).toBeCloseTo(2, 12);
    expect(slopes[1]).toBeCloseTo(-3, 12);
    expect(intercept).toBeCloseTo(5, 12);
    expect(model.trainingMetrics.r2).toBeCloseTo(1, 12);
    expect(model.trainingMetrics.rmse).toBeLessThan(1e-12);
    expect(model.task).toBe('regression');
    expect(model.iterations).toBe(1);
    expect(model.converged).toBe(true);
  });

  it('matches the textbook fit of (0, 1), (1, 3), (2, 2): slope 0.5, intercept 1.5', () => {
    // slope = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)² = ((−1)(−1) + 0 + (1)(0)) / 2; intercept = ȳ − slope·x̄.
    const model = trainBaseline({
      kind: 'linear-regression',
      matrix: matrix([[0], [1], [2]], values(1, 3, 2)),
      seed: 0,
    });
    const { slopes, intercept } = rawCoefficients(model);
    expect(slopes[0]).toBeCloseTo(0.5, 14);
    expect(intercept).toBeCloseTo(1.5, 14);
    // R² = 1 − SSres/SStot = 1 − 1.5/2 (residuals −0.5, 1, −0.5).
    expect(model.trainingMetrics.r2).toBeCloseTo(0.25, 14);
    // A missing value is imputed with the training mean (x̄ = 1), which predicts ȳ = 2.
    const [atFour, atMissing] = model.predict(Float64Array.of(4, NaN), 2).values ?? [];
    expect(atFour).toBeCloseTo(3.5, 14);
    expect(atMissing).toBeCloseTo(2, 14);
  });

  it('gives a constant feature weight 0 and splits a duplicated feature without changing the fit', () => {
    const x = [[0], [1], [2], [3]].map(([v]) => [v as number, 7, v as number]);
    const model = trainBaseline({
      kind: 'linear-regression',
      matrix: matrix(x, values(1, 3, 5, 7)),
      seed: 0,
    });
    const { slopes, intercept } = rawCoefficients(model);
    expect(slopes[1]).toBe(0);
    expect((slopes[0] as number) + (slopes[2] as number)).toBeCloseTo(2, 12);
    expect(intercept).toBeCloseTo(1, 12);
  });

  it('with l2 > 0 is ridge regression: standardised weight cov(z, y) / (1 + l2) for one feature', () => {
    // Objective mean(r²)/2 + l2/2·w² with mean(z²) = 1 gives w = mean(z·y) / (1 + l2).
    const x = [[0], [1], [2], [3]];
    const y = [1, 3, 2, 6];
    const l2 = 0.5;
    const model = trainBaseline({
      kind: 'linear-regression',
      matrix: matrix(x, values(...y)),
      seed: 0,
      l2,
    });
    const mean = 1.5;
    const std = Math.sqrt(1.25);
    const cov =
      x.reduce((sum, [v], i) => sum + (((v as number) - mean) / std) * (y[i] as number), 0) / 4;
    expect(model.parameters.weights[0]).toBeCloseTo(cov / (1 + l2), 14);
    expect(model.parameters.bias[0]).toBeCloseTo(3, 14);
  });
});

describe('logistic regression', () => {
  // x ∈ {0, 1}, four records each; positives: 1 of 4 at x = 0, 3 of 4 at x = 1.
  const grouped = matrix(
    [[0], [0], [0], [0], [1], [1], [1], [1]],
    classes(['no', 'yes'], 1, 0, 0, 0, 1, 1, 1, 0),
  );

  it('without a penalty reproduces the group proportions: w = ln 3 on z = ±1, b = 0', () => {
    // Standardised x is −1 / +1, so the two groups' logits are b ∓ w = logit(1/4), logit(3/4).
    for (const solver of ['newton', 'lbfgs'] as const) {
      const labels = grouped.target.kind === 'classes' ? grouped.target.labels : new Int32Array();
      const fit = fitLogisticRegression({
        z: Float64Array.of(-1, -1, -1, -1, 1, 1, 1, 1),
        rows: 8,
        features: 1,
        labels,
        l2: 0,
        solver,
      });
      expect(fit.weights[0]).toBeCloseTo(Math.log(3), 8);
      expect(fit.bias[0]).toBeCloseTo(0, 8);
      expect(fit.converged).toBe(true);
    }
    const model = trainBaseline({ kind: 'logistic-regression', matrix: grouped, seed: 0, l2: 0 });
    const p = model.predict(Float64Array.of(0, 1), 2).probabilities ?? new Float64Array();
    expect(Array.from(p).map((v) => Number(v.toFixed(10)))).toEqual([0.75, 0.25, 0.25, 0.75]);
    expect(model.trainingMetrics.accuracy).toBe(0.75);
    // log loss = −(6·ln 0.75 + 2·ln 0.25) / 8
    expect(model.trainingMetrics.log_loss).toBeCloseTo(
      -(6 * Math.log(0.75) + 2 * Math.log(0.25)) / 8,
      10,
    );
  });

  it('with a penalty solves σ(w) − 3/4 + l2·w = 0 (root found here by bisection)', () => {
    const l2 = 0.3;
    let lo = 0;
    let hi = 5;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (1 / (1 + Math.exp(-mid)) - 0.75 + l2 * mid > 0) hi = mid;
      else lo = mid;
    }
    const model = trainBaseline({ kind: 'logistic-regression', matrix: grouped, seed: 0, l2 });
    expect(model.parameters.weights[0]).toBeCloseTo(lo, 10);
    expect(model.parameters.bias[0]).toBeCloseTo(0, 10);
  });

  it('Newton and L-BFGS agree on breast cancer (one objective, two solvers)', async () => {
    const m = await loadMatrix(breastCancer.train, breastCancer.schema());
    const model = trainBaseline({ kind: 'logistic-regression', matrix: m, seed: 0 });
    expect(model.converged).toBe(true);
    expect(model.iterations).toBeLessThan(30);
    const labels = m.target.kind === 'classes' ? m.target.labels : new Int32Array();
    const { means, scales } = model.parameters;
    const z = Float64Array.from(
      m.x,
      (v, i) => (v - (means[i % 30] as number)) / (scales[i % 30] as number),
    );
    const lbfgs = fitLogisticRegression({
      z,
      rows: m.rows,
      features: 30,
      labels,
      l2: 1e-4,
      solver: 'lbfgs',
    });
    expect(lbfgs.converged).toBe(true);
    for (let f = 0; f < 30; f++) {
      expect(lbfgs.weights[f]).toBeCloseTo(model.parameters.weights[f] as number, 4);
    }
  });

  it('equals softmax regression with twice the penalty on two classes', async () => {
    // Softmax with weights W₀ = −W₁ = −w/2 has logit difference w and penalty l2/2·2·‖w/2‖² =
    // (l2/2)/2·‖w‖², so softmax at 2·l2 is logistic regression at l2.
    const m = await loadMatrix(breastCancer.train, breastCancer.schema());
    const binary = trainBaseline({ kind: 'logistic-regression', matrix: m, seed: 0, l2: 1e-3 });
    const softmax = trainBaseline({ kind: 'softmax-regression', matrix: m, seed: 0, l2: 2e-3 });
    expect(softmax.converged).toBe(true);
    for (let f = 0; f < 30; f++) {
      const w = softmax.parameters.weights;
      expect((w[2 * f + 1] as number) - (w[2 * f] as number)).toBeCloseTo(
        binary.parameters.weights[f] as number,
        5,
      );
    }
    const pb = binary.predict(m.x, m.rows).probabilities ?? new Float64Array();
    const ps = softmax.predict(m.x, m.rows).probabilities ?? new Float64Array();
    for (let i = 0; i < pb.length; i++)
      expect(Math.abs((pb[i] as number) - (ps[i] as number))).toBeLessThan(1e-6);
  });

  it('reports no convergence when capped at too few iterations', async () => {
    const m = await loadMatrix(breastCancer.train, breastCancer.schema());
    const model = trainBaseline({
      kind: 'logistic-regression',
      matrix: m,
      seed: 0,
      maxIterations: 2,
    });
    expect(model.iterations).toBe(2);
    expect(model.converged).toBe(false);
  });
});

describe('softmax regression', () => {
  it('reproduces the class proportions of each group when the model can fit them exactly', () => {
    // Two groups, three classes, no penalty: per class an intercept and a slope give each group
    // its own log-probabilities, so the maximum-likelihood fit is the observed proportions.
    const m = matrix(
      [[0], [0], [0], [0], [1], [1], [1], [1]],
      classes(['a', 'b', 'c'], 0, 0, 1, 2, 0, 1, 2, 2),
    );
    const model = trainBaseline({ kind: 'softmax-regression', matrix: m, seed: 0, l2: 0 });
    expect(model.converged).toBe(true);
    const p = Array.from(model.predict(Float64Array.of(0, 1), 2).probabilities ?? []);
    [0.5, 0.25, 0.25, 0.25, 0.25, 0.5].forEach((expected, i) =>
      expect(p[i]).toBeCloseTo(expected, 7),
    );
    // Intercepts are stored centred (only their differences matter).
    expect(Array.from(model.parameters.bias).reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
    expect(Array.from(model.predict(Float64Array.of(0, 1), 2).labels ?? [])).toEqual([0, 2]);
  });
});

describe('determinism and errors', () => {
  it('gives the same bytes for the same seed, and records the seed', async () => {
    const m = await loadMatrix(breastCancer.train, breastCancer.schema());
    for (const kind of ['logistic-regression', 'softmax-regression'] as const) {
      const a = trainBaseline({ kind, matrix: m, seed: 42 });
      const b = trainBaseline({ kind, matrix: m, seed: 42 });
      expect(Buffer.from(a.onnx).equals(Buffer.from(b.onnx))).toBe(true);
      const c = trainBaseline({ kind, matrix: m, seed: 7 });
      expect(Buffer.from(a.onnx).equals(Buffer.from(c.onnx))).toBe(false);
      expect(Buffer.from(c.onnx).toString('latin1')).toContain('mlops.seed\u0012\u00017');
    }
  });

  it('says which baseline fits which target', () => {
    const three = matrix([[0], [1], [2]], classes(['a', 'b', 'c'], 0, 1, 2));
    expect(() => trainBaseline({ kind: 'logistic-regression', matrix: three, seed: 0 })).toThrow(
      new ConfigError(
        'logistic-regression is a binary classifier, but the target "y" has 3 classes (a, b, c); use softmax-regression',
      ),
    );
    expect(() => trainBaseline({ kind: 'linear-regression', matrix: three, seed: 0 })).toThrow(
      /holds classes/,
    );
    expect(() =>
      trainBaseline({ kind: 'softmax-regression', matrix: matrix([[0]], values(1)), seed: 0 }),
    ).toThrow(/holds numbers/);
    const absent = matrix([[0], [1]], classes(['a', 'b', 'c'], 0, 1));
    expect(() => trainBaseline({ kind: 'softmax-regression', matrix: absent, seed: 0 })).toThrow(
      new DataError(
        'the training data have no row of class "c"; every class of the target "y" needs at least one',
      ),
    );
    expect(() =>
      trainBaseline({ kind: 'linear-regression', matrix: matrix([[0]], values(1)), seed: -1 }),
    ).toThrow(ConfigError);
    expect(() =>
      trainBaseline({
        kind: 'linear-regression',
        matrix: matrix([[0]], values(1)),
        seed: 0,
        l2: -1,
      }),
    ).toThrow(ConfigError);
  });
});
