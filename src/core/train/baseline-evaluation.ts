/**
 * Held-out metrics of a built-in baseline on the evaluation split, as the training report shows
 * them. (The `evaluate` step computes the full comparison independently, through onnxruntime.)
 */
import type { FeatureMatrix } from './feature-matrix.js';

interface Predictor {
  predict(
    x: Float64Array,
    rows: number,
  ): {
    labels?: Int32Array;
    probabilities?: Float64Array;
    values?: Float64Array;
  };
}

export function evaluateBaseline(model: Predictor, matrix: FeatureMatrix): Record<string, number> {
  const prediction = model.predict(matrix.x, matrix.rows);
  const target = matrix.target;
  if (target.kind === 'classes') {
    const labels = prediction.labels;
    if (!labels || matrix.rows === 0) return {};
    const classes = target.classes.length;
    let correct = 0;
    let logLoss = 0;
    for (let i = 0; i < matrix.rows; i++) {
      const truth = target.labels[i] ?? -1;
      if (labels[i] === truth) correct++;
      const p = prediction.probabilities?.[i * classes + truth] ?? Number.NaN;
      // scikit-learn clips probabilities to [eps, 1 - eps] before the log.
      const clipped = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
      logLoss -= Math.log(clipped);
    }
    const metrics: Record<string, number> = { eval_accuracy: correct / matrix.rows };
    if (prediction.probabilities) metrics.eval_log_loss = logLoss / matrix.rows;
    return metrics;
  }
  const values = prediction.values;
  if (!values || matrix.rows === 0) return {};
  let squared = 0;
  let mean = 0;
  for (let i = 0; i < matrix.rows; i++) mean += target.values[i] ?? 0;
  mean /= matrix.rows;
  let total = 0;
  for (let i = 0; i < matrix.rows; i++) {
    const truth = target.values[i] ?? 0;
    squared += (truth - (values[i] ?? 0)) ** 2;
    total += (truth - mean) ** 2;
  }
  return {
    eval_rmse: Math.sqrt(squared / matrix.rows),
    // R² is undefined on one record (scikit-learn warns and returns nan): left out, never 0.
    ...(matrix.rows >= 2 ? { eval_r2: total === 0 ? 0 : 1 - squared / total } : {}),
  };
}
