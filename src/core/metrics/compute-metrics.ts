/**
 * The entry points: `computeMetrics` for one model on one set of records, and `prepareMetrics`
 * when the same predictions are scored many times (bootstrap, slices): it sorts and precomputes
 * once, then each `values(weights)` is a few O(n) passes.
 */
import type { MetricSet, Task } from '../evaluate/report.js';
import { prepareBinaryMetrics } from './binary-metrics.js';
import type { MetricEvaluator } from './metric-evaluator.js';
import type { ClassificationInput, RegressionInput, Weights } from './metric-input.js';
import { prepareMulticlassMetrics } from './multiclass-metrics.js';
import { prepareRegressionMetrics } from './regression-metrics.js';

export type MetricInput = ClassificationInput | RegressionInput;

export function prepareMetrics(
  task: 'binary-classification' | 'multiclass-classification',
  input: ClassificationInput,
): MetricEvaluator;
export function prepareMetrics(task: 'regression', input: RegressionInput): MetricEvaluator;
export function prepareMetrics(task: Task, input: MetricInput): MetricEvaluator;
export function prepareMetrics(task: Task, input: MetricInput): MetricEvaluator {
  switch (task) {
    case 'binary-classification':
      return prepareBinaryMetrics(asClassification(task, input));
    case 'multiclass-classification':
      return prepareMulticlassMetrics(asClassification(task, input));
    case 'regression':
      if (!(input.truth instanceof Float64Array) || !(input.predicted instanceof Float64Array)) {
        throw new TypeError('regression metrics need Float64Array truth and predictions');
      }
      return prepareRegressionMetrics(input as RegressionInput);
  }
}

export function computeMetrics(
  task: 'binary-classification' | 'multiclass-classification',
  input: ClassificationInput,
  weights?: Weights,
): MetricSet;
export function computeMetrics(
  task: 'regression',
  input: RegressionInput,
  weights?: Weights,
): MetricSet;
export function computeMetrics(task: Task, input: MetricInput, weights?: Weights): MetricSet;
export function computeMetrics(task: Task, input: MetricInput, weights?: Weights): MetricSet {
  return prepareMetrics(task, input).metricSet(weights);
}

function asClassification(task: Task, input: MetricInput): ClassificationInput {
  if (
    !('classes' in input) ||
    !(input.truth instanceof Int32Array) ||
    !(input.predicted instanceof Int32Array)
  ) {
    throw new TypeError(`${task} metrics need Int32Array class indices and the class names`);
  }
  return input;
}
