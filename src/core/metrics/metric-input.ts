/**
 * What the metric functions read: the evaluation set's truth and one model's predictions, as typed
 * arrays (the onnxruntime adapter produces them; 200k+ records stay compact and fast to scan).
 *
 * Weights are multiplicities: a metric computed with `weights` equals the same metric on the
 * records repeated `weights[i]` times (0 leaves a record out). That is what a bootstrap resample
 * and a slice are, so neither copies data. They are Int32Array because a multiplicity is a count.
 */
import { DataError } from '../errors.js';

export type Weights = Int32Array;

export interface ClassificationInput {
  /** Class index of each record's truth, into `classes`. */
  readonly truth: Int32Array;
  /** Class index the model predicted for each record. */
  readonly predicted: Int32Array;
  /** rows × classes, row-major; each row the model's class probabilities. */
  readonly probabilities?: Float32Array | Float64Array | undefined;
  /** Class names, in the order of the indices and of the probability columns. */
  readonly classes: readonly string[];
}

export interface RegressionInput {
  readonly truth: Float64Array;
  readonly predicted: Float64Array;
}

export function checkWeights(weights: Weights | undefined, rows: number): void {
  if (weights !== undefined && weights.length !== rows) {
    throw new RangeError(`weights has ${weights.length} entries for ${rows} records`);
  }
}

/**
 * Lengths are the caller's contract (RangeError); values come from the user's data and model
 * (DataError), so those messages say which record.
 */
export function checkClassificationInput(input: ClassificationInput, minClasses: number): void {
  const { truth, predicted, probabilities, classes } = input;
  const rows = truth.length;
  const k = classes.length;
  if (k < minClasses) throw new RangeError(`expected at least ${minClasses} classes, got ${k}`);
  if (predicted.length !== rows) {
    throw new RangeError(`${predicted.length} predictions for ${rows} records`);
  }
  if (probabilities !== undefined && probabilities.length !== rows * k) {
    throw new RangeError(
      `${probabilities.length} probabilities for ${rows} records × ${k} classes (expected ${rows * k})`,
    );
  }
  for (let i = 0; i < rows; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    if (t < 0 || t >= k)
      throw new DataError(`record ${i}: truth class index ${t} is not in 0..${k - 1}`);
    if (p < 0 || p >= k) {
      throw new DataError(`record ${i}: predicted class index ${p} is not in 0..${k - 1}`);
    }
  }
  if (probabilities !== undefined) {
    for (let j = 0; j < probabilities.length; j++) {
      const v = probabilities[j]!;
      // NaN would make the sort order (and so ROC AUC) meaningless; negative values break logs.
      if (!(v >= 0 && v <= 1)) {
        throw new DataError(
          `record ${Math.floor(j / k)}: probability of class ${JSON.stringify(classes[j % k])} is ${v}, expected a number in [0, 1]`,
        );
      }
    }
  }
}

export function checkRegressionInput(input: RegressionInput): void {
  const { truth, predicted } = input;
  if (predicted.length !== truth.length) {
    throw new RangeError(`${predicted.length} predictions for ${truth.length} records`);
  }
  for (let i = 0; i < truth.length; i++) {
    if (!Number.isFinite(truth[i]!)) throw new DataError(`record ${i}: truth is ${truth[i]}`);
    if (!Number.isFinite(predicted[i]!)) {
      throw new DataError(`record ${i}: prediction is ${predicted[i]}`);
    }
  }
}
