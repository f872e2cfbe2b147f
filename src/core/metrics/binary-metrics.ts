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
import { prepareRanking, rankingResult } from './ranking.js';
import type { BinaryRanking, RankingMetrics } from './ranking.js';

export function prepareBinaryMetrics(input: ClassificationInput): MetricEvaluator {
  checkClassificationInput(input, 2);
  if (input.classes.length !== 2) {
    throw new RangeError(`binary classification needs 2 classes, got ${input.classes.length}`);
  }
  const { truth, predicted, probabilities, classes } = input;
  const rows = truth.length;

  // Weights of all ones, for the unweighted call, so the hot loops have no per-record branch.
  let ones: Int32Array | undefined;
  const counted = (weights: Weights | undefined): Weights => {
    checkWeights(weights, rows);
    return weights ?? (ones ??= new Int32Array(rows).fill(1));
  };

  if (probabilities === undefined) {
    return evaluator((weights) => labelPass(counted(weights), truth, predicted));
  }

  // With scores: sort once, and lay out everything per record in score order, so that one pass
  // reads all arrays sequentially except the weights (one gather per record).
  const scores = new Float64Array(rows);
  const positive = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    scores[i] = probabilities[2 * i + 1]!;
    positive[i] = truth[i] === 1 ? 1 : 0;
  }
  const ranking = prepareRanking(scores, positive);
  const logLosses = rowLogLosses(probabilities, truth, 2);
  const predictedSorted = new Float64Array(rows);
  const lossSorted = new Float64Array(rows);
  const brierSorted = new Float64Array(rows);
  ranking.order.forEach((i, k) => {
    predictedSorted[k] = predicted[i]!;
    lossSorted[k] = logLosses[i]!;
    // brier_score_loss uses the positive column as given: no clipping or renormalisation.
    brierSorted[k] = (positive[i]! - scores[i]!) ** 2;
  });
  return evaluator((weights) =>
    scoredPass(counted(weights), ranking, predictedSorted, lossSorted, brierSorted),
  );

  function evaluator(pass: (weights: Weights | undefined) => Tally): MetricEvaluator {
    function scalars(weights: Weights | undefined): {
      values: Record<string, number>;
      counts: Tally;
    } {
      const counts = pass(weights);
      const { tn, fp, fn, tp, total } = counts;
      const values: Record<string, number> = {};
      if (total === 0) return { values, counts };
      const precision = precisionOf(tp, tp + fp);
      const recall = recallOf(tp, tp + fn);
      values.accuracy = (tp + tn) / total;
      values.precision = precision;
      values.recall = recall;
      values.f1 = f1Of(precision, recall);
      if (counts.ranking !== undefined) {
        setDefined(values, 'roc_auc', counts.ranking.rocAuc);
        setDefined(values, 'pr_auc', counts.ranking.averagePrecision);
        values.log_loss = counts.logLoss / total;
        values.brier = counts.brier / total;
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
}

interface Tally {
  /** Cells as sklearn's confusion_matrix(...).ravel(); weighted counts, exact integers. */
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  readonly tp: number;
  readonly total: number;
  readonly logLoss: number;
  readonly brier: number;
  readonly ranking?: RankingMetrics;
}

/*
 * The passes are branch-free per record on purpose: a bootstrap resample leaves about 37% of the
 * records at weight 0 in no predictable pattern, and a mispredicted branch per record costs more
 * than multiplying by 0; the four confusion counts follow from three sums. In labelPass,
 * Math.imul because truth and predictions are 0/1 (the products stay exact) and V8's `*` on
 * int32 adds overflow and −0 checks that made the loop 2.5× slower.
 */

function labelPass(weights: Weights, truth: Int32Array, predicted: Int32Array): Tally {
  const rows = truth.length;
  let total = 0;
  let actual = 0; // Σ w·truth
  let predictedPositive = 0; // Σ w·predicted
  let truePositives = 0; // Σ w·truth·predicted
  for (let i = 0; i < rows; i++) {
    const w = weights[i]!;
    const wt = Math.imul(w, truth[i]!);
    total += w;
    actual += wt;
    predictedPositive += Math.imul(w, predicted[i]!);
    truePositives += Math.imul(wt, predicted[i]!);
  }
  return confusionOf(total, actual, predictedPositive, truePositives, 0, 0);
}

function scoredPass(
  weights: Weights,
  ranking: BinaryRanking,
  predictedSorted: Float64Array,
  lossSorted: Float64Array,
  brierSorted: Float64Array,
): Tally {
  const { rows, order, runEnd, positiveSorted } = ranking;
  // As rankingMetrics (see ranking.ts), plus the label metrics and the per-record losses; all
  // in doubles holding integers (exact), which V8 runs faster than checked int32 arithmetic.
  let positives = 0;
  let negatives = 0;
  let positivesAbove = 0;
  let negativesAbove = 0;
  let correctPairs = 0;
  let precisionSum = 0;
  let predictedPositive = 0;
  let truePositives = 0;
  let logLoss = 0;
  let brier = 0;
  for (let k = 0; k < rows; k++) {
    const w = weights[order[k]!]!;
    const wp = w * positiveSorted[k]!;
    const p = predictedSorted[k]!;
    positives += wp;
    negatives += w - wp;
    predictedPositive += w * p;
    truePositives += wp * p;
    logLoss += w * lossSorted[k]!;
    brier += w * brierSorted[k]!;
    if (runEnd[k] === 1) {
      const runPositives = positives - positivesAbove;
      correctPairs += (negatives - negativesAbove) * (positivesAbove + 0.5 * runPositives);
      // No `if (runPositives > 0)`: with distinct scores every record ends a run, and whether it
      // is a positive is a coin flip the branch predictor loses. max(…, 1): 0/0 before any weight.
      precisionSum += runPositives * (positives / Math.max(positives + negatives, 1));
      positivesAbove = positives;
      negativesAbove = negatives;
    }
  }
  return {
    ...confusionOf(
      positives + negatives,
      positives,
      predictedPositive,
      truePositives,
      logLoss,
      brier,
    ),
    ranking: rankingResult(correctPairs, precisionSum, positives, negatives),
  };
}

function confusionOf(
  total: number,
  actual: number,
  predictedPositive: number,
  truePositives: number,
  logLoss: number,
  brier: number,
): Tally {
  const tp = truePositives;
  const fp = predictedPositive - tp;
  const fn = actual - tp;
  return { tn: total - tp - fp - fn, fp, fn, tp, total, logLoss, brier };
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
