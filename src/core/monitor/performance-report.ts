/**
 * The performance report: the JSON contract `check-performance` writes (its `report` output) and
 * `mlops performance --report` prints. Times are ISO 8601 (UTC); metric names are evaluate's.
 *
 * ```json
 * {
 *   "model": "iris", "released": { "version": "1.2.0", "metrics": { "accuracy": 0.93 } },
 *   "key": "id", "window": "1d", "min_labels": 30,
 *   "severity": "moderate",              // none | moderate | severe | insufficient-labels
 *   "graded_window": "2026-12-04T00:00:00.000Z",   // the latest window with enough labels
 *   "coverage": { "predictions": 10, "labelled": 6, "never_labelled": 3, "without_key": 1,
 *                 "unmatched_labels": 2, "duplicate_labels": 0, "late_labels": 1 },
 *   "windows": [{ "start": "...", "end": "...", "predictions": 10, "labelled": 6, "late_labels": 1,
 *                 "metrics": { "accuracy": 0.667 }, "severity": "moderate",
 *                 "grades": [{ "metric": "accuracy", "released": 0.93, "observed": 0.667,
 *                              "worsening": 0.263, "moderate": 0.0465, "severe": 0.093,
 *                              "grade": "severe" }] }],
 *   "health": { ... },                   // see service-health.ts
 *   "notes": ["..."]
 * }
 * ```
 */
import type { ServiceHealth } from './service-health.js';

export type PerformanceSeverity = 'none' | 'moderate' | 'severe';
export type PerformanceGrade = PerformanceSeverity | 'insufficient-labels';

export interface MetricGrade {
  readonly metric: string;
  readonly released: number;
  /** Null when the window's labels do not define the metric (one class only, no probabilities). */
  readonly observed: number | null;
  /** How much worse than released, in the metric's units (negative: better). */
  readonly worsening: number | null;
  /** The thresholds resolved to the metric's units. */
  readonly moderate: number;
  readonly severe: number;
  readonly grade: PerformanceSeverity | 'not-computed';
}

export interface PerformanceWindow {
  readonly start: string;
  readonly end: string;
  readonly predictions: number;
  readonly labelled: number;
  /** Labels that arrived after the window closed. */
  readonly late_labels: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly grades: readonly MetricGrade[];
  readonly severity: PerformanceGrade;
}

export interface Coverage {
  readonly predictions: number;
  readonly labelled: number;
  readonly never_labelled: number;
  readonly without_key: number;
  readonly unmatched_labels: number;
  readonly duplicate_labels: number;
  readonly late_labels: number;
}

export interface PerformanceReport {
  readonly model: string;
  readonly released: {
    readonly version: string | null;
    readonly metrics: Readonly<Record<string, number>>;
  };
  readonly key: 'id' | 'request';
  readonly window: string;
  readonly min_labels: number;
  readonly severity: PerformanceGrade;
  readonly graded_window: string | null;
  readonly coverage: Coverage;
  readonly windows: readonly PerformanceWindow[];
  readonly health: ServiceHealth | null;
  readonly notes: readonly string[];
}

const rank: Record<PerformanceGrade, number> = {
  'insufficient-labels': -1,
  none: 0,
  moderate: 1,
  severe: 2,
};

/** Whether `severity` reaches `failOn`; insufficient labels never do. */
export function reachesPerformanceSeverity(
  severity: PerformanceGrade,
  failOn: PerformanceSeverity | 'never',
): boolean {
  return failOn !== 'never' && failOn !== 'none' && rank[severity] >= rank[failOn];
}
