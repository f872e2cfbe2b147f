/**
 * `metrics-history.jsonl`: parsing with errors that name the line, the families (losses apart
 * from scores), the sampled points, and the curves in the training summary and the PR comment,
 * parsed by the real Mermaid parser. Values are written by hand.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { renderEvaluationComment } from '../../src/core/evaluate/render-comment.js';
import { DataError } from '../../src/core/errors.js';
import { renderBlocks } from '../../src/core/markdown/truncate.js';
import { parseMetricsHistory } from '../../src/core/train/metrics-history.js';
import {
  metricFamily,
  planCharts,
  samplePoints,
  trainingCurveBlocks,
} from '../../src/core/train/render-training-curves.js';
import { renderTrainingSummary } from '../../src/core/train/render-training-summary.js';
import { binaryReport } from '../evaluate/reports.js';
import { expectValidMarkdown } from '../evaluate/markdown-check.js';
import { makeManifest } from '../github/registry-fixtures.js';
import { expectMermaidParses, loadMermaid } from '../support/mermaid-parse.js';

beforeAll(async () => {
  await loadMermaid();
}, 60_000);

const file = '.mlops/train/metrics-history.jsonl';
const threeEpochs = [
  '{"epoch": 1, "train_loss": 0.6, "val_loss": 0.65, "val_accuracy": 0.8}',
  '{"epoch": 2, "train_loss": 0.4, "val_loss": 0.5, "val_accuracy": 0.9, "timestamp": "2026-12-06T03:00:00Z"}',
  '',
  '{"epoch": 3, "train_loss": 0.3, "val_loss": 0.45, "val_accuracy": 0.92}',
].join('\n');

function errorOf(text: string): DataError {
  try {
    parseMetricsHistory(text, file);
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

describe('parseMetricsHistory', () => {
  it('reads epochs and metrics in order, blank lines and timestamps ignored', () => {
    const history = parseMetricsHistory(threeEpochs, file);
    expect(history.axis).toBe('epoch');
    expect(history.metrics).toEqual(['train_loss', 'val_loss', 'val_accuracy']);
    expect(history.points.map((p) => p.values.train_loss)).toEqual([0.6, 0.4, 0.3]);
    expect(history.points[1]).toEqual({
      step: null,
      epoch: 2,
      values: { train_loss: 0.4, val_loss: 0.5, val_accuracy: 0.9 },
    });
  });

  it('prefers steps when every line has one', () => {
    const history = parseMetricsHistory(
      '{"step": 0, "epoch": 0, "loss": 1}\n{"step": 10, "loss": 0.5}',
      file,
    );
    expect(history.axis).toBe('step');
  });

  it('names the line and the field of each mistake', () => {
    expect(errorOf('{"epoch": 1, "loss": 0.5}\n{"epoch": 2, "loss": "low"}').message).toMatch(
      /^\.mlops\/train\/metrics-history\.jsonl:2 \(loss\): /,
    );
    expect(errorOf('{"epoch": 1, "loss": 0.5}\n{"loss": 0.4}').message).toBe(
      `${file}:2: each line needs a "step" or an "epoch"`,
    );
    expect(errorOf('{"epoch": 1}').message).toBe(`${file}:1: no metric values besides step/epoch`);
    expect(errorOf('{"epoch": 1, "loss": 1}\n\n{"epoch": 2, "loss": ').message).toMatch(
      /^\.mlops\/train\/metrics-history\.jsonl:3: not valid JSON/,
    );
    expect(errorOf('[1, 2]').message).toMatch(/:1: expected a JSON object/);
    expect(errorOf('{"step": -1, "loss": 1}').message).toMatch(/:1 \(step\): /);
    expect(errorOf('{"epoch": 1, "bad name": 1}').message).toMatch(
      /:1 \(bad name\): a metric name/,
    );
    expect(errorOf('\n\n').message).toMatch(/no lines/);
  });
});

describe('the curves', () => {
  it('puts losses apart from scores', () => {
    expect(['train_loss', 'val/loss', 'mse', 'val_accuracy', 'f1'].map(metricFamily)).toEqual([
      'losses',
      'losses',
      'losses',
      'scores',
      'scores',
    ]);
    const charts = planCharts(parseMetricsHistory(threeEpochs, file));
    expect(charts.map((c) => [c.family, c.metrics])).toEqual([
      ['losses', ['train_loss', 'val_loss']],
      ['scores', ['val_accuracy']],
    ]);
  });

  it('samples long runs evenly, first and last kept', () => {
    // 0, 99·1/4 = 24.75 → 25, 49.5 → 50, 74.25 → 74, 99
    expect(samplePoints(100, 5)).toEqual([0, 25, 50, 74, 99]);
    expect(samplePoints(3, 5)).toEqual([0, 1, 2]);
  });

  it('draws each family with its numbers in a table, and the Mermaid parses', async () => {
    const markdown = renderBlocks(trainingCurveBlocks(parseMetricsHistory(threeEpochs, file)));
    expectValidMarkdown(markdown);
    expect(await expectMermaidParses(markdown)).toBe(2);
    expect(markdown).toContain(
      '**Losses (lower is better)** by epoch (train\\_loss in blue, val\\_loss in orange).',
    );
    expect(markdown).toContain('x-axis "epoch" ["1", "2", "3"]');
    expect(markdown).toContain('  line [0.6, 0.4, 0.3]\n  line [0.65, 0.5, 0.45]');
    // Losses 0.3–0.65: span 0.35, pad 0.035 → 0.265–0.685.
    expect(markdown).toContain('y-axis "loss" 0.265 --> 0.685');
    expect(markdown).toContain('  line [0.8, 0.9, 0.92]');
    expect(markdown).toContain('| 2 | 0.4000 | 0.5000 |');
    expect(markdown).toContain('| 3 | 0.9200 |');
  });

  it('shows in the training summary and in the PR comment', async () => {
    const history = parseMetricsHistory(threeEpochs, file);
    const summary = renderTrainingSummary({
      manifest: makeManifest('iris', null, Buffer.from('m')),
      modelPath: '.mlops/train/model.onnx',
      gpuUsage: null,
      artifact: null,
      trainingHistory: history,
    });
    expect(summary).toContain('#### Training curves');
    expect(await expectMermaidParses(summary)).toBe(2);
    const comment = renderEvaluationComment(
      { ...binaryReport, trainingHistory: history },
      { marker: 'mlops-actions:evaluate' },
    );
    expect(comment).toContain('Training curves of the candidate (3 epochs)');
    expect(comment).toContain('  line [0.8, 0.9, 0.92]');
    await expectMermaidParses(comment);
  });

  it('keeps the comment under 65,536 characters with 5,000 steps of 12 metrics', () => {
    const names = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? `loss_${i}` : `score_${i}`));
    const text = Array.from({ length: 5000 }, (_, step) =>
      JSON.stringify({ step, ...Object.fromEntries(names.map((n, i) => [n, 1 / (step + i + 1)])) }),
    ).join('\n');
    const comment = renderEvaluationComment(
      { ...binaryReport, trainingHistory: parseMetricsHistory(text, file) },
      { marker: 'mlops-actions:evaluate' },
    );
    expect(comment.length).toBeLessThanOrEqual(65_536);
    expectValidMarkdown(comment);
  });
});
