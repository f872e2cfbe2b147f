/**
 * Binary classification metrics, matching scikit-learn 1.2.1 with y_true, y_pred in {0, 1}:
 *
 *   accuracy   accuracy_score(y_true, y_pred)
 *   precision  precision_score(y_true, y_pred, pos_label=1, average='binary', zero_division=0)
 *   recall     recall_score(y_true, y_pred, pos_label=1, average='binary', zero_division=0)
 *   f1         f1_score(y_true, y_pred, pos_label=1, average='binary', zero_division=0)
 *   roc_auc    roc_auc_score(y_true, proba[:, 1])
 *   pr_auc     average_precision_score(y_true, proba[:, 1], pos_label=1)
 *   log_loss   log_loss(y_true, proba, labels=[0, 1])         (eps='auto': float64 eps, 2^-52)
 *   brier      brier_score_loss(y_true, proba[:, 1], pos_label=1)
 *   confusion  confusion_matrix(y_true, y_pred, labels=[0, 1])
 *   perClass   precision_recall_fscore_support(y_true, y_pred, labels=[0, 1], average=None,
 *              zero_division=0)
 *
 * The positive class is classes[1]: index 1, as sklearn's pos_label=1 on labels encoded 0/1 (with
 * string labels sorted by LabelEncoder, that is the later name; here the model's class order
 * decides). Every metric takes sample_weight semantics from `weights` (multiplicities).
 *
 * Where sklearn raises or warns, the metric is left out instead: roc_auc when only one class is
 * present, pr_auc when no positive is present (1.2.1 warns and returns 0, which would read as a
 * real, terrible score), every metric when the weights leave no record.
 */
import type { MetricSet } from '../evaluate/report.js';
import { f1Of, precisionOf, recallOf, rowLogLosses, setDefined } from './classification-scores.js';
import type { MetricEvaluator } from './metric-evaluator.js';
import { checkClassificationInput, checkWeights } from './metric-input.js';
import type { ClassificationInput, Weights } from './metric-input.js';
import { prepareRanking, rankingMetrics } from './ranking.js';
import type { BinaryRanking } from './ranking.js';

export function prepareBinaryMetrics(input: ClassificationInput): MetricEvaluator {
  checkClassificationInput(input, 2);
  if (input.classes.length !== 2) {
    throw new RangeError(`binary classification needs 2 classes, got ${input.classes.length}`);
  }
  const { truth, predicted, probabilities, classes } = input;
  const rows = truth.length;

  let logLosses: Float64Array | undefined;
  let brierTerms: Float64Array | undefined;
  let ranking: BinaryRanking | undefined;
  if (probabilities !== undefined) {
    logLosses = rowLogLosses(probabilities, truth, 2);
    brierTerms = new Float64Array(rows);
    const scores = new Float64Array(rows);
    const positive = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) {
      const p = probabilities[2 * i + 1]!;
      scores[i] = p;
      positive[i] = truth[i] === 1 ? 1 : 0;
      // brier_score_loss uses the positive column as given: no clipping or renormalisation.
      brierTerms[i] = (positive[i]! - p) ** 2;
    }
    ranking = prepareRanking(scores, positive);
  }

  // Weights of all ones, for the unweighted call, so the hot loops have no per-record branch.
  let ones: Int32Array | undefined;

  /**
   * One sequential pass. Branch-free on purpose: a bootstrap resample leaves about 37% of the
   * records at weight 0 in no predictable pattern, and a mispredicted branch per record costs
   * more than multiplying by 0; the four confusion counts follow from three sums.
   */
  function tally(weights: Weights) {
    checkWeights(weights, rows);
    let total = 0;
    let actual = 0; // Σ w·truth
    let predictedPositive = 0; // Σ w·predicted
    let truePositives = 0; // Σ w·truth·predicted
    let logLoss = 0;
    let brier = 0;
    if (logLosses !== undefined && brierTerms !== undefined) {
      for (let i = 0; i < rows; i++) {
        const w = weights[i]!;
        const wt = w * truth[i]!;
        total += w;
        actual += wt;
        predictedPositive += w * predicted[i]!;
        truePositives += wt * predicted[i]!;
        logLoss += w * logLosses[i]!;
        brier += w * brierTerms[i]!;
      }
    } else {
      for (let i = 0; i < rows; i++) {
        const w = weights[i]!;
        const wt = w * truth[i]!;
        total += w;
        actual += wt;
        predictedPositive += w * predicted[i]!;
        truePositives += wt * predicted[i]!;
      }
    }
    const tp = truePositives;
    const fp = predictedPositive - tp;
    const fn = actual - tp;
    // Cells as sklearn's confusion_matrix(...).ravel(): tn, fp, fn, tp. Integer sums: exact.
    return { tn: total - tp - fp - fn, fp, fn, tp, total, logLoss, brier };
  }

  function scalars(weights: Weights | undefined) {
    const counts = tally(weights ?? (ones ??= new Int32Array(rows).fill(1)));
    const { tn, fp, fn, tp, total, logLoss, brier } = counts;
    const values: Record<string, number> = {};
    if (total === 0) return { values, counts };
    const precision = precisionOf(tp, tp + fp);
    const recall = recallOf(tp, tp + fn);
    values.accuracy = (tp + tn) / total;
    values.precision = precision;
    values.recall = recall;
    values.f1 = f1Of(precision, recall);
    if (ranking !== undefined) {
      const { rocAuc, averagePrecision } = rankingMetrics(ranking, weights, tp + fn, tn + fp);
      setDefined(values, 'roc_auc', rocAuc);
      setDefined(values, 'pr_auc', averagePrecision);
      values.log_loss = logLoss / total;
      values.brier = brier / total;
    }
    return { values, counts };
  }

  return {
    task: 'binary-classification',
    rows,
    values: (weights?: Weights) => scalars(weights).values,
    metricSet(weights?: Weights): MetricSet {
      const { values, counts } = scalars(weights);
      const { tn, fp, fn, tp } = counts;
      // Class 0's view of the same table: its true positives are the true negatives.
      const perClass = [
        classScores(classes[0]!, tn, tn + fn, tn + fp),
        classScores(classes[1]!, tp, tp + fp, tp + fn),
      ];
      return {
        values,
        perClass,
        confusion: [
          [tn, fp],
          [fn, tp],
        ],
      };
    },
  };
}

export function classScores(
  label: string,
  truePositives: number,
  predicted: number,
  actual: number,
): { label: string; precision: number; recall: number; f1: number; support: number } {
  const precision = precisionOf(truePositives, predicted);
  const recall = recallOf(truePositives, actual);
  return { label, precision, recall, f1: f1Of(precision, recall), support: actual };
}
