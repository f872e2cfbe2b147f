/**
 * The numeric part of a profile: exact value counts (or their sketch), moments and extremes.
 *
 * Moments: each batch's finite values are summed and their squared deviations from the batch
 * mean taken in two passes, then folded into the running count, mean and M2 (sum of squared
 * deviations) with the parallel update of Chan, Golub and LeVeque (1979):
 *   n = n_a + n_b, delta = mean_b - mean_a,
 *   mean = (n_a * mean_a + n_b * mean_b) / n, M2 = M2_a + M2_b + delta^2 * n_a * n_b / n.
 * The same update merges two profiles, so moments of merged shards equal those of the whole up
 * to floating-point rounding; the form above is symmetric in a and b, so merging is exactly
 * commutative. Variance is M2 / n (population) or M2 / (n - 1) (sample).
 *
 * Value counts: exact counts (`ValueCounts`, a hash table of doubles) while the column has at
 * most `maxDistinct` distinct finite values; past that the column switches, for good, to the
 * logarithmic-bucket sketch of sketch.ts (the table is then keyed by an encoded bucket index: 2i
 * for x > 0 in bucket i, 2i + 1 for x < 0, zero counted apart). Whether a column ends exact
 * depends only on its distinct values (exact iff at most `maxDistinct`), never on batch
 * boundaries or shard order, and the rounding depends only on alpha, so builders and merges
 * agree value for value.
 */
import type { LogBucketRounding } from './sketch.js';

export interface NumericSummary {
  /** Finite values (those in `values`/`counts`). */
  readonly count: number;
  /** NaN values (a NaN number, or "NaN"-like text in a CSV number column); missing cells apart. */
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
  /** Extremes of the finite values (exact even when the counts are sketched); null when none. */
  readonly min: number | null;
  readonly max: number | null;
  /** Mean and M2 (sum of squared deviations from the mean) of the finite values; 0 when none. */
  readonly mean: number;
  readonly m2: number;
  readonly sum: number;
  /** False once the counts are sketched (values are bucket representatives). */
  readonly exact: boolean;
  /** Sorted ascending, distinct, finite. */
  readonly values: Float64Array;
  /** Same length as `values`, each > 0, adding up to `count`. */
  readonly counts: Float64Array;
}

const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

/** MurmurHash3's 32-bit finalizer: every input bit affects every output bit. */
function mix(x: number): number {
  let h = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Counts of finite doubles: an open-addressing hash table (linear probing, at most half full) over
 * two Float64Arrays, NaN marking an empty slot; -0 counts as 0. A Map<number, number> boxes each
 * double key and needs a lookup and an insert per value, where this hashes the value's bits and
 * probes once: on 3,000,000 values (best of 7, busy 2-core machine) 37 ms against 93 ms for 5,000
 * distinct integers, 76 ms against 308 ms for 100,000 distinct decimals.
 */
export class ValueCounts {
  private keys: Float64Array;
  private counts: Float64Array;
  private mask: number;
  size = 0;

  /** `capacity`: the initial number of slots, a power of two. */
  constructor(capacity = 1024) {
    this.keys = new Float64Array(capacity).fill(NaN);
    this.counts = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  /** Adds `count` occurrences of the finite value `value`. */
  add(value: number, count: number): void {
    const v = value + 0; // -0 becomes 0
    bits[0] = v;
    const lo = words[0] as number;
    const hi = words[1] as number;
    const h = mix(mix(hi) ^ lo);
    const keys = this.keys;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const k = keys[i] as number;
      if (k === v) {
        this.counts[i] = (this.counts[i] as number) + count;
        return;
      }
      if (k !== k) break;
      i = (i + 1) & mask;
    }
    keys[i] = v;
    this.counts[i] = count;
    if (++this.size * 2 > keys.length) this.grow();
  }

  private grow(): void {
    const keys = this.keys;
    const counts = this.counts;
    this.keys = new Float64Array(keys.length * 2).fill(NaN);
    this.counts = new Float64Array(keys.length * 2);
    this.mask = keys.length * 2 - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as number;
      if (k === k) this.add(k, counts[i] as number);
    }
  }

  /** Calls `f` for each value with its count, in no particular order. */
  forEach(f: (value: number, count: number) => void): void {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as number;
      if (k === k) f(k, this.counts[i] as number);
    }
  }
}

/** Builds a NumericSummary from batches of values. */
export class NumericAccumulator {
  nan = 0;
  posInf = 0;
  negInf = 0;
  private count = 0;
  private mean = 0;
  private m2 = 0;
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;
  private counts = new ValueCounts();
  /** Zeros, counted apart while sketched. */
  private zeros = 0;
  private exact = true;

  constructor(
    private readonly maxDistinct: number,
    private readonly rounding: LogBucketRounding,
  ) {}

