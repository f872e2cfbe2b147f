/**
 * Slices on hand-worked cases (the per-group metrics themselves are the checked metric code).
 */
import { describe, expect, it } from 'vitest';
import { computeSlices } from '../../src/core/evaluate/slices.js';

//            record:   0    1    2    3    4    5    6    7    8
const groupOf = ['A', 'B', 'C', 'A', 'B', 'A', 'D', 'B', 'A'];
const truth = Int32Array.of(1, 1, 1, 1, 0, 0, 0, 0, 0);
const candidate = Int32Array.of(1, 0, 1, 1, 0, 0, 1, 0, 1);
const baseline = Int32Array.of(1, 1, 0, 0, 0, 0, 0, 1, 0);
// A = records 0 3 5 8: truth 1 1 0 0, candidate 1 1 0 1, baseline 1 0 0 0
//   candidate: accuracy 3/4, recall 2/2, precision 2/3; baseline: 3/4, 1/2, 1/1
// B = records 1 4 7: truth 1 0 0, candidate 0 0 0, baseline 1 0 1
//   candidate: accuracy 2/3, recall 0/1, precision 0/0 → 0; baseline: 2/3, 1/1, 1/2
// C, D (one record each) fold into "other (2 groups)": truth 1 0, candidate 1 1, baseline 0 0
//   candidate: accuracy 1/2, recall 1/1, precision 1/2; baseline: 1/2, 0/1, 0/0 → 0

describe('slices', () => {
  it('scores each group, folds small groups, and finds the largest gap by direction', () => {
    const result = computeSlices({
      column: 'region',
      groupOf,
      task: 'binary-classification',
      truth,
      classes: ['no', 'yes'],
      candidate: { predicted: candidate },
      baseline: { predicted: baseline },
      metrics: ['accuracy', 'recall', 'precision', 'roc_auc'],
      minRows: 3,
    });
    expect(result).toEqual({
      column: 'region',
      groups: [
        {
          value: 'A',
          rows: 4,
          candidate: { accuracy: 3 / 4, recall: 1, precision: 2 / 3 },
          baseline: { accuracy: 3 / 4, recall: 1 / 2, precision: 1 },
        },
        {
          value: 'B',
          rows: 3,
          candidate: { accuracy: 2 / 3, recall: 0, precision: 0 },
          baseline: { accuracy: 2 / 3, recall: 1, precision: 1 / 2 },
        },
        {
          value: 'other (2 groups)',
          rows: 2,
          candidate: { accuracy: 1 / 2, recall: 1, precision: 1 / 2 },
          baseline: { accuracy: 1 / 2, recall: 0, precision: 0 },
        },
      ],
      // "other" is a mixture: it is listed, never compared
      largestGap: [
        {
          metric: 'accuracy',
          candidate: { gap: 3 / 4 - 2 / 3, best: 'A', worst: 'B' },
          baseline: { gap: 3 / 4 - 2 / 3, best: 'A', worst: 'B' },
        },
        {
          metric: 'recall',
          candidate: { gap: 1, best: 'A', worst: 'B' },
          baseline: { gap: 1 / 2, best: 'B', worst: 'A' },
        },
        {
          metric: 'precision',
          candidate: { gap: 2 / 3, best: 'A', worst: 'B' },
          baseline: { gap: 1 / 2, best: 'A', worst: 'B' },
        },
      ],
    });
  });

  it('keeps at most maxGroups groups and folds the rest; no baseline, no baseline fields', () => {
    const result = computeSlices({
      column: 'region',
      groupOf,
      task: 'binary-classification',
      truth,
      classes: ['no', 'yes'],
      candidate: { predicted: candidate },
      metrics: ['accuracy'],
      minRows: 1,
      maxGroups: 1,
    });
    // B, C and D (5 records: 1 4 7 2 6): truth 1 0 0 1 0, candidate 0 0 0 1 1 → 3/5
    expect(result.groups).toEqual([
      { value: 'A', rows: 4, candidate: { accuracy: 3 / 4 } },
      { value: 'other (3 groups)', rows: 5, candidate: { accuracy: 3 / 5 } },
    ]);
    expect(result.largestGap).toEqual([]); // one comparable group
  });

  it('lower-is-better metrics: the best group has the smallest error', () => {
    const result = computeSlices({
      column: 'device',
      groupOf: ['phone', 'phone', 'desktop', 'desktop', 'tablet'],
      task: 'regression',
      truth: Float64Array.of(0, 0, 0, 0, 5),
      candidate: { predicted: Float64Array.of(3, 3, 1, -1, 5) },
      metrics: ['rmse', 'mae'],
      minRows: 2,
    });
    // phone: errors 3, 3 → rmse 3, mae 3; desktop: 1, −1 → rmse 1, mae 1; tablet folded
    expect(result.groups.map((g) => [g.value, g.rows, g.candidate])).toEqual([
      ['desktop', 2, { rmse: 1, mae: 1 }],
      ['phone', 2, { rmse: 3, mae: 3 }],
      ['other (1 group)', 1, { rmse: 0, mae: 0 }],
    ]);
    expect(result.largestGap).toEqual([
      { metric: 'rmse', candidate: { gap: 2, best: 'desktop', worst: 'phone' } },
      { metric: 'mae', candidate: { gap: 2, best: 'desktop', worst: 'phone' } },
    ]);
  });

  it('rejects group values that do not match the records', () => {
    expect(() =>
      computeSlices({
        column: 'region',
        groupOf: ['A'],
        task: 'binary-classification',
        truth,
        classes: ['no', 'yes'],
        candidate: { predicted: candidate },
        metrics: ['accuracy'],
      }),
    ).toThrow(RangeError);
  });
});

describe('slices through a scoring function', () => {
  it('gives the same result as from predictions, with models prepared once by the caller', async () => {
    const { prepareMetrics } = await import('../../src/core/metrics/metrics.js');
    const classes = ['no', 'yes'];
    const cand = prepareMetrics('binary-classification', { truth, predicted: candidate, classes });
    const base = prepareMetrics('binary-classification', { truth, predicted: baseline, classes });
    const common = { column: 'region', groupOf, metrics: ['accuracy', 'recall'], minRows: 3 };
    const scored = computeSlices({
      ...common,
      compute: (weights) => ({ candidate: cand.values(weights), baseline: base.values(weights) }),
    });
    const fromPredictions = computeSlices({
      ...common,
      task: 'binary-classification',
      truth,
      classes,
      candidate: { predicted: candidate },
      baseline: { predicted: baseline },
    });
    expect(scored).toEqual(fromPredictions);
    expect(scored.groups.map((g) => g.value)).toEqual(['A', 'B', 'other (2 groups)']);
  });
});
