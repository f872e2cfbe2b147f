/**
 * Mermaid charts for GitHub markdown. Mermaid has its own injection surface inside a ```mermaid
 * block, which markdown escaping does not cover: a `"` ends a label, a newline starts a statement,
 * `%%` starts a comment or an `%%{init}%%` directive, `:::` assigns CSS classes, `#…;` is an entity
 * code, and a backtick can end the fence. Labels are therefore reduced to a small set of safe
 * characters and always quoted, and numbers are written by us.
 *
 * GitHub does not document its Mermaid version and `xychart-beta` needs Mermaid 10.5 or later:
 * callers keep a table with the same numbers beside every chart.
 */

import { clipText } from './truncate.js';

/**
 * Characters written as Mermaid entity codes (`#quot;` renders as `"`): those that could end the
 * quoted label (`"`), start an entity (`#`), a comment or directive (`%`), end the code fence
 * (a backtick), or be read as markup or a `style …:#…;` statement (`< > & : \`). Everything else is
 * kept as is, so a label reads as its text ("mean fractal dimension: current", "0.05–0.0574").
 */
const mermaidEntities: Readonly<Record<string, string>> = {
  '"': '#quot;',
  '#': '#35;',
  '%': '#37;',
  '`': '#96;',
  '<': '#lt;',
  '>': '#gt;',
  '&': '#amp;',
  ':': '#58;',
  '\\': '#92;',
};

/** A quoted Mermaid label that cannot end the string, the statement or the code block. */
export function mermaidLabel(text: string, maxLength = 40): string {
  // Clip generously first: a 60 KB label needs no full pass to yield 40 characters.
  let label = clipText(text, maxLength * 4)
    // Control characters (newlines included) would end the statement.
    .replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, ' ')
    .trim();
  const characters = Array.from(label);
  if (characters.length > maxLength) label = `${characters.slice(0, maxLength - 1).join('')}…`;
  const escaped = label
    .replace(/["#%`<>&:\\]/g, (char) => mermaidEntities[char] ?? '_')
    // Not a mention even if a renderer looked inside the block: a zero-width joiner, as in escape.ts.
    .replace(/@/g, '@\u200d');
  return `"${escaped === '' ? '_' : escaped}"`;
}

export interface XyBarChart {
  readonly title: string;
  /** Categories along the x axis, in order. */
  readonly categories: readonly string[];
  readonly yAxis: { readonly title: string; readonly min: number; readonly max: number };
  /** One value per category, drawn as bars. */
  readonly bars: readonly number[];
  /**
   * A second series, drawn as a line: xychart draws several bar series on top of one another, not
   * side by side (mermaid-js/mermaid#7392), so a second bar series would hide the first.
   */
  readonly line?: readonly number[];
}

/** A complete ```mermaid block holding an `xychart-beta` chart. */
export function renderXyBarChart(chart: XyBarChart): string {
  if (chart.bars.length !== chart.categories.length) {
    throw new Error('renderXyBarChart: one bar per category is needed');
  }
  if (chart.line !== undefined && chart.line.length !== chart.categories.length) {
    throw new Error('renderXyBarChart: one line point per category is needed');
  }
  const lines = [
    '```mermaid',
    'xychart-beta',
    `  title ${mermaidLabel(chart.title, 80)}`,
    `  x-axis [${chart.categories.map((category) => mermaidLabel(category)).join(', ')}]`,
    `  y-axis ${mermaidLabel(chart.yAxis.title)} ${mermaidNumber(chart.yAxis.min)} --> ${mermaidNumber(chart.yAxis.max)}`,
    `  bar [${chart.bars.map(mermaidNumber).join(', ')}]`,
  ];
  if (chart.line !== undefined) lines.push(`  line [${chart.line.map(mermaidNumber).join(', ')}]`);
  lines.push('```');
  return lines.join('\n');
}

/** A plain decimal (no exponent, which the xychart grammar does not read), 4 decimal places. */
export function mermaidNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error('renderXyBarChart: values must be finite');
  const rounded = Number(value.toFixed(4));
  return Object.is(rounded, -0) ? '0' : rounded.toFixed(4).replace(/\.?0+$/, '');
}

