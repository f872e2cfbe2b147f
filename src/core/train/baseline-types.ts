/** Types shared by the built-in baselines, their registry and the ONNX writer. */
import type { FeatureMatrix } from './feature-matrix.js';

export const baselineKinds = [
  'logistic-regression',
  'softmax-regression',
  'linear-regression',
] as const;
export type BaselineKind = (typeof baselineKinds)[number];

export type BaselineTask = 'binary-classification' | 'multiclass-classification' | 'regression';

/**
 * A fitted linear model on standardised features: `z = (x − means) / scales` (NaN → 0), then
 * `outputs = z · weights + bias`. One output (K = 1) for logistic and linear regression, one per
 * class (K = C) for softmax regression.
 */
export interface LinearModelParameters {
  readonly means: Float64Array;
  readonly scales: Float64Array;
  /** Row-major `F × K`, the layout of the ONNX MatMul's right-hand side. */
  readonly weights: Float64Array;
  /** `K` values. */
  readonly bias: Float64Array;
  /** Class names for classification; label `i` is `classes[i]`. */
  readonly classes?: readonly string[];
}

/** What a model predicts for `rows` records. */
export interface Prediction {
  /** Class index per row (classification). */
  readonly labels?: Int32Array;
  /** Row-major `rows × C` class probabilities (classification). */
  readonly probabilities?: Float64Array;
  /** Predicted value per row (regression). */
  readonly values?: Float64Array;
}

export interface TrainBaselineOptions {
  readonly kind: BaselineKind;
  readonly matrix: FeatureMatrix;
  /**
   * Recorded in the model. The solvers are full-batch and start from zero, so nothing random
   * happens today; the seed is there so that any future randomness (a shuffle, a split) is seeded.
   */
  readonly seed: number;
  /**
   * L2 penalty: the objective is mean loss + l2/2 · ‖weights‖² (the intercept is not
   * penalised). Default 1e-4 for the classifiers, 0 (ordinary least squares) for linear
   * regression. Same as scikit-learn's `C = 1 / (n · l2)`.
   */
  readonly l2?: number;
  readonly maxIterations?: number;
}

export interface TrainedBaseline {
  readonly kind: BaselineKind;
  readonly task: BaselineTask;
  readonly featureNames: readonly string[];
  readonly targetName: string;
  readonly seed: number;
  readonly l2: number;
  readonly parameters: LinearModelParameters;
  /** Predictions of the model in double precision, for raw (unstandardised) row-major features. */
  predict(x: Float64Array, rows: number): Prediction;
  /** On the training data: accuracy and log_loss (classification); r2, rmse, mae (regression). */
  readonly trainingMetrics: Record<string, number>;
  /** The model as ONNX bytes (see `core/onnx/build-baseline-model.ts` for the contract). */
  readonly onnx: Uint8Array;
  readonly iterations: number;
  readonly converged: boolean;
}

/** What a solver returns: the fitted coefficients on standardised features. */
export interface SolverResult {
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
}
