import { describe, expect, it } from 'vitest';
import type { DataBatch } from '../../src/core/data/batch.js';
import {
  ksSketchErrorBound,
  wassersteinSketchErrorBound,
  type NumericDistribution,
} from '../../src/core/profile/distributions.js';
import {
  createProfileBuilder,
  profileColumnDistributions,
  type DataProfile,
} from '../../src/core/profile/profile.js';
import { LogBucketRounding } from '../../src/core/profile/sketch.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';

/** mulberry32: a small seeded generator, so the samples are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box-Muller. */
function normal(next: () => number): number {
  const u = 1 - next();
  const v = next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

// --- An independent reference: both statistics straight from sorted raw samples. ---

/** Two-sample KS statistic sup |F(t) - G(t)|, evaluated after all ties at each point. */
function ksStatistic(x: Float64Array, y: Float64Array): number {
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length || j < y.length) {
    const t = Math.min(
      i < x.length ? (x[i] as number) : Infinity,
      j < y.length ? (y[j] as number) : Infinity,
    );
    while (i < x.length && x[i] === t) i++;
    while (j < y.length && y[j] === t) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** Wasserstein-1 distance: the integral of |F - G| over the line. */
function wasserstein(x: Float64Array, y: Float64Array): number {
  let i = 0;
  let j = 0;
  let area = 0;
  let previous = Math.min(x[0] as number, y[0] as number);
  while (i < x.length || j < y.length) {
    const t = Math.min(
      i < x.length ? (x[i] as number) : Infinity,
      j < y.length ? (y[j] as number) : Infinity,
    );
    area += Math.abs(i / x.length - j / y.length) * (t - previous);
    previous = t;
    while (i < x.length && x[i] === t) i++;
    while (j < y.length && y[j] === t) j++;
  }
  return area;
}

/** A weighted distribution written out value by value (sorted, since values are). */
function expand(distribution: NumericDistribution): Float64Array {
  let n = 0;
  for (const c of distribution.counts) n += c;
  const out = new Float64Array(n);
  let k = 0;
  distribution.values.forEach((value, i) => {
    const count = distribution.counts[i] as number;
    for (let c = 0; c < count; c++) out[k++] = value;
  });
  return out;
}

const schema = parseDatasetSchema('columns:\n  x: {type: number}\n', 'schema.yml');

function profileOf(values: Float64Array, alpha: number): DataProfile {
  const builder = createProfileBuilder({ schema, options: { alpha } });
  const size = 8192;
  for (let start = 0; start < values.length; start += size) {
    const cells = Array.from(values.subarray(start, start + size));
    const batch: DataBatch = {
      file: 'x.parquet',
      format: 'parquet',
      columns: ['x'],
      values: [cells],
      lines: cells.map((_, r) => start + r + 1),
      rows: cells.length,
    };
    builder.add(batch);
  }
  return builder.finish();
}

function distributionOf(profile: DataProfile): {
  exact: boolean;
  alpha: number;
  d: NumericDistribution;
} {
  const [named] = profileColumnDistributions(profile, 'x');
  if (named?.kind !== 'numeric') throw new Error('expected a numeric distribution');
  return { exact: named.exact, alpha: named.alpha, d: named.distribution };
}

describe('LogBucketRounding', () => {
  it('rounds to bucket representatives (hand-worked for alpha 0.2, gamma 1.5)', () => {
    const rounding = new LogBucketRounding(0.2);
    expect(rounding.gamma).toBeCloseTo(1.5, 15);
    // Bucket i is (1.5^(i-1), 1.5^i], representative 2 * 1.5^i / 2.5.
    expect(rounding.round(1)).toBeCloseTo(0.8, 15); // bucket 0
    expect(rounding.round(1.2)).toBeCloseTo(1.2, 15); // bucket 1
    expect(rounding.round(2)).toBeCloseTo(1.8, 15); // bucket 2: (1.5, 2.25]
    expect(rounding.round(-2)).toBeCloseTo(-1.8, 15);
    expect(rounding.round(0.5)).toBeCloseTo((2 * 1.5 ** -1) / 2.5, 15); // (0.444, 0.667]
    expect(rounding.round(0)).toBe(0);
  });

  it('moves every value by at most alpha relative, and is idempotent and non-decreasing', () => {
    const next = random(1);
    for (const alpha of [1e-4, 0.01, 0.3]) {
      const rounding = new LogBucketRounding(alpha);
      let previousX = -Infinity;
      let previousR = -Infinity;
      const xs = Array.from({ length: 20_000 }, () => (next() - 0.5) * 10 ** (next() * 40 - 20));
      xs.sort((a, b) => a - b);
      let worst = 0;
      let unstable = 0;
      let decreasing = 0;
      for (const x of xs) {
        const r = rounding.round(x);
        if (x !== 0) worst = Math.max(worst, Math.abs(r - x) / Math.abs(x));
        if (rounding.round(r) !== r) unstable++;
        if (x >= previousX && r < previousR) decreasing++;
        previousX = x;
        previousR = r;
      }
      expect(worst).toBeLessThanOrEqual(alpha * (1 + 1e-12));
      expect(worst).toBeGreaterThan(alpha * 0.99);
      expect(unstable).toBe(0);
      expect(decreasing).toBe(0);
    }
  });

  it('combines values that share a bucket', () => {
    const rounding = new LogBucketRounding(0.2);
    const out = rounding.roundSorted(
      Float64Array.from([-2, -1.9, 0, 1.1, 1.2, 2]),
      Float64Array.from([1, 2, 3, 4, 5, 6]),
    );
    expect(out.values.length).toBe(4);
    expect([...out.counts]).toEqual([3, 3, 9, 6]);
  });
});

describe('sketch error bounds on 300,000 distinct values', () => {
  const n = 300_000;
  const next = random(42);
  const ref = new Float64Array(n);
  const cur = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // A skewed mixture with negatives, and a shifted, wider version of it.
    ref[i] = next() < 0.7 ? Math.exp(normal(next)) * 50 : normal(next) * 20;
    cur[i] = next() < 0.7 ? Math.exp(0.05 + 1.1 * normal(next)) * 50 : 3 + normal(next) * 20;
  }
  const refSorted = ref.slice().sort();
  const curSorted = cur.slice().sort();

  it('has distinct values past maxDistinct, so the profile is sketched', () => {
    expect(new Set(ref).size).toBe(n);
    expect(new Set(cur).size).toBe(n);
  });

  for (const alpha of [1e-4, 0.02]) {
    it(`keeps KS and Wasserstein within the stated bounds (alpha ${alpha})`, () => {
      const a = distributionOf(profileOf(ref, alpha));
      const b = distributionOf(profileOf(cur, alpha));
      expect(a.exact).toBe(false);
      expect(b.exact).toBe(false);
      expect([a.alpha, b.alpha]).toEqual([alpha, alpha]);
      const refRounded = expand(a.d);
      const curRounded = expand(b.d);
      expect(refRounded.length).toBe(n);

      // Every value moved by at most alpha * |x|: the rounding is non-decreasing, so the i-th
      // smallest rounded value is the rounding of the i-th smallest value.
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const x = refSorted[i] as number;
        worst = Math.max(worst, Math.abs((refRounded[i] as number) - x) / Math.abs(x));
      }
      expect(worst).toBeLessThanOrEqual(alpha * (1 + 1e-12));

      const dExact = ksStatistic(refSorted, curSorted);
      const dSketch = ksStatistic(refRounded, curRounded);
      expect(dSketch).toBeLessThanOrEqual(dExact + 1e-15);
      expect(dExact - dSketch).toBeLessThanOrEqual(ksSketchErrorBound(a.d, b.d) + 1e-15);

      const wExact = wasserstein(refSorted, curSorted);
      const wSketch = wasserstein(refRounded, curRounded);
      let meanAbs = 0;
      for (let i = 0; i < n; i++)
        meanAbs += (Math.abs(ref[i] as number) + Math.abs(cur[i] as number)) / n;
      const bound = wassersteinSketchErrorBound(a.d, b.d, alpha);
      expect(bound).toBeGreaterThanOrEqual(alpha * meanAbs);
      expect(Math.abs(wSketch - wExact)).toBeLessThanOrEqual(alpha * meanAbs * (1 + 1e-9));
    });
  }
});
