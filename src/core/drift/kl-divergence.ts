/**
 * Evidently's `kl_div` stattest (`_kl_div`, legacy/calculations/stattests/kl_div.py):
 * `scipy.stats.entropy(ref_percents, cur_percents)` = KL(ref‖cur) in nats, over Evidently's bins
 * with empty bins filled (binning.ts); scipy renormalizes both vectors to sum 1 first, which
 * matters because the filling breaks that. Drift when >= 0.1.
 */

import type { Distribution } from './distribution.js';
import { binnedPercents } from './binning.js';
import { compensatedSum } from './compensated-sum.js';
import { normalized, relEntr } from './relative-entropy.js';
import { distanceResult, type StatTestResult } from './stat-test.js';

/** scipy.stats.entropy(p, q): Σ rel_entr(p/Σp, q/Σq). */
export function klDivergence(p0: Float64Array, q0: Float64Array): number {
  const p = normalized(p0, compensatedSum(p0));
  const q = normalized(q0, compensatedSum(q0));
  const terms = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) terms[i] = relEntr(p[i]!, q[i]!);
  return compensatedSum(terms);
}

export function klDivergenceTest(
  reference: Distribution,
  current: Distribution,
  threshold = 0.1,
): StatTestResult {
  const { reference: ref, current: cur } = binnedPercents(reference, current, true);
  const statistic = klDivergence(ref, cur);
  return distanceResult('kl_div', reference, current, statistic, threshold);
}
