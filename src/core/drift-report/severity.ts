/**
 * Grading a drift check. The share counts data columns (a text column's length and vocabulary
 * count once, drifted when either drifted); prediction drift is graded apart:
 * - severe when share >= thresholds.severe (default 0.5, Evidently's data-set drift share);
 * - moderate when share >= thresholds.moderate (default 0.25), or when the predictions drifted;
 * - none otherwise.
 */
import type { DriftColumnResult, DriftSeverity, DriftThresholds } from './report.js';

export interface DriftShare {
  /** Data columns checked. */
  readonly columns: number;
  /** Data columns with at least one drifted distribution. */
  readonly drifted: number;
  /** drifted / columns; 0 when no column was checked. */
  readonly share: number;
  /** Null when prediction drift was not checked. */
  readonly predictionDrift: boolean | null;
}

export function driftShare(results: readonly DriftColumnResult[]): DriftShare {
  const byColumn = new Map<string, boolean>();
  let predictionDrift: boolean | null = null;
  for (const result of results) {
    if (result.kind === 'prediction') {
      predictionDrift = (predictionDrift ?? false) || result.drifted;
      continue;
    }
    byColumn.set(result.column, (byColumn.get(result.column) ?? false) || result.drifted);
  }
  const columns = byColumn.size;
  const drifted = [...byColumn.values()].filter(Boolean).length;
  return { columns, drifted, share: columns === 0 ? 0 : drifted / columns, predictionDrift };
}

export function driftSeverity(
  share: number,
  predictionDrift: boolean | null,
  thresholds: DriftThresholds,
): DriftSeverity {
  if (!(thresholds.moderate > 0 && thresholds.moderate <= thresholds.severe)) {
    throw new RangeError(
      `drift thresholds need 0 < moderate <= severe, got ${thresholds.moderate} and ${thresholds.severe}`,
    );
  }
  if (share >= thresholds.severe) return 'severe';
  if (share >= thresholds.moderate || predictionDrift === true) return 'moderate';
  return 'none';
}

const rank: Record<DriftSeverity, number> = { none: 0, moderate: 1, severe: 2 };

/** Whether `severity` reaches `failOn` (`never` is never reached). */
export function reachesSeverity(severity: DriftSeverity, failOn: DriftSeverity | 'never'): boolean {
  return failOn !== 'never' && failOn !== 'none' && rank[severity] >= rank[failOn];
}
