/**
 * The collapsible `<details>` sections of an evaluation report: chart, gate list, per-class
 * metrics, confusion matrices, slices. They come after the verdict in order of importance, so when
 * a comment is too long, `fitMarkdown` drops them from the end (slices first, chart last).
 */
import { escapeUserText } from '../markdown/escape.js';
import { renderHeatGrid, renderXyBarChart } from '../markdown/mermaid.js';
import { formatCount, formatSigned, formatValue } from '../markdown/number-format.js';
import type { MarkdownBlock } from '../markdown/truncate.js';
import {
  gateCounts,
  limits,
  metricName,
  modelLabel,
  shownMetrics,
  statusIcon,
} from './render-parts.js';
import { metricDirection } from './comparison.js';
import { curvesSection } from './render-curves.js';
import { historySection, trainingCurvesSection } from './render-history.js';
import type { EvaluationReport, MetricSet, SliceResult } from './report.js';

/** Up to this many classes a confusion matrix is shown whole; beyond, its largest errors. */
export const fullConfusionClasses = 20;
/** Up to this many classes a confusion matrix is also drawn, as a grid of coloured cells. */
export const pictureClasses = 10;
const topConfusions = 25;
const chartMetrics = 12;
const sliceMetrics = 6;

type Details = Extract<MarkdownBlock, { kind: 'details' }>;

function classLabel(label: string): string {
  return escapeUserText(label, limits.label);
}

/**
 * Candidate (bars) and baseline (line) for the metrics of the table, on two charts: scores
 * (higher is better, in [0, 1]) on a 0–1 axis, and losses and errors (lower is better) on an axis
 * of their own, because a log loss of 0.3 on the accuracy's axis reads as a bad score, and an
 * RMSE of 40 would flatten everything else. Each chart has its numbers in a table beside it.
 */
export function chartSection(
  report: EvaluationReport,
  metricsToShow?: readonly string[],
): Details | null {
  const candidate = report.candidate.metrics.values;
  const baseline = report.baseline?.metrics.values;
  const finite = (value: number | undefined): value is number =>
    value !== undefined && Number.isFinite(value);
  const usable = shownMetrics(report, metricsToShow).filter(
    (metric) =>
      finite(candidate[metric]) && (report.baseline === null || finite(baseline?.[metric])),
  );
  const inUnitRange = (metric: string): boolean =>
    [candidate[metric], baseline?.[metric]].every(
      (value) => value === undefined || (value >= 0 && value <= 1),
    );
  const scores = usable
    .filter((metric) => metricDirection(metric, report.metricDirections) === 'higher')
    .filter(inUnitRange)
    .slice(0, chartMetrics);
  const losses = usable
    .filter((metric) => metricDirection(metric, report.metricDirections) === 'lower')
    .filter((metric) =>
      [candidate[metric], baseline?.[metric]].every((v) => v === undefined || v >= 0),
    )
    .slice(0, chartMetrics);
  const blocks: MarkdownBlock[] = [];
  const chartOf = (metrics: string[], title: string, max: number): void => {
    if (metrics.length === 0) return;
    blocks.push(
      {
        kind: 'text',
        text: renderXyBarChart({
          title:
            report.baseline === null
              ? `${title} — ${report.candidate.label}`
              : `${title} — ${report.candidate.label} (bars) vs ${report.baseline.label} (line)`,
          categories: metrics,
          yAxis: { title: 'value', min: 0, max },
          bars: metrics.map((metric) => candidate[metric] as number),
          ...(report.baseline === null
            ? {}
            : { line: metrics.map((metric) => baseline?.[metric] as number) }),
        }),
      },
      numbersTable(report, metrics),
    );
  };
  chartOf(scores, 'Scores (higher is better)', 1);
  const largest = Math.max(
    ...losses.flatMap((metric) => [candidate[metric] as number, baseline?.[metric] ?? 0]),
  );
  chartOf(losses, 'Losses (lower is better)', niceCeiling(largest));
  // Metrics of unknown direction (a training command's own) on a third axis, when non-negative.
  const others = usable
    .filter((metric) => metricDirection(metric, report.metricDirections) === 'unknown')
    .filter((metric) =>
      [candidate[metric], baseline?.[metric]].every((v) => v === undefined || v >= 0),
    )
    .slice(0, chartMetrics);
  const otherLargest = Math.max(
    ...others.flatMap((metric) => [candidate[metric] as number, baseline?.[metric] ?? 0]),
  );
  chartOf(others, 'Other metrics', niceCeiling(otherLargest));
  if (blocks.length === 0) return null;
  return {
    kind: 'details',
    open: true,
    summary:
      report.baseline === null
        ? 'Charts'
        : `Charts: ${modelLabel(report.candidate.label)} as bars, ${modelLabel(report.baseline.label)} as a line`,
    blocks,
  };
}

