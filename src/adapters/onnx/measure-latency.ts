/**
 * Times models on the same records: per record at batch 1 and per batch at the configured size,
 * after warm-up runs (the first runs of a session pay for allocations and kernel selection), the
 * models alternated run by run (and which goes first swapped every round) so that a noisy
 * neighbour or a frequency change hits both alike. Both sessions are the caller's, loaded with the
 * same options, so thread settings match. Returns the samples in milliseconds; percentiles are the
 * core's (core/evaluate/latency.ts).
 */
import { performance } from 'node:perf_hooks';
import type { OnnxModel } from './onnx-model.js';

export interface TimedModel {
  readonly model: OnnxModel;
  /** rows × features, row-major, in this model's feature order. */
  readonly x: Float32Array;
  readonly features: number;
}

export interface LatencyOptions {
  readonly rows: number;
  readonly batchSize: number;
  /** Timed runs at batch 1, per model. */
  readonly singleSamples: number;
  /** Timed runs of one batch, per model. */
  readonly batchSamples: number;
  /** Untimed runs first, per model and size. */
  readonly warmup?: number;
}

export interface LatencySamples {
  /** Per model, in the order given: milliseconds per run at batch 1. */
  readonly singleMs: number[][];
  /** Per model: milliseconds per batch of `batchSize` records (fewer when the data has fewer). */
  readonly batchMs: number[][];
  readonly batchSize: number;
}

function inputName(model: OnnxModel): string {
  return model.inputs.length === 1 ? (model.inputs[0]?.name ?? 'features') : 'features';
}

async function runOnce(timed: TimedModel, start: number, count: number): Promise<number> {
  const { model, x, features } = timed;
  const data = x.subarray(start * features, (start + count) * features);
  const t0 = performance.now();
  await model.run({ [inputName(model)]: { type: 'float32', data, dims: [count, features] } });
  return performance.now() - t0;
}

export async function measureLatency(
  models: readonly TimedModel[],
  options: LatencyOptions,
): Promise<LatencySamples> {
  const rows = options.rows;
  const batch = Math.max(1, Math.min(options.batchSize, rows));
  const singleMs = models.map(() => [] as number[]);
  const batchMs = models.map(() => [] as number[]);
  if (rows === 0) return { singleMs, batchMs, batchSize: batch };
  const order = (round: number): number[] => {
    const indexes = models.map((_, i) => i);
    return round % 2 === 0 ? indexes : indexes.reverse();
  };
  for (let round = 0; round < (options.warmup ?? 5); round++) {
    for (const m of order(round)) {
      await runOnce(models[m] as TimedModel, round % rows, 1);
      await runOnce(models[m] as TimedModel, 0, batch);
    }
  }
  for (let round = 0; round < options.singleSamples; round++) {
    // A different record each round, the same for every model.
    const record = (round * 7919) % rows;
    for (const m of order(round)) {
      singleMs[m]?.push(await runOnce(models[m] as TimedModel, record, 1));
    }
  }
  const batches = Math.max(1, Math.floor(rows / batch));
  for (let round = 0; round < options.batchSamples; round++) {
    const start = (round % batches) * batch;
    for (const m of order(round)) {
      batchMs[m]?.push(await runOnce(models[m] as TimedModel, start, batch));
    }
  }
  return { singleMs, batchMs, batchSize: batch };
}
