/**
 * `evaluate.positive-class`: the binary metrics are those of the chosen class. Expected values
 * worked by hand on five records.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import {
  classesPositiveLast,
  positiveClassIndex,
  positiveLast,
} from '../../src/core/evaluate/positive-class.js';
import { computeMetrics } from '../../src/core/metrics/compute-metrics.js';

// classes [malignant, benign]; truth M M M B B; predicted M M B B M.
// Malignant positive: TP 2 (records 0, 1), FN 1 (record 2), FP 1 (record 4): precision 2/3,
// recall 2/3. Benign positive: TP 1 (record 3), FP 1 (record 2), FN 1 (record 4): precision 1/2,
// recall 1/2.
const input = {
  classes: ['malignant', 'benign'],
  truth: Int32Array.from([0, 0, 0, 1, 1]),
  predicted: Int32Array.from([0, 0, 1, 1, 0]),
  // P(malignant), P(benign) per record.
  probabilities: Float64Array.from([0.9, 0.1, 0.8, 0.2, 0.4, 0.6, 0.3, 0.7, 0.6, 0.4]),
};

describe('positive class', () => {
  it('defaults to the second class, as before the setting existed', () => {
    expect(positiveClassIndex(input.classes, undefined, { file: 'mlops.yml' })).toBe(1);
    const metrics = computeMetrics('binary-classification', positiveLast(input, 1)).values;
    expect(metrics.precision).toBeCloseTo(1 / 2, 12);
    expect(metrics.recall).toBeCloseTo(1 / 2, 12);
  });

  it('computes precision and recall for the configured class', () => {
    const positive = positiveClassIndex(input.classes, 'malignant', { file: 'mlops.yml' });
    expect(positive).toBe(0);
    const swapped = positiveLast(input, positive);
    expect(swapped.classes).toEqual(['benign', 'malignant']);
    expect([...swapped.truth]).toEqual([1, 1, 1, 0, 0]);
    expect([...(swapped.probabilities ?? [])]).toEqual([
      0.1, 0.9, 0.2, 0.8, 0.6, 0.4, 0.7, 0.3, 0.4, 0.6,
    ]);
    const metrics = computeMetrics('binary-classification', swapped);
    expect(metrics.values.precision).toBeCloseTo(2 / 3, 12);
    expect(metrics.values.recall).toBeCloseTo(2 / 3, 12);
    // Accuracy does not depend on the choice: 3 of 5 right.
    expect(metrics.values.accuracy).toBeCloseTo(3 / 5, 12);
    // Per-class rows stay for both classes, the positive one last.
    expect(metrics.perClass?.map((row) => row.label)).toEqual(['benign', 'malignant']);
    // Brier score of the malignant column: (0.9−1)² + (0.8−1)² + (0.4−1)² + 0.3² + 0.6², / 5.
    expect(metrics.values.brier).toBeCloseTo((0.01 + 0.04 + 0.36 + 0.09 + 0.36) / 5, 12);
  });

  it('refuses a class the model does not have, naming the field', () => {
    expect(() => positiveClassIndex(input.classes, 'Malignant', { file: 'mlops.yml' })).toThrow(
      ConfigError,
    );
    expect(() => positiveClassIndex(input.classes, 'Malignant', { file: 'mlops.yml' })).toThrow(
      /evaluate\.positive-class is "Malignant", which is not one of the model's classes: "malignant", "benign"/,
    );
    expect(classesPositiveLast(['a', 'b'], 1)).toEqual(['a', 'b']);
  });
});
