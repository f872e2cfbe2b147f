/**
 * Turning two samples into aligned frequency vectors, as Evidently's `get_binned_data`
 * (legacy/calculations/stattests/utils.py) does for PSI, KL divergence and Jensen-Shannon:
 * - a numerical column whose reference has more than 20 distinct values is cut into
 *   `np.histogram_bin_edges(reference ∪ current, bins='sturges')` equal-width bins;
 * - otherwise (few values, or a categorical column) each distinct value of the union is a bin.
 *
 * Bin edges and bin membership reproduce numpy 1.24 exactly: the edges are np.linspace's
 * `i·step + first` with the last edge set to the maximum, and a value belongs to bin i when
 * edge_i <= value < edge_(i+1), the last bin closed on the right.
 */

import {
  isNumericDistribution,
  observedCount,
  type CategoricalDistribution,
  type Distribution,
  type NumericDistribution,
} from './distribution.js';

/** Counts of each sample over the union of their keys, in the same order. */
export interface AlignedCounts {
  readonly reference: Float64Array;
  readonly current: Float64Array;
}

/** Per-value counts over the union of distinct values, ascending. */
export function alignNumeric(
  reference: NumericDistribution,
  current: NumericDistribution,
): AlignedCounts & { readonly values: Float64Array } {
  const v1 = reference.values;
  const v2 = current.values;
  const values: number[] = [];
  const ref: number[] = [];
  const cur: number[] = [];
  let i = 0;
  let j = 0;
  while (i < v1.length || j < v2.length) {
    const x = j >= v2.length || (i < v1.length && v1[i]! <= v2[j]!) ? v1[i]! : v2[j]!;
    values.push(x);
    ref.push(i < v1.length && v1[i] === x ? reference.counts[i++]! : 0);
    cur.push(j < v2.length && v2[j] === x ? current.counts[j++]! : 0);
  }
  return {
    values: Float64Array.from(values),
    reference: Float64Array.from(ref),
    current: Float64Array.from(cur),
  };
}

/** Per-category counts over the union of categories (reference's first, then new ones). */
export function alignCategorical(
  reference: CategoricalDistribution,
  current: CategoricalDistribution,
): AlignedCounts & { readonly keys: readonly string[] } {
  const keys = [...reference.counts.keys()];
  for (const key of current.counts.keys()) if (!reference.counts.has(key)) keys.push(key);
  return {
    keys,
    reference: Float64Array.from(keys, (k) => reference.counts.get(k) ?? 0),
    current: Float64Array.from(keys, (k) => current.counts.get(k) ?? 0),
  };
}

/** Throws unless both samples are of the same kind and non-empty. */
export function assertComparable(reference: Distribution, current: Distribution): void {
  if (isNumericDistribution(reference) !== isNumericDistribution(current)) {
    throw new TypeError('reference and current must both be numerical or both categorical');
  }
  if (observedCount(reference) === 0 || observedCount(current) === 0) {
    throw new RangeError('drift tests need at least one non-missing value on each side');
  }
}

/** Per-key counts of both samples over their union (values for numerical columns). */
export function alignCounts(reference: Distribution, current: Distribution): AlignedCounts {
  if (isNumericDistribution(reference) && isNumericDistribution(current)) {
    return alignNumeric(reference, current);
  }
  if (!isNumericDistribution(reference) && !isNumericDistribution(current)) {
    return alignCategorical(reference, current);
  }
  throw new TypeError('reference and current must both be numerical or both categorical');
}

/**
 * `np.histogram_bin_edges(a, bins='sturges')` for data with the given minimum, maximum and size:
 * width = ptp/(log2(size) + 1), ⌈range/width⌉ equal bins (one bin of width 1 around a constant).
 */
export function sturgesBinEdges(min: number, max: number, size: number): Float64Array {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const width = (max - min) / (Math.log2(size) + 1);
  const nBins = width !== 0 ? Math.ceil((last - first) / width) : 1;
  return linspace(first, last, nBins + 1);
}

/** np.linspace(start, stop, num) with endpoint: i·step + start, the last point exactly stop. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const div = num - 1;
  const delta = stop - start;
  if (div > 0) {
    const step = delta / div;
    for (let i = 0; i < num; i++) {
      // numpy's special case for a step that underflows to 0 (gh-5437).
      out[i] = (step === 0 ? (i / div) * delta : i * step) + start;
    }
    out[num - 1] = stop;
  } else if (num === 1) {
    out[0] = start;
  }
  return out;
}

/**
 * `np.histogram(sample, bins=edges)[0]` from value counts: bin i holds edge_i <= v < edge_(i+1),
 * the last bin also v = last edge; values outside the edges are not counted.
 */
export function histogramCounts(sample: NumericDistribution, edges: Float64Array): Float64Array {
  const nBins = edges.length - 1;
  const counts = new Float64Array(nBins);
  const first = edges[0]!;
  const last = edges[nBins]!;
  let b = 0;
  for (let i = 0; i < sample.values.length; i++) {
    const v = sample.values[i]!;
    if (v < first || v > last) continue;
    while (b < nBins - 1 && v >= edges[b + 1]!) b++;
    counts[b]! += sample.counts[i]!;
  }
  return counts;
}

/** Evidently's threshold: a reference with more distinct values than this is histogrammed. */
export const MAX_VALUES_BINNED_PER_VALUE = 20;

/**
 * Evidently's `get_binned_data(reference, current, feature_type, n, feel_zeroes)`: the share of
 * each sample in each bin. With `fillZeroes` (PSI, KL divergence), an empty bin gets 0.0001, or
 * the smallest non-zero share / 10^6 when that share is itself <= 0.0001, so logarithms stay
 * finite; the shares then no longer sum exactly to 1.
 */
export function binnedPercents(
  reference: Distribution,
  current: Distribution,
  fillZeroes: boolean,
): { reference: Float64Array; current: Float64Array } {
  assertComparable(reference, current);
  const nRef = observedCount(reference);
  const nCur = observedCount(current);
  let refCounts: Float64Array;
  let curCounts: Float64Array;
  if (
    isNumericDistribution(reference) &&
    isNumericDistribution(current) &&
    reference.values.length > MAX_VALUES_BINNED_PER_VALUE
  ) {
    const min = Math.min(reference.values[0]!, current.values[0]!);
    const max = Math.max(reference.values.at(-1)!, current.values.at(-1)!);
    const edges = sturgesBinEdges(min, max, nRef + nCur);
    refCounts = histogramCounts(reference, edges);
    curCounts = histogramCounts(current, edges);
  } else {
    const aligned = alignCounts(reference, current);
    refCounts = aligned.reference;
    curCounts = aligned.current;
  }
  const ref = refCounts.map((c) => c / nRef);
  const cur = curCounts.map((c) => c / nCur);
  if (fillZeroes) {
    fillEmptyBins(ref);
    fillEmptyBins(cur);
  }
  return { reference: ref, current: cur };
}

function fillEmptyBins(percents: Float64Array): void {
  let minNonZero = Infinity;
  for (const p of percents) if (p !== 0 && p < minNonZero) minNonZero = p;
  const fill = minNonZero <= 0.0001 ? minNonZero / 10 ** 6 : 0.0001;
  for (let i = 0; i < percents.length; i++) if (percents[i] === 0) percents[i] = fill;
}
