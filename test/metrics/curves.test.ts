/**
 * ROC, precision-recall and calibration curves: against values worked by hand on a tiny example,
 * and against scikit-learn 1.2.1's roc_curve / precision_recall_curve / calibration_curve on the
 * metric fixture's 500 tied scores (fixtures/curves-reference.json, written once by
 * scripts/reference/curves_reference.py; no Python runs here).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  calibrationCurve,
  precisionOnGrid,
  precisionRecallCurve,
  rocCurve,
  rocOnGrid,
  unitGrid,
} from '../../src/core/metrics/curves.js';
import { binary } from './helpers.js';

const reference = JSON.parse(
  readFileSync(new URL('./fixtures/curves-reference.json', import.meta.url), 'utf8'),
) as {
  roc: { fpr: number[]; tpr: number[]; thresholds: number[] };
  pr: { precision: number[]; recall: number[]; thresholds: number[] };
  calibration: { prob_true: number[]; prob_pred: number[] };
};

// Four records: scores 0.9 (positive), 0.8 (negative), 0.8 (positive), 0.1 (negative).
// Distinct thresholds, highest first: 0.9 → 1 TP, 0 FP; 0.8 → 2 TP, 1 FP; 0.1 → 2 TP, 2 FP.
const scores = [0.9, 0.8, 0.8, 0.1];
const positive = [1, 0, 1, 0];

describe('rocCurve', () => {
  it('has one point per distinct score, from (0, 0), worked by hand', () => {
    expect(rocCurve(scores, positive)).toEqual({
      fpr: [0, 0, 0.5, 1],
      tpr: [0, 0.5, 1, 1],
      thresholds: [null, 0.9, 0.8, 0.1],
    });
  });

  it('is undefined with one class only', () => {
    expect(rocCurve([0.2, 0.4], [1, 1])).toBeNull();
  });

  it("matches sklearn's roc_curve(drop_intermediate=False) on 500 tied scores", () => {
    const curve = rocCurve(
      binary.candidate.probabilities.filter((_, i) => i % 2 === 1),
      binary.truth,
    );
    expect(curve).not.toBeNull();
    expect(curve?.fpr.length).toBe(reference.roc.fpr.length);
    curve?.fpr.forEach((value, i) => expect(value).toBeCloseTo(reference.roc.fpr[i] as number, 12));
    curve?.tpr.forEach((value, i) => expect(value).toBeCloseTo(reference.roc.tpr[i] as number, 12));
    expect(curve?.thresholds.slice(1)).toEqual(reference.roc.thresholds);
  });

  it('samples the TPR on a fixed FPR grid, linear between points, the top of a vertical step', () => {
    const curve = rocCurve(scores, positive);
    // At FPR 0 the vertical step from (0, 0) to (0, 0.5) gives 0.5; at 0.25 halfway from
    // (0, 0.5) to (0.5, 1): 0.75; from 0.5 on the curve is at 1.
    expect(rocOnGrid(curve!, [0, 0.25, 0.5, 0.75, 1])).toEqual([0.5, 0.75, 1, 1, 1]);
    expect(unitGrid(4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
});

describe('precisionRecallCurve', () => {
  it('lists thresholds ascending and ends at (recall 0, precision 1), worked by hand', () => {
    // Threshold 0.1: 2 TP, 2 FP → P 0.5, R 1; 0.8: 2 TP, 1 FP → P 2/3, R 1; 0.9: P 1, R 0.5.
    expect(precisionRecallCurve(scores, positive)).toEqual({
      precision: [0.5, 2 / 3, 1, 1],
      recall: [1, 1, 0.5, 0],
      thresholds: [0.1, 0.8, 0.9],
    });
  });

  it("matches sklearn's precision_recall_curve on 500 tied scores", () => {
    const curve = precisionRecallCurve(
      binary.candidate.probabilities.filter((_, i) => i % 2 === 1),
      binary.truth,
    );
    expect(curve?.precision.length).toBe(reference.pr.precision.length);
    curve?.precision.forEach((value, i) =>
      expect(value).toBeCloseTo(reference.pr.precision[i] as number, 12),
    );
    curve?.recall.forEach((value, i) =>
      expect(value).toBeCloseTo(reference.pr.recall[i] as number, 12),
    );
    expect(curve?.thresholds).toEqual(reference.pr.thresholds);
  });

  it('samples the interpolated precision (best at that recall or more) on a fixed grid', () => {
    const curve = precisionRecallCurve(scores, positive);
    // Recall 0 and 0.5: precision 1 is reached at recall 0.5; above 0.5 only recall 1 remains,
    // where the best precision is 2/3.
    expect(precisionOnGrid(curve!, [0, 0.5, 0.75, 1])).toEqual([1, 1, 2 / 3, 2 / 3]);
  });
});

describe('calibrationCurve', () => {
  it('bins uniformly, an inner edge belonging to the lower bin, worked by hand', () => {
    // 4 bins of width 0.25: 0.1 → bin 0; 0.25 (an edge) → bin 0; 0.6 → bin 2; 0.8, 0.9 → bin 3.
    const bins = calibrationCurve([0.1, 0.25, 0.6, 0.8, 0.9], [0, 1, 1, 1, 0], 4);
    expect(bins).toEqual([
      { lower: 0, upper: 0.25, count: 2, meanPredicted: 0.175, fractionPositive: 0.5 },
      { lower: 0.25, upper: 0.5, count: 0, meanPredicted: null, fractionPositive: null },
      { lower: 0.5, upper: 0.75, count: 1, meanPredicted: 0.6, fractionPositive: 1 },
      { lower: 0.75, upper: 1, count: 2, meanPredicted: 0.8500000000000001, fractionPositive: 0.5 },
    ]);
  });

  it("matches sklearn's calibration_curve(n_bins=10, strategy='uniform') on 500 scores", () => {
    const bins = calibrationCurve(
      binary.candidate.probabilities.filter((_, i) => i % 2 === 1),
      binary.truth,
      10,
    ).filter((bin) => bin.count > 0);
    expect(bins.length).toBe(reference.calibration.prob_true.length);
    bins.forEach((bin, i) => {
      expect(bin.fractionPositive).toBeCloseTo(reference.calibration.prob_true[i] as number, 12);
      expect(bin.meanPredicted).toBeCloseTo(reference.calibration.prob_pred[i] as number, 12);
    });
  });
});
