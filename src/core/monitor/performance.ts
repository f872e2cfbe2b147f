/**
 * The model's real performance: the joined predictions are cut into windows by prediction time,
 * each window's metrics are computed with evaluate's own metric code (`computeMetrics`), and each
 * graded metric is compared with the value the production release recorded.
 *
 * Grading a metric: its worsening is `released − observed` for a metric where greater is better
 * (a drop of accuracy), `observed − released` otherwise (a rise of log_loss or rmse). A threshold
 * is a change in the metric's units, or a percentage of the released value; the grade is severe
 * when the worsening is positive and at least the severe threshold, moderate when at least the
 * moderate one. A window's severity is its worst metric's; a window with fewer labelled records
 * than `min-labels` is `insufficient-labels` and never raises an alarm. The check's severity is
 * that of the latest window with enough labels, so the issue closes once the model recovers.
 */
import { DataError } from '../errors.js';
import type { Task } from '../evaluate/report.js';
import { computeMetrics } from '../metrics/compute-metrics.js';
import { metricInfo } from '../metrics/metric-info.js';
import { windowStart } from './duration.js';
import type { JoinResult, JoinedPrediction } from './join-labels.js';
import type {
  MetricGrade,
  PerformanceGrade,
  PerformanceReport,
  PerformanceSeverity,
  PerformanceWindow,
} from './performance-report.js';

/** A threshold as mlops.yml writes it: a number in the metric's units, or `"5%"`. */
export type DropThreshold = number | string;

export interface MetricThresholds {
  readonly moderate: DropThreshold;
  readonly severe: DropThreshold;
}

export const DEFAULT_DROP: MetricThresholds = { moderate: '5%', severe: '10%' };

/** The metrics graded when mlops.yml names none. */
export function defaultGradedMetrics(task: Task): Record<string, MetricThresholds> {
  return task === 'regression' ? { rmse: DEFAULT_DROP } : { accuracy: DEFAULT_DROP };
}

export interface PerformanceOptions {
  readonly model: string;
  readonly task: Task;
  /** The model's class order (probability columns), when known; else from the data. */
  readonly classes?: readonly string[] | undefined;
  readonly join: JoinResult;
  readonly key: 'id' | 'request';
  readonly window: string;
  readonly windowMs: number;
  readonly minLabels: number;
  readonly released: {
    readonly version: string | null;
    readonly metrics: Readonly<Record<string, number>>;
  };
  readonly graded: Readonly<Record<string, MetricThresholds>>;
  /** All logged predictions' times (ms), for the predictions counted per window. */
  readonly predictionTimes: readonly number[];
}

/** A threshold in the metric's units. */
export function resolveThreshold(threshold: DropThreshold, released: number): number {
  if (typeof threshold === 'number') return threshold;
  return (Math.abs(released) * Number(threshold.replace('%', ''))) / 100;
}

export function gradeMetric(
  metric: string,
  released: number,
  observed: number | null,
  thresholds: MetricThresholds,
): MetricGrade {
  const info = metricInfo(metric);
  if (info === undefined) throw new RangeError(`no direction known for the metric ${metric}`);
  const moderate = resolveThreshold(thresholds.moderate, released);
  const severe = resolveThreshold(thresholds.severe, released);
  if (observed === null || !Number.isFinite(observed)) {
    return {
      metric,
      released,
      observed: null,
      worsening: null,
      moderate,
      severe,
      grade: 'not-computed',
    };
  }
  const worsening = info.greaterIsBetter ? released - observed : observed - released;
  // A tiny tolerance keeps a drop of exactly the threshold from flipping on rounding.
  const reaches = (t: number) => worsening > 0 && worsening >= t - 1e-12;
  const grade: PerformanceSeverity = reaches(severe)
    ? 'severe'
    : reaches(moderate)
      ? 'moderate'
      : 'none';
  return { metric, released, observed, worsening, moderate, severe, grade };
}

/** Evaluate's metrics on a set of joined predictions. */
export function metricsOf(
  task: Task,
  joined: readonly JoinedPrediction[],
  classesHint: readonly string[] | undefined,
): Record<string, number> {
  if (joined.length === 0) return {};
  if (task === 'regression') {
    const truth = new Float64Array(joined.length);
    const predicted = new Float64Array(joined.length);
    joined.forEach(({ entry, label }, i) => {
      truth[i] = numeric(
        label.label,
        `label ${JSON.stringify(label.label)}`,
        label.file,
        label.line,
      );
      predicted[i] = numeric(entry.logged.prediction, 'prediction', entry.file, entry.line);
    });
    return { ...computeMetrics('regression', { truth, predicted }).values };
  }
  const classes =
    classesHint !== undefined && classesHint.length > 0 ? [...classesHint] : inferClasses(joined);
  const index = new Map(classes.map((c, i) => [c, i]));
  const truth = new Int32Array(joined.length);
  const predicted = new Int32Array(joined.length);
  const k = classes.length;
  let probabilities: Float64Array | undefined = new Float64Array(joined.length * k);
  joined.forEach(({ entry, label }, i) => {
    const t = index.get(String(label.label));
    if (t === undefined) {
      throw new DataError(
        `the label ${JSON.stringify(String(label.label)).slice(0, 80)} is not one of the model's classes (${classes.join(', ')})`,
        { location: { file: label.file, line: label.line } },
      );
    }
    const p = index.get(String(entry.logged.prediction));
    if (p === undefined) {
      throw new DataError(
        `the logged prediction ${JSON.stringify(String(entry.logged.prediction)).slice(0, 80)} is not one of the model's classes (${classes.join(', ')})`,
        { location: { file: entry.file, line: entry.line } },
      );
    }
    truth[i] = t;
    predicted[i] = p;
    const probs = entry.logged.probabilities;
    if (probabilities !== undefined) {
      if (probs === undefined || classes.some((c) => typeof probs[c] !== 'number')) {
        probabilities = undefined; // A record without scores: the scored metrics are left out.
      } else {
        classes.forEach((c, j) => {
          probabilities![i * k + j] = probs[c] as number;
        });
      }
    }
  });
  const binary = task === 'binary-classification';
  if (binary && k !== 2) {
    throw new DataError(
      `binary classification needs 2 classes; the log and labels hold ${k} (${classes.join(', ')}): set evaluate.classes or model.task in mlops.yml`,
    );
  }
  return {
    ...computeMetrics(binary ? 'binary-classification' : 'multiclass-classification', {
      truth,
      predicted,
      probabilities,
      classes,
    }).values,
  };
}

