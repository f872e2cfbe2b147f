/**
 * Multiclass classification metrics, matching scikit-learn 1.2.1 with y_true, y_pred in 0..C−1:
 *
 *   accuracy         accuracy_score(y_true, y_pred)
 *   f1_macro         f1_score(y_true, y_pred, average='macro', zero_division=0)
 *   f1_micro         f1_score(y_true, y_pred, average='micro', zero_division=0)
 *   f1_weighted      f1_score(y_true, y_pred, average='weighted', zero_division=0)
 *   precision_macro  precision_score(y_true, y_pred, average='macro', zero_division=0)
 *   recall_macro     recall_score(y_true, y_pred, average='macro', zero_division=0)
 *   log_loss         log_loss(y_true, proba, labels=range(C))   (eps='auto': float64 eps, 2^-52)
 *   roc_auc_ovr      roc_auc_score(y_true, proba, multi_class='ovr', average='macro',
 *                                 labels=range(C))
 *   confusion        confusion_matrix(y_true, y_pred, labels=range(C))
 *   perClass         precision_recall_fscore_support(y_true, y_pred, labels=range(C),
 *                                                    average=None, zero_division=0)
 *
 * The macro averages keep sklearn's default labels=None: they average over the classes present in
 * y_true or y_pred, so a class that neither the truth nor the model has (in a slice, in a
 * resample) does not pull the mean down with a 0. The per-class table lists every class.
 *
 * roc_auc_ovr is the unweighted mean of the C one-vs-rest ROC AUCs; sklearn raises when a class is
 * absent from y_true, and here the metric is left out.
 */
import type { MetricSet } from '../evaluate/report.js';
import { classScores } from './binary-metrics.js';
import { f1Of, precisionOf, recallOf, rowLogLosses, setDefined } from './classification-scores.js';
import type { MetricEvaluator } from './metric-evaluator.js';
import { checkClassificationInput, checkWeights } from './metric-input.js';
import type { ClassificationInput, Weights } from './metric-input.js';
import { prepareRanking, rankingMetrics } from './ranking.js';
import type { BinaryRanking } from './ranking.js';

export function prepareMulticlassMetrics(input: ClassificationInput): MetricEvaluator {
  checkClassificationInput(input, 2);
  const { truth, predicted, probabilities, classes } = input;
  const rows = truth.length;
  const k = classes.length;

  let logLosses: Float64Array | undefined;
  let rankings: BinaryRanking[] | undefined;
  if (probabilities !== undefined) {
    logLosses = rowLogLosses(probabilities, truth, k);
    rankings = [];
    const scores = new Float64Array(rows);
    const positive = new Uint8Array(rows);
    for (let c = 0; c < k; c++) {
      for (let i = 0; i < rows; i++) {
        scores[i] = probabilities[i * k + c]!;
        positive[i] = truth[i] === c ? 1 : 0;
      }
      rankings.push(prepareRanking(scores, positive));
    }
  }

  /** confusion[t * k + p]: weighted records of class t predicted as p. */
  const confusion = new Float64Array(k * k);
  const truePositives = new Float64Array(k);
  const predictedCount = new Float64Array(k);
  const actualCount = new Float64Array(k);

  function tally(weights: Weights | undefined): { total: number; logLoss: number } {
    checkWeights(weights, rows);
    confusion.fill(0);
    let total = 0;
    let logLoss = 0;
    for (let i = 0; i < rows; i++) {
      const w = weights === undefined ? 1 : weights[i]!;
      if (w === 0) continue;
      confusion[truth[i]! * k + predicted[i]!]! += w;
      total += w;
      if (logLosses !== undefined) logLoss += w * logLosses[i]!;
    }
    truePositives.fill(0);
    predictedCount.fill(0);
    actualCount.fill(0);
    for (let t = 0; t < k; t++) {
      for (let p = 0; p < k; p++) {
        const count = confusion[t * k + p]!;
        actualCount[t]! += count;
        predictedCount[p]! += count;
      }
      truePositives[t] = confusion[t * k + t]!;
    }
    return { total, logLoss };
  }

  function scalars(weights: Weights | undefined): Record<string, number> {
    const { total, logLoss } = tally(weights);
    const values: Record<string, number> = {};
    if (total === 0) return values;
    let correct = 0;
    let present = 0;
    let precisionSum = 0;
    let recallSum = 0;
    let f1Sum = 0;
    let f1Weighted = 0;
    for (let c = 0; c < k; c++) {
      const tp = truePositives[c]!;
      const precision = precisionOf(tp, predictedCount[c]!);
      const recall = recallOf(tp, actualCount[c]!);
      const f1 = f1Of(precision, recall);
      correct += tp;
      f1Weighted += f1 * actualCount[c]!;
      if (actualCount[c]! > 0 || predictedCount[c]! > 0) {
        present++;
        precisionSum += precision;
        recallSum += recall;
        f1Sum += f1;
      }
    }
    // micro: pooled counts; every record is one prediction and one truth, so both sums are total.
    const microPrecision = precisionOf(correct, total);
    const microRecall = recallOf(correct, total);
    values.accuracy = correct / total;
    values.f1_macro = f1Sum / present;
    values.f1_micro = f1Of(microPrecision, microRecall);
    values.f1_weighted = f1Weighted / total;
    values.precision_macro = precisionSum / present;
    values.recall_macro = recallSum / present;
    if (rankings !== undefined) {
      values.log_loss = logLoss / total;
      let aucSum = 0;
      for (let c = 0; c < k; c++) aucSum += rankingMetrics(rankings[c]!, weights).rocAuc;
      setDefined(values, 'roc_auc_ovr', aucSum / k);
    }
    return values;
  }

  return {
    task: 'multiclass-classification',
    rows,
    values: scalars,
    metricSet(weights?: Weights): MetricSet {
      const values = scalars(weights);
      const perClass = classes.map((label, c) =>
        classScores(label, truePositives[c]!, predictedCount[c]!, actualCount[c]!),
      );
      const matrix: number[][] = [];
      for (let t = 0; t < k; t++) matrix.push(Array.from(confusion.subarray(t * k, (t + 1) * k)));
      return { values, perClass, confusion: matrix };
    },
  };
}