/** The numbers of a metric chart, collapsed beside it (for renderers without xychart). */
function numbersTable(report: EvaluationReport, metrics: readonly string[]): MarkdownBlock {
  const candidate = report.candidate.metrics.values;
  const baseline = report.baseline?.metrics.values;
  return {
    kind: 'details',
    summary: 'Numbers',
    blocks: [
      {
        kind: 'table',
        table: {
          header: [
            'Metric',
            ...(baseline === undefined ? [] : [modelLabel(report.baseline?.label ?? '')]),
            modelLabel(report.candidate.label),
          ],
          align: ['left', 'right', ...(baseline === undefined ? [] : ['right' as const])],
          rows: metrics.map((metric) => [
            metricName(metric),
            ...(baseline === undefined ? [] : [formatValue(baseline[metric] as number)]),
            formatValue(candidate[metric] as number),
          ]),
        },
      },
    ],
  };
}

/** The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value`: a round top for an axis. */
export function niceCeiling(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export function gatesSection(report: EvaluationReport): Details | null {
  if (report.gates.length === 0) return null;
  return {
    kind: 'details',
    summary: `Gates: ${gateCounts(report.gates)}`,
    blocks: [
      {
        kind: 'table',
        table: {
          header: ['Metric', 'Rule', 'Result', 'Detail'],
          rows: report.gates.map((gate) => [
            metricName(gate.metric),
            escapeUserText(gate.rule, limits.detail),
            `${statusIcon[gate.status]} ${gate.status}`,
            escapeUserText(gate.detail, limits.detail),
          ]),
        },
      },
    ],
  };
}

function perClassTable(metrics: MetricSet): MarkdownBlock | null {
  if (metrics.perClass === undefined || metrics.perClass.length === 0) return null;
  return {
    kind: 'table',
    table: {
      header: ['Class', 'Precision', 'Recall', 'F1', 'Support'],
      align: ['left', 'right', 'right', 'right', 'right'],
      rows: metrics.perClass.map((row) => [
        classLabel(row.label),
        formatValue(row.precision),
        formatValue(row.recall),
        formatValue(row.f1),
        formatCount(row.support),
      ]),
    },
  };
}

/** The models of a report that have `part`, each with its label as a bold caption. */
function perModel(
  report: EvaluationReport,
  part: (metrics: MetricSet) => MarkdownBlock[] | MarkdownBlock | null,
): MarkdownBlock[] {
  const models = [report.candidate, ...(report.baseline === null ? [] : [report.baseline])];
  return models.flatMap((model) => {
    const built = part(model.metrics);
    if (built === null || (Array.isArray(built) && built.length === 0)) return [];
    const caption: MarkdownBlock = { kind: 'text', text: `**${modelLabel(model.label)}**` };
    return [caption, ...(Array.isArray(built) ? built : [built])];
  });
}

export function perClassSection(report: EvaluationReport): Details | null {
  const blocks = perModel(report, perClassTable);
  if (blocks.length === 0) return null;
  const classes = report.candidate.metrics.perClass?.length ?? 0;
  return {
    kind: 'details',
    summary: `Per-class precision, recall and F1 (${formatCount(classes)} classes)`,
    blocks,
  };
}

function confusionBlocks(
  metrics: MetricSet,
  classes: readonly string[],
  chart: boolean,
): MarkdownBlock[] {
  const matrix = metrics.confusion;
  if (matrix === undefined || matrix.length === 0) return [];
  const label = (index: number): string => classLabel(classes[index] ?? `class ${index}`);
  if (matrix.length <= fullConfusionClasses) {
    // Up to `pictureClasses` a grid of coloured cells, the table with the same counts beside it.
    const picture: MarkdownBlock[] =
      chart && matrix.length <= pictureClasses
        ? [
            {
              kind: 'text',
              text: renderHeatGrid({
                corner: 'truth ↓ predicted →',
                labels: matrix.map((_, index) => classes[index] ?? `class ${index}`),
                cells: matrix,
              }),
            },
          ]
        : [];
    return [
      ...picture,
      {
        kind: 'table',
        table: {
          header: ['truth ↓ predicted →', ...matrix.map((_, index) => label(index))],
          align: ['left', ...matrix.map(() => 'right' as const)],
          rows: matrix.map((row, truth) => [
            `**${label(truth)}**`,
            ...row.map((count, predicted) =>
              // The diagonal (correct predictions) in bold, so errors stand out by contrast.
              truth === predicted ? `**${formatCount(count)}**` : formatCount(count),
            ),
          ]),
        },
      },
    ];
  }
  // With many classes a matrix is unreadable (and quadratic in size): list the largest errors.
  const errors: { truth: number; predicted: number; count: number; rowTotal: number }[] = [];
  matrix.forEach((row, truth) => {
    const rowTotal = row.reduce((sum, count) => sum + count, 0);
    row.forEach((count, predicted) => {
      if (truth !== predicted && count > 0) errors.push({ truth, predicted, count, rowTotal });
    });
  });
  errors.sort((a, b) => b.count - a.count || a.truth - b.truth || a.predicted - b.predicted);
  const shown = errors.slice(0, topConfusions);
  return [
    {
      kind: 'text',
      text: `${formatCount(matrix.length)} classes: too many for a matrix; the ${shown.length} most frequent confusions of ${formatCount(errors.length)}.`,
    },
    {
      kind: 'table',
      table: {
        header: ['Truth', 'Predicted', 'Records', 'Share of truth'],
        align: ['left', 'left', 'right', 'right'],
        rows: shown.map((error) => [
          label(error.truth),
          label(error.predicted),
          formatCount(error.count),
          error.rowTotal > 0 ? formatValue(error.count / error.rowTotal) : '—',
        ]),
      },
    },
  ];
}

export function confusionSection(report: EvaluationReport, chart = true): Details | null {
  const classes = report.classes ?? [];
  const blocks = perModel(report, (metrics) => confusionBlocks(metrics, classes, chart));
  if (blocks.length === 0) return null;
  return {
    kind: 'details',
    summary: chart
      ? 'Confusion matrices (rows: truth, columns: predicted; blue: right, orange: wrong, darker: a larger share of the row)'
      : 'Confusion matrices (rows: truth, columns: predicted)',
    blocks,
  };
}

function gapText(gap: { gap: number; best: string; worst: string }): string {
  return `${formatValue(gap.gap)} (${classLabel(gap.best)} → ${classLabel(gap.worst)})`;
}

export function sliceSection(report: EvaluationReport, slice: SliceResult): Details {
  const hasBaseline = report.baseline !== null;
  const column = escapeUserText(slice.column, limits.label);
  const blocks: MarkdownBlock[] = [];
  if (slice.largestGap.length > 0) {
    blocks.push({
      kind: 'table',
      table: {
        header: [
          'Metric',
          'Largest gap, candidate (best → worst)',
          ...(hasBaseline ? ['Largest gap, baseline (best → worst)'] : []),
        ],
        rows: slice.largestGap.map((gap) => [
          metricName(gap.metric),
          gapText(gap.candidate),
          ...(hasBaseline ? [gap.baseline === undefined ? '—' : gapText(gap.baseline)] : []),
        ]),
      },
    });
  }
  const metrics = [
    ...new Set([
      ...slice.largestGap.map((gap) => gap.metric),
      ...slice.groups.flatMap((group) => Object.keys(group.candidate)),
    ]),
  ].slice(0, sliceMetrics);
  blocks.push({
    kind: 'table',
    table: {
      header: [
        'Group',
        'Records',
        ...metrics.map((metric) =>
          hasBaseline ? `${metricName(metric)} (Δ)` : metricName(metric),
        ),
      ],
      align: ['left', 'right', ...metrics.map(() => 'right' as const)],
      rows: slice.groups.map((group) => [
        classLabel(group.value),
        formatCount(group.rows),
        ...metrics.map((metric) => {
          const candidate = group.candidate[metric];
          if (candidate === undefined) return '—';
          const baseline = group.baseline?.[metric];
          return baseline === undefined
            ? formatValue(candidate)
            : `${formatValue(candidate)} (${formatSigned(candidate - baseline)})`;
        }),
      ]),
    },
  });
  const widest = slice.largestGap[0];
  return {
    kind: 'details',
    summary:
      `Slice ${column}: ${formatCount(slice.groups.length)} groups` +
      (widest === undefined
        ? ''
        : `, largest ${metricName(widest.metric)} gap ${formatValue(widest.candidate.gap)}`),
    blocks,
  };
}

export function detailSections(
  report: EvaluationReport,
  options: { metricsToShow?: readonly string[]; chart: boolean },
): Details[] {
  return [
    options.chart ? chartSection(report, options.metricsToShow) : null,
    options.chart ? curvesSection(report) : null,
    historySection(report, options.chart),
    trainingCurvesSection(report, options.chart),
    gatesSection(report),
    perClassSection(report),
    confusionSection(report, options.chart),
    ...report.slices.map((slice) => sliceSection(report, slice)),
  ].filter((section): section is Details => section !== null);
}
