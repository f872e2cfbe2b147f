/**
 * Paired bootstrap of metric deltas (candidate − baseline).
 *
 * Each resample draws `rows` records with replacement, and BOTH models are scored on that same
 * draw: the pairing cancels the variation that comes from which records happen to be in the
 * evaluation set, which both models share, so a real difference shows with far fewer records
 * than two independent intervals would need.
 *
 * A resample is an Int32Array of multiplicities (how often each record was drawn), handed to the
 * statistic, which scores with those weights: no record is copied, and the expensive preparation
 * (sorting scores) happens once, outside. The draw is `rows` calls of `below(rows)` on
 * xoshiro128** seeded with `seed`, so the same seed gives the same resamples, hence the same
 * intervals, on any machine.
 *
 * The interval is the percentile interval: the (1 − confidence)/2 and (1 + confidence)/2
 * quantiles of the resampled deltas, numpy's linear interpolation (np.quantile, method='linear').
 * `significant` means the interval excludes 0.
 *
 * A metric may be undefined on a resample (ROC AUC when a resample happens to hold one class):
 * the statistic then omits it, and that resample is left out of that metric's interval only;
 * `resamplesUsed` says how many counted.
 */
import type { MetricDelta } from '../evaluate/report.js';
import { quantileSorted } from './quantile.js';
import { Xoshiro128StarStar } from './xoshiro128.js';

export interface PairedStatistic {
  readonly candidate: Readonly<Record<string, number>>;
  readonly baseline: Readonly<Record<string, number>>;
}

export interface PairedBootstrapOptions {
  /** Records in the evaluation set. */
  readonly rows: number;
  readonly resamples: number;
  readonly seed: number;
  /** e.g. 0.95. */
  readonly confidence: number;
  /**
   * Both models' metrics with record i counted weights[i] times. The array is reused for the
   * next resample: read it, don't keep it.
   */
  readonly statistic: (weights: Int32Array) => PairedStatistic;
  /** Metrics to compare (default: those both models have on the full set, candidate's order). */
  readonly metrics?: readonly string[];
}

export interface PairedBootstrapResult {
  readonly deltas: readonly MetricDelta[];
  /** Per metric, the resamples on which both models had it. */
  readonly resamplesUsed: Readonly<Record<string, number>>;
}

export function pairedBootstrap(options: PairedBootstrapOptions): PairedBootstrapResult {
  const { rows, resamples, seed, confidence, statistic } = options;
  if (!(Number.isInteger(rows) && rows >= 1 && rows < 2 ** 31)) {
    throw new RangeError(`rows must be a positive integer, got ${rows}`);
  }
  if (!(Number.isInteger(resamples) && resamples >= 1)) {
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  }

  const weights = new Int32Array(rows).fill(1);
  const point = statistic(weights);
  const metrics = (options.metrics ?? Object.keys(point.candidate)).filter(
    (name) => Number.isFinite(point.candidate[name]) && Number.isFinite(point.baseline[name]),
  );

  const samples = metrics.map(() => new Float64Array(resamples));
  const used = new Int32Array(metrics.length);
  const rng = Xoshiro128StarStar.fromSeed(seed);
  for (let r = 0; r < resamples; r++) {
    rng.drawCounts(weights);
    const { candidate, baseline } = statistic(weights);
    for (let m = 0; m < metrics.length; m++) {
      const name = metrics[m]!;
      const delta = candidate[name]! - baseline[name]!;
      // A missing metric reads as undefined, and undefined − x is NaN: skipped.
      if (Number.isFinite(delta)) samples[m]![used[m]!++] = delta;
    }
  }

  const alpha = (1 - confidence) / 2;
  const deltas: MetricDelta[] = [];
  const resamplesUsed: Record<string, number> = {};
  metrics.forEach((metric, m) => {
    const count = used[m]!;
    resamplesUsed[metric] = count;
    if (count === 0) return;
    const sorted = samples[m]!.subarray(0, count).sort();
    const low = quantileSorted(sorted, alpha);
    const high = quantileSorted(sorted, 1 - alpha);
    const candidate = point.candidate[metric]!;
    const baseline = point.baseline[metric]!;
    deltas.push({
      metric,
      baseline,
      candidate,
      delta: candidate - baseline,
      interval: [low, high],
      significant: low > 0 || high < 0,
    });
  });
  return { deltas, resamplesUsed };
}
