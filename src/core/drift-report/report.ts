/**
 * The drift report: the documented JSON contract that `check-drift` writes (its `report` output)
 * and `mlops drift --report` prints. Field names are snake_case where they mirror Evidently's.
 *
 * ```json
 * {
 *   "model": "seattle-weather",
 *   "reference": "seattle-weather@v1.0.0 profile.json",
 *   "current": "data/current.csv",
 *   "severity": "moderate",            // none | moderate | severe
 *   "share": 0.4,                      // drifted columns / columns checked (prediction excluded)
 *   "drifted": 2,                      // drifted columns (prediction excluded)
 *   "thresholds": { "moderate": 0.25, "severe": 0.5 },
 *   "prediction_drift": false,         // null when prediction drift was not checked
 *   "columns": [{
 *     "name": "temp_max",              // the distribution: <col>, <col>:hour, <col>:length, <col>:tokens, prediction
 *     "column": "temp_max",            // the data column it comes from
 *     "kind": "numerical",             // numerical | categorical | text | prediction
 *     "test": "ks",
 *     "statistic": 0.61,
 *     "p_value": 1.2e-40,              // null for distance tests
 *     "threshold": 0.05,
 *     "drifted": true,
 *     "nan": { "reference": 0, "current": 3 },   // NaN or missing cells, left out of the test
 *     "inf": { "reference": 0, "current": 1 },   // ±Infinity, left out of the test
 *     "oov_rate": 0.12                 // <col>:tokens only: share of current tokens unknown to the reference
 *   }],
 *   "notes": ["..."]
 * }
 * ```
 */

export type DriftSeverity = 'none' | 'moderate' | 'severe';
export type DriftColumnKind = 'numerical' | 'categorical' | 'text' | 'prediction';

export interface DriftThresholds {
  readonly moderate: number;
  readonly severe: number;
}

/** Evidently's data-set drift share is 0.5; half of it is where retraining starts. */
export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { moderate: 0.25, severe: 0.5 };

export interface SideCounts {
  readonly reference: number;
  readonly current: number;
}

export interface DriftColumnResult {
  readonly name: string;
  readonly column: string;
  readonly kind: DriftColumnKind;
  readonly test: string;
  readonly statistic: number;
  readonly p_value: number | null;
  readonly threshold: number;
  readonly drifted: boolean;
  readonly nan: SideCounts;
  readonly inf: SideCounts;
  readonly oov_rate?: number;
}

export interface DriftReport {
  readonly model: string;
  readonly reference: string;
  readonly current: string;
  readonly severity: DriftSeverity;
  readonly share: number;
  readonly drifted: number;
  readonly thresholds: DriftThresholds;
  readonly prediction_drift: boolean | null;
  readonly columns: readonly DriftColumnResult[];
  readonly notes: readonly string[];
}

/** Reference and current shares over the same bins, for a chart and the table beside it. */
export interface DriftHistogram {
  readonly bins: readonly string[];
  readonly reference: readonly number[];
  readonly current: readonly number[];
}
