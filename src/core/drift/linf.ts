/**
 * `linf`: the L-infinity (Chebyshev) distance between the category shares of the two samples,
 * max_k |ref_k/n_ref − cur_k/n_cur| over the union of categories — the categorical drift measure
 * of TFDV (`infinity_norm`) and NannyML. Evidently has no such stattest; its default threshold here,
 * 0.1, is the one Evidently gives its other distances (TFDV leaves the threshold to the user; its
 * guide uses 0.01). Drift when >= the threshold.
 */

import { observedCount, type CategoricalDistribution } from './distribution.js';
import { alignCategorical, assertComparable } from './binning.js';
import { distanceResult, type StatTestResult } from './stat-test.js';

export function lInfinityDistance(
  reference: CategoricalDistribution,
  current: CategoricalDistribution,
): number {
  assertComparable(reference, current);
  const { reference: ref, current: cur } = alignCategorical(reference, current);
  const nRef = observedCount(reference);
  const nCur = observedCount(current);
  let max = 0;
  for (let k = 0; k < ref.length; k++) {
    const diff = Math.abs(ref[k]! / nRef - cur[k]! / nCur);
    if (diff > max) max = diff;
  }
  return max;
}

export function lInfinityTest(
  reference: CategoricalDistribution,
  current: CategoricalDistribution,
  threshold = 0.1,
): StatTestResult {
  const statistic = lInfinityDistance(reference, current);
  return distanceResult('linf', reference, current, statistic, threshold);
}
