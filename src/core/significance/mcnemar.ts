/**
 * McNemar's exact test on paired correctness: did the two classifiers err on the same records?
 * Only discordant records carry information: b = baseline right, candidate wrong; c = candidate
 * right, baseline wrong. Under "equally accurate", each discordant record is a fair coin, so the
 * two-sided exact p-value is
 *
 *   p = min(1, 2 · P(X ≤ min(b, c))),  X ~ Bin(b + c, ½)
 *
 * which is statsmodels' mcnemar(table, exact=True) (it computes exactly that) and, the binomial
 * being symmetric at ½, scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue. No discordant
 * records: p = 1. Computed without overflow for any count (see binomial.ts).
 */
import type { McNemarResult } from '../evaluate/report.js';
import { binomialHalfLowerTail } from './binomial.js';

/** 1 where the model was right on record i, 0 where wrong. */
export function mcnemarExact(
  candidateCorrect: Uint8Array,
  baselineCorrect: Uint8Array,
): McNemarResult {
  if (candidateCorrect.length !== baselineCorrect.length) {
    throw new RangeError(
      `${candidateCorrect.length} candidate and ${baselineCorrect.length} baseline records`,
    );
  }
  let baselineOnly = 0;
  let candidateOnly = 0;
  for (let i = 0; i < candidateCorrect.length; i++) {
    const candidate = candidateCorrect[i] !== 0;
    const baseline = baselineCorrect[i] !== 0;
    if (baseline && !candidate) baselineOnly++;
    else if (candidate && !baseline) candidateOnly++;
  }
  return mcnemarFromCounts(baselineOnly, candidateOnly);
}

export function mcnemarFromCounts(baselineOnly: number, candidateOnly: number): McNemarResult {
  const n = baselineOnly + candidateOnly;
  const k = Math.min(baselineOnly, candidateOnly);
  const pValue = n === 0 ? 1 : Math.min(1, 2 * binomialHalfLowerTail(k, n));
  return { baselineOnly, candidateOnly, pValue };
}

/** Per record, whether the predicted class is the true one: the input of mcnemarExact. */
export function correctness(truth: Int32Array, predicted: Int32Array): Uint8Array {
  if (truth.length !== predicted.length) {
    throw new RangeError(`${predicted.length} predictions for ${truth.length} records`);
  }
  const correct = new Uint8Array(truth.length);
  for (let i = 0; i < truth.length; i++) correct[i] = truth[i] === predicted[i] ? 1 : 0;
  return correct;
}
