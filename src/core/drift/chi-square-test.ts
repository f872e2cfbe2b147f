/**
 * Evidently's `chisquare` stattest (`_chi_stat_test`, legacy/calculations/stattests/
 * chisquare_stattest.py): Pearson's goodness-of-fit test of the current counts against the
 * reference counts scaled to the current size, over the union of categories (or of distinct
 * values, for a numerical column with few values, where Evidently's default choice also uses it):
 *
 *   expected_k = reference_k · n_cur/n_ref,   χ² = Σ (current_k − expected_k)²/expected_k,
 *   p = chi2.sf(χ², K − 1)   (scipy.stats.chisquare).
 *
 * A category the reference never had has expected count 0, so χ² = ∞ and p = 0, as scipy gives.
 * A single shared category leaves 0 degrees of freedom: scipy's p is NaN, and NaN < threshold is
 * false, so the column is not flagged.
 */

import { observedCount, type Distribution } from './distribution.js';
import { alignCounts, assertComparable } from './binning.js';
import { compensatedSum } from './compensated-sum.js';
import { chiSquareSurvival } from './gamma.js';
import { makeResult, type StatTestResult } from './stat-test.js';

export function chiSquareTest(
  reference: Distribution,
  current: Distribution,
  threshold = 0.05,
): StatTestResult {
  assertComparable(reference, current);
  const { reference: ref, current: cur } = alignCounts(reference, current);
  const kNorm = observedCount(current) / observedCount(reference);
  const terms = new Float64Array(ref.length);
  for (let k = 0; k < ref.length; k++) {
    const expected = ref[k]! * kNorm;
    terms[k] = (cur[k]! - expected) ** 2 / expected;
  }
  const statistic = compensatedSum(terms);
  const pValue = chiSquareSurvival(statistic, ref.length - 1);
  return makeResult('chisquare', 'p-below', reference, current, statistic, pValue, threshold);
}
