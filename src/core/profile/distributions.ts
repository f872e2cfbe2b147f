/**
 * The distribution shapes that profiles hand to the drift tests, and the error bounds that hold
 * when a numeric distribution comes from the sketch rather than from exact value counts.
 *
 * A numeric distribution is a weighted sample: the distinct finite values in ascending order and
 * how often each occurred, plus the counts of values that have no place on the line (NaN and
 * missing cells, ±Infinity). Exact profiles hold the values themselves; sketched profiles hold
 * each value rounded to its logarithmic bucket's representative (see sketch.ts), in the same
 * shape, so that a drift test runs on either unchanged.
 *
 * Error bounds for a sketch of relative accuracy `alpha` (every value x is replaced by r(x) with
 * |r(x) - x| <= alpha * |x|, and r is non-decreasing, the same function for every data set):
 *
 * (a) Wasserstein-1 distance. Moving every value of a sample by at most alpha * |x| moves the
 *     sample by at most alpha * mean|x| in W1 (the identity coupling), so by the triangle
 *     inequality |W1(sketch ref, sketch cur) - W1(ref, cur)| <= alpha * (mean|x_ref| + mean|x_cur|).
 *     From sketched values alone, mean|x| <= mean|r(x)| / (1 - alpha), which is what
 *     `wassersteinSketchErrorBound` computes.
 *
 * (b) Kolmogorov-Smirnov statistic. Since r is non-decreasing, the empirical CDF of a rounded
 *     sample at any point equals the exact empirical CDF at a bucket boundary, the same boundary
 *     for both samples; so D_sketch <= D_exact. Conversely, for a point t inside bucket (lo, hi],
 *     F_ref(t) - F_cur(t) <= F_ref(hi) - F_cur(lo) = [F_ref(hi) - F_cur(hi)] + P_cur(bucket), and
 *     symmetrically, so D_exact - D_sketch <= the largest probability mass of a single bucket in
 *     either sample: `ksSketchErrorBound`. Masses are taken relative to the finite values (what a
 *     KS test on `values`/`counts` uses); a test that also counts ±Infinity in its denominators
 *     only sees smaller masses, so the bound stays valid.
 *
 * Both bounds also hold, trivially, for exact distributions (the error is then zero).
 */

/** Finite values with their counts, and the values that are not on the real line. */
export interface NumericDistribution {
  /** Sorted ascending, distinct, finite. */
  readonly values: Float64Array;
  /** Same length as `values`; each > 0. */
  readonly counts: Float64Array;
  /** NaN values and missing cells (pandas reads both as NaN). */
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
}

/** Category frequencies and the number of missing cells. */
export interface CategoricalDistribution {
  readonly counts: Map<string, number>;
  readonly missing: number;
}

function total(counts: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < counts.length; i++) sum += counts[i] as number;
  return sum;
}

function largestMass(distribution: NumericDistribution): number {
  const n = total(distribution.counts);
  if (n === 0) return 0;
  let largest = 0;
  const { counts } = distribution;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] as number;
    if (count > largest) largest = count;
  }
  return largest / n;
}

/**
 * Upper bound on D_exact - D_sketch for the two-sample KS statistic computed on sketched
 * distributions: the largest single-bucket probability mass in either sample (bound (b) above).
 */
export function ksSketchErrorBound(ref: NumericDistribution, cur: NumericDistribution): number {
  return Math.max(largestMass(ref), largestMass(cur));
}

function meanAbsolute(distribution: NumericDistribution): number {
  const { values, counts } = distribution;
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const count = counts[i] as number;
    n += count;
    sum += count * Math.abs(values[i] as number);
  }
  return n === 0 ? 0 : sum / n;
}

/**
 * Upper bound on |W1_sketch - W1_exact| for two distributions sketched with relative accuracy
 * `alpha`: alpha / (1 - alpha) * (mean|r(x_ref)| + mean|r(x_cur)|), bound (a) above.
 */
export function wassersteinSketchErrorBound(
  ref: NumericDistribution,
  cur: NumericDistribution,
  alpha: number,
): number {
  return (alpha / (1 - alpha)) * (meanAbsolute(ref) + meanAbsolute(cur));
}
