/**
 * ROC AUC and average precision from one sort, reusable under any weights.
 *
 * Sorting is the only O(n log n) step, and it does not depend on the weights, so it is done once
 * per model (`prepareRanking`); every bootstrap resample or slice is then one O(n) pass over the
 * sorted order with its multiplicities (`rankingMetrics`, or the binary metrics' fused pass,
 * which computes the same sums along with the label metrics).
 *
 * The pass runs from the highest score down, as sklearn's _binary_clf_curve does, so everything
 * it needs is a running sum (no class totals in advance):
 *
 * ROC AUC is the Mann-Whitney U statistic: the weighted share of (positive, negative) pairs the
 * score orders correctly, a tie counting one half. Counted from the top: a run of tied scores
 * holding p positives and q negatives, below P⁺ positives, adds q·(P⁺ + p/2) correctly ordered
 * pairs; AUC = correct / (P·N). That is exactly the area under sklearn's ROC curve (roc_curve +
 * auc, trapezoids between distinct thresholds), ties and sample_weight included. With integer
 * weights every sum is exact in a double (below 2^53), so the only rounding is the last step.
 *
 * Average precision is sklearn's average_precision_score: the step-wise sum over distinct
 * thresholds, Σ (R_t − R_{t−1}) · P_t, not a trapezoid. A run of ties is one threshold.
 */
import type { Weights } from './metric-input.js';

export interface BinaryRanking {
  readonly rows: number;
  /** Record indices by descending score (ties in any order: a run of ties is one threshold). */
  readonly order: Int32Array;
  /** 1 where order[k] ends a run of equal scores. */
  readonly runEnd: Uint8Array;
  /**
   * 1 where the record at order[k] is a positive: truth in sorted order, read sequentially.
   * Float64Array: the passes do their arithmetic in doubles (integer-valued, so exact), which V8
   * runs faster than int32 arithmetic with its overflow checks.
   */
  readonly positiveSorted: Float64Array;
}

/** `positive[i]` is 1 when record i belongs to the positive class. Scores must not be NaN. */
export function prepareRanking(scores: Float64Array, positive: Uint8Array): BinaryRanking {
  const rows = scores.length;
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]!);
  const runEnd = new Uint8Array(rows);
  const positiveSorted = new Float64Array(rows);
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
 * From the sums of one pass: `correctPairs` = Σ over runs of negatives × (positives above +
 * ½ positives tied); `precisionSum` = Σ over runs of positives × precision at the run's threshold.
 */
export function rankingResult(
  correctPairs: number,
  precisionSum: number,
  positives: number,
  negatives: number,
): RankingMetrics {
  const pairs = positives * negatives;
  return {
    rocAuc: pairs > 0 ? correctPairs / pairs : Number.NaN,
    averagePrecision: positives > 0 ? precisionSum / positives : Number.NaN,
  };
}

export function rankingMetrics(
  ranking: BinaryRanking,
  weights: Weights | undefined,
): RankingMetrics {
  const { rows, order, runEnd, positiveSorted } = ranking;
  // Cumulative weights from the top, and their values where the current run started.
  let positives = 0;
  let negatives = 0;
  let positivesAbove = 0;
  let negativesAbove = 0;
  let correctPairs = 0;
  let precisionSum = 0;
  for (let k = 0; k < rows; k++) {
    const w = weights === undefined ? 1 : weights[order[k]!]!;
    // Branch-free: positives and negatives interleave unpredictably in score order.
    const wp = w * positiveSorted[k]!;
    positives += wp;
    negatives += w - wp;
    if (runEnd[k] === 1) {
      const runPositives = positives - positivesAbove;
      correctPairs += (negatives - negativesAbove) * (positivesAbove + 0.5 * runPositives);
      // Records at or above this threshold are predicted positive.
      // No `if (runPositives > 0)`: with distinct scores every record ends a run, and whether it
      // is a positive is a coin flip the branch predictor loses. max(…, 1): 0/0 before any weight.
      precisionSum += runPositives * (positives / Math.max(positives + negatives, 1));
      positivesAbove = positives;
      negativesAbove = negatives;
    }
  }
  return rankingResult(correctPairs, precisionSum, positives, negatives);
}
