/**
 * What a reviewer decides from a comparison: for each metric, is the candidate better, worse, or
 * not significantly different from the baseline, given which direction of the metric is better;
 * and overall, is the candidate better, worse, mixed, or indistinguishable. Pure: it reads the
 * report's deltas and the known metric directions.
 *
 * "Significant" is the paired bootstrap's verdict (the interval excludes 0); a significant change
 * of a metric whose direction is unknown (a training command's own metric) is a change, neither
 * better nor worse.
 */
import { defaultMetrics, metricInfo } from '../metrics/metric-info.js';
import type { EvaluationReport, MetricDelta, Task } from './report.js';

export type MetricOutcome = 'better' | 'worse' | 'changed' | 'no-difference';

export type Direction = 'higher' | 'lower' | 'unknown';

export interface MetricComparison {
  readonly metric: string;
  readonly direction: Direction;
  readonly delta: MetricDelta;
  readonly outcome: MetricOutcome;
}

export type OverallVerdict = 'better' | 'worse' | 'mixed' | 'no-difference';

/** Which way is better for a metric: built-in knowledge first, then a gate's greater-is-better. */
export function metricDirection(
  metric: string,
  directions?: Readonly<Record<string, Direction>>,
): Direction {
  const known = metricInfo(metric);
  if (known !== undefined) return known.greaterIsBetter ? 'higher' : 'lower';
  return directions?.[metric] ?? 'unknown';
}

export function compareDelta(
  delta: MetricDelta,
  directions?: Readonly<Record<string, Direction>>,
): MetricComparison {
  const direction = metricDirection(delta.metric, directions);
  let outcome: MetricOutcome = 'no-difference';
  if (delta.significant && delta.delta !== 0) {
    if (direction === 'unknown') outcome = 'changed';
    else outcome = delta.delta > 0 === (direction === 'higher') ? 'better' : 'worse';
  }
  return { metric: delta.metric, direction, delta, outcome };
}

export function compareMetrics(report: EvaluationReport): MetricComparison[] {
  const order = orderMetrics(
    report.task,
    report.deltas.map((delta) => delta.metric),
  );
  const byMetric = new Map(report.deltas.map((delta) => [delta.metric, delta]));
  return order.map((metric) =>
    compareDelta(byMetric.get(metric) as MetricDelta, report.metricDirections),
  );
}

/**
 * better: at least one metric significantly better and none worse; worse: the mirror image;
 * mixed: both; no-difference: neither (changes of unknown direction do not decide).
 */
export function overallVerdict(comparisons: readonly MetricComparison[]): OverallVerdict {
  const better = comparisons.some((c) => c.outcome === 'better');
  const worse = comparisons.some((c) => c.outcome === 'worse');
  if (better && worse) return 'mixed';
  if (better) return 'better';
  if (worse) return 'worse';
  return 'no-difference';
}

/**
 * The table order, the same in every comment: the task's metrics in their canonical order
 * (metric-info.ts), then every other metric in the order first seen.
 */
export function orderMetrics(task: Task, metrics: readonly string[]): string[] {
  const wanted = new Set(metrics);
  const canonical = defaultMetrics(task).filter((metric) => wanted.has(metric));
  const rest = [...wanted].filter((metric) => !canonical.includes(metric));
  return [...canonical, ...rest];
}
