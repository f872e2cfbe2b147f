/**
 * Regression metrics, matching scikit-learn 1.2.1:
 *
 *   rmse  mean_squared_error(y_true, y_pred, squared=False)
 *   mae   mean_absolute_error(y_true, y_pred)
 *   r2    r2_score(y_true, y_pred)   (force_finite=True: constant truth gives 1.0 when the
 *                                     predictions are perfect, else 0.0, instead of NaN / −inf).
 *         With fewer than two records sklearn warns "R^2 score is not well-defined with less
 *         than two samples" and returns nan: r2 is then absent here (never 0), like an
 *         undefined roc_auc. Weights are multiplicities, so "records" is the total weight.
 *   mape  mean_absolute_percentage_error(y_true, y_pred): mean of |y − ŷ| / max(|y|, eps) with
 *         eps = np.finfo(float64).eps = 2^−52, so a zero truth gives a huge but finite term, as in
 *         sklearn (MAPE is meaningless there; the number says so loudly)
 *
 * sample_weight semantics from `weights` (multiplicities). r2 takes two passes, as sklearn does
 * (weighted mean first, then squared deviations), rather than the cancelling one-pass formula.
 */
import type { MetricEvaluator } from './metric-evaluator.js';
import { checkRegressionInput, checkWeights } from './metric-input.js';
import type { RegressionInput, Weights } from './metric-input.js';

const EPS = 2 ** -52;

export function prepareRegressionMetrics(input: RegressionInput): MetricEvaluator {
  checkRegressionInput(input);
  const { truth, predicted } = input;
  const rows = truth.length;

  function scalars(weights: Weights | undefined): Record<string, number> {
    checkWeights(weights, rows);
    let total = 0;
    let weightedTruth = 0;
    let squared = 0;
    let absolute = 0;
    let percentage = 0;
    for (let i = 0; i < rows; i++) {
      const w = weights === undefined ? 1 : weights[i]!;
      if (w === 0) continue;
      const y = truth[i]!;
      const error = y - predicted[i]!;
      const magnitude = Math.abs(error);
      total += w;
      weightedTruth += w * y;
      squared += w * (error * error);
      absolute += w * magnitude;
      percentage += w * (magnitude / Math.max(Math.abs(y), EPS));
    }
    const values: Record<string, number> = {};
    if (total === 0) return values;
    const mean = weightedTruth / total;
    let deviations = 0;
    for (let i = 0; i < rows; i++) {
      const w = weights === undefined ? 1 : weights[i]!;
      if (w === 0) continue;
      const d = truth[i]! - mean;
      deviations += w * (d * d);
    }
    values.rmse = Math.sqrt(squared / total);
    values.mae = absolute / total;
    if (total >= 2) {
      values.r2 = squared === 0 ? 1 : deviations === 0 ? 0 : 1 - squared / deviations;
    }
    values.mape = percentage / total;
    return values;
  }

  return {
    task: 'regression',
    rows,
    values: scalars,
    metricSet: (weights) => ({ values: scalars(weights) }),
  };
}
