/**
 * Evidently's `psi` stattest (`_psi`, legacy/calculations/stattests/psi.py): the population
 * stability index Σ (ref_k − cur_k)·ln(ref_k/cur_k) over Evidently's bins (binning.ts), with empty
 * bins filled (0.0001, or the smallest share / 10^6) so the logarithm stays finite. Every term is
 * >= 0. Drift when >= 0.1.
 */

import type { Distribution } from './distribution.js';
import { binnedPercents } from './binning.js';
import { compensatedSum } from './compensated-sum.js';
import { distanceResult, type StatTestResult } from './stat-test.js';

export function populationStabilityIndex(ref: Float64Array, cur: Float64Array): number {
  const terms = new Float64Array(ref.length);
  for (let k = 0; k < ref.length; k++) {
    terms[k] = (ref[k]! - cur[k]!) * Math.log(ref[k]! / cur[k]!);
  }
  return compensatedSum(terms);
}

export function psiTest(
  reference: Distribution,
  current: Distribution,
  threshold = 0.1,
): StatTestResult {
  const { reference: ref, current: cur } = binnedPercents(reference, current, true);
  const statistic = populationStabilityIndex(ref, cur);
  return distanceResult('psi', reference, current, statistic, threshold);
}