  /** Adds `values[0..n)`, which must all be finite. */
  addFinite(values: Float64Array, n: number): void {
    if (n === 0) return;
    let sum = 0;
    let min = this.min;
    let max = this.max;
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = sum / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const d = (values[i] as number) - mean;
      m2 += d * d;
    }
    const total = this.count + n;
    const delta = mean - this.mean;
    this.m2 = this.m2 + m2 + (delta * delta * this.count * n) / total;
    this.mean = (this.count * this.mean + n * mean) / total;
    this.count = total;
    this.sum += sum;
    this.min = min;
    this.max = max;

    const counts = this.counts;
    if (this.exact) {
      for (let i = 0; i < n; i++) counts.add(values[i] as number, 1);
      if (counts.size > this.maxDistinct) this.switchToSketch();
    } else {
      for (let i = 0; i < n; i++) this.addSketched(values[i] as number, 1);
    }
  }

  private addSketched(v: number, count: number): void {
    if (v === 0) {
      this.zeros += count;
      return;
    }
    const index = this.rounding.index(v);
    const key = v > 0 ? 2 * index : 2 * index + 1;
    this.counts.add(key, count);
  }

  private switchToSketch(): void {
    const exact = this.counts;
    this.counts = new ValueCounts();
    this.exact = false;
    exact.forEach((v, count) => this.addSketched(v, count));
  }

  finish(): NumericSummary {
    const entries: [number, number][] = [];
    if (this.exact) {
      this.counts.forEach((value, count) => entries.push([value, count]));
    } else {
      this.counts.forEach((key, count) => {
        const negative = key % 2 !== 0;
        const r = this.rounding.representative(negative ? (key - 1) / 2 : key / 2);
        entries.push([negative ? -r : r, count]);
      });
      if (this.zeros > 0) entries.push([0, this.zeros]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    const values = new Float64Array(entries.length);
    const counts = new Float64Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as [number, number];
      values[i] = entry[0];
      counts[i] = entry[1];
    }
    const some = this.count > 0;
    return {
      count: this.count,
      nan: this.nan,
      posInf: this.posInf,
      negInf: this.negInf,
      min: some ? this.min : null,
      max: some ? this.max : null,
      mean: this.mean,
      m2: this.m2,
      sum: this.sum,
      exact: this.exact,
      values,
      counts,
    };
  }
}

/** Merges two sorted, distinct value lists, adding the counts of equal values. */
function mergeSorted(
  av: Float64Array,
  ac: Float64Array,
  bv: Float64Array,
  bc: Float64Array,
): { values: Float64Array; counts: Float64Array } {
  const values = new Float64Array(av.length + bv.length);
  const counts = new Float64Array(av.length + bv.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < av.length || j < bv.length) {
    const a = i < av.length ? (av[i] as number) : Infinity;
    const b = j < bv.length ? (bv[j] as number) : Infinity;
    if (a === b) {
      values[n] = a;
      counts[n++] = (ac[i++] as number) + (bc[j++] as number);
    } else if (a < b) {
      values[n] = a;
      counts[n++] = ac[i++] as number;
    } else {
      values[n] = b;
      counts[n++] = bc[j++] as number;
    }
  }
  return { values: values.slice(0, n), counts: counts.slice(0, n) };
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/**
 * Merges two summaries built with the same `maxDistinct` and rounding: the summary of the
 * concatenated data (moments up to rounding, counts exactly).
 */
export function mergeNumericSummaries(
  a: NumericSummary,
  b: NumericSummary,
  maxDistinct: number,
  rounding: LogBucketRounding,
): NumericSummary {
  let exact = a.exact && b.exact;
  const left = exact || !a.exact ? a : rounding.roundSorted(a.values, a.counts);
  const right = exact || !b.exact ? b : rounding.roundSorted(b.values, b.counts);
  let merged = mergeSorted(left.values, left.counts, right.values, right.counts);
  if (exact && merged.values.length > maxDistinct) {
    merged = rounding.roundSorted(merged.values, merged.counts);
    exact = false;
  }
  const count = a.count + b.count;
  let mean = 0;
  let m2 = 0;
  if (count > 0) {
    const delta = b.mean - a.mean;
    mean = (a.count * a.mean + b.count * b.mean) / count;
    m2 = a.m2 + b.m2 + (delta * delta * a.count * b.count) / count;
  }
  return {
    count,
    nan: a.nan + b.nan,
    posInf: a.posInf + b.posInf,
    negInf: a.negInf + b.negInf,
    min: minOf(a.min, b.min),
    max: maxOf(a.max, b.max),
    mean,
    m2,
    sum: a.sum + b.sum,
    exact,
    values: merged.values,
    counts: merged.counts,
  };
}
