/**
 * Quantiles as numpy computes them by default: np.quantile(a, q, method='linear') (numpy ≥ 1.22;
 * interpolation='linear' before), i.e. type 7 of Hyndman & Fan. The position in the sorted sample
 * is (n − 1)·q, and the value between the two neighbours is numpy's _lerp, which for a fraction
 * t ≥ 0.5 interpolates from the upper neighbour (b − (b − a)(1 − t)); both forms are kept so that
 * results agree with numpy bit for bit.
 */

/** `sorted` ascending, no NaN, at least one value; q in [0, 1]. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of an empty sample');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  const position = (n - 1) * q;
  if (position >= n - 1) return sorted[n - 1]!;
  const previous = Math.floor(position);
  const t = position - previous;
  const a = sorted[previous]!;
  const b = sorted[previous + 1]!;
  const difference = b - a;
  return t >= 0.5 ? b - difference * (1 - t) : a + difference * t;
}
