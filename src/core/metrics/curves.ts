/**
 * The curves a reviewer expects beside a binary classifier's scores, matching scikit-learn 1.2.1:
 *
 *   rocCurve                roc_curve(y_true, y_score, drop_intermediate=False), without the
 *                           extra first point (sklearn prepends (0, 0) at threshold max + 1;
 *                           here the curve starts at (0, 0) too, with no threshold)
 *   precisionRecallCurve    precision_recall_curve(y_true, y_score)
 *   calibrationCurve        calibration_curve(y_true, y_prob, n_bins, strategy='uniform'), with
 *                           the empty bins kept (sklearn drops them) and counted
 *
 * and their samples on a fixed grid, so two models' curves share their x values and a chart can
 * draw them as two lines: the ROC curve's true-positive rate at fixed false-positive rates (linear
 * between the curve's points, the interpolation under which the ROC AUC is a trapezoid sum) and
 * the interpolated precision at fixed recalls (the best precision at that recall or more, as in
 * the PASCAL VOC's interpolated precision-recall curve). Pure: typed arrays in, plain data out.
 */

export interface RocCurve {
  /** From (0, 0) to (1, 1), one point per distinct score, highest first. */
  readonly fpr: readonly number[];
  readonly tpr: readonly number[];
  /** The score at and above which a record is called positive; null for the (0, 0) start. */
  readonly thresholds: readonly (number | null)[];
}

export interface PrecisionRecallCurve {
  /** Ascending thresholds, as sklearn: precision and recall at each, then (1, 0) at the end. */
  readonly precision: readonly number[];
  readonly recall: readonly number[];
  readonly thresholds: readonly number[];
}

export interface CalibrationBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Mean predicted probability of the bin's records; null for an empty bin. */
  readonly meanPredicted: number | null;
  /** Share of the bin's records that are positive; null for an empty bin. */
  readonly fractionPositive: number | null;
}

/** Distinct scores, highest first, with the positives and negatives at or above each. */
function cumulativeCounts(
  scores: ArrayLike<number>,
  positive: ArrayLike<number>,
): { thresholds: number[]; tps: number[]; fps: number[] } {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => (scores[b] as number) - (scores[a] as number),
  );
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  order.forEach((record, k) => {
    if (positive[record] === 1) tp += 1;
    else fp += 1;
    const next = order[k + 1];
    // One point per run of equal scores: a threshold between tied records does not exist.
    if (next === undefined || scores[next] !== scores[record]) {
      thresholds.push(scores[record] as number);
      tps.push(tp);
      fps.push(fp);
    }
  });
  return { thresholds, tps, fps };
}

function checkInput(scores: ArrayLike<number>, positive: ArrayLike<number>): void {
  if (scores.length !== positive.length) {
    throw new RangeError(`${scores.length} scores for ${positive.length} records`);
  }
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) throw new RangeError(`score ${i} is NaN`);
  }
}

/** `positive[i]` is 1 when record i is of the positive class. Needs both classes present. */
export function rocCurve(scores: ArrayLike<number>, positive: ArrayLike<number>): RocCurve | null {
  checkInput(scores, positive);
  const { thresholds, tps, fps } = cumulativeCounts(scores, positive);
  const P = tps.at(-1) ?? 0;
  const N = fps.at(-1) ?? 0;
  if (P === 0 || N === 0) return null;
  return {
    fpr: [0, ...fps.map((fp) => fp / N)],
    tpr: [0, ...tps.map((tp) => tp / P)],
    thresholds: [null, ...thresholds],
  };
}

/** Needs at least one positive; precision at a threshold with no record above it is not a point. */
export function precisionRecallCurve(
  scores: ArrayLike<number>,
  positive: ArrayLike<number>,
): PrecisionRecallCurve | null {
  checkInput(scores, positive);
  const { thresholds, tps, fps } = cumulativeCounts(scores, positive);
  const P = tps.at(-1) ?? 0;
  if (P === 0) return null;
  // Every distinct threshold, ascending (sklearn 1.2.1 reverses its descending pass).
  const last = tps.length - 1;
  const precision: number[] = [];
  const recall: number[] = [];
  const kept: number[] = [];
  for (let k = last; k >= 0; k--) {
    const tp = tps[k] as number;
    const fp = fps[k] as number;
    precision.push(tp / (tp + fp));
    recall.push(tp / P);
    kept.push(thresholds[k] as number);
  }
  precision.push(1);
  recall.push(0);
  return { precision, recall, thresholds: kept };
}

