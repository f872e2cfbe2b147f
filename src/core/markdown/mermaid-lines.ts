/**
 * Line charts over named points (versions, epochs): Mermaid `xychart-beta` with a category x axis,
 * the series coloured in `seriesColours` order (xychart draws no legend, so captions name the
 * colours). Labels go through `mermaidLabel` and numbers through `mermaidNumber`, as every chart
 * we write; callers keep a table with the same numbers beside the chart.
 */
import { mermaidLabel, mermaidNumber, seriesColours } from './mermaid.js';

export interface CategoryLineChart {
  readonly title: string;
  /** The points along the x axis, in order. */
  readonly categories: readonly string[];
  readonly xTitle?: string;
  readonly yAxis: { readonly title: string; readonly min: number; readonly max: number };
  /** One to three series, one value per category. */
  readonly lines: readonly (readonly number[])[];
}

export function renderCategoryLineChart(chart: CategoryLineChart): string {
  const length = chart.categories.length;
  if (length < 2 || chart.lines.length === 0 || chart.lines.some((l) => l.length !== length)) {
    throw new Error('renderCategoryLineChart: at least 2 categories and one value per category');
  }
  if (chart.lines.length > seriesColours.length) {
    throw new Error(`renderCategoryLineChart: at most ${seriesColours.length} series`);
  }
  const palette = seriesColours.map((colour) => colour.hex).join(', ');
  const xTitle = chart.xTitle === undefined ? '' : `${mermaidLabel(chart.xTitle)} `;
  return [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    'xychart-beta',
    `  title ${mermaidLabel(chart.title, 80)}`,
    `  x-axis ${xTitle}[${chart.categories.map((category) => mermaidLabel(category, 24)).join(', ')}]`,
    `  y-axis ${mermaidLabel(chart.yAxis.title)} ${mermaidNumber(chart.yAxis.min)} --> ${mermaidNumber(chart.yAxis.max)}`,
    ...chart.lines.map((line) => `  line [${line.map(mermaidNumber).join(', ')}]`),
    '```',
  ].join('\n');
}

/**
 * A y range that shows the variation of `values`: their span plus a tenth on each side (a flat
 * series gets a small band around it), clipped to [0, 1] when every value lies there (scores), and
 * wide enough that the 4-decimal rounding of the axis keeps min below max.
 */
export function paddedRange(values: readonly number[]): { min: number; max: number } {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { min: 0, max: 1 };
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = hi - lo;
  const pad = Math.max(span > 0 ? span * 0.1 : Math.max(Math.abs(hi), 1) * 0.01, 0.001);
  let min = lo - pad;
  let max = hi + pad;
  if (lo >= 0 && hi <= 1) {
    min = Math.max(0, min);
    max = Math.min(1, max);
  }
  if (lo >= 0 && min < 0) min = 0;
  // To 3 decimals outward; the epsilon keeps 0.895 (stored as 0.89499…) from flooring to 0.894.
  return {
    min: Math.floor(min * 1000 + 1e-6) / 1000,
    max: Math.ceil(max * 1000 - 1e-6) / 1000,
  };
}
