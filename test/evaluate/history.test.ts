/**
 * Metrics across released versions: which metrics are followed, the chart and its table (values
 * by hand), the comment and release-notes sections (parsed by the real Mermaid parser, under
 * GitHub's size limit), and the local registry adapter reading 3 versions, a tampered one skipped.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMetricsHistorySource } from '../../src/adapters/registry/metrics-history-source.js';
import { LocalAssetRegistry } from '../../src/adapters/registry/version-asset.js';
import {
  historyBlocks,
  historyMetrics,
  type MetricHistory,
} from '../../src/core/evaluate/metric-history.js';
import {
  githubCommentMaxLength,
  renderEvaluationComment,
} from '../../src/core/evaluate/render-comment.js';
import { renderEvaluationSummary } from '../../src/core/evaluate/render-summary.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { paddedRange } from '../../src/core/markdown/mermaid-lines.js';
import { renderBlocks } from '../../src/core/markdown/truncate.js';
import { renderReleaseNotes } from '../../src/core/registry/release-notes.js';
import { makeManifest, sha256 } from '../github/registry-fixtures.js';
import { scratch } from '../registry/publish-fixtures.js';
import { expectMermaidParses, loadMermaid } from '../support/mermaid-parse.js';
import { expectValidMarkdown } from './markdown-check.js';
import { binaryReport } from './reports.js';

beforeAll(async () => {
  await loadMermaid();
}, 60_000);

const history: MetricHistory = {
  metrics: ['roc_auc', 'log_loss'],
  versions: [
    {
      version: '1.0.0',
      releaseUrl: 'https://github.com/o/r/releases/tag/iris%40v1.0.0',
      metrics: { roc_auc: 0.9, log_loss: 0.3 },
    },
    {
      version: '1.1.0',
      releaseUrl: 'file:///tmp/registry/iris/v1.1.0',
      metrics: { roc_auc: 0.95 },
    },
  ],
  skipped: [
    { version: '1.2.0', reason: 'its metrics.json does not match the digest its manifest records' },
  ],
};

describe('historyMetrics', () => {
  it('follows the gated metrics in gate order, once each, without latency or size', () => {
    expect(
      historyMetrics('binary-classification', [
        { metric: 'recall' },
        { metric: 'latency_p95_ms' },
        { metric: 'roc_auc' },
        { metric: 'recall' },
      ]),
    ).toEqual(['recall', 'roc_auc']);
  });

  it("falls back to the task's headline metric", () => {
    expect(historyMetrics('binary-classification', [])).toEqual(['roc_auc']);
    expect(historyMetrics('multiclass-classification', [{ metric: 'model_size_kib' }])).toEqual([
      'accuracy',
    ]);
    expect(historyMetrics('regression', [])).toEqual(['rmse']);
  });
});

describe('paddedRange', () => {
  it('pads the span by a tenth on each side, rounded outward to 3 decimals', () => {
    // span 0.05, pad 0.005: [0.895, 0.955]
    expect(paddedRange([0.9, 0.95])).toEqual({ min: 0.895, max: 0.955 });
    // scores stay within [0, 1]: span 0.2, pad 0.02 → [0.78, 1.02] → max clipped to 1
    expect(paddedRange([0.8, 1])).toEqual({ min: 0.78, max: 1 });
    // a flat loss of 2: pad 1% of 2 = 0.02
    expect(paddedRange([2, 2])).toEqual({ min: 1.98, max: 2.02 });
  });
});

describe('historyBlocks', () => {
  it('draws one chart per metric with the current model last, and every number in a table', async () => {
    const markdown = renderBlocks(
      historyBlocks(history, {
        current: { label: 'candidate', metrics: { roc_auc: 0.97, log_loss: 0.25 } },
      }),
    );
    expectValidMarkdown(markdown);
    expect(await expectMermaidParses(markdown)).toBe(2);
    // ROC AUC: 0.9, 0.95, 0.97 over three points; the range 0.9–0.97 padded by 0.007.
    expect(markdown).toContain('x-axis "version" ["v1.0.0", "v1.1.0", "candidate"]');
    expect(markdown).toContain('  line [0.9, 0.95, 0.97]');
    expect(markdown).toContain('y-axis "ROC AUC (higher is better)" 0.893 --> 0.977');
    // Log loss: v1.1.0 recorded none, so the line has two points.
    expect(markdown).toContain('x-axis "version" ["v1.0.0", "candidate"]');
    expect(markdown).toContain('  line [0.3, 0.25]');
    // The table: a release page is linked, a local folder is not.
    expect(markdown).toContain(
      '| [v1.0.0](https://github.com/o/r/releases/tag/iris%40v1.0.0) | 0.9000 | 0.3000 |',
    );
    expect(markdown).toContain('| v1.1.0 | 0.9500 | — |');
    expect(markdown).toContain('| **candidate** | 0.9700 | 0.2500 |');
    expect(markdown).not.toContain('file://');
    expect(markdown).toContain('_v1.2.0 is not shown: its metrics.json does not match the digest');
  });

  it('shows the table alone when charts are off, and nothing without versions', () => {
    const markdown = renderBlocks(historyBlocks(history, { charts: false }));
    expect(markdown).not.toContain('```mermaid');
    expect(markdown).toContain('| v1.1.0 | 0.9500 | — |');
    expect(historyBlocks({ metrics: ['roc_auc'], versions: [], skipped: [] })).toEqual([]);
  });
});

describe('the comment and the release notes', () => {
  it('the comment carries the history section, which parses', async () => {
    const report = { ...binaryReport, history };
    const comment = renderEvaluationComment(report, { marker: 'mlops-actions:evaluate' });
    expect(comment).toContain('History: 2 released versions and the candidate');
    expect(comment).toContain('"v1.0.0", "v1.1.0", "candidate"');
    await expectMermaidParses(comment);
    await expectMermaidParses(renderEvaluationSummary(report));
  });

  it('stays under 65,536 characters with 50 versions of 40 long-named metrics', () => {
    const names = Array.from({ length: 40 }, (_, i) => `custom_metric_with_a_long_name_${i}`);
    const big: MetricHistory = {
      metrics: names,
      versions: Array.from({ length: 50 }, (_, v) => ({
        version: `1.${v}.0`,
        releaseUrl: `https://github.com/o/r/releases/tag/iris%40v1.${v}.0`,
        metrics: Object.fromEntries(names.map((n, i) => [n, (v * 40 + i) / 7919])),
      })),
      skipped: [],
    };
    const comment = renderEvaluationComment(
      { ...binaryReport, history: big },
      { marker: 'mlops-actions:evaluate' },
    );
    expect(comment.length).toBeLessThanOrEqual(githubCommentMaxLength);
    expectValidMarkdown(comment);
  });

  it('the release notes chart the earlier versions, then this one', async () => {
    const bytes = Buffer.from('model');
    const notes = renderReleaseNotes({
      model: 'iris',
      version: '1.3.0',
      commit: null,
      pullRequest: null,
      runUrl: null,
      digest: sha256(bytes),
      manifest: makeManifest('iris', '1.3.0', bytes),
      report: {
        ...binaryReport,
        candidate: { ...binaryReport.candidate, metrics: { values: { roc_auc: 0.99 } } },
      },
      current: null,
      history,
    });
    expect(notes).toContain('### History');
    expect(notes).toContain('"v1.0.0", "v1.1.0", "v1.3.0"');
    expect(notes).toContain('  line [0.9, 0.95, 0.99]');
    expect(notes).toContain('| **v1.3.0** | 0.9900 | — |');
    await expectMermaidParses(notes);
  });
});

describe('the local registry as a history source', () => {
  /** A version folder with a manifest recording metrics.json's digest, as publish writes it. */
  async function writeVersion(
    root: string,
    version: string,
    metrics: Record<string, number>,
    options: { tamper?: boolean } = {},
  ): Promise<void> {
    const dir = path.join(root, 'iris', `v${version}`);
    await mkdir(dir, { recursive: true });
    const model = Buffer.from(`model ${version}`);
    const text = Buffer.from(`${JSON.stringify(metrics)}\n`);
    const manifest = {
      ...makeManifest('iris', version, model),
      publication: {
        commit: null,
        pullRequest: null,
        evaluation: null,
        assets: [{ path: 'metrics.json', digest: sha256(text), bytes: text.length }],
      },
    };
    await writeFile(path.join(dir, 'model.onnx'), model);
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    // A file changed after publication: its bytes no longer match the manifest.
    await writeFile(
      path.join(dir, 'metrics.json'),
      options.tamper === true ? `${JSON.stringify({ ...metrics, roc_auc: 1 })}\n` : text,
    );
  }

  it('reads 3 versions oldest first, limits to the newest, and skips a tampered file', async () => {
    const root = await scratch('history-');
    await writeVersion(root, '1.0.0', { roc_auc: 0.91 });
    await writeVersion(root, '1.1.0', { roc_auc: 0.93 });
    await writeVersion(root, '1.2.0', { roc_auc: 0.92 });
    const logger = createMemoryLogger();
    const source = createMetricsHistorySource({
      registry: new LocalAssetRegistry(root),
      downloadDir: path.join(root, '.downloads'),
      logger,
    });
    const all = await source.releasedMetrics('iris', 10);
    expect(all.versions.map((v) => [v.version, v.metrics.roc_auc])).toEqual([
      ['1.0.0', 0.91],
      ['1.1.0', 0.93],
      ['1.2.0', 0.92],
    ]);
    expect(all.skipped).toEqual([]);
    const newest = await source.releasedMetrics('iris', 2);
    expect(newest.versions.map((v) => v.version)).toEqual(['1.1.0', '1.2.0']);

    await writeVersion(root, '1.3.0', { roc_auc: 0.95 }, { tamper: true });
    const tampered = await source.releasedMetrics('iris', 10);
    expect(tampered.versions.map((v) => v.version)).toEqual(['1.0.0', '1.1.0', '1.2.0']);
    expect(tampered.skipped).toEqual([
      {
        version: '1.3.0',
        reason: 'its metrics.json does not match the digest its manifest records',
      },
    ]);
    expect(logger.messages('warning').some((m) => m.includes('iris@v1.3.0'))).toBe(true);
  });
});
