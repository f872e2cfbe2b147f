/**
 * The two dense solvers the baselines need, written out because they are small and a native
 * linear-algebra dependency is not worth its install cost on a CI runner.
 */

/**
 * Solves `A x = b` for a symmetric positive definite `n × n` matrix (row-major) by Cholesky
 * factorisation; returns undefined when `A` is not (numerically) positive definite, so the
 * caller can add a ridge and retry. `A` and `b` are left untouched.
 */
export function choleskySolve(
  a: Float64Array,
  b: Float64Array,
  n: number,
): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j] as number;
      for (let k = 0; k < j; k++) sum -= (l[i * n + k] as number) * (l[j * n + k] as number);
      if (i === j) {
        if (!(sum > 0)) return undefined;
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / (l[j * n + j] as number);
      }
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let sum = x[i] as number;
    for (let k = 0; k < i; k++) sum -= (l[i * n + k] as number) * (x[k] as number);
    x[i] = sum / (l[i * n + i] as number);
  }
  for (let i = n - 1; i >= 0; i--) {
    let sum = x[i] as number;
    for (let k = i + 1; k < n; k++) sum -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = sum / (l[i * n + i] as number);
  }
  return x;
}

/**
 * Least squares `min ‖A x − b‖₂` by Householder QR, which works on `A` itself rather than on
 * `AᵀA` and so does not square its condition number (correlated features stay accurate).
 *
 * `a` is column-major `m × n` and is overwritten, as is `b`. A column whose remaining norm is
 * below `rankTolerance` times its original norm lies (numerically) in the span of the columns
 * before it; it is skipped and its coefficient is 0. This gives a basic least-squares solution
 * when features are constant or duplicated, instead of dividing by a rounding error.
 */
export function householderLeastSquares(
  a: Float64Array,
  b: Float64Array,
  m: number,
  n: number,
  rankTolerance = 1e-10,
): { coefficients: Float64Array; rank: number } {
  const pivotColumn: number[] = [];
  let k = 0;
  for (let j = 0; j < n && k < m; j++) {
    const column = j * m;
    let original = 0;
    let remaining = 0;
    for (let i = 0; i < m; i++) {
      const value = a[column + i] as number;
      original += value * value;
      if (i >= k) remaining += value * value;
    }
    const norm = Math.sqrt(remaining);
    if (norm === 0 || norm <= rankTolerance * Math.sqrt(original)) continue;
    // Reflect a[k.., j] onto −sign(a_kj)·norm·e_k; choosing the sign away from a_kj avoids
    // cancellation in v_k = a_kj + sign·norm.
    const head = a[column + k] as number;
    const alpha = head >= 0 ? -norm : norm;
    const v = new Float64Array(m - k);
    v[0] = head - alpha;
    for (let i = k + 1; i < m; i++) v[i - k] = a[column + i] as number;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += (v[i] as number) * (v[i] as number);
    const reflect = (target: Float64Array, offset: number): void => {
      let dot = 0;
      for (let i = 0; i < v.length; i++)
        dot += (v[i] as number) * (target[offset + k + i] as number);
      const factor = (2 * dot) / vv;
      for (let i = 0; i < v.length; i++) {
        target[offset + k + i] = (target[offset + k + i] as number) - factor * (v[i] as number);
      }
    };
    a[column + k] = alpha;
    for (let i = k + 1; i < m; i++) a[column + i] = 0;
    for (let jj = j + 1; jj < n; jj++) reflect(a, jj * m);
    reflect(b, 0);
    pivotColumn.push(j);
    k++;
  }
  const coefficients = new Float64Array(n);
  for (let row = k - 1; row >= 0; row--) {
    const j = pivotColumn[row] as number;
    let sum = b[row] as number;
    for (let later = row + 1; later < k; later++) {
      const jj = pivotColumn[later] as number;
      sum -= (a[jj * m + row] as number) * (coefficients[jj] as number);
    }
    coefficients[j] = sum / (a[j * m + row] as number);
  }
  return { coefficients, rank: k };
}
