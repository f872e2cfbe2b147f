/**
 * The paired bootstrap, end to end against an independent computation.
 *
 * Reference intervals: scripts/reference/metrics_reference.py (scikit-learn 1.2.1, numpy 1.24.2)
 * on the binary fixture (candidate vs baseline): 200 resamples, seed 42, confidence 0.95. The
 * script draws each resample with its own transcription of SplitMix64 → xoshiro128** → Lemire,
 * scores both models with sklearn (accuracy_score, roc_auc_score, average_precision_score and
 * log_loss with sample_weight=counts; f1_score on np.repeat), and takes
 * np.quantile(deltas, [0.025, 0.975], method='linear').
 */
import { describe, expect, it } from 'vitest';
import { prepareMetrics } from '../../src/core/metrics/compute-metrics.js';
import type { MetricEvaluator } from '../../src/core/metrics/metric-evaluator.js';
import { pairedBootstrap } from '../../src/core/significance/paired-bootstrap.js';
import { binary, binaryInput, expectClose } from '../metrics/helpers.js';

const sklearnIntervals = {
  accuracy: [0.17389999999999994, 0.27210000000000006],
  f1: [0.17162944867461202, 0.27673036132485784],
  roc_auc: [0.17954400690463557, 0.2682183590801947],
  pr_auc: [0.1611503685879382, 0.27768755092153175],
  log_loss: [-0.3403747965940685, 0.12448128309277293],
} as const;
// the first resample's multiplicities of records 0..19
const firstResampleCounts = [5, 1, 2, 0, 2, 1, 1, 0, 2, 1, 2, 1, 3, 2, 7, 2, 1, 1, 2, 1];

const candidate = prepareMetrics('binary-classification', binaryInput('candidate'));
const baseline = prepareMetrics('binary-classification', binaryInput('baseline'));
const rows = binary.truth.length;

function pairOf(a: MetricEvaluator, b: MetricEvaluator) {
  return (weights: Int32Array) => ({ candidate: a.values(weights), baseline: b.values(weights) });
}

describe('paired bootstrap', () => {
  it('reproduces the intervals computed with scikit-learn and numpy', () => {
    const seen: number[][] = [];
    const statistic = pairOf(candidate, baseline);
    const result = pairedBootstrap({
      rows,
      resamples: 200,
      seed: 42,
      confidence: 0.95,
      metrics: Object.keys(sklearnIntervals),
      statistic: (weights) => {
        if (seen.length < 2) seen.push(Array.from(weights.subarray(0, 20)));
        return statistic(weights);
      },
    });
    // the first call is the point estimate (all ones), then the resamples
    expect(seen[0]).toEqual(new Array(20).fill(1));
    expect(seen[1]).toEqual(firstResampleCounts);
    expect(result.deltas.map((d) => d.metric)).toEqual(Object.keys(sklearnIntervals));
    for (const delta of result.deltas) {
      const [low, high] = sklearnIntervals[delta.metric as keyof typeof sklearnIntervals];
      expectClose(delta.interval[0], low, 1e-12, 1e-15);
      expectClose(delta.interval[1], high, 1e-12, 1e-15);
      expect(result.resamplesUsed[delta.metric]).toBe(200);
    }
    const accuracy = result.deltas.find((d) => d.metric === 'accuracy')!;
    expect(accuracy).toMatchObject({ candidate: 0.862, baseline: 0.646, significant: true });
    expectClose(accuracy.delta, 0.862 - 0.646);
    // the candidate's log loss carries three confidently wrong records: not significant
    expect(result.deltas.find((d) => d.metric === 'log_loss')!.significant).toBe(false);
  });

  it('same seed, same intervals; another seed, other intervals', () => {
    const run = (seed: number) =>
      pairedBootstrap({
        rows,
        resamples: 100,
        seed,
        confidence: 0.9,
        statistic: pairOf(candidate, baseline),
      });
    expect(run(7)).toEqual(run(7));
    expect(run(8).deltas[0]!.interval).not.toEqual(run(7).deltas[0]!.interval);
  });

  it('identical models: every delta exactly 0, interval [0, 0], not significant', () => {
    const result = pairedBootstrap({
      rows,
      resamples: 100,
      seed: 1,
      confidence: 0.95,
      statistic: pairOf(candidate, candidate),
    });
    expect(result.deltas.length).toBe(8);
    for (const delta of result.deltas) {
      expect(delta.delta).toBe(0);
      expect(delta.interval).toEqual([0, 0]);
      expect(delta.significant).toBe(false);
    }
  });

  it('an obviously better model is significantly better; the reverse, significantly worse', () => {
    const perfect = prepareMetrics('binary-classification', {
      ...binaryInput('candidate'),
      predicted: binary.truth,
      probabilities: Float64Array.from(Array.from(binary.truth).flatMap((t) => [1 - t, t])),
    });
    const better = pairedBootstrap({
      rows,
      resamples: 200,
      seed: 5,
      confidence: 0.95,
      statistic: pairOf(perfect, baseline),
    });
    for (const delta of better.deltas) {
      expect(delta.significant, delta.metric).toBe(true);
      expect(delta.interval[0] <= delta.delta && delta.delta <= delta.interval[1]).toBe(true);
    }
    const worse = pairedBootstrap({
      rows,
      resamples: 200,
      seed: 5,
      confidence: 0.95,
      statistic: pairOf(baseline, perfect),
      metrics: ['accuracy'],
    });
    expect(worse.deltas[0]!.interval[1]).toBeLessThan(0);
    expect(worse.deltas[0]!.significant).toBe(true);
  });

  it('leaves a resample out of a metric where that metric is undefined', () => {
    // Two records, one positive: a resample of two draws misses a class half the time, and then
    // ROC AUC is undefined for both models.
    const tiny = (scores: number[]) =>
      prepareMetrics('binary-classification', {
        truth: Int32Array.of(0, 1),
        predicted: Int32Array.of(0, 1),
        probabilities: Float64Array.from(scores.flatMap((s) => [1 - s, s])),
        classes: ['n', 'p'],
      });
    const result = pairedBootstrap({
      rows: 2,
      resamples: 400,
      seed: 3,
      confidence: 0.95,
      statistic: pairOf(tiny([0.2, 0.9]), tiny([0.6, 0.4])),
      metrics: ['roc_auc', 'accuracy'],
    });
    expect(result.resamplesUsed.accuracy).toBe(400);
    const used = result.resamplesUsed.roc_auc!;
    expect(used).toBeGreaterThan(150);
    expect(used).toBeLessThan(250);
    expect(result.deltas.find((d) => d.metric === 'roc_auc')).toMatchObject({
      delta: 1,
      interval: [1, 1],
      significant: true,
    });
  });

  it('checks its options', () => {
    const statistic = pairOf(candidate, baseline);
    const options = { rows, resamples: 10, seed: 1, confidence: 0.95, statistic };
    expect(() => pairedBootstrap({ ...options, rows: 0 })).toThrow(RangeError);
    expect(() => pairedBootstrap({ ...options, resamples: 1.5 })).toThrow(RangeError);
    expect(() => pairedBootstrap({ ...options, confidence: 1 })).toThrow(RangeError);
    expect(() => pairedBootstrap({ ...options, seed: -3 })).toThrow(RangeError);
  });
});