/** The class order: the logged probabilities' keys, else the sorted labels and predictions. */
function inferClasses(joined: readonly JoinedPrediction[]): string[] {
  const scored = joined.find((j) => j.entry.logged.probabilities !== undefined);
  if (scored !== undefined) return Object.keys(scored.entry.logged.probabilities ?? {});
  const names = new Set<string>();
  for (const { entry, label } of joined) {
    names.add(String(label.label));
    names.add(String(entry.logged.prediction));
  }
  return [...names].sort();
}

function numeric(value: unknown, what: string, file: string, line: number): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN;
  if (!Number.isFinite(n)) {
    throw new DataError(`the ${what} is not a number (regression)`, { location: { file, line } });
  }
  return n;
}

const worst = (grades: readonly MetricGrade[]): PerformanceSeverity =>
  grades.some((g) => g.grade === 'severe')
    ? 'severe'
    : grades.some((g) => g.grade === 'moderate')
      ? 'moderate'
      : 'none';

export function computePerformance(options: PerformanceOptions): Omit<PerformanceReport, 'health'> {
  const { join, windowMs } = options;
  const notes: string[] = [];
  const graded = Object.entries(options.graded).filter(([metric]) => {
    if (options.released.metrics[metric] !== undefined) return true;
    notes.push(`${metric} is not graded: the production release records no ${metric}.`);
    return false;
  });
  if (graded.length === 0) {
    throw new DataError(
      `the production release records none of the graded metrics (${Object.keys(options.graded).join(', ')}); it records: ${Object.keys(options.released.metrics).join(', ') || 'none'}. Name recorded metrics in monitoring.performance.metrics.`,
    );
  }

  const starts = new Set<number>();
  const predictionsIn = new Map<number, number>();
  for (const t of options.predictionTimes) {
    const s = windowStart(t, windowMs);
    starts.add(s);
    predictionsIn.set(s, (predictionsIn.get(s) ?? 0) + 1);
  }
  const joinedIn = new Map<number, JoinedPrediction[]>();
  for (const j of join.joined) {
    const s = windowStart(j.entry.timeMs, windowMs);
    starts.add(s);
    const list = joinedIn.get(s);
    if (list === undefined) joinedIn.set(s, [j]);
    else list.push(j);
  }

  let lateTotal = 0;
  const windows: PerformanceWindow[] = [...starts]
    .sort((a, b) => a - b)
    .map((start) => {
      const end = start + windowMs;
      const joined = joinedIn.get(start) ?? [];
      // Late: the label arrived after the window of its prediction had closed.
      const late = joined.filter((j) => j.label.timeMs !== null && j.label.timeMs >= end).length;
      lateTotal += late;
      const metrics = metricsOf(options.task, joined, options.classes);
      const grades = graded.map(([metric, thresholds]) =>
        gradeMetric(
          metric,
          options.released.metrics[metric] as number,
          metrics[metric] ?? null,
          thresholds,
        ),
      );
      const severity: PerformanceGrade =
        joined.length < options.minLabels ? 'insufficient-labels' : worst(grades);
      return {
        start: new Date(start).toISOString(),
        end: new Date(end).toISOString(),
        predictions: predictionsIn.get(start) ?? 0,
        labelled: joined.length,
        late_labels: late,
        metrics,
        grades,
        severity,
      };
    });
  const gradedWindow = [...windows].reverse().find((w) => w.severity !== 'insufficient-labels');
  if (gradedWindow === undefined) {
    notes.push(
      `No window has ${options.minLabels} labelled predictions (monitoring.performance.min-labels): the model is not graded until more labels arrive.`,
    );
  }
  return {
    model: options.model,
    released: options.released,
    key: options.key,
    window: options.window,
    min_labels: options.minLabels,
    severity: gradedWindow?.severity ?? 'insufficient-labels',
    graded_window: gradedWindow?.start ?? null,
    coverage: {
      predictions: join.predictions,
      labelled: join.joined.length,
      never_labelled: join.neverLabelled,
      without_key: join.withoutKey,
      unmatched_labels: join.unmatchedLabels,
      duplicate_labels: join.duplicateLabels,
      late_labels: lateTotal,
    },
    windows,
    notes,
  };
}
