/**
 * Prediction with a fitted baseline in double precision, step for step what the ONNX graph does
 * in float32 (impute, standardise, affine map, sigmoid or softmax, arg-max with ties to the
 * first class), so the two can be compared row by row.
 */
import type { BaselineTask, LinearModelParameters, Prediction } from './baseline-types.js';
import { sigmoid } from './logistic-regression.js';

export function predictLinearModel(
  task: BaselineTask,
  parameters: LinearModelParameters,
  x: Float64Array,
  rows: number,
): Prediction {
  const { means, scales, weights, bias } = parameters;
  const F = means.length;
  const K = bias.length;
  if (x.length !== rows * F) {
    throw new RangeError(`expected ${rows} × ${F} = ${rows * F} feature values, got ${x.length}`);
  }
  const outputs = new Float64Array(rows * K);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < K; k++) outputs[r * K + k] = bias[k] as number;
    for (let f = 0; f < F; f++) {
      const raw = x[r * F + f] as number;
      if (Number.isNaN(raw)) continue; // imputed with the mean: 0 once standardised
      const value = (raw - (means[f] as number)) / (scales[f] as number);
      for (let k = 0; k < K; k++) {
        outputs[r * K + k] =
          (outputs[r * K + k] as number) + value * (weights[f * K + k] as number);
      }
    }
  }
  if (task === 'regression') return { values: outputs };
  const C = task === 'binary-classification' ? 2 : K;
  const probabilities = new Float64Array(rows * C);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    if (task === 'binary-classification') {
      const p = sigmoid(outputs[r] as number);
      probabilities[r * 2] = 1 - p;
      probabilities[r * 2 + 1] = p;
    } else {
      let max = -Infinity;
      for (let c = 0; c < C; c++) max = Math.max(max, outputs[r * C + c] as number);
      let sum = 0;
      for (let c = 0; c < C; c++) {
        const e = Math.exp((outputs[r * C + c] as number) - max);
        probabilities[r * C + c] = e;
        sum += e;
      }
      for (let c = 0; c < C; c++)
        probabilities[r * C + c] = (probabilities[r * C + c] as number) / sum;
    }
    labels[r] = argMax(probabilities, r * C, C);
  }
  return { labels, probabilities };
}

/** Index of the largest of `count` values from `offset`; the first one on a tie (as ONNX ArgMax). */
export function argMax(values: ArrayLike<number>, offset: number, count: number): number {
  let best = 0;
  for (let c = 1; c < count; c++) {
    if ((values[offset + c] as number) > (values[offset + best] as number)) best = c;
  }
  return best;
}

/** Accuracy and mean log loss (probabilities clipped at 1e-15, as scikit-learn's log_loss). */
export function classificationMetrics(
  prediction: Prediction,
  labels: Int32Array,
  classes: number,
): { accuracy: number; log_loss: number } {
  const predicted = prediction.labels ?? new Int32Array();
  const probabilities = prediction.probabilities ?? new Float64Array();
  let correct = 0;
  let loss = 0;
  for (let r = 0; r < labels.length; r++) {
    const y = labels[r] as number;
    if (predicted[r] === y) correct++;
    const p = probabilities[r * classes + y] as number;
    loss -= Math.log(Math.min(1 - 1e-15, Math.max(1e-15, p)));
  }
  const n = labels.length;
  return { accuracy: n === 0 ? NaN : correct / n, log_loss: n === 0 ? NaN : loss / n };
}

/** R² (1 − SSres / SStot), root mean squared error and mean absolute error. */
export function regressionMetrics(
  predicted: Float64Array,
  actual: Float64Array,
): { r2: number; rmse: number; mae: number } {
  const n = actual.length;
  let mean = 0;
  for (const value of actual) mean += value / n;
  let residual = 0;
  let total = 0;
  let absolute = 0;
  for (let r = 0; r < n; r++) {
    const y = actual[r] as number;
    const e = y - (predicted[r] as number);
    residual += e * e;
    total += (y - mean) * (y - mean);
    absolute += Math.abs(e);
  }
  return { r2: 1 - residual / total, rmse: Math.sqrt(residual / n), mae: absolute / n };
}
