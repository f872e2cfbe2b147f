/**
 * Evidently's `wasserstein` stattest (`_wasserstein_distance_norm`, legacy/calculations/stattests/
 * wasserstein_distance_norm.py): the first Wasserstein (earth mover's) distance between the two
 * samples, `scipy.stats.wasserstein_distance(reference, current)`, divided by the reference's
 * population standard deviation (np.std, ddof = 0), floored at 0.001 so that a near-constant
 * reference does not blow it up. Drift when the normed distance >= 0.1.
 *
 * From value counts: W1 = ∫|F_ref − F_cur| = Σ_k |F_ref(x_k) − F_cur(x_k)|·(x_(k+1) − x_k) over
 * the pooled distinct values, which is scipy's sum with its zero-width steps between ties left out.
 */

import { observedCount, type NumericDistribution } from './distribution.js';
import { alignNumeric, assertComparable } from './binning.js';
import { compensatedSum } from './compensated-sum.js';
import { distanceResult, type StatTestResult } from './stat-test.js';

export function wassersteinDistance(u: NumericDistribution, v: NumericDistribution): number {
  assertComparable(u, v);
  const nu = observedCount(u);
  const nv = observedCount(v);
  const { values, reference, current } = alignNumeric(u, v);
  const terms = new Float64Array(Math.max(values.length - 1, 0));
  let cu = 0;
  let cv = 0;
  for (let k = 0; k + 1 < values.length; k++) {
    cu += reference[k]!;
    cv += current[k]!;
    terms[k] = Math.abs(cu / nu - cv / nv) * (values[k + 1]! - values[k]!);
  }
  return compensatedSum(terms);
}

/** Population standard deviation (ddof = 0) from value counts, two-pass. */
export function populationStd(d: NumericDistribution): number {
  const n = observedCount(d);
  const weighted = new Float64Array(d.values.length);
  for (let i = 0; i < d.values.length; i++) weighted[i] = d.values[i]! * d.counts[i]!;
  const mean = compensatedSum(weighted) / n;
  for (let i = 0; i < d.values.length; i++) weighted[i] = (d.values[i]! - mean) ** 2 * d.counts[i]!;
  return Math.sqrt(compensatedSum(weighted) / n);
}

export function wassersteinNormedTest(
  reference: NumericDistribution,
  current: NumericDistribution,
  threshold = 0.1,
): StatTestResult {
  const norm = Math.max(populationStd(reference), 0.001);
  const statistic = wassersteinDistance(reference, current) / norm;
  return distanceResult('wasserstein', reference, current, statistic, threshold);
}
