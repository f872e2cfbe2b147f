/**
 * The rounding behind sketched numeric columns (the DDSketch idea, Masson et al., VLDB 2019).
 *
 * With gamma = (1 + alpha) / (1 - alpha), a value x != 0 falls in bucket
 * i = ceil(log_gamma(|x|)), the interval (gamma^(i-1), gamma^i], and is replaced by the bucket's
 * representative sign(x) * 2 * gamma^i / (gamma + 1). That point is alpha-close in relative terms
 * to both ends of the bucket, so |r(x) - x| <= alpha * |x| for every x (up to the last bit of
 * floating-point rounding in the logarithm). Zero is its own bucket. The rounding is
 * non-decreasing and depends on alpha only, never on the data: rounding shards and merging gives
 * the same counts as rounding the whole, which is what makes sketched profiles merge exactly.
 *
 * Size: about ln(10) / (2 * alpha) buckets per decade of magnitude on each side of zero,
 * 11,513 for the default alpha of 1e-4, whatever the number of rows.
 */

export class LogBucketRounding {
  readonly alpha: number;
  readonly gamma: number;
  private readonly lnGamma: number;
  private readonly scale: number;

  constructor(alpha: number) {
    if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must lie in (0, 1), got ${alpha}`);
    this.alpha = alpha;
    this.gamma = (1 + alpha) / (1 - alpha);
    this.lnGamma = Math.log(this.gamma);
    this.scale = 2 / (this.gamma + 1);
  }

  /** Bucket index of |x| for a finite x != 0. */
  index(x: number): number {
    return Math.ceil(Math.log(Math.abs(x)) / this.lnGamma);
  }

  /** The positive representative of bucket `index`. */
  representative(index: number): number {
    return Math.pow(this.gamma, index) * this.scale;
  }

  /** `x` rounded to its bucket's representative, sign kept; 0 stays 0. */
  round(x: number): number {
    if (x === 0) return 0;
    const r = this.representative(this.index(x));
    return x < 0 ? -r : r;
  }

  /**
   * Rounds a sorted, distinct value list with its counts. The rounding is non-decreasing, so the
   * result is sorted too; values that land in the same bucket are combined.
   */
  roundSorted(
    values: Float64Array,
    counts: Float64Array,
  ): { values: Float64Array; counts: Float64Array } {
    const outValues = new Float64Array(values.length);
    const outCounts = new Float64Array(values.length);
    let n = 0;
    for (let i = 0; i < values.length; i++) {
      const r = this.round(values[i] as number);
      if (n > 0 && outValues[n - 1] === r) {
        outCounts[n - 1] = (outCounts[n - 1] as number) + (counts[i] as number);
      } else {
        outValues[n] = r;
        outCounts[n] = counts[i] as number;
        n++;
      }
    }
    return { values: outValues.slice(0, n), counts: outCounts.slice(0, n) };
  }
}
