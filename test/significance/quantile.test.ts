import { describe, expect, it } from 'vitest';
import { quantileSorted } from '../../src/core/significance/quantile.js';

describe('numpy linear quantiles', () => {
  it('agrees with np.percentile([3, 1, 4, 1, 5, 9, 2, 6], [2.5, 50, 97.5])', () => {
    // numpy 1.24.2, printed by scripts/reference/metrics_reference.py: [1.0, 3.5, 8.475000000000001]
    const sorted = Float64Array.of(3, 1, 4, 1, 5, 9, 2, 6).sort();
    expect(quantileSorted(sorted, 0.025)).toBe(1.0);
    expect(quantileSorted(sorted, 0.5)).toBe(3.5);
    expect(quantileSorted(sorted, 0.975)).toBe(8.475000000000001);
  });

  it('ends and single values', () => {
    expect(quantileSorted(Float64Array.of(2), 0.3)).toBe(2);
    expect(quantileSorted(Float64Array.of(1, 2, 3), 0)).toBe(1);
    expect(quantileSorted(Float64Array.of(1, 2, 3), 1)).toBe(3);
    expect(() => quantileSorted(new Float64Array(0), 0.5)).toThrow(RangeError);
    expect(() => quantileSorted(Float64Array.of(1), 1.5)).toThrow(RangeError);
  });
});
