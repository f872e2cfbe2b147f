/**
 * A model's predictions on the evaluation set, prepared once (sorts, per-record losses) so that
 * the metrics can be computed again and again under different record weights: the full set, each
 * bootstrap resample, each slice.
 */
import type { MetricSet, Task } from '../evaluate/report.js';
import type { Weights } from './metric-input.js';

export interface MetricEvaluator {
  readonly task: Task;
  readonly rows: number;
  /**
   * Scalar metrics with each record counted `weights[i]` times (once each without weights).
   * A metric that is undefined on these records (ROC AUC with one class present, any metric
   * with no records) is absent rather than NaN. The weights are only read, never kept.
   */
  values(weights?: Weights): Record<string, number>;
  /** The scalar metrics plus, for classification, per-class scores and the confusion matrix. */
  metricSet(weights?: Weights): MetricSet;
}
