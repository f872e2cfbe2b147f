/**
 * ROC AUC and average precision from one sort, reusable under any weights.
 *
 * Sorting is the only O(n log n) step, and it does not depend on the weights, so it is done once
 * per model (`prepareRanking`); every bootstrap resample or slice is then one O(n) pass over the
 * sorted order with its multiplicities (`rankingMetrics`).
 *
 * ROC AUC is the Mann-Whitney U statistic: the weighted share of (positive, negative) pairs the
 * score orders correctly, a tie counting one half. That is exactly the area under sklearn's ROC
 * curve (roc_curve + auc, trapezoids between distinct thresholds), including with ties and
 * sample_weight. With integer weights every partial sum is exact in a double (below 2^53), so
 * the only rounding is the final division.
 *
 * Average precision is sklearn's average_precision_score: the step-wise sum over distinct
 * thresholds, Σ (R_t − R_{t−1}) · P_t, not a trapezoid. Tied scores form one threshold.
 */
import type { Weights } from './metric-input.js';

export interface BinaryRanking {
  readonly rows: number;
  /** Record indices by ascending score (ties in any order: a run of ties is one threshold). */
  readonly order: Int32Array;
  /** 1 where order[k] ends a run of equal scores. */
  readonly runEnd: Uint8Array;
  /** 1 where the record at order[k] is a positive: truth in sorted order, read sequentially. */
  readonly positiveSorted: Uint8Array;
}

/** `positive[i]` is 1 when record i belongs to the positive class. Scores must not be NaN. */
export function prepareRanking(scores: Float64Array, positive: Uint8Array): BinaryRanking {
  const rows = scores.length;
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  order.sort((a, b) => scores[a]! - scores[b]!);
  const runEnd = new Uint8Array(rows);
  const positiveSorted = new Uint8Array(rows);
  for (let k = 0; k < rows; k++) {
    const i = order[k]!;
    positiveSorted[k] = positive[i]!;
    // === treats -0 and 0 as one threshold, as numpy's np.diff(y_score) != 0 does.
    runEnd[k] = k === rows - 1 || scores[i] !== scores[order[k + 1]!] ? 1 : 0;
  }
  return { rows, order, runEnd, positiveSorted };
}

export interface RankingMetrics {
  /** NaN when either class has no weight (sklearn raises). */
  readonly rocAuc: number;
  /** NaN when the positive class has no weight (sklearn 1.2.1 warns and returns 0). */
  readonly averagePrecision: number;
}

/**
 * `positives` and `negatives` are the weighted class totals, which the caller's confusion pass
 * already has (average precision needs the count above each threshold while this pass runs from
 * the lowest score up).
 */
export function rankingMetrics(
  ranking: BinaryRanking,
  weights: Weights | undefined,
  positives: number,
  negatives: number,
): RankingMetrics {
  const { rows, order, runEnd, positiveSorted } = ranking;
  let negativesBelow = 0;
  let positivesBelow = 0;
  let runPositives = 0;
  let runNegatives = 0;
  let pairs = 0; // Σ over runs: positives × (negatives below + ½ negatives tied)
  let precisionSum = 0; // Σ over runs: positives in run × precision at the run's threshold
  for (let k = 0; k < rows; k++) {
    const w = weights === undefined ? 1 : weights[order[k]!]!;
    // Branch-free: positives and negatives interleave unpredictably in score order.
    const wp = w * positiveSorted[k]!;
    runPositives += wp;
    runNegatives += w - wp;
    if (runEnd[k] === 1) {
      if (runPositives > 0) {
        pairs += runPositives * (negativesBelow + 0.5 * runNegatives);
        // Records at or above this threshold are predicted positive.
        const truePositives = positives - positivesBelow;
        const predictedPositive = truePositives + negatives - negativesBelow;
        precisionSum += runPositives * (truePositives / predictedPositive);
      }
      positivesBelow += runPositives;
      negativesBelow += runNegatives;
      runPositives = 0;
      runNegatives = 0;
    }
  }
  return {
    rocAuc: positives > 0 && negatives > 0 ? pairs / (positives * negatives) : Number.NaN,
    averagePrecision: positives > 0 ? precisionSum / positives : Number.NaN,
  };
}