/**
 * `bins` equal-width bins of [0, 1]; a probability on an inner edge belongs to the lower bin
 * (sklearn's np.searchsorted(bins[1:-1], y_prob), side 'left').
 */
export function calibrationCurve(
  probabilities: ArrayLike<number>,
  positive: ArrayLike<number>,
  bins = 10,
): CalibrationBin[] {
  checkInput(probabilities, positive);
  const edges = Array.from({ length: bins + 1 }, (_, i) => i / bins);
  const sums = new Float64Array(bins);
  const trues = new Float64Array(bins);
  const counts = new Float64Array(bins);
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i] as number;
    // Inner edges strictly below p: its bin under searchsorted's 'left' side.
    let bin = 0;
    while (bin < bins - 1 && (edges[bin + 1] as number) < p) bin += 1;
    sums[bin] = (sums[bin] as number) + p;
    trues[bin] = (trues[bin] as number) + (positive[i] === 1 ? 1 : 0);
    counts[bin] = (counts[bin] as number) + 1;
  }
  return Array.from({ length: bins }, (_, bin) => {
    const count = counts[bin] as number;
    return {
      lower: edges[bin] as number,
      upper: edges[bin + 1] as number,
      count,
      meanPredicted: count === 0 ? null : (sums[bin] as number) / count,
      fractionPositive: count === 0 ? null : (trues[bin] as number) / count,
    };
  });
}

/** `points + 1` evenly spaced values from 0 to 1: the fixed grid both models are sampled on. */
export function unitGrid(points = 20): number[] {
  return Array.from({ length: points + 1 }, (_, i) => i / points);
}

/**
 * The true-positive rate at each false-positive rate of `grid`: at a rate the curve reaches, the
 * highest TPR there (the top of a vertical step); between points, linear.
 */
export function rocOnGrid(curve: RocCurve, grid: readonly number[]): number[] {
  const { fpr, tpr } = curve;
  return grid.map((x) => {
    let i = 0;
    while (i + 1 < fpr.length && (fpr[i + 1] as number) <= x) i += 1;
    const x0 = fpr[i] as number;
    const y0 = tpr[i] as number;
    if (x0 === x || i + 1 >= fpr.length) return y0;
    const x1 = fpr[i + 1] as number;
    const y1 = tpr[i + 1] as number;
    return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  });
}

/** The interpolated precision at each recall of `grid`: the best precision at that recall or more. */
export function precisionOnGrid(curve: PrecisionRecallCurve, grid: readonly number[]): number[] {
  return grid.map((r) => {
    let best = 0;
    curve.recall.forEach((recall, k) => {
      if (recall >= r - 1e-12 && (curve.precision[k] as number) > best)
        best = curve.precision[k] as number;
    });
    return best;
  });
}

/** What a report carries per model: the curves sampled on one grid, and the calibration bins. */
export interface BinaryCurves {
  /** False-positive rates of `tpr`, and recalls of `precision`. */
  readonly grid: readonly number[];
  /** null when one class is missing from the records (no ROC curve exists). */
  readonly tpr: readonly number[] | null;
  /** null when no record is positive. */
  readonly precision: readonly number[] | null;
  readonly calibration: readonly CalibrationBin[];
}

/**
 * The curves of a binary classifier: `probabilities` is rows × 2 (row-major), column 1 the
 * positive class; `truth` the class index (1 positive). 20 grid steps, 10 calibration bins.
 */
export function binaryCurves(
  probabilities: ArrayLike<number>,
  truth: ArrayLike<number>,
  options: { gridSteps?: number; bins?: number } = {},
): BinaryCurves {
  const rows = truth.length;
  const scores = new Float64Array(rows);
  const positive = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    scores[i] = probabilities[2 * i + 1] as number;
    positive[i] = truth[i] === 1 ? 1 : 0;
  }
  const grid = unitGrid(options.gridSteps ?? 20);
  const roc = rocCurve(scores, positive);
  const pr = precisionRecallCurve(scores, positive);
  return {
    grid,
    tpr: roc === null ? null : rocOnGrid(roc, grid),
    precision: pr === null ? null : precisionOnGrid(pr, grid),
    calibration: calibrationCurve(scores, positive, options.bins ?? 10),
  };
}
