/**
 * The chosen metrics across the last released versions (`evaluate.history`), for the PR comment
 * and the release notes: one line chart per metric (metrics differ in scale, so each gets its own
 * axis) and every number in a collapsed table beside them. Pure: the recorded values come in
 * through `MetricsHistorySource`.
 */
import { renderCategoryLineChart, paddedRange } from '../markdown/mermaid-lines.js';
import { escapeMarkdownCell } from '../markdown/escape.js';
import { formatValue } from '../markdown/number-format.js';
import type { MarkdownBlock } from '../markdown/truncate.js';
import { metricInfo } from '../metrics/metric-info.js';
import { isCostMetric } from './latency.js';
import type { Task } from './report.js';

/** What one released version recorded (its verified `metrics.json`). */
export interface ReleasedMetrics {
  /** Without the leading `v`. */
  readonly version: string;
  /** The release page; a `file:` URL for a local registry (not linked in markdown). */
  readonly releaseUrl: string;
  readonly metrics: Readonly<Record<string, number>>;
}

/** What a report carries: the chosen metrics over the versions, oldest first. */
export interface MetricHistory {
  readonly metrics: readonly string[];
  readonly versions: readonly ReleasedMetrics[];
  readonly skipped: readonly { readonly version: string; readonly reason: string }[];
}

/** Versions drawn when `evaluate.history` is not set. */
export const defaultHistoryVersions = 10;
/** Charts drawn at most; further chosen metrics are in the table only. */
export const maxHistoryCharts = 4;

/** The metric a reviewer looks at first, per task, when no gate names one. */
export const headlineMetric: Readonly<Record<Task, string>> = {
  'binary-classification': 'roc_auc',
  'multiclass-classification': 'accuracy',
  regression: 'rmse',
};

/**
 * The metrics the history follows: the gated ones (quality metrics only: releases record no
 * latency), in gate order without repeats, else the task's headline metric.
 */
export function historyMetrics(
  task: Task,
  gates: readonly { readonly metric: string }[],
): string[] {
  const gated = [...new Set(gates.map((gate) => gate.metric))].filter((m) => !isCostMetric(m));
  return gated.length > 0 ? gated : [headlineMetric[task]];
}

/** For markdown: a user's own metric name is escaped. */
function metricName(metric: string): string {
  return metricInfo(metric)?.displayName ?? escapeMarkdownCell(metric);
}

/** For a chart label (which `mermaidLabel` makes safe) or, escaped, for markdown. */
function metricTitle(metric: string): string {
  const info = metricInfo(metric);
  if (info === undefined) return metric;
  return `${info.displayName} (${info.greaterIsBetter ? 'higher' : 'lower'} is better)`;
}

/** `[v1.2.0](https://…)` for a release page; plain `v1.2.0` for a local folder. */
function versionCell(point: ReleasedMetrics): string {
  const name = `v${point.version}`;
  return /^https:\/\/[^\s()<>]+$/.test(point.releaseUrl) ? `[${name}](${point.releaseUrl})` : name;
}

export interface HistoryOptions {
  /** The model being evaluated or released, drawn as the last point. */
  readonly current?: {
    readonly label: string;
    readonly metrics: Readonly<Record<string, number>>;
  };
  /** False for the table alone (default: charts too). */
  readonly charts?: boolean;
}

/**
 * The history blocks: a caption, one chart per metric (up to `maxHistoryCharts`, each needing two
 * points with values) and a collapsed table of every value. Empty when there is nothing to show.
 */
export function historyBlocks(
  history: MetricHistory,
  options: HistoryOptions = {},
): MarkdownBlock[] {
  const points = [
    ...history.versions.map((v) => ({
      label: `v${v.version}`,
      cell: versionCell(v),
      metrics: v.metrics,
    })),
    ...(options.current === undefined
      ? []
      : [
          {
            label: options.current.label,
            cell: `**${escapeMarkdownCell(options.current.label)}**`,
            metrics: options.current.metrics,
          },
        ]),
  ];
  if (history.versions.length === 0 && history.skipped.length === 0) return [];
  const blocks: MarkdownBlock[] = [];
  const released = history.versions.length;
  blocks.push({
    kind: 'text',
    text:
      released === 0
        ? 'No released version has recorded metrics to compare with yet.'
        : `${history.metrics.map((m) => escapeMarkdownCell(metricTitle(m))).join(', ')} over the last ${released} released version${released === 1 ? '' : 's'}` +
          `${options.current === undefined ? '' : `, then ${options.current.label}`}, from each release's \`metrics.json\` (verified against its manifest's digest).`,
  });
  let charts = 0;
  for (const metric of history.metrics) {
    const drawn = points.filter((p) => Number.isFinite(p.metrics[metric]));
    if (options.charts === false || drawn.length < 2 || charts >= maxHistoryCharts) continue;
    charts++;
    const values = drawn.map((p) => p.metrics[metric] as number);
    blocks.push({
      kind: 'text',
      text: renderCategoryLineChart({
        title: `${metricInfo(metric)?.displayName ?? metric} by version`,
        categories: drawn.map((p) => p.label),
        xTitle: 'version',
        yAxis: { title: metricTitle(metric), ...paddedRange(values) },
        lines: [values],
      }),
    });
  }
  if (points.length > 0) {
    blocks.push({
      kind: 'details',
      summary: 'Numbers',
      blocks: [
        {
          kind: 'table',
          table: {
            header: ['Version', ...history.metrics.map(metricName)],
            align: ['left', ...history.metrics.map(() => 'right' as const)],
            rows: points.map((p) => [
              p.cell,
              ...history.metrics.map((m) => {
                const value = p.metrics[m];
                return value === undefined || !Number.isFinite(value) ? '—' : formatValue(value);
              }),
            ]),
          },
        },
      ],
    });
  }
  if (history.skipped.length > 0) {
    blocks.push({
      kind: 'text',
      text: history.skipped.map((s) => `_v${s.version} is not shown: ${s.reason}._`).join('\\\n'),
    });
  }
  return blocks;
}
