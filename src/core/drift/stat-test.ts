/**
 * What every drift test returns, and how a test is described in the registry.
 *
 * Evidently's stattests return (drift_score, drifted) with the score a p-value for the hypothesis
 * tests and a distance for the others; here the statistic and the p-value are kept apart so that a
 * report can show the effect size beside the p-value (on large samples p-values flag almost
 * everything: evidently#50).
 */

import {
  droppedValues,
  type ColumnKind,
  type Distribution,
  type DroppedValues,
} from './distribution.js';

export type StatTestName =
  | 'ks'
  | 'chisquare'
  | 'z'
  | 'wasserstein'
  | 'jensenshannon'
  | 'psi'
  | 'kl_div'
  | 'hellinger'
  | 'linf';

/**
 * When a column counts as drifted:
 * - `p-below`: p < threshold (Evidently's chisquare and z);
 * - `p-at-or-below`: p <= threshold (Evidently's ks);
 * - `statistic-at-or-above`: statistic >= threshold (every distance).
 */
export type DriftRule = 'p-below' | 'p-at-or-below' | 'statistic-at-or-above';

export interface StatTestResult {
  readonly test: StatTestName;
  /** D, χ², z or the distance. */
  readonly statistic: number;
  /** Null for the distance tests, which give none. */
  readonly pValue: number | null;
  readonly threshold: number;
  readonly drifted: boolean;
  /** Rows each side had that the test did not see (NaN, null, ±∞). */
  readonly dropped: { readonly reference: DroppedValues; readonly current: DroppedValues };
}

export interface StatTestDefinition {
  readonly name: StatTestName;
  /** Evidently's display name. */
  readonly displayName: string;
  /** Column kinds the test accepts. */
  readonly kinds: readonly ColumnKind[];
  /** True for hypothesis tests (drift judged on the p-value). */
  readonly pValueTest: boolean;
  readonly defaultThreshold: number;
  readonly driftRule: DriftRule;
  /** Runs the test; the threshold defaults to `defaultThreshold`. */
  readonly run: (
    reference: Distribution,
    current: Distribution,
    threshold?: number,
  ) => StatTestResult;
}

export function isDrifted(
  rule: DriftRule,
  statistic: number,
  pValue: number | null,
  threshold: number,
): boolean {
  switch (rule) {
    case 'p-below':
      return pValue !== null && pValue < threshold;
    case 'p-at-or-below':
      return pValue !== null && pValue <= threshold;
    case 'statistic-at-or-above':
      return statistic >= threshold;
  }
}

/** Assembles a result, applying the rule and recording what was dropped. */
export function makeResult(
  test: StatTestName,
  rule: DriftRule,
  reference: Distribution,
  current: Distribution,
  statistic: number,
  pValue: number | null,
  threshold: number,
): StatTestResult {
  return {
    test,
    statistic,
    pValue,
    threshold,
    drifted: isDrifted(rule, statistic, pValue, threshold),
    dropped: { reference: droppedValues(reference), current: droppedValues(current) },
  };
}

/** The result of a distance test: drifted when the statistic reaches the threshold; no p-value. */
export function distanceResult(
  test: StatTestName,
  reference: Distribution,
  current: Distribution,
  statistic: number,
  threshold: number,
): StatTestResult {
  return makeResult(test, 'statistic-at-or-above', reference, current, statistic, null, threshold);
}
