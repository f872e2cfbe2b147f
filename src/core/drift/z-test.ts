/**
 * Evidently's `z` stattest (`_z_stat_test`, legacy/calculations/stattests/z_stattest.py): the
 * two-proportion z-test on the share of rows that differ from the "zero key", the smallest value
 * of the union (Python's `sorted(...)[0]`: numerically for numbers, by code point for strings):
 *
 *   p1 = share in reference, p2 = share in current, P = (p1·n1 + p2·n2)/(n1 + n2),
 *   z = (p1 − p2)/√(P(1 − P)(1/n1 + 1/n2)),   p = 2·(1 − Φ(|z|)).
 *
 * When both samples hold one and the same single value, Evidently sets p = 1 (z would be 0/0);
 * the statistic is then reported as 0.
 *
 * Evidently evaluates 2·(1 − Φ(|z|)) literally, which rounds to 0 past |z| ≈ 8.3 and keeps only
 * the absolute precision of 1 − Φ below that; here the same quantity comes from erfc, accurate in
 * the tail (equal to Evidently's to within 1e-16 absolute).
 */

import { isNumericDistribution, observedCount, type Distribution } from './distribution.js';
import { assertComparable } from './binning.js';
import { normalSurvival } from './normal.js';
import { makeResult, type StatTestResult } from './stat-test.js';

/** Orders strings as Python does: by Unicode code point (not UTF-16 code unit). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done === true) return cb.done === true ? 0 : -1;
    if (cb.done === true) return 1;
    const d = ca.value.codePointAt(0)! - cb.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/** Count of the zero key in each sample, and whether both are that one value only. */
function zeroKeyCounts(
  reference: Distribution,
  current: Distribution,
): { ref: number; cur: number; sameConstant: boolean } {
  if (isNumericDistribution(reference) && isNumericDistribution(current)) {
    const zero = Math.min(reference.values[0]!, current.values[0]!);
    return {
      ref: reference.values[0] === zero ? reference.counts[0]! : 0,
      cur: current.values[0] === zero ? current.counts[0]! : 0,
      sameConstant:
        reference.values.length === 1 &&
        current.values.length === 1 &&
        reference.values[0] === current.values[0],
    };
  }
  if (!isNumericDistribution(reference) && !isNumericDistribution(current)) {
    let zero: string | undefined;
    for (const key of [...reference.counts.keys(), ...current.counts.keys()]) {
      if (zero === undefined || compareCodePoints(key, zero) < 0) zero = key;
    }
    const refKeys = [...reference.counts.keys()];
    const curKeys = [...current.counts.keys()];
    return {
      ref: reference.counts.get(zero!) ?? 0,
      cur: current.counts.get(zero!) ?? 0,
      sameConstant: refKeys.length === 1 && curKeys.length === 1 && refKeys[0] === curKeys[0],
    };
  }
  throw new TypeError('reference and current must both be numerical or both categorical');
}

export function zTest(
  reference: Distribution,
  current: Distribution,
  threshold = 0.05,
): StatTestResult {
  assertComparable(reference, current);
  const zero = zeroKeyCounts(reference, current);
  if (zero.sameConstant) return makeResult('z', 'p-below', reference, current, 0, 1, threshold);
  const n1 = observedCount(reference);
  const n2 = observedCount(current);
  // Evidently's arithmetic, operation for operation (P from the rounded shares, not the counts).
  const p1 = (n1 - zero.ref) / n1;
  const p2 = (n2 - zero.cur) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const pValue = 2 * normalSurvival(Math.abs(z));
  return makeResult('z', 'p-below', reference, current, z, pValue, threshold);
}
