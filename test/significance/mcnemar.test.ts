/**
 * McNemar's exact test against exact values.
 *
 * References: printed by scripts/reference/metrics_reference.py. "exact" is
 * min(1, 2·Σ_{i ≤ min(b,c)} C(b+c, i) / 2^(b+c)) in Python's exact rationals, rounded once to a
 * double. statsmodels is not installed there; its mcnemar(exact=True) computes
 * min(1, 2·binom.cdf(min(b, c), b + c, 0.5)), which the script also evaluated with scipy 1.10.1,
 * as well as scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue: both agree with the exact
 * value to within 6e-14 relative at n = 10^4..10^5 and exactly at small n.
 */
import { describe, expect, it } from 'vitest';
import {
  correctness,
  mcnemarExact,
  mcnemarFromCounts,
} from '../../src/core/significance/mcnemar.js';

const exact: [b: number, c: number, p: number][] = [
  [10, 2, 0.03857421875],
  [2, 10, 0.03857421875],
  [0, 0, 1.0],
  [5, 5, 1.0],
  [0, 7, 0.015625],
  [1, 0, 1.0],
  [30, 20, 0.20263875106454066], // n = 50: the last exact small-n case
  [30, 21, 0.2624375357110438], // n = 51: the first through Loader's density
  [200, 160, 0.03968427883649783],
  [5100, 4900, 0.04658552770494739],
  [4000, 6000, 1.7404316412268784e-89],
  [4990, 5010, 0.8493103266373204],
  [50500, 49500, 0.0015823598788515956],
  [60000, 40000, 0.0],
];

describe('McNemar exact test', () => {
  it.each(exact)('b=%i, c=%i', (b, c, p) => {
    const result = mcnemarFromCounts(b, c);
    expect(result.baselineOnly).toBe(b);
    expect(result.candidateOnly).toBe(c);
    // Far tails lose digits to exp(−204 ± δ): the relative error is the absolute error of the
    // log, a few 1e-14 here.
    expect(Math.abs(result.pValue - p)).toBeLessThanOrEqual(1e-12 * p);
  });

  it('counts discordant records from per-record correctness', () => {
    const truth = Int32Array.of(0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1);
    const candidate = Int32Array.of(0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0);
    const baseline = Int32Array.of(1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1);
    // candidate right, baseline wrong: records 0-9 (10); baseline right, candidate wrong: 12, 13
    const result = mcnemarExact(correctness(truth, candidate), correctness(truth, baseline));
    expect(result).toMatchObject({ baselineOnly: 2, candidateOnly: 10 });
    expect(result.pValue).toBeCloseTo(0.03857421875, 15);
    expect(() => mcnemarExact(new Uint8Array(3), new Uint8Array(4))).toThrow(RangeError);
  });
});
