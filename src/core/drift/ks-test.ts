/**
 * The two-sample Kolmogorov-Smirnov test, two-sided, exactly as
 * `scipy.stats.ks_2samp(reference, current, alternative='two-sided', method='auto')` computes it in
 * scipy 1.10.1 — Evidently's `ks` stattest.
 *
 * D: scipy evaluates both empirical CDFs at every data point with searchsorted(side='right') and
 * takes the largest |difference|; with ties, those points are exactly the distinct values of the
 * pooled sample, so walking the two sorted value-count lists gives the same doubles
 * (count_le/n1 − count_le/n2, each quotient rounded as numpy rounds it).
 *
 * p: exact (lattice-path counting, ks-exact.ts) when max(n1, n2) <= 10,000, where D is also
 * snapped to h/lcm(n1, n2); otherwise kstwo.sf(D, round(n1·n2/(n1 + n2))) (kstwo.ts).
 */

import { observedCount, type NumericDistribution } from './distribution.js';
import { exactTwoSidedKs, roundHalfEven } from './ks-exact.js';
import { kstwoSf } from './kstwo.js';
import { makeResult, type StatTestResult } from './stat-test.js';

/** scipy's MAX_AUTO_N: the largest sample size 'auto' computes exactly. */
export const KS_MAX_EXACT_N = 10000;

/**
 * The KS statistic D = sup |F_ref − F_cur| from value counts, with scipy's rounding: max over the
 * pooled distinct values of cdf1 − cdf2 and of cdf2 − cdf1 (the larger wins; ties go to the
 * positive side, which does not change D).
 */
export function ksStatistic(reference: NumericDistribution, current: NumericDistribution): number {
  const n1 = observedCount(reference);
  const n2 = observedCount(current);
  const v1 = reference.values;
  const v2 = current.values;
  const c1 = reference.counts;
  const c2 = current.counts;
  let i = 0;
  let j = 0;
  let cum1 = 0;
  let cum2 = 0;
  let maxS = -Infinity;
  let minS = Infinity;
  while (i < v1.length || j < v2.length) {
    // Next pooled value: consume it from whichever side(s) hold it.
    const x = j >= v2.length || (i < v1.length && v1[i]! <= v2[j]!) ? v1[i]! : v2[j]!;
    if (i < v1.length && v1[i] === x) cum1 += c1[i++]!;
    if (j < v2.length && v2[j] === x) cum2 += c2[j++]!;
    const diff = cum1 / n1 - cum2 / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minS) minS = diff;
  }
  const minSClipped = Math.min(Math.max(-minS, 0), 1);
  return minSClipped > maxS ? minSClipped : maxS;
}

export interface KsTwoSampleResult {
  /** D (for the exact method, snapped to the lattice h/lcm(n1, n2) as scipy returns it). */
  readonly statistic: number;
  readonly pValue: number;
  readonly method: 'exact' | 'asymptotic';
}

/** `ks_2samp(reference, current)` on value counts; both samples must be non-empty. */
export function ksTwoSample(
  reference: NumericDistribution,
  current: NumericDistribution,
): KsTwoSampleResult {
  const n1 = observedCount(reference);
  const n2 = observedCount(current);
  if (n1 === 0 || n2 === 0) throw new RangeError('the KS test needs a finite value on each side');
  const d = ksStatistic(reference, current);
  if (Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    const exact = exactTwoSidedKs(n1, n2, d);
    if (exact.success) {
      return { statistic: exact.d, pValue: clip01(exact.pValue), method: 'exact' };
    }
    // scipy warns and switches to the asymptotic method, keeping the snapped D.
    return { statistic: exact.d, pValue: asymptotic(n1, n2, exact.d), method: 'asymptotic' };
  }
  return { statistic: d, pValue: asymptotic(n1, n2, d), method: 'asymptotic' };
}

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/** kstwo.sf(D, round(en)), en = m·n/(m + n) with m the larger size (scipy sorts them first). */
function asymptotic(n1: number, n2: number, d: number): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  return clip01(kstwoSf(d, roundHalfEven(en)));
}

/** Evidently's `ks` stattest: drift when p <= threshold (note: <=, where chisquare and z use <). */
export function ksTest(
  reference: NumericDistribution,
  current: NumericDistribution,
  threshold = 0.05,
): StatTestResult {
  const { statistic, pValue } = ksTwoSample(reference, current);
  return makeResult('ks', 'p-at-or-below', reference, current, statistic, pValue, threshold);
}
