/**
 * Binary metrics against scikit-learn.
 *
 * Reference values: printed once by scripts/reference/metrics_reference.py with scikit-learn
 * 1.2.1 (numpy 1.24.2, scipy 1.10.1, Python 3.11.2, Debian's packages) on the inputs in
 * fixtures/metrics-fixture.json, and pasted here. The sklearn calls are listed at the top of
 * src/core/metrics/binary-metrics.ts. "Weighted" values are sklearn on np.repeat(..., weights),
 * and agree with sklearn's sample_weight (candidateSampleWeight below).
 */
import { describe, expect, it } from 'vitest';
import { computeMetrics, prepareMetrics } from '../../src/core/metrics/compute-metrics.js';
import { DataError } from '../../src/core/errors.js';
import {
  binary,
  binaryInput,
  expectClose,
  expectPerClassClose,
  expectValuesClose,
} from './helpers.js';

const sklearn = {
  candidate: {
    values: {
      accuracy: 0.862,
      precision: 0.8443579766536965,
      recall: 0.8821138211382114,
      f1: 0.8628230616302187,
      roc_auc: 0.9273253953011971,
      pr_auc: 0.9166378584747575,
      log_loss: 0.545562714916811,
      brier: 0.1056366,
    },
    confusion: [
      [214, 40],
      [29, 217],
    ],
    perClass: {
      precision: [0.8806584362139918, 0.8443579766536965],
      recall: [0.84251968503937, 0.8821138211382114],
      f1: [0.8611670020120724, 0.8628230616302187],
      support: [254, 246],
    },
  },
  baseline: {
    values: {
      accuracy: 0.646,
      precision: 0.6385542168674698,
      recall: 0.6463414634146342,
      f1: 0.6424242424242423,
      roc_auc: 0.7071730362972921,
      pr_auc: 0.7027668343629407,
      log_loss: 0.6683213803075141,
      brier: 0.2315896,
    },
    confusion: [
      [164, 90],
      [87, 159],
    ],
    perClass: {
      precision: [0.6533864541832669, 0.6385542168674698],
      recall: [0.6456692913385826, 0.6463414634146342],
      f1: [0.6495049504950494, 0.6424242424242423],
      support: [254, 246],
    },
  },
  candidateWeighted: {
    values: {
      accuracy: 0.8594377510040161,
      precision: 0.843501326259947,
      recall: 0.8736263736263736,
      f1: 0.8582995951417005,
      roc_auc: 0.9339332338679595,
      pr_auc: 0.9258023198169172,
      log_loss: 0.5559165174780476,
      brier: 0.10174404283801876,
    },
    confusion: [
      [324, 59],
      [46, 318],
    ],
    perClass: {
      precision: [0.8756756756756757, 0.843501326259947],
      recall: [0.8459530026109661, 0.8736263736263736],
      f1: [0.8605577689243027, 0.8582995951417005],
      support: [383, 364],
    },
  },
  // roc_auc_score / average_precision_score / log_loss / f1_score with sample_weight=weights
  candidateSampleWeight: {
    roc_auc: 0.9339332338679595,
    pr_auc: 0.9258023198169172,
    log_loss: 0.5559165174780476,
    f1: 0.8582995951417005,
  },
  // the candidate's probabilities, but y_pred all 0: precision is 0/0 → zero_division=0
  allNegative: {
    values: {
      accuracy: 0.508,
      precision: 0.0,
      recall: 0.0,
      f1: 0.0,
      roc_auc: 0.9273253953011971,
      pr_auc: 0.9166378584747575,
      log_loss: 0.545562714916811,
      brier: 0.1056366,
    },
    confusion: [
      [254, 0],
      [246, 0],
    ],
    perClass: {
      precision: [0.508, 0.0],
      recall: [1.0, 0.0],
      f1: [0.6737400530503979, 0.0],
      support: [254, 246],
    },
  },
};

