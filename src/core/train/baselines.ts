/**
 * `trainBaseline`: the built-in models the `train` action can fit instead of running a user's
 * command. Each is a linear model on standardised features, trained deterministically, and
 * written as ONNX so that it goes through `evaluate` exactly like a user's model.
 */
import { ConfigError, DataError } from '../errors.js';
import { buildBaselineModel } from '../onnx/build-baseline-model.js';
import {
  baselineKinds,
  type BaselineKind,
  type BaselineTask,
  type LinearModelParameters,
  type SolverResult,
  type TrainBaselineOptions,
  type TrainedBaseline,
} from './baseline-types.js';
import type { FeatureMatrix } from './feature-matrix.js';
import { fitLinearRegression } from './linear-regression.js';
import { classificationMetrics, predictLinearModel, regressionMetrics } from './linear-model.js';
import { fitLogisticRegression } from './logistic-regression.js';
import { fitSoftmaxRegression } from './softmax-regression.js';
import { fitStandardization, standardize } from './standardize.js';

export { baselineKinds, type BaselineKind } from './baseline-types.js';

/** The L2 penalty when none is given: light, so the classifiers stay finite on separable data. */
export const DEFAULT_CLASSIFIER_L2 = 1e-4;

export function trainBaseline(options: TrainBaselineOptions): TrainedBaseline {
  const { kind, matrix, seed } = options;
  if (!baselineKinds.includes(kind)) {
    throw new ConfigError(
      `unknown baseline "${String(kind)}"; choose one of: ${baselineKinds.join(', ')}`,
    );
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new ConfigError(`the seed must be a whole number from 0 to 2^53 − 1, got ${seed}`);
  }
  const l2 = options.l2 ?? (kind === 'linear-regression' ? 0 : DEFAULT_CLASSIFIER_L2);
  if (!(l2 >= 0) || !Number.isFinite(l2)) {
    throw new ConfigError(`l2 must be a finite number ≥ 0, got ${l2}`);
  }
  if (
    options.maxIterations !== undefined &&
    !(Number.isInteger(options.maxIterations) && options.maxIterations > 0)
  ) {
    throw new ConfigError(`maxIterations must be a whole number ≥ 1, got ${options.maxIterations}`);
  }
  const { rows, featureNames } = matrix;
  const F = featureNames.length;
  if (rows === 0) {
    throw new DataError(
      `there is no training row with a target value (${matrix.droppedRows} had none)`,
    );
  }
  const standardization = fitStandardization(matrix.x, rows, F);
  const z = standardize(matrix.x, rows, standardization);
  const maxIterations =
    options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations };

  let task: BaselineTask;
  let fitted: SolverResult;
  let classes: readonly string[] | undefined;
  if (kind === 'linear-regression') {
    const target = requireValues(matrix, kind);
    task = 'regression';
    fitted = fitLinearRegression({ z, rows, features: F, values: target, l2 });
  } else {
    const target = requireClasses(matrix, kind);
    classes = target.classes;
    if (kind === 'logistic-regression') {
      if (classes.length !== 2) {
        throw new ConfigError(
          `logistic-regression is a binary classifier, but the target "${matrix.targetName}" has ${classes.length} classes (${classes.join(', ')}); use softmax-regression`,
        );
      }
      task = 'binary-classification';
      fitted = fitLogisticRegression({
        z,
        rows,
        features: F,
        labels: target.labels,
        l2,
        ...maxIterations,
      });
    } else {
      task = 'multiclass-classification';
      fitted = fitSoftmaxRegression({
        z,
        rows,
        features: F,
        classes: classes.length,
        labels: target.labels,
        l2,
        ...maxIterations,
      });
    }
  }

  const parameters: LinearModelParameters = {
    means: standardization.means,
    scales: standardization.scales,
    weights: fitted.weights,
    bias: fitted.bias,
    ...(classes === undefined ? {} : { classes: [...classes] }),
  };
  const predict = (x: Float64Array, n: number) => predictLinearModel(task, parameters, x, n);
  const training = predict(matrix.x, rows);
  const trainingMetrics: Record<string, number> =
    matrix.target.kind === 'values'
      ? { ...regressionMetrics(training.values ?? new Float64Array(), matrix.target.values) }
      : { ...classificationMetrics(training, matrix.target.labels, matrix.target.classes.length) };
  return {
    kind,
    task,
    featureNames: [...featureNames],
    targetName: matrix.targetName,
    seed,
    l2,
    parameters,
    predict,
    trainingMetrics,
    onnx: buildBaselineModel({
      kind,
      task,
      featureNames,
      targetName: matrix.targetName,
      parameters,
      seed,
    }),
    iterations: fitted.iterations,
    converged: fitted.converged,
  };
}

function requireValues(matrix: FeatureMatrix, kind: BaselineKind): Float64Array {
  if (matrix.target.kind !== 'values') {
    throw new ConfigError(
      `${kind} predicts numbers, but the target "${matrix.targetName}" holds classes; use logistic-regression or softmax-regression, or read the target as values`,
    );
  }
  return matrix.target.values;
}

function requireClasses(
  matrix: FeatureMatrix,
  kind: BaselineKind,
): { classes: readonly string[]; labels: Int32Array } {
  const target = matrix.target;
  if (target.kind !== 'classes') {
    throw new ConfigError(
      `${kind} predicts classes, but the target "${matrix.targetName}" holds numbers; use linear-regression, or give the target a class type (category, integer, boolean)`,
    );
  }
  // A class with no training row would need an intercept of −∞: the solver could not converge.
  const counts = new Array<number>(target.classes.length).fill(0);
  for (const label of target.labels) counts[label] = (counts[label] as number) + 1;
  const absent = target.classes.filter((_, i) => counts[i] === 0);
  if (absent.length > 0) {
    throw new DataError(
      `the training data have no row of class ${absent.map((c) => `"${c}"`).join(', ')}; every class of the target "${matrix.targetName}" needs at least one`,
    );
  }
  return target;
}
