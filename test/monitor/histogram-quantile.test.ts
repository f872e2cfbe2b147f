/**
 * `histogramQuantile` against values worked by hand with Prometheus' rule (promql/quantile.go):
 * rank = q × total; the first bucket whose cumulative count reaches the rank holds the quantile,
 * interpolated linearly from the bucket's lower bound; the lowest bucket starts at 0; a rank in
 * the +Inf bucket answers the highest finite bound.
 */
import { describe, expect, it } from 'vitest';
import { histogramQuantile } from '../../src/core/monitor/histogram-quantile.js';

// 100 observations: 10 ≤ 0.1 s, 20 in (0.1, 0.25], 60 in (0.25, 0.5], 9 in (0.5, 1], 1 above.
const buckets = [
  { le: 0.1, count: 10 },
  { le: 0.25, count: 30 },
  { le: 0.5, count: 90 },
  { le: 1, count: 99 },
  { le: Infinity, count: 100 },
];

describe('histogramQuantile', () => {
  it('interpolates inside the bucket where the rank falls', () => {
    // p50: rank 50, in (0.25, 0.5] holding 60: 0.25 + 0.25 × (50 − 30) / 60.
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.25 + (0.25 * 20) / 60, 12);
    // p95: rank 95, in (0.5, 1] holding 9: 0.5 + 0.5 × (95 − 90) / 9.
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.5 + (0.5 * 5) / 9, 12);
    // p99: rank 99 reaches the 1 s bucket's count exactly: its upper bound.
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(1, 12);
  });

  it('starts the lowest bucket at 0', () => {
    // p5: rank 5 of the 10 in [0, 0.1]: 0.05.
    expect(histogramQuantile(0.05, buckets)).toBeCloseTo(0.05, 12);
  });

  it('answers the highest finite bound for a rank in the +Inf bucket', () => {
    expect(histogramQuantile(0.999, buckets)).toBe(1);
  });

  it('takes the buckets in any order and repairs a count that went down', () => {
    const shuffled = [buckets[3]!, buckets[0]!, buckets[4]!, buckets[2]!, buckets[1]!];
    expect(histogramQuantile(0.5, shuffled)).toBeCloseTo(0.25 + (0.25 * 20) / 60, 12);
    // A scrape racing an observation: the 0.5 bucket read 29 < 30. Treated as 30 (nothing in it).
    const racing = [
      { le: 0.25, count: 30 },
      { le: 0.5, count: 29 },
      { le: 1, count: 40 },
      { le: Infinity, count: 40 },
    ];
    // p50: rank 20 in [0, 0.25] holding 30: 0.25 × 20 / 30.
    expect(histogramQuantile(0.5, racing)).toBeCloseTo((0.25 * 20) / 30, 12);
  });

  it('gives NaN without observations or without a +Inf bucket, ±Inf outside [0, 1]', () => {
    expect(
      histogramQuantile(
        0.5,
        buckets.map((b) => ({ ...b, count: 0 })),
      ),
    ).toBeNaN();
    expect(histogramQuantile(0.5, buckets.slice(0, 4))).toBeNaN();
    expect(histogramQuantile(1.5, buckets)).toBe(Infinity);
    expect(histogramQuantile(-0.5, buckets)).toBe(-Infinity);
  });
});
