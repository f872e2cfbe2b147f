/**
 * Evidently's `hellinger` stattest (`_hellinger_distance`, legacy/calculations/stattests/
 * hellinger_distance.py): H = √(1 − BC), BC the Bhattacharyya coefficient clipped to [0, 1].
 * Drift when >= 0.1.
 * - categorical: BC = Σ_k √(ref_k·cur_k) over the shares of the union of categories;
 * - numerical: both samples are histogrammed with density=True on
 *   `np.histogram_bin_edges(distinct values of the union, 'sturges')` — note: Sturges' rule over
 *   the number of distinct values, not of rows, unlike the other binned tests — and
 *   BC = Σ_i √(h_ref,i·h_cur,i)·w with w the mean bin width.
 */

import {
  isNumericDistribution,
  observedCount,
  type Distribution,
  type NumericDistribution,
} from './distribution.js';
import {
  alignCategorical,
  alignNumeric,
  assertComparable,
  histogramCounts,
  sturgesBinEdges,
} from './binning.js';
import { compensatedSum } from './compensated-sum.js';
import { distanceResult, type StatTestResult } from './stat-test.js';

/** np.histogram(sample, edges, density=True)[0]: count/width/total per bin. */
function histogramDensity(sample: NumericDistribution, edges: Float64Array): Float64Array {
  const counts = histogramCounts(sample, edges);
  const total = compensatedSum(counts);
  return counts.map((c, i) => c / (edges[i + 1]! - edges[i]!) / total);
}

export function hellingerDistance(reference: Distribution, current: Distribution): number {
  assertComparable(reference, current);
  let terms: Float64Array;
  if (isNumericDistribution(reference) && isNumericDistribution(current)) {
    const { values } = alignNumeric(reference, current);
    const edges = sturgesBinEdges(values[0]!, values.at(-1)!, values.length);
    const nBins = edges.length - 1;
    const h1 = histogramDensity(reference, edges);
    const h2 = histogramDensity(current, edges);
    const binWidth = (edges[nBins]! - edges[0]!) / nBins;
    terms = h1.map((p1, i) => Math.sqrt(p1 * h2[i]!) * binWidth);
  } else if (!isNumericDistribution(reference) && !isNumericDistribution(current)) {
    const { reference: ref, current: cur } = alignCategorical(reference, current);
    const nRef = observedCount(reference);
    const nCur = observedCount(current);
    terms = ref.map((r, k) => Math.sqrt((r / nRef) * (cur[k]! / nCur)));
  } else {
    throw new TypeError('reference and current must both be numerical or both categorical');
  }
  const bc = Math.min(Math.max(compensatedSum(terms), 0), 1);
  return Math.sqrt(1 - bc);
}

export function hellingerTest(
  reference: Distribution,
  current: Distribution,
  threshold = 0.1,
): StatTestResult {
  const statistic = hellingerDistance(reference, current);
  return distanceResult('hellinger', reference, current, statistic, threshold);
}
