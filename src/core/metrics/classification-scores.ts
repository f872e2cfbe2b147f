/**
 * The building blocks shared by the binary and multiclass metrics, with scikit-learn 1.2.1's
 * arithmetic so results agree to rounding.
 */

/**
 * precision_recall_fscore_support(..., zero_division=0): precision = tp / predicted, recall =
 * tp / actual, 0 where the denominator is 0; F1 = 2·p·r / (p + r), 0 where p + r = 0 (1.2.1
 * computes F from p and r, not from tp/fp/fn as 1.3+ does; the two agree to rounding).
 */
export function precisionOf(truePositives: number, predicted: number): number {
  return predicted === 0 ? 0 : truePositives / predicted;
}

export function recallOf(truePositives: number, actual: number): number {
  return actual === 0 ? 0 : truePositives / actual;
}

export function f1Of(precision: number, recall: number): number {
  const denominator = precision + recall;
  return denominator === 0 ? 0 : (2 * precision * recall) / denominator;
}

/**
 * log_loss in scikit-learn 1.2.1 (eps='auto'): probabilities are clipped to [eps, 1 − eps] with
 * eps = np.finfo(float64).eps = 2^−52 (NOT 1e-15: that was the default up to 1.1; 1.2 made it
 * 'auto', the dtype's eps, for float64 input), each row is then divided by its sum, and the loss
 * of a record is −ln(p_truth / Σ_j p_j). Computed once per record; a weighted log loss is then
 * Σ w_i·loss_i / Σ w_i, the same under any resample.
 */
const EPS = 2 ** -52;
const ONE_MINUS_EPS = 1 - EPS;

export function rowLogLosses(
  probabilities: Float32Array | Float64Array,
  truth: Int32Array,
  classes: number,
): Float64Array {
  const rows = truth.length;
  const losses = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const base = i * classes;
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += clip(probabilities[base + j]!);
    losses[i] = -Math.log(clip(probabilities[base + truth[i]!]!) / sum);
  }
  return losses;
}

function clip(p: number): number {
  return p < EPS ? EPS : p > ONE_MINUS_EPS ? ONE_MINUS_EPS : p;
}

/** Records a metric only when it is defined: a report never carries NaN (JSON writes null). */
export function setDefined(values: Record<string, number>, name: string, value: number): void {
  if (Number.isFinite(value)) values[name] = value;
}
