/**
 * Evidently's `jensenshannon` stattest (`_jensenshannon`, legacy/calculations/stattests/
 * jensenshannon.py): `scipy.spatial.distance.jensenshannon(ref_percents, cur_percents)` over
 * Evidently's bins (binning.ts, no empty-bin filling). Natural logarithm, and it is the distance —
 * the square root of the divergence: √((KL(p‖m) + KL(q‖m))/2), m = (p + q)/2. Drift when >= 0.1.
 * (TFDV reports the divergence in bits, NannyML the distance in bits: not comparable numbers.)
 */

import type { Distribution } from './distribution.js';
import { binnedPercents } from './binning.js';
import { compensatedSum } from './compensated-sum.js';
import { normalized, relEntr } from './relative-entropy.js';
import { distanceResult, type StatTestResult } from './stat-test.js';

/** scipy's jensenshannon(p, q) with the default base e. */
export function jensenShannonDistance(p0: Float64Array, q0: Float64Array): number {
  const p = normalized(p0, compensatedSum(p0));
  const q = normalized(q0, compensatedSum(q0));
  const left = new Float64Array(p.length);
  const right = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const m = (p[i]! + q[i]!) / 2;
    left[i] = relEntr(p[i]!, m);
    right[i] = relEntr(q[i]!, m);
  }
  const js = compensatedSum(left) + compensatedSum(right);
  return Math.sqrt(js / 2);
}

export function jensenShannonTest(
  reference: Distribution,
  current: Distribution,
  threshold = 0.1,
): StatTestResult {
  const { reference: p, current: q } = binnedPercents(reference, current, false);
  const statistic = jensenShannonDistance(p, q);
  return distanceResult('jensenshannon', reference, current, statistic, threshold);
}