/**
 * Series colours, set by an init directive we write ourselves: xychart draws no legend, so the
 * caption names each series by its colour.
 */
export const seriesColours = [
  { name: 'blue', hex: '#2563eb' },
  { name: 'orange', hex: '#ea580c' },
  { name: 'grey', hex: '#6b7280' },
] as const;

export interface XyLineChart {
  readonly title: string;
  /** Numeric x axis: the points of each series are spread evenly from min to max. */
  readonly xAxis: { readonly title: string; readonly min: number; readonly max: number };
  readonly yAxis: { readonly title: string; readonly min: number; readonly max: number };
  /** One or more series of the same length, drawn as lines in `seriesColours` order. */
  readonly lines: readonly (readonly number[])[];
}

/** A complete ```mermaid block with line series on numeric axes (curves on a fixed grid). */
export function renderXyLineChart(chart: XyLineChart): string {
  const length = chart.lines[0]?.length ?? 0;
  if (length < 2 || chart.lines.some((line) => line.length !== length)) {
    throw new Error('renderXyLineChart: series of equal length, at least 2 points, are needed');
  }
  if (chart.lines.length > seriesColours.length) {
    throw new Error(`renderXyLineChart: at most ${seriesColours.length} series`);
  }
  const palette = seriesColours.map((colour) => colour.hex).join(', ');
  return [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${palette}"}}}}%%`,
    'xychart-beta',
    `  title ${mermaidLabel(chart.title, 80)}`,
    `  x-axis ${mermaidLabel(chart.xAxis.title)} ${mermaidNumber(chart.xAxis.min)} --> ${mermaidNumber(chart.xAxis.max)}`,
    `  y-axis ${mermaidLabel(chart.yAxis.title)} ${mermaidNumber(chart.yAxis.min)} --> ${mermaidNumber(chart.yAxis.max)}`,
    ...chart.lines.map((line) => `  line [${line.map(mermaidNumber).join(', ')}]`),
    '```',
  ].join('\n');
}

/**
 * A matrix as a grid of coloured cells (Mermaid `block-beta`): the darker a cell, the larger its
 * share of its row, so a confusion matrix reads as a picture (a dark diagonal is a good model).
 * `labels` name rows and columns; `cells[row][column]` are counts.
 */
export function renderHeatGrid(options: {
  readonly labels: readonly string[];
  readonly cells: readonly (readonly number[])[];
  readonly corner: string;
}): string {
  const { labels, cells } = options;
  const n = labels.length;
  const lines = ['```mermaid', 'block-beta', `  columns ${n + 1}`];
  lines.push(
    `  corner[${mermaidLabel(options.corner)}] ${labels.map((label, j) => `col${j}[${mermaidLabel(label, 24)}]`).join(' ')}`,
  );
  const styles: string[] = [];
  cells.forEach((row, i) => {
    const total = row.reduce((sum, count) => sum + count, 0);
    const rowCells = row.map((count, j) => {
      const share = total > 0 ? count / total : 0;
      styles.push(`  style c${i}_${j} ${heatStyle(count, share, i === j)}`);
      return `c${i}_${j}[${mermaidLabel(`${Math.round(count)} (${Math.round(share * 100)}%)`)}]`;
    });
    lines.push(`  row${i}[${mermaidLabel(labels[i] ?? `class ${i}`, 24)}] ${rowCells.join(' ')}`);
  });
  lines.push(...styles, '```');
  return lines.join('\n');
}

/**
 * Blue for the diagonal (right), orange off it (wrong), near-white for an empty cell; the share of
 * the row sets the depth of the colour, so even a 10% error shows.
 */
function heatStyle(count: number, share: number, diagonal: boolean): string {
  if (count === 0) return 'fill:#f9fafb,color:#6b7280';
  const steps = diagonal
    ? ['#dbeafe', '#93c5fd', '#3b82f6', '#1d4ed8', '#1e3a8a']
    : ['#fed7aa', '#fb923c', '#ea580c', '#c2410c', '#7c2d12'];
  const index = Math.min(steps.length - 1, Math.floor(share * steps.length));
  const text = index >= 2 ? '#ffffff' : '#111827';
  return `fill:${steps[index]},color:${text}`;
}
