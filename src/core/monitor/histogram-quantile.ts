/**
 * Prometheus' `histogram_quantile` (promql/quantile.go, `bucketQuantile`) over the cumulative
 * buckets of one histogram: the quantile is interpolated linearly inside the bucket where the
 * rank falls, assuming observations spread evenly in it; the lowest bucket starts at 0 (unless
 * its bound is not positive); a rank in the `+Inf` bucket answers the highest finite bound.
 */

export interface Bucket {
  /** The bucket's upper bound, `le`; `Infinity` for `+Inf`. */
  readonly le: number;
  /** Observations <= le (cumulative, as exposed). */
  readonly count: number;
}

export function histogramQuantile(q: number, input: readonly Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const buckets = [...input].sort((a, b) => a.le - b.le);
  const last = buckets[buckets.length - 1];
  if (last === undefined || last.le !== Infinity || buckets.length < 2) return NaN;
  // Counts are monotonic in a real histogram; a scrape racing an observation can break that,
  // and Prometheus repairs it the same way (each count at least the one before).
  const counts: number[] = [];
  for (const [i, b] of buckets.entries()) counts.push(Math.max(b.count, counts[i - 1] ?? 0));
  const total = counts[counts.length - 1] as number;
  if (total === 0) return NaN;
  const rank = q * total;
  let b = counts.findIndex((count, i) => i < buckets.length - 1 && count >= rank);
  if (b === -1) b = buckets.length - 1;
  if (b === buckets.length - 1) return (buckets[buckets.length - 2] as Bucket).le;
  const upper = (buckets[b] as Bucket).le;
  if (b === 0 && upper <= 0) return upper;
  const start = b === 0 ? 0 : (buckets[b - 1] as Bucket).le;
  const below = b === 0 ? 0 : (counts[b - 1] as number);
  const inBucket = (counts[b] as number) - below;
  return start + (upper - start) * ((rank - below) / inBucket);
}
