/**
 * The evaluation report: the contract between the metric computations, the gates, the renderers
 * (PR comment, job summary, check run) and the JSON report file (`report` output). Plain data.
 */

import type { BinaryCurves } from '../metrics/curves.js';
import type { ModelCost } from './latency.js';
import type { MetricHistory } from './metric-history.js';
import type { TrainingHistory } from '../train/metrics-history.js';

export type Task = 'binary-classification' | 'multiclass-classification' | 'regression';

/** Metric values of one model on one set of records. Names follow scikit-learn's. */
export interface MetricSet {
  /** Scalar metrics, e.g. accuracy, f1, roc_auc, log_loss, rmse, r2. */
  readonly values: Readonly<Record<string, number>>;
  /** Classification: per-class precision, recall, f1 and support, in class order. */
  readonly perClass?: readonly {
    readonly label: string;
    readonly precision: number;
    readonly recall: number;
    readonly f1: number;
    readonly support: number;
  }[];
  /** Classification: confusion[truth][predicted], in class order. */
  readonly confusion?: readonly (readonly number[])[];
  /** Binary classification with probabilities: ROC, precision-recall and calibration curves. */
  readonly curves?: BinaryCurves;
}

/** A delta (candidate − baseline) with its paired-bootstrap confidence interval. */
export interface MetricDelta {
  readonly metric: string;
  readonly baseline: number;
  readonly candidate: number;
  readonly delta: number;
  /** 95% percentile interval of the delta over bootstrap resamples of the same records. */
  readonly interval: readonly [number, number];
  /** True only when the interval excludes zero. */
  readonly significant: boolean;
}

/** McNemar's exact test on the paired correctness of the two classifiers. */
export interface McNemarResult {
  /** Records the baseline got right and the candidate wrong. */
  readonly baselineOnly: number;
  /** Records the candidate got right and the baseline wrong. */
  readonly candidateOnly: number;
  /** Two-sided exact binomial p-value. */
  readonly pValue: number;
}

export interface SliceResult {
  readonly column: string;
  readonly groups: readonly {
    readonly value: string;
    readonly rows: number;
    readonly candidate: Readonly<Record<string, number>>;
    readonly baseline?: Readonly<Record<string, number>>;
  }[];
  /** Per metric: the largest difference between two groups, and which groups. */
  readonly largestGap: readonly {
    readonly metric: string;
    readonly candidate: { readonly gap: number; readonly best: string; readonly worst: string };
    readonly baseline?: { readonly gap: number; readonly best: string; readonly worst: string };
  }[];
}

export interface GateResult {
  readonly metric: string;
  /** e.g. "min 0.9", "max-drop 0.01 (absolute)", "min-gain 2% (relative)". */
  readonly rule: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  /** Why, in words: "0.93 ≥ 0.90", "no baseline: relative gates are skipped". */
  readonly detail: string;
}

export interface ModelInfo {
  readonly label: string; // "candidate", "production v1.2.0", "v1.1.0", a file name
  readonly version: string | null;
  readonly digest: string; // sha256:<hex> of the ONNX bytes
  readonly path: string;
}

export interface EvaluationReport {
  readonly reportVersion: 1;
  readonly model: string;
  readonly task: Task;
  readonly classes: readonly string[] | null;
  /**
   * Binary classification: the class that precision, recall, F1, ROC AUC, PR AUC and Brier score
   * are computed for (`evaluate.positive-class`, by default the schema target's second value).
   * Absent in reports written before it was recorded, and for other tasks.
   */
  readonly positiveClass?: string | null;
  readonly rows: number;
  readonly data: readonly { readonly path: string; readonly digest: string }[];
  readonly candidate: ModelInfo & { readonly metrics: MetricSet };
  readonly baseline: (ModelInfo & { readonly metrics: MetricSet }) | null;
  /** Why there is no baseline, when there is none ("no production version yet", "baseline: none"). */
  readonly baselineNote: string | null;
  readonly deltas: readonly MetricDelta[];
  /**
   * Which direction is better for metrics the built-in list does not know (from a gate's
   * `greater-is-better`); built-in metrics need no entry.
   */
  readonly metricDirections?: Readonly<Record<string, 'higher' | 'lower'>>;
  readonly mcnemar: McNemarResult | null;
  readonly slices: readonly SliceResult[];
  readonly gates: readonly GateResult[];
  /**
   * Inference latency and file size of both models (`evaluate.latency`), timed alternately on
   * the same records with the same session settings. Absent when not measured.
   */
  readonly cost?: {
    readonly candidate: ModelCost;
    readonly baseline: ModelCost | null;
  };
  /**
   * The chosen metrics across the last released versions (`evaluate.history`), from their
   * verified `metrics.json`. Absent when not read (no registry, history 0, older reports).
   */
  readonly history?: MetricHistory;
  /** The candidate's training curves (`metrics-history.jsonl` beside the model), when written. */
  readonly trainingHistory?: TrainingHistory;
  readonly passed: boolean;
  readonly bootstrap: {
    readonly resamples: number;
    readonly seed: number;
    readonly confidence: number;
  };
  readonly run: {
    readonly url: string | null;
    readonly commit: string | null;
    readonly pullRequest: number | null;
  };
  readonly createdAt: string;
}
