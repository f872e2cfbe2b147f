/**
 * The input of every drift test: a column reduced to its value counts.
 *
 * The stored reference profile keeps exact value counts rather than raw rows, and every test
 * here (KS, Wasserstein, the binned divergences) depends on a sample only through its empirical
 * distribution, so working on counts gives the same numbers as the raw arrays while costing
 * O(distinct values) instead of O(rows) — a 3M-row column of prices with 40k distinct values is
 * tested in the time of 40k.
 *
 * Missing values (NaN, null) and infinities are kept out of the counts, as Evidently drops them
 * before testing (legacy calculations/data_drift.py: `replace([-inf, inf], nan).dropna()`), but
 * they are counted so that a report can say how many rows the test did not see.
 */

/** A numerical column as value counts. */
export interface NumericDistribution {
  /** Distinct finite values, strictly ascending; −0 is stored as 0 (numpy treats them as equal). */
  readonly values: Float64Array;
  /** How often each value occurs: same length as `values`, every count > 0 (integers). */
  readonly counts: Float64Array;
  /** NaN rows (missing values), dropped before testing. */
  readonly nan: number;
  /** +∞ rows, dropped before testing. */
  readonly posInf: number;
  /** −∞ rows, dropped before testing. */
  readonly negInf: number;
}

/** A categorical column as category counts. */
export interface CategoricalDistribution {
  /** Count per category (every count > 0); iteration order is the order categories first appear. */
  readonly counts: ReadonlyMap<string, number>;
  /** Missing (null) rows, dropped before testing. */
  readonly missing: number;
}

export type Distribution = NumericDistribution | CategoricalDistribution;

/** Evidently's two column types that drift tests apply to. */
export type ColumnKind = 'numerical' | 'categorical';

/** Rows a test did not see, per side: NaN or null (`missing`) and the two infinities. */
export interface DroppedValues {
  readonly missing: number;
  readonly posInf: number;
  readonly negInf: number;
}

export function isNumericDistribution(d: Distribution): d is NumericDistribution {
  return 'values' in d;
}

export function kindOf(d: Distribution): ColumnKind {
  return isNumericDistribution(d) ? 'numerical' : 'categorical';
}

/** Number of rows a test sees: the finite values (numerical) or the non-missing ones. */
export function observedCount(d: Distribution): number {
  let total = 0;
  if (isNumericDistribution(d)) {
    for (let i = 0; i < d.counts.length; i++) total += d.counts[i]!;
  } else {
    for (const count of d.counts.values()) total += count;
  }
  return total;
}

export function droppedValues(d: Distribution): DroppedValues {
  return isNumericDistribution(d)
    ? { missing: d.nan, posInf: d.posInf, negInf: d.negInf }
    : { missing: d.missing, posInf: 0, negInf: 0 };
}

/** Counts the values of a numerical column: sorts the finite ones, merges ties, counts the rest. */
export function numericDistributionFrom(array: ArrayLike<number>): NumericDistribution {
  const finite = new Float64Array(array.length);
  let n = 0;
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  for (let i = 0; i < array.length; i++) {
    const x = array[i]!;
    if (Number.isFinite(x)) finite[n++] = x === 0 ? 0 : x;
    else if (x === Infinity) posInf++;
    else if (x === -Infinity) negInf++;
    else nan++;
  }
  // A typed-array sort is numeric (not the string order of Array.prototype.sort).
  const sorted = finite.subarray(0, n).sort();
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n;) {
    const v = sorted[i]!;
    let j = i + 1;
    while (j < n && sorted[j] === v) j++;
    values.push(v);
    counts.push(j - i);
    i = j;
  }
  return {
    values: Float64Array.from(values),
    counts: Float64Array.from(counts),
    nan,
    posInf,
    negInf,
  };
}

/**
 * Wraps stored value counts (a reference profile) as a distribution, checking the invariants the
 * tests rely on: values finite and strictly ascending, counts positive integers.
 */
export function numericDistributionFromCounts(
  values: ArrayLike<number>,
  counts: ArrayLike<number>,
  dropped: { nan?: number; posInf?: number; negInf?: number } = {},
): NumericDistribution {
  if (values.length !== counts.length) {
    throw new RangeError(`${values.length} values but ${counts.length} counts`);
  }
  const v = Float64Array.from(values, (x) => (x === 0 ? 0 : x));
  const c = Float64Array.from(counts);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!)) throw new RangeError(`value ${v[i]} is not finite`);
    if (i > 0 && !(v[i]! > v[i - 1]!)) {
      throw new RangeError(`values must be strictly ascending: ${v[i - 1]} then ${v[i]}`);
    }
    if (!(c[i]! > 0) || !Number.isInteger(c[i]!)) {
      throw new RangeError(`count ${c[i]} of value ${v[i]} is not a positive integer`);
    }
  }
  return {
    values: v,
    counts: c,
    nan: dropped.nan ?? 0,
    posInf: dropped.posInf ?? 0,
    negInf: dropped.negInf ?? 0,
  };
}

/** Counts the categories of a categorical column; null is a missing value. */
export function categoricalDistributionFrom(
  values: Iterable<string | null>,
): CategoricalDistribution {
  const counts = new Map<string, number>();
  let missing = 0;
  for (const value of values) {
    if (value === null) missing++;
    else counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return { counts, missing };
}

/** Wraps stored category counts, dropping zero counts (a category the sample never had). */
export function categoricalDistributionFromCounts(
  entries: Iterable<readonly [string, number]>,
  missing = 0,
): CategoricalDistribution {
  const counts = new Map<string, number>();
  for (const [key, count] of entries) {
    if (!(count >= 0) || !Number.isInteger(count)) {
      throw new RangeError(
        `count ${count} of category ${JSON.stringify(key)} is not an integer >= 0`,
      );
    }
    if (count > 0) counts.set(key, (counts.get(key) ?? 0) + count);
  }
  return { counts, missing };
}
