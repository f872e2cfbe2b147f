/**
 * Every registered drift test against scipy 1.10.1 and transcriptions of Evidently's stattests
 * (scripts/reference/drift_reference.py → test/fixtures/drift/scipy-reference.json), at 1e-9
 * relative, plus the registry, the input representation and the special functions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { binnedPercents, sturgesBinEdges } from '../../src/core/drift/binning.js';
import { chiSquareTest } from '../../src/core/drift/chi-square-test.js';
import {
  categoricalDistributionFrom,
  numericDistributionFrom,
  numericDistributionFromCounts,
  observedCount,
  type NumericDistribution,
} from '../../src/core/drift/distribution.js';
import { chiSquareSurvival, logGamma, regularizedGammaP } from '../../src/core/drift/gamma.js';
import { erf, normalCdf, normalSurvival } from '../../src/core/drift/normal.js';
import {
  STAT_TESTS,
  STAT_TEST_NAMES,
  getStatTest,
  runStatTest,
} from '../../src/core/drift/registry.js';
import type { StatTestName } from '../../src/core/drift/stat-test.js';
import { compareCodePoints, zTest } from '../../src/core/drift/z-test.js';
import { expectClose, fixture, num, toDistribution, worst } from './reference-fixture.js';

afterAll(() => {
  console.log(
    `stat tests: largest relative error vs scipy ${worst.relative.toExponential(2)} (${worst.where})`,
  );
});

const comparisons = fixture.cases.flatMap((c) =>
  (Object.keys(c.expected) as (StatTestName | 'binEdges')[])
    .filter((name): name is StatTestName => name !== 'binEdges')
    .map((name) => [`${c.name} ${name}`, c, name] as const),
);

describe('registered tests against scipy / Evidently', () => {
  it('has at least 20 cases and exercises every registered test', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(20);
    expect(new Set(comparisons.map(([, , name]) => name))).toEqual(new Set(STAT_TEST_NAMES));
    expect(fixture.versions).toMatchObject({ scipy: '1.10.1', numpy: '1.24.2' });
  });

  it.each(comparisons)('%s', (label, c, name) => {
    const reference = toDistribution(c.reference);
    const current = toDistribution(c.current);
    const expected = c.expected[name]!;
    const result = runStatTest(name, reference, current);
    expectClose(result.statistic, expected.statistic, `${label} statistic`);
    if (expected.pValue === undefined) {
      expect(result.pValue).toBeNull();
    } else {
      expectClose(result.pValue!, expected.pValue, `${label} p`);
    }
    if (expected.evidentlyPValue !== undefined) {
      // Evidently's 2·(1 − Φ(|z|)) has only the absolute precision of 1 − Φ.
      expect(Math.abs(result.pValue! - num(expected.evidentlyPValue))).toBeLessThan(1e-15);
    }
    const test = STAT_TESTS[name];
    expect(result.threshold).toBe(test.defaultThreshold);
  });

  it.each(fixture.cases.filter((c) => c.expected.binEdges !== undefined).map((c) => [c.name, c]))(
    'numpy histogram_bin_edges(sturges) to the bit: %s',
    (_name, c) => {
      const reference = toDistribution(c.reference) as NumericDistribution;
      const current = toDistribution(c.current) as NumericDistribution;
      const min = Math.min(reference.values[0]!, current.values[0]!);
      const max = Math.max(reference.values.at(-1)!, current.values.at(-1)!);
      const edges = sturgesBinEdges(min, max, observedCount(reference) + observedCount(current));
      expect([...edges]).toEqual(c.expected.binEdges);
    },
  );
});

describe('edge cases', () => {
  it('an unseen category makes chi-square infinite, p = 0', () => {
    const ref = categoricalDistributionFrom(['a', 'a', 'b', 'b', 'b']);
    const cur = categoricalDistributionFrom(['a', 'b', 'c']);
    const result = chiSquareTest(ref, cur);
    expect(result.statistic).toBe(Infinity);
    expect(result.pValue).toBe(0);
    expect(result.drifted).toBe(true);
  });

  it('a single shared category: chi-square has no degrees of freedom (p NaN, no drift)', () => {
    const ref = categoricalDistributionFrom(['x', 'x', null]);
    const cur = categoricalDistributionFrom(['x']);
    const result = chiSquareTest(ref, cur);
    expect(result.pValue).toBeNaN();
    expect(result.drifted).toBe(false);
    expect(result.dropped.reference).toEqual({ missing: 1, posInf: 0, negInf: 0 });
  });

  it('z-test: one shared constant gives p = 1; the zero key is the smallest value', () => {
    const same = zTest(numericDistributionFrom([4, 4, 4]), numericDistributionFrom([4, 4]));
    expect(same.pValue).toBe(1);
    expect(same.drifted).toBe(false);
    // ref: 1 of 4 differ from the zero key 'no'; cur: 3 of 4.
    const r = zTest(
      categoricalDistributionFrom(['yes', 'no', 'no', 'no']),
      categoricalDistributionFrom(['yes', 'yes', 'yes', 'no']),
    );
    const p1 = 0.25;
    const p2 = 0.75;
    const pooled = 0.5;
    expect(r.statistic).toBeCloseTo((p1 - p2) / Math.sqrt(pooled * pooled * (1 / 4 + 1 / 4)), 15);
  });

  it('orders categories by code point, as Python sorts strings', () => {
    // U+1F600 is a surrogate pair (0xD83D…) in UTF-16, which sorts below U+FF21 by code unit.
    expect(compareCodePoints('\u{1F600}', '\uFF21')).toBeGreaterThan(0);
    expect('\u{1F600}' < '\uFF21').toBe(true);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('b', 'b')).toBe(0);
  });

  it('PSI and KL fill empty bins: 0.0001, or the smallest share / 10^6', () => {
    const ref = numericDistributionFrom([1, 1, 1, 2]);
    const cur = numericDistributionFrom([2, 3]);
    const { reference, current } = binnedPercents(ref, cur, true);
    expect([...reference]).toEqual([0.75, 0.25, 0.0001]);
    expect([...current]).toEqual([0.0001, 0.5, 0.5]);
    const many = numericDistributionFromCounts([1, 2], [1, 20000]);
    const other = numericDistributionFromCounts([2, 3], [1, 1]);
    expect(binnedPercents(many, other, true).reference[2]).toBe(1 / 20001 / 1e6);
  });

  it('the registry refuses a kind a test does not take, and unknown names', () => {
    const num1 = numericDistributionFrom([1, 2]);
    const cat1 = categoricalDistributionFrom(['a']);
    expect(() => runStatTest('ks', cat1, cat1)).toThrow(/does not apply to categorical/);
    expect(() => runStatTest('linf', num1, num1)).toThrow(/does not apply to numerical/);
    expect(() => runStatTest('psi', num1, cat1)).toThrow(TypeError);
    expect(() => runStatTest('anderson', num1, num1)).toThrow(/unknown drift test/);
    expect(getStatTest('toString')).toBeUndefined();
  });

  it('an empty side (all missing) is refused', () => {
    const empty = numericDistributionFrom([NaN, Infinity]);
    const one = numericDistributionFrom([1]);
    for (const name of ['wasserstein', 'jensenshannon', 'psi', 'chisquare'] as const) {
      expect(() => runStatTest(name, empty, one)).toThrow(RangeError);
    }
  });
});

describe('registry', () => {
  it('records Evidently’s kinds, defaults and drift directions', () => {
    const summary = Object.fromEntries(
      STAT_TEST_NAMES.map((n) => {
        const t = STAT_TESTS[n];
        return [n, [t.kinds.join('+'), t.pValueTest, t.defaultThreshold, t.driftRule]];
      }),
    );
    expect(summary).toEqual({
      ks: ['numerical', true, 0.05, 'p-at-or-below'],
      chisquare: ['numerical+categorical', true, 0.05, 'p-below'],
      z: ['numerical+categorical', true, 0.05, 'p-below'],
      wasserstein: ['numerical', false, 0.1, 'statistic-at-or-above'],
      jensenshannon: ['numerical+categorical', false, 0.1, 'statistic-at-or-above'],
      psi: ['numerical+categorical', false, 0.1, 'statistic-at-or-above'],
      kl_div: ['numerical+categorical', false, 0.1, 'statistic-at-or-above'],
      hellinger: ['numerical+categorical', false, 0.1, 'statistic-at-or-above'],
      linf: ['categorical', false, 0.1, 'statistic-at-or-above'],
    });
  });

  it('applies each rule at the threshold itself', () => {
    const ref = categoricalDistributionFrom(['a', 'a', 'b', 'b']);
    const cur = categoricalDistributionFrom(['a', 'b', 'b', 'b']);
    const chi = runStatTest('chisquare', ref, cur);
    expect(runStatTest('chisquare', ref, cur, chi.pValue!).drifted).toBe(false); // p < t
    const linf = runStatTest('linf', ref, cur);
    expect(linf.statistic).toBe(0.25);
    expect(runStatTest('linf', ref, cur, 0.25).drifted).toBe(true); // >= t
    expect(runStatTest('linf', ref, cur, 0.2500001).drifted).toBe(false);
  });
});

describe('input representation', () => {
  it('sorts, merges ties, and counts NaN and infinities apart; −0 is 0', () => {
    const d = numericDistributionFrom([3, -0, NaN, 1, 0, 3, Infinity, -Infinity, 3, NaN]);
    expect([...d.values]).toEqual([0, 1, 3]);
    expect(Object.is(d.values[0], 0)).toBe(true);
    expect([...d.counts]).toEqual([2, 1, 3]);
    expect([d.nan, d.posInf, d.negInf]).toEqual([2, 1, 1]);
    expect(observedCount(d)).toBe(6);
  });

  it('counts categories in order of appearance, null as missing', () => {
    const d = categoricalDistributionFrom(['b', null, 'a', 'b', null]);
    expect([...d.counts]).toEqual([
      ['b', 2],
      ['a', 1],
    ]);
    expect(d.missing).toBe(2);
  });

  it('checks stored counts', () => {
    expect(() => numericDistributionFromCounts([2, 1], [1, 1])).toThrow(/ascending/);
    expect(() => numericDistributionFromCounts([1, 2], [1, 0])).toThrow(/positive integer/);
    expect(() => numericDistributionFromCounts([1, Infinity], [1, 1])).toThrow(/finite/);
  });
});

describe('special functions against scipy', () => {
  it.each(fixture.chi2Sf)('chi2.sf(%f, %i)', (x, df, sf) => {
    expectClose(chiSquareSurvival(x, df), sf, `chi2.sf(${x}, ${df})`);
  });

  it.each(fixture.normalSf)('norm.sf(%f)', (z, sf) => {
    expectClose(normalSurvival(z), sf, `norm.sf(${z})`);
  });

  it('log-gamma, incomplete gamma and erf at known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(171)).toBeCloseTo(
      Array.from({ length: 170 }, (_, i) => Math.log(i + 1)).reduce((a, b) => a + b),
      9,
    );
    // P(1, x) = 1 − e^−x; P(½, x) = erf(√x)
    expect(regularizedGammaP(1, 0.3)).toBeCloseTo(-Math.expm1(-0.3), 15);
    expect(regularizedGammaP(0.5, 2)).toBeCloseTo(erf(Math.SQRT2), 15);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(chiSquareSurvival(Infinity, 3)).toBe(0);
    expect(chiSquareSurvival(2, 0)).toBeNaN();
  });
});
