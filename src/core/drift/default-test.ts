/**
 * Evidently's default drift test for a column (`_get_default_stattest`, legacy/calculations/
 * stattests/registry.py), for numerical and categorical columns.
 */

import type { ColumnKind } from './distribution.js';
import type { StatTestName } from './stat-test.js';

export interface DefaultTestInput {
  readonly kind: ColumnKind;
  /** Reference rows the test will see: NaN, null and ±∞ already dropped. */
  readonly referenceRows: number;
  /** Distinct values in reference and current together (missing values not counted). */
  readonly distinctValues: number;
}

export interface DefaultTestChoice {
  readonly test: StatTestName;
  /** The test's default threshold. */
  readonly threshold: number;
}

/**
 * The rule, with `distinctValues` counted over reference and current together:
 *
 * - reference <= 1000 rows (small data: hypothesis tests are not yet over-powered):
 *   - numerical with more than 5 distinct values → `ks` (drift when p <= 0.05);
 *   - numerical with 3–5 values, or categorical with more than 2 → `chisquare` (p < 0.05);
 *   - 2 values or fewer (either kind) → `z`, the two-proportion z-test (p < 0.05);
 * - reference > 1000 rows (large data: distances with thresholds instead of p-values):
 *   - numerical with more than 5 distinct values → `wasserstein`, normed by the reference's
 *     standard deviation (drift when >= 0.1);
 *   - otherwise, and every categorical column → `jensenshannon` (drift when >= 0.1).
 */
export function chooseDefaultTest({
  kind,
  referenceRows,
  distinctValues,
}: DefaultTestInput): DefaultTestChoice {
  if (referenceRows <= 1000) {
    if (kind === 'numerical' && distinctValues > 5) return { test: 'ks', threshold: 0.05 };
    return distinctValues > 2
      ? { test: 'chisquare', threshold: 0.05 }
      : { test: 'z', threshold: 0.05 };
  }
  if (kind === 'numerical' && distinctValues > 5) return { test: 'wasserstein', threshold: 0.1 };
  return { test: 'jensenshannon', threshold: 0.1 };
}
