/**
 * The metrics module's public surface, so callers import one file. See compute-metrics.ts for the
 * entry points and the per-task files for which scikit-learn function each metric matches.
 */
export { computeMetrics, prepareMetrics } from './compute-metrics.js';
export type { MetricInput } from './compute-metrics.js';
export type { MetricEvaluator } from './metric-evaluator.js';
export type { ClassificationInput, RegressionInput, Weights } from './metric-input.js';
export { defaultMetrics, METRICS, metricInfo } from './metric-info.js';
export type { MetricInfo } from './metric-info.js';