describe('binary classification metrics (scikit-learn 1.2.1 references)', () => {
  for (const model of ['candidate', 'baseline'] as const) {
    it(`${model}: every metric, the confusion matrix and the per-class table`, () => {
      const set = computeMetrics('binary-classification', binaryInput(model));
      expectValuesClose(set.values, sklearn[model].values);
      expect(set.confusion).toEqual(sklearn[model].confusion);
      expectPerClassClose(set, sklearn[model].perClass);
      expect(set.perClass?.map((c) => c.label)).toEqual(['no', 'yes']);
    });
  }

  it('weights count records that many times (0 leaves a record out)', () => {
    const set = computeMetrics('binary-classification', binaryInput('candidate'), binary.weights);
    expectValuesClose(set.values, sklearn.candidateWeighted.values);
    expect(set.confusion).toEqual(sklearn.candidateWeighted.confusion);
    expectPerClassClose(set, sklearn.candidateWeighted.perClass);
    for (const [name, value] of Object.entries(sklearn.candidateSampleWeight)) {
      expectClose(set.values[name], value);
    }
  });

  it('a model that never predicts the positive class scores 0 precision (zero_division=0)', () => {
    const set = computeMetrics('binary-classification', {
      ...binaryInput('candidate'),
      predicted: new Int32Array(binary.truth.length),
    });
    expectValuesClose(set.values, sklearn.allNegative.values);
    expect(set.confusion).toEqual(sklearn.allNegative.confusion);
    expectPerClassClose(set, sklearn.allNegative.perClass);
  });

  it('without probabilities, only the label metrics', () => {
    const { truth, classes, candidate } = binary;
    const set = computeMetrics('binary-classification', {
      truth,
      classes,
      predicted: candidate.predicted,
    });
    expect(Object.keys(set.values)).toEqual(['accuracy', 'precision', 'recall', 'f1']);
  });

  it('leaves out what is undefined instead of reporting NaN', () => {
    const evaluator = prepareMetrics('binary-classification', binaryInput('candidate'));
    // only negatives: ROC AUC and average precision are undefined
    const negativesOnly = Int32Array.from(binary.truth, (t) => (t === 0 ? 1 : 0));
    const values = evaluator.values(negativesOnly);
    expect(values).not.toHaveProperty('roc_auc');
    expect(values).not.toHaveProperty('pr_auc');
    expect(values.recall).toBe(0);
    expect(evaluator.values(new Int32Array(binary.truth.length))).toEqual({});
  });

  it('ROC AUC counts a tie as half a correctly ordered pair (Mann-Whitney U)', () => {
    // Hand-worked: positives score 0.8 and 0.4, negatives 0.4 and 0.1. Pairs (pos, neg):
    // (0.8, 0.4) 1, (0.8, 0.1) 1, (0.4, 0.4) ½, (0.4, 0.1) 1 → 3.5 / 4.
    // Average precision, thresholds high to low: 0.8 → P 1, R ½; 0.4 → P 2/3, R 1;
    // AP = ½·1 + ½·⅔ = ⅚.
    const scores = [0.8, 0.4, 0.4, 0.1];
    const set = computeMetrics('binary-classification', {
      truth: Int32Array.of(1, 1, 0, 0),
      predicted: Int32Array.of(1, 0, 0, 0),
      probabilities: Float64Array.from(scores.flatMap((s) => [1 - s, s])),
      classes: ['n', 'p'],
    });
    expect(set.values.roc_auc).toBe(0.875);
    expectClose(set.values.pr_auc, 5 / 6, 1e-15);
  });

  it('rejects class indices and probabilities it cannot score', () => {
    const input = binaryInput('candidate');
    expect(() =>
      computeMetrics('binary-classification', { ...input, predicted: Int32Array.of(2) }),
    ).toThrow(RangeError);
    const predicted = input.predicted.slice();
    predicted[3] = 2;
    expect(() => computeMetrics('binary-classification', { ...input, predicted })).toThrow(
      /record 3: predicted class index 2/,
    );
    const probabilities = input.probabilities!.slice();
    probabilities[9] = Number.NaN;
    expect(() => computeMetrics('binary-classification', { ...input, probabilities })).toThrow(
      DataError,
    );
    expect(() =>
      computeMetrics('binary-classification', { ...input, classes: ['a', 'b', 'c'] }),
    ).toThrow(RangeError);
  });
});
