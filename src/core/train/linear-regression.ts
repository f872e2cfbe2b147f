/**
 * Linear regression: least squares with an intercept on standardised features, solved by
 * Householder QR (see `householderLeastSquares`). With `l2 > 0` it is ridge regression,
 * minimising mean squared error / 2 + l2/2 · ‖w‖², solved as the same least-squares problem
 * with √(n·l2)·I rows appended under the features, which QR handles with no extra code.
 */
import type { SolverResult } from './baseline-types.js';
import { householderLeastSquares } from './linear-algebra.js';

export interface RegressionSolverOptions {
  /** Standardised features, row-major `rows × features`, no NaN. */
  readonly z: Float64Array;
  readonly rows: number;
  readonly features: number;
  readonly values: Float64Array;
  readonly l2: number;
}

export function fitLinearRegression(options: RegressionSolverOptions): SolverResult {
  const { z, rows, features: F, values, l2 } = options;
  const penaltyRows = l2 > 0 ? F : 0;
  const m = rows + penaltyRows;
  const n = F + 1;
  // Column-major [1 | z] (intercept first, so that it is never the column QR drops as
  // dependent), with the ridge rows below.
  const a = new Float64Array(m * n);
  for (let r = 0; r < rows; r++) a[r] = 1;
  for (let f = 0; f < F; f++) {
    const column = (f + 1) * m;
    for (let r = 0; r < rows; r++) a[column + r] = z[r * F + f] as number;
    if (penaltyRows > 0) a[column + rows + f] = Math.sqrt(rows * l2);
  }
  const b = new Float64Array(m);
  b.set(values.subarray(0, rows));
  const { coefficients } = householderLeastSquares(a, b, m, n);
  return {
    weights: coefficients.slice(1),
    bias: coefficients.slice(0, 1),
    iterations: 1,
    converged: true,
  };
}
