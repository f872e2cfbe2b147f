/**
 * The comparison a reviewer decides on: each metric better, worse, changed or not significantly
 * different given its direction; the overall verdict; the fixed metric order; one number format.
 */
import { describe, expect, it } from 'vitest';
import {
  compareDelta,
  metricDirection,
  orderMetrics,
  overallVerdict,
} from '../../src/core/evaluate/comparison.js';
import type { MetricDelta } from '../../src/core/evaluate/report.js';
import { formatDelta, formatInterval } from '../../src/core/markdown/number-format.js';

const delta = (metric: string, value: number, significant: boolean): MetricDelta => ({
  metric,
  baseline: 0.5,
  candidate: 0.5 + value,
  delta: value,
  interval: significant ? [value / 2, value * 2] : [-1, 1],
  significant,
});

describe('compareDelta', () => {
  it('reads the direction: a higher log loss is worse, a higher accuracy better', () => {
    expect(compareDelta(delta('log_loss', 0.0771, true)).outcome).toBe('worse');
    expect(compareDelta(delta('accuracy', 0.01, true)).outcome).toBe('better');
    expect(compareDelta(delta('rmse', -2, true)).outcome).toBe('better');
    expect(compareDelta(delta('accuracy', -0.01, false)).outcome).toBe('no-difference');
  });

  it("marks an unknown metric's significant change as a change, unless a gate gave its direction", () => {
    expect(compareDelta(delta('my_score', 0.2, true)).outcome).toBe('changed');
    expect(compareDelta(delta('my_score', 0.2, true), { my_score: 'lower' }).outcome).toBe('worse');
    expect(metricDirection('brier')).toBe('lower');
    expect(metricDirection('my_score')).toBe('unknown');
  });
});

describe('overallVerdict', () => {
  it('is better, worse, mixed or no difference', () => {
    const better = compareDelta(delta('roc_auc', 0.01, true));
    const worse = compareDelta(delta('log_loss', 0.01, true));
    const none = compareDelta(delta('f1', 0.01, false));
    const changed = compareDelta(delta('my_score', 0.01, true));
    expect(overallVerdict([better, none])).toBe('better');
    expect(overallVerdict([worse, none])).toBe('worse');
    expect(overallVerdict([better, worse])).toBe('mixed');
    expect(overallVerdict([none, changed])).toBe('no-difference');
  });
});

describe('orderMetrics', () => {
  it("puts the task's metrics in their canonical order, then the others as first seen", () => {
    expect(
      orderMetrics('binary-classification', ['my_b', 'log_loss', 'accuracy', 'my_a', 'recall']),
    ).toEqual(['accuracy', 'recall', 'log_loss', 'my_b', 'my_a']);
    expect(orderMetrics('regression', ['r2', 'mae', 'rmse'])).toEqual(['rmse', 'mae', 'r2']);
  });
});

describe('formatDelta', () => {
  it('always has 4 decimals and a sign, even below 0.00005', () => {
    expect(formatDelta(-0.02264)).toBe('-0.0226');
    expect(formatDelta(1.113e-7)).toBe('+0.0000');
    expect(formatDelta(-3e-9)).toBe('-0.0000');
    expect(formatDelta(0)).toBe('0.0000');
    expect(formatDelta(4.25)).toBe('+4.2500');
    expect(formatInterval([-0.0226, 1.113e-7])).toBe('[-0.0226, +0.0000]');
  });
});
