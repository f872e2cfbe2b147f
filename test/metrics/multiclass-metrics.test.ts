/**
 * Multiclass metrics against scikit-learn.
 *
 * Reference values: printed once by scripts/reference/metrics_reference.py with scikit-learn
 * 1.2.1 (numpy 1.24.2, scipy 1.10.1) on fixtures/metrics-fixture.json, pasted here. The sklearn
 * calls are listed at the top of src/core/metrics/multiclass-metrics.ts. Class 3 ('d') is never
 * predicted; the probabilities have many ties. "weighted" is sklearn on np.repeat(..., weights).
 */
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/core/metrics/compute-metrics.js';
import { expectPerClassClose, expectValuesClose, multiclass } from './helpers.js';

const sklearn = {
  model: {
    values: {
      accuracy: 0.62,
      f1_macro: 0.5191206488719187,
      f1_micro: 0.62,
      f1_weighted: 0.550017611637429,
      precision_macro: 0.4743648723997038,
      recall_macro: 0.5829965263226986,
      log_loss: 0.7009831175537983,
      roc_auc_ovr: 0.9317382308523215,
    },
    confusion: [
      [96, 7, 8, 0],
      [21, 81, 4, 0],
      [16, 14, 71, 0],
      [40, 22, 20, 0],
    ],
    perClass: {
      precision: [0.5549132947976878, 0.6532258064516129, 0.6893203883495146, 0.0],
      recall: [0.8648648648648649, 0.7641509433962265, 0.7029702970297029, 0.0],
      f1: [0.676056338028169, 0.7043478260869566, 0.6960784313725491, 0.0],
      support: [111, 106, 101, 82],
    },
  },
  weighted: {
    values: {
      accuracy: 0.6273504273504273,
      f1_macro: 0.5161229716222877,
      f1_micro: 0.6273504273504273,
      f1_weighted: 0.5658311435627137,
      precision_macro: 0.47669585749055954,
      recall_macro: 0.5692550410626531,
      log_loss: 0.7159442748580437,
      roc_auc_ovr: 0.9241173762670342,
    },
    confusion: [
      [148, 10, 15, 0],
      [40, 116, 6, 0],
      [18, 25, 103, 0],
      [46, 31, 27, 0],
    ],
    perClass: {
      precision: [0.5873015873015873, 0.6373626373626373, 0.6821192052980133, 0.0],
      recall: [0.8554913294797688, 0.7160493827160493, 0.7054794520547946, 0.0],
      f1: [0.6964705882352942, 0.6744186046511628, 0.6936026936026936, 0.0],
      support: [173, 162, 146, 104],
    },
  },
  // A fifth class 'e' in neither truth nor predictions, probability 0 everywhere.
  // roc_auc_score raised "Only one class present in y_true. ROC AUC score is not defined".
  fiveClasses: {
    values: {
      accuracy: 0.62,
      f1_macro: 0.5191206488719187,
      f1_micro: 0.62,
      f1_weighted: 0.550017611637429,
      precision_macro: 0.4743648723997038,
      recall_macro: 0.5829965263226986,
      log_loss: 0.7009831175537985,
    },
    confusion: [
      [96, 7, 8, 0, 0],
      [21, 81, 4, 0, 0],
      [16, 14, 71, 0, 0],
      [40, 22, 20, 0, 0],
      [0, 0, 0, 0, 0],
    ],
    perClass: {
      precision: [0.5549132947976878, 0.6532258064516129, 0.6893203883495146, 0.0, 0.0],
      recall: [0.8648648648648649, 0.7641509433962265, 0.7029702970297029, 0.0, 0.0],
      f1: [0.676056338028169, 0.7043478260869566, 0.6960784313725491, 0.0, 0.0],
      support: [111, 106, 101, 82, 0],
    },
  },
};

const input = {
  truth: multiclass.truth,
  predicted: multiclass.predicted,
  probabilities: multiclass.probabilities,
  classes: multiclass.classes,
};

describe('multiclass classification metrics (scikit-learn 1.2.1 references)', () => {
  it('every metric, the confusion matrix and the per-class table', () => {
    const set = computeMetrics('multiclass-classification', input);
    expectValuesClose(set.values, sklearn.model.values);
    expect(set.confusion).toEqual(sklearn.model.confusion);
    expectPerClassClose(set, sklearn.model.perClass);
    expect(set.perClass?.map((c) => c.label)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('weights count records that many times', () => {
    const set = computeMetrics('multiclass-classification', input, multiclass.weights);
    expectValuesClose(set.values, sklearn.weighted.values);
    expect(set.confusion).toEqual(sklearn.weighted.confusion);
    expectPerClassClose(set, sklearn.weighted.perClass);
  });

  it('macro means skip a class in neither truth nor predictions; ROC AUC is then undefined', () => {
    const set = computeMetrics('multiclass-classification', {
      ...input,
      probabilities: multiclass.probabilities5,
      classes: [...multiclass.classes, 'e'],
    });
    expectValuesClose(set.values, sklearn.fiveClasses.values);
    expect(set.confusion).toEqual(sklearn.fiveClasses.confusion);
    expectPerClassClose(set, sklearn.fiveClasses.perClass);
  });

  it('without probabilities: no log loss, no ROC AUC', () => {
    const { probabilities: _, ...labelsOnly } = input;
    const set = computeMetrics('multiclass-classification', labelsOnly);
    expect(set.values).not.toHaveProperty('log_loss');
    expect(set.values).not.toHaveProperty('roc_auc_ovr');
    expect(set.values.accuracy).toBe(0.62);
  });
});
