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

/** Letters and digits of any script, space and `_ . - + / ( )`; everything else becomes `_`. */
const unsafeLabelCharacters = /[^\p{L}\p{N} _.\-+/()]/gu;

/** A quoted Mermaid label that cannot end the string, the statement or the code block. */
export function mermaidLabel(text: string, maxLength = 40): string {
  // Clip generously first: a 60 KB label needs no full pass to yield 40 characters.
  let label = clipText(text, maxLength * 4)
    .replace(/\s+/gu, ' ')
    .replace(unsafeLabelCharacters, '_')
    .trim();
  const characters = Array.from(label);
  if (characters.length > maxLength) label = `${characters.slice(0, maxLength - 1).join('')}…`;
  return `"${label === '' ? '_' : label}"`;
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
function mermaidNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error('renderXyBarChart: values must be finite');
  const rounded = Number(value.toFixed(4));
  return Object.is(rounded, -0) ? '0' : rounded.toFixed(4).replace(/\.?0+$/, '');
}
