/**
 * Inference cost of a model beside its quality: latency percentiles and file size, and the names
 * under which gates can bound them (lower is better for all). Pure: the adapter times the runs
 * (adapters/onnx/measure-latency.ts) and hands the samples here.
 */

/** Cost "metrics": not in the metric table (no bootstrap), but gates may name them. */
export const COST_METRICS = [
  { name: 'latency_p50_ms', label: 'p50 per record at batch 1, ms' },
  { name: 'latency_p95_ms', label: 'p95 per record at batch 1, ms' },
  { name: 'batch_latency_p50_ms', label: 'p50 per batch, ms' },
  { name: 'batch_latency_p95_ms', label: 'p95 per batch, ms' },
  { name: 'model_size_kib', label: 'file size, KiB' },
] as const;

export type CostMetric = (typeof COST_METRICS)[number]['name'];

export function isCostMetric(name: string): name is CostMetric {
  return COST_METRICS.some((metric) => metric.name === name);
}

/** One model's cost: each value of `COST_METRICS` that was measured. */
export interface ModelCost {
  readonly values: Readonly<Partial<Record<CostMetric, number>>>;
  /** Records per batch of the batch latency. */
  readonly batchSize: number;
  /** Timed runs at batch 1 and per batch (after warm-up runs that are not counted). */
  readonly samples: { readonly single: number; readonly batch: number };
}

/**
 * The q-quantile of `samples` (0 ≤ q ≤ 1) with linear interpolation between order statistics,
 * numpy's default (`np.percentile(x, 100·q)`, method 'linear'): position q·(n − 1).
 */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new RangeError('quantile of no samples');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is not in [0, 1]`);
  const sorted = [...samples].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (position - below);
}

/** The cost values from timed runs (milliseconds) and the model's size in bytes. */
export function modelCost(input: {
  readonly singleMs: readonly number[];
  readonly batchMs: readonly number[];
  readonly batchSize: number;
  readonly bytes: number;
}): ModelCost {
  const values: Partial<Record<CostMetric, number>> = { model_size_kib: input.bytes / 1024 };
  if (input.singleMs.length > 0) {
    values.latency_p50_ms = quantile(input.singleMs, 0.5);
    values.latency_p95_ms = quantile(input.singleMs, 0.95);
  }
  if (input.batchMs.length > 0) {
    values.batch_latency_p50_ms = quantile(input.batchMs, 0.5);
    values.batch_latency_p95_ms = quantile(input.batchMs, 0.95);
  }
  return {
    values,
    batchSize: input.batchSize,
    samples: { single: input.singleMs.length, batch: input.batchMs.length },
  };
}
