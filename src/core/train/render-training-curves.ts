/**
 * Training curves from `metrics-history.jsonl`: losses apart from scores (they differ in scale
 * and direction), each family on its own charts of up to three series that share their points,
 * each chart with its numbers in a collapsed table. Used by the training summary and the PR
 * comment. Long runs are drawn on at most `maxChartPoints` evenly chosen points (the last one
 * always); the table keeps every point up to `maxTableRows`.
 */
import { escapeMarkdownCell } from '../markdown/escape.js';
import { seriesColours } from '../markdown/mermaid.js';
import { paddedRange, renderCategoryLineChart } from '../markdown/mermaid-lines.js';
import { formatValue } from '../markdown/number-format.js';
import type { MarkdownBlock } from '../markdown/truncate.js';
import type { TrainingHistory } from './metrics-history.js';

export const maxChartPoints = 60;
export const maxTrainingCharts = 6;
export const maxTableRows = 1_000;

/** Names that read as a loss or an error (lower is better); everything else is a score. */
const lossName = /loss|error|mse|mae|rmse|mape|perplexity|nll/i;

export function metricFamily(name: string): 'losses' | 'scores' {
  return lossName.test(name) ? 'losses' : 'scores';
}

interface Chart {
  readonly family: 'losses' | 'scores';
  readonly metrics: string[];
  /** Indexes into the history's points where every metric of the chart has a value. */
  readonly at: readonly number[];
}

/** Evenly spread indexes of `length` items, at most `max`, first and last included. */
export function samplePoints(length: number, max: number): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  return [
    ...new Set(Array.from({ length: max }, (_, i) => Math.round((i * (length - 1)) / (max - 1)))),
  ];
}

/** Metrics grouped by family, then by the points they were logged at, three to a chart. */
export function planCharts(history: TrainingHistory): Chart[] {
  const charts: Chart[] = [];
  for (const family of ['losses', 'scores'] as const) {
    const groups = new Map<string, { metrics: string[]; at: number[] }>();
    for (const metric of history.metrics.filter((m) => metricFamily(m) === family)) {
      const at = history.points.flatMap((p, i) => (Number.isFinite(p.values[metric]) ? [i] : []));
      const key = at.join(',');
      const group = groups.get(key) ?? { metrics: [], at };
      group.metrics.push(metric);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      for (let i = 0; i < group.metrics.length; i += seriesColours.length) {
        charts.push({
          family,
          metrics: group.metrics.slice(i, i + seriesColours.length),
          at: group.at,
        });
      }
    }
  }
  return charts;
}

function xLabel(history: TrainingHistory, index: number): string {
  const point = history.points[index];
  const value = history.axis === 'step' ? point?.step : point?.epoch;
  return value === null || value === undefined ? '' : String(value);
}

/**
 * The blocks of every chart, in family order (losses first). Empty when no metric has two points.
 * `charts: false` gives the tables alone.
 */
export function trainingCurveBlocks(
  history: TrainingHistory,
  options: { readonly charts?: boolean } = {},
): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  let drawn = 0;
  for (const chart of planCharts(history)) {
    if (chart.at.length < 2 || drawn >= maxTrainingCharts) continue;
    drawn++;
    const colours = chart.metrics
      .map((m, i) => `${escapeMarkdownCell(m)} in ${seriesColours[i]?.name ?? 'another colour'}`)
      .join(', ');
    const title = chart.family === 'losses' ? 'Losses (lower is better)' : 'Scores';
    const sampled = samplePoints(chart.at.length, maxChartPoints).map((i) => chart.at[i] as number);
    const lines = chart.metrics.map((m) =>
      sampled.map((i) => history.points[i]?.values[m] as number),
    );
    blocks.push({
      kind: 'text',
      text:
        `**${title}** by ${history.axis} (${colours})` +
        (sampled.length < chart.at.length
          ? `: ${sampled.length} of ${chart.at.length} points drawn, every point in the table.`
          : '.'),
    });
    if (options.charts !== false) {
      blocks.push({
        kind: 'text',
        text: renderCategoryLineChart({
          title: `${title}: ${chart.metrics.join(', ')}`,
          categories: sampled.map((i) => xLabel(history, i)),
          xTitle: history.axis,
          yAxis: {
            title: chart.family === 'losses' ? 'loss' : 'score',
            ...paddedRange(lines.flat()),
          },
          lines,
        }),
      });
    }
    const rows = chart.at
      .slice(0, maxTableRows)
      .map((i) => [
        xLabel(history, i),
        ...chart.metrics.map((m) => formatValue(history.points[i]?.values[m] as number)),
      ]);
    blocks.push({
      kind: 'details',
      summary: 'Numbers',
      blocks: [
        {
          kind: 'table',
          table: {
            header: [
              history.axis === 'step' ? 'Step' : 'Epoch',
              ...chart.metrics.map(escapeMarkdownCell),
            ],
            align: ['right', ...chart.metrics.map(() => 'right' as const)],
            rows,
            omittedRows: Math.max(0, chart.at.length - maxTableRows),
          },
        },
      ],
    });
  }
  return blocks;
}
