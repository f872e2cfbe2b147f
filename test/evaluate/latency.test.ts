/**
 * Latency and size: percentiles as numpy's default (linear) computes them, worked by hand; the
 * timing loop's warm-up and alternation with a fake session; the rows in the comment; and gates
 * on them accepted when mlops.yml is read.
 */
import { describe, expect, it } from 'vitest';
import { measureLatency } from '../../src/adapters/onnx/measure-latency.js';
import type { OnnxModel } from '../../src/adapters/onnx/onnx-model.js';
import { parseMlopsConfig } from '../../src/core/config/mlops-config.js';
import { modelCost, quantile } from '../../src/core/evaluate/latency.js';
import { renderEvaluationComment } from '../../src/core/evaluate/render-comment.js';
import type { EvaluationReport } from '../../src/core/evaluate/report.js';
import { binaryReport } from './reports.js';

describe('quantile', () => {
  it("is numpy's linear interpolation at q·(n − 1)", () => {
    // np.percentile([4, 1, 3, 2], 50) = 2.5; at 95: position 2.85 → 3 + 0.85·(4 − 3) = 3.85.
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([4, 1, 3, 2], 0.95)).toBeCloseTo(3.85, 12);
    expect(quantile([7], 0.95)).toBe(7);
    expect(() => quantile([], 0.5)).toThrow(RangeError);
  });

  it('gives the cost values, size in KiB', () => {
    expect(
      modelCost({ singleMs: [1, 2, 3, 4], batchMs: [10, 20], batchSize: 64, bytes: 2048 }).values,
    ).toEqual({
      model_size_kib: 2,
      latency_p50_ms: 2.5,
      latency_p95_ms: quantile([1, 2, 3, 4], 0.95),
      batch_latency_p50_ms: 15,
      // Position 0.95 between 10 and 20: 19.5.
      batch_latency_p95_ms: 19.5,
    });
  });
});

describe('measureLatency', () => {
  it('warms up, then alternates the models run by run on the same records', async () => {
    const calls: string[] = [];
    const fake = (name: string): OnnxModel =>
      ({
        name,
        inputs: [{ name: 'x', type: 'float32', shape: ['N', 2] }],
        run: async (feeds: Record<string, { dims: readonly number[] }>) => {
          calls.push(`${name}:${feeds.x?.dims[0]}`);
          return {};
        },
      }) as unknown as OnnxModel;
    const x = new Float32Array(10 * 2);
    const samples = await measureLatency(
      [
        { model: fake('a'), x, features: 2 },
        { model: fake('b'), x, features: 2 },
      ],
      { rows: 10, batchSize: 4, singleSamples: 3, batchSamples: 2, warmup: 1 },
    );
    expect(calls).toEqual([
      // warm-up: each model once at batch 1 and once per batch
      'a:1',
      'a:4',
      'b:1',
      'b:4',
      // timed single records: a first, then b first, then a first
      'a:1',
      'b:1',
      'b:1',
      'a:1',
      'a:1',
      'b:1',
      // timed batches
      'a:4',
      'b:4',
      'b:4',
      'a:4',
    ]);
    expect(samples.singleMs.map((s) => s.length)).toEqual([3, 3]);
    expect(samples.batchMs.map((s) => s.length)).toEqual([2, 2]);
    expect(samples.batchSize).toBe(4);
  });
});

describe('in the comment and the gates', () => {
  it('shows latency and size with deltas', () => {
    const report: EvaluationReport = {
      ...binaryReport,
      cost: {
        candidate: {
          values: { latency_p50_ms: 0.5, latency_p95_ms: 1.1, model_size_kib: 300 },
          batchSize: 4096,
          samples: { single: 200, batch: 0 },
        },
        baseline: {
          values: { latency_p50_ms: 0.4, latency_p95_ms: 1, model_size_kib: 400 },
          batchSize: 4096,
          samples: { single: 200, batch: 0 },
        },
      },
    };
    const comment = renderEvaluationComment(report, { marker: 'm' });
    // 1.1 vs 1: +0.1000, +10.0%; 300 vs 400 KiB: -100, -25.0%.
    expect(comment).toContain(
      '| `latency_p95_ms`: p95 per record at batch 1, ms | ↓ lower | 1.0000 | 1.1000 | +0.1000 | +10.0% | — |',
    );
    expect(comment).toContain(
      '| `model_size_kib`: file size, KiB | ↓ lower | 400.0000 | 300.0000 | -100.0000 | -25.0% | — |',
    );
    expect(comment).toContain('200 single-record runs and 0 batches of 4,096 records per model');
  });

  it('accepts a gate on latency when mlops.yml is read', () => {
    const config = parseMlopsConfig(
      [
        'version: 1',
        'model: { name: m, path: model.onnx, task: binary-classification }',
        'data: { schema: schema.yml }',
        'evaluate:',
        '  latency: { records: 50, batches: 5 }',
        '  gates:',
        '    - metric: latency_p95_ms',
        '      max-drop: 10%',
      ].join('\n'),
      'mlops.yml',
    );
    expect(config.evaluate?.gates[0]?.metric).toBe('latency_p95_ms');
    expect(config.evaluate?.latency).toEqual({ records: 50, batches: 5 });
  });
});
