/**
 * The curves section of a binary evaluation: ROC, precision-recall and calibration, candidate and
 * baseline on one chart each (Mermaid `xychart-beta` lines on a fixed grid; xychart draws no
 * legend, so the caption names the colours), each with its numbers in a collapsed table beside it.
 */
import { renderXyLineChart, seriesColours } from '../markdown/mermaid.js';
import { formatCount, formatValue } from '../markdown/number-format.js';
import type { MarkdownBlock } from '../markdown/truncate.js';
import type { BinaryCurves, CalibrationBin } from '../metrics/curves.js';
import { modelLabel } from './render-parts.js';
import type { EvaluationReport } from './report.js';

type Details = Extract<MarkdownBlock, { kind: 'details' }>;

interface Series {
  readonly label: string;
  readonly curves: BinaryCurves;
}

function seriesOf(report: EvaluationReport): Series[] {
  const models = [report.candidate, ...(report.baseline === null ? [] : [report.baseline])];
  return models.flatMap((model) =>
    model.metrics.curves === undefined
      ? []
      : [{ label: model.label, curves: model.metrics.curves }],
  );
}

/** "candidate in blue, production v1.0.0 in orange, chance in grey". */
function colourKey(labels: readonly string[], extra?: string): string {
  const parts = labels.map(
    (label, index) => `${modelLabel(label)} in ${seriesColours[index]?.name ?? 'another colour'}`,
  );
  if (extra !== undefined)
    parts.push(`${extra} in ${seriesColours[labels.length]?.name ?? 'grey'}`);
  return parts.join(', ');
}

function numbers(header: readonly string[], rows: readonly (readonly string[])[]): MarkdownBlock {
  return {
    kind: 'details',
    summary: 'Numbers',
    blocks: [
      {
        kind: 'table',
        table: { header, align: header.map((_, i) => (i === 0 ? 'left' : 'right')), rows },
      },
    ],
  };
}

function rocBlocks(series: readonly Series[]): MarkdownBlock[] {
  const drawn = series.filter((s) => s.curves.tpr !== null);
  const first = drawn[0];
  if (first === undefined) return [];
  const grid = first.curves.grid;
  return [
    {
      kind: 'text',
      text: `**ROC curve** (${colourKey(
        drawn.map((s) => s.label),
        'chance',
      )}): the share of positives found (true-positive rate) against the share of negatives flagged (false-positive rate); higher and further left is better.`,
    },
    {
      kind: 'text',
      text: renderXyLineChart({
        title: 'ROC curve',
        xAxis: { title: 'false-positive rate', min: 0, max: 1 },
        yAxis: { title: 'true-positive rate', min: 0, max: 1 },
        lines: [...drawn.map((s) => s.curves.tpr as readonly number[]), grid],
      }),
    },
    numbers(
      ['False-positive rate', ...drawn.map((s) => `TPR, ${modelLabel(s.label)}`)],
      grid.map((x, i) => [
        formatValue(x),
        ...drawn.map((s) => formatValue(s.curves.tpr?.[i] as number)),
      ]),
    ),
  ];
}

function prBlocks(series: readonly Series[]): MarkdownBlock[] {
  const drawn = series.filter((s) => s.curves.precision !== null);
  const first = drawn[0];
  if (first === undefined) return [];
  const grid = first.curves.grid;
  return [
    {
      kind: 'text',
      text: `**Precision-recall curve** (${colourKey(drawn.map((s) => s.label))}): the best precision at each recall or more; higher is better.`,
    },
    {
      kind: 'text',
      text: renderXyLineChart({
        title: 'Precision-recall curve',
        xAxis: { title: 'recall', min: 0, max: 1 },
        yAxis: { title: 'precision', min: 0, max: 1 },
        lines: drawn.map((s) => s.curves.precision as readonly number[]),
      }),
    },
    numbers(
      ['Recall', ...drawn.map((s) => `Precision, ${modelLabel(s.label)}`)],
      grid.map((x, i) => [
        formatValue(x),
        ...drawn.map((s) => formatValue(s.curves.precision?.[i] as number)),
      ]),
    ),
  ];
}

/**
 * The share of positives per bin, with empty bins bridged by a straight line between their
 * neighbours (xychart has no gaps); the table marks them empty.
 */
export function bridgedFractions(bins: readonly CalibrationBin[]): number[] | null {
  const known = bins
    .map((bin, index) => ({ index, value: bin.fractionPositive }))
    .filter((point): point is { index: number; value: number } => point.value !== null);
  if (known.length === 0) return null;
  return bins.map((bin, index) => {
    if (bin.fractionPositive !== null) return bin.fractionPositive;
    const before = known.filter((point) => point.index < index).at(-1);
    const after = known.find((point) => point.index > index);
    if (before === undefined) return (after as { value: number }).value;
    if (after === undefined) return before.value;
    return (
      before.value +
      ((after.value - before.value) * (index - before.index)) / (after.index - before.index)
    );
  });
}

function calibrationBlocks(series: readonly Series[]): MarkdownBlock[] {
  const drawn = series
    .map((s) => ({ ...s, line: bridgedFractions(s.curves.calibration) }))
    .filter((s): s is Series & { line: number[] } => s.line !== null);
  const first = drawn[0];
  if (first === undefined) return [];
  const bins = first.curves.calibration;
  const centres = bins.map((bin) => (bin.lower + bin.upper) / 2);
  const range = (bin: CalibrationBin): string =>
    `${formatValue(bin.lower)}–${formatValue(bin.upper)}`;
  return [
    {
      kind: 'text',
      text: `**Calibration** (${colourKey(
        drawn.map((s) => s.label),
        'perfect calibration',
      )}): the share of records that are positive in each bin of predicted probability; on the diagonal a predicted 0.8 means 80% positives. Empty bins are bridged by a straight line.`,
    },
    {
      kind: 'text',
      text: renderXyLineChart({
        title: 'Calibration (reliability diagram)',
        xAxis: {
          title: 'predicted probability, bin centre',
          min: centres[0] ?? 0,
          max: centres.at(-1) ?? 1,
        },
        yAxis: { title: 'share positive', min: 0, max: 1 },
        lines: [...drawn.map((s) => s.line), centres],
      }),
    },
    numbers(
      [
        'Predicted probability',
        ...drawn.flatMap((s) => [
          `Records, ${modelLabel(s.label)}`,
          `Mean predicted, ${modelLabel(s.label)}`,
          `Share positive, ${modelLabel(s.label)}`,
        ]),
      ],
      bins.map((bin, i) => [
        range(bin),
        ...drawn.flatMap((s) => {
          const own = s.curves.calibration[i];
          if (own === undefined || own.count === 0) return ['0', 'empty', 'empty'];
          return [
            formatCount(own.count),
            formatValue(own.meanPredicted as number),
            formatValue(own.fractionPositive as number),
          ];
        }),
      ]),
    ),
  ];
}

/** null when neither model has curves (not binary, or no probabilities). */
export function curvesSection(report: EvaluationReport): Details | null {
  const series = seriesOf(report);
  if (series.length === 0) return null;
  const positive =
    report.positiveClass == null
      ? ''
      : ` for the positive class ${modelLabel(report.positiveClass)}`;
  const blocks = [...rocBlocks(series), ...prBlocks(series), ...calibrationBlocks(series)];
  if (blocks.length === 0) return null;
  return {
    kind: 'details',
    summary: `ROC, precision-recall and calibration curves${positive}`,
    blocks,
  };
}
