/**
 * The two-sample KS test against scipy.stats.ks_2samp (scipy 1.10.1, method='auto'), and the
 * kstwo / smirnov special functions behind its asymptotic p-value, against scipy at 1e-9 relative.
 * Reference values: scripts/reference/drift_reference.py → test/fixtures/drift/scipy-reference.json.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  numericDistributionFrom,
  type NumericDistribution,
} from '../../src/core/drift/distribution.js';
import {
  exactTwoSidedKs,
  probOutsideBand,
  probOutsideSquare,
  roundHalfEven,
} from '../../src/core/drift/ks-exact.js';
import { ksStatistic, ksTest, ksTwoSample } from '../../src/core/drift/ks-test.js';
import { kstwoSf } from '../../src/core/drift/kstwo.js';
import { smirnovSf } from '../../src/core/drift/smirnov.js';
import { expectClose, fixture, toDistribution, worst } from './reference-fixture.js';

const numericCases = fixture.cases.filter((c) => c.expected.ks !== undefined);

afterAll(() => {
  console.log(
    `ks: largest relative error vs scipy ${worst.relative.toExponential(2)} (${worst.where})`,
  );
});

describe('ks_2samp against scipy 1.10.1', () => {
  it('covers both methods and both exact kernels', () => {
    const methods = new Set(numericCases.map((c) => c.expected.ks!.method));
    expect(methods).toEqual(new Set(['exact', 'asymptotic']));
    expect(numericCases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(numericCases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const reference = toDistribution(c.reference) as NumericDistribution;
    const current = toDistribution(c.current) as NumericDistribution;
    const result = ksTwoSample(reference, current);
    const expected = c.expected.ks!;
    expect(result.method, name).toBe(expected.method);
    expectClose(result.statistic, expected.statistic, `${name} D`);
    expectClose(result.pValue, expected.pValue!, `${name} p`);
  });
});

describe('KS statistic worked by hand', () => {
  it('disjoint samples of 3: D = 1, p = 2/C(6, 3)', () => {
    // Only the two paths that take all three steps of one sample first leave the band.
    const result = ksTwoSample(
      numericDistributionFrom([1, 2, 3]),
      numericDistributionFrom([4, 5, 6]),
    );
    expect(result.statistic).toBe(1);
    expect(result.pValue).toBeCloseTo(0.1, 15);
  });

  it('ties: the CDFs are compared at every pooled value, right-continuous', () => {
    // ref 1 1 2 3, cur 1 2 2 2 4. At 1: 2/4 − 1/5 = 0.3; at 2: 3/4 − 4/5 = −0.05;
    // at 3: 1 − 4/5 = 0.2; at 4: 0. D = 0.3 (h = 6 of lcm 20).
    const ref = numericDistributionFrom([1, 1, 2, 3]);
    const cur = numericDistributionFrom([1, 2, 2, 2, 4]);
    expect(ksStatistic(ref, cur)).toBeCloseTo(0.3, 15);
    expect(ksTwoSample(ref, cur).statistic).toBe(6 / 20);
  });

  it('one value against two: D = 1 and 2 of the 3 orderings are as extreme', () => {
    const result = ksTwoSample(numericDistributionFrom([0.5]), numericDistributionFrom([1, 2]));
    expect(result.statistic).toBe(1);
    expect(result.pValue).toBeCloseTo(2 / 3, 15);
  });

  it('identical samples: D = 0, p = 1', () => {
    const d = numericDistributionFrom([1, 2, 2, 3]);
    expect(ksTwoSample(d, d)).toEqual({ statistic: 0, pValue: 1, method: 'exact' });
  });

  it('the larger side wins: D is taken below as well as above', () => {
    // ref 3 4, cur 1 2: F_cur − F_ref reaches 1 at 2.
    expect(ksStatistic(numericDistributionFrom([3, 4]), numericDistributionFrom([1, 2]))).toBe(1);
  });
});

describe('exact kernels', () => {
  it('equal sizes: P(D >= h/n) by the alternating sum matches the band count', () => {
    for (const [n, h] of [
      [5, 2],
      [10, 3],
      [40, 7],
    ] as const) {
      expect(probOutsideSquare(n, h)).toBeCloseTo(probOutsideBand(n, n, n, h), 13);
    }
  });

  it('snaps D to the lattice h/lcm with numpy rounding', () => {
    expect(roundHalfEven(2.5)).toBe(2);
    expect(roundHalfEven(3.5)).toBe(4);
    expect(roundHalfEven(2.4999)).toBe(2);
    expect(exactTwoSidedKs(4, 6, 0.5000000001).d).toBe(0.5);
    expect(exactTwoSidedKs(4, 6, 0.01)).toEqual({ success: true, d: 0, pValue: 1 });
  });
});

describe('kstwo.sf and smirnov against scipy', () => {
  it.each(fixture.kstwoSf)('kstwo.sf(d, n = %i) at d = %f', (n, d, sf) => {
    expectClose(kstwoSf(d, n), sf, `kstwo n=${n} d=${d}`);
  });

  it.each(fixture.smirnov)('smirnov(n = %i, d = %f)', (n, d, sf) => {
    expectClose(smirnovSf(n, d), sf, `smirnov n=${n} d=${d}`);
  });

  it('outside the support', () => {
    expect(kstwoSf(0, 10)).toBe(1);
    expect(kstwoSf(0.05, 10)).toBe(1); // <= 1/(2n)
    expect(kstwoSf(1, 10)).toBe(0);
    expect(smirnovSf(10, 0)).toBe(1);
    expect(smirnovSf(10, 1)).toBe(0);
    expect(smirnovSf(10, 1.5)).toBeNaN();
  });
});

describe('ksTest', () => {
  it('drifts when p <= threshold (Evidently: <=, not <)', () => {
    const ref = numericDistributionFrom([1, 2, 3]);
    const cur = numericDistributionFrom([4, 5, 6]);
    // p = 0.1 exactly in double arithmetic
    const { pValue } = ksTwoSample(ref, cur);
    expect(ksTest(ref, cur, pValue).drifted).toBe(true);
    expect(ksTest(ref, cur, pValue * (1 - 1e-15)).drifted).toBe(false);
    expect(ksTest(ref, cur).threshold).toBe(0.05);
  });

  it('drops NaN and infinities and reports them', () => {
    const ref = numericDistributionFrom([1, NaN, 2, Infinity, 3, -Infinity, -Infinity]);
    const cur = numericDistributionFrom([2, 3, 4, NaN]);
    const result = ksTest(ref, cur);
    expect(result.dropped).toEqual({
      reference: { missing: 1, posInf: 1, negInf: 2 },
      current: { missing: 1, posInf: 0, negInf: 0 },
    });
    expect(result.statistic).toBe(
      ksTwoSample(numericDistributionFrom([1, 2, 3]), numericDistributionFrom([2, 3, 4])).statistic,
    );
  });

  it('refuses an empty side, as scipy does', () => {
    expect(() => ksTwoSample(numericDistributionFrom([NaN]), numericDistributionFrom([1]))).toThrow(
      RangeError,
    );
  });

  it('stays fast on 3M-row columns given as value counts', () => {
    // 3,000,000 vs 2,000,000 rows over 60,000 distinct values each: the asymptotic path.
    const make = (n: number, shift: number, rows: number): NumericDistribution => {
      const values = new Float64Array(n);
      const counts = new Float64Array(n);
      let total = 0;
      for (let i = 0; i < n; i++) {
        values[i] = i / 1000 + shift;
        counts[i] = Math.max(1, Math.round(Math.exp(-(((i - n / 2) / (n / 6)) ** 2) / 2) * 100));
        total += counts[i]!;
      }
      const scale = rows / total;
      for (let i = 0; i < n; i++) counts[i] = Math.max(1, Math.round(counts[i]! * scale));
      return { values, counts, nan: 0, posInf: 0, negInf: 0 };
    };
    const ref = make(60000, 0, 3_000_000);
    const cur = make(60000, 0.5, 2_000_000);
    const start = performance.now();
    const result = ksTwoSample(ref, cur);
    const elapsed = performance.now() - start;
    expect(result.method).toBe('asymptotic');
    expect(result.pValue).toBe(0);
    expect(elapsed).toBeLessThan(2000);
  });
});
