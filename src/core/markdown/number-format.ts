/**
 * Number formatting for reports people compare by eye: every metric value in a table has the same
 * number of decimals, so columns line up and a difference in the 4th decimal is visible.
 */

/** What the legend of a table says about its numbers; keep in step with `formatValue`. */
export const valueFormatLegend =
  'Values are rounded to 4 decimal places (scientific notation below 0.0001 or from 10⁹)';

/** The legend of a comparison table, whose differences are always in `formatDelta`'s format. */
export const comparisonFormatLegend =
  'Values and differences are rounded to 4 decimal places; a difference that rounds to 0 keeps its sign (+0.0000)';

const decimals = 4;

/**
 * A metric value with 4 decimal places. Tiny and huge magnitudes use scientific notation with 4
 * significant digits, because 4 decimals would show them as 0.0000 or as a wall of digits.
 */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '-∞';
  if (value === 0) return (0).toFixed(decimals);
  const magnitude = Math.abs(value);
  if (magnitude < 1e-4 || magnitude >= 1e9) return value.toExponential(decimals - 1);
  return value.toFixed(decimals);
}

/** A difference, always with its sign, so "+0.0100" and "-0.0100" read as changes. */
export function formatSigned(value: number): string {
  const text = formatValue(value);
  if (Number.isNaN(value) || value === 0) return text;
  return value > 0 ? `+${text}` : text;
}

/**
 * A difference in a comparison table: always 4 decimal places and a sign, never scientific
 * notation, so a column of deltas and intervals reads in one format ("[-0.0226, +0.0000]", not
 * "[-0.0226, +1.113e-7]"). A non-zero difference smaller than 0.00005 keeps its sign
 * ("+0.0000"), so an interval bound just above 0 still reads as above 0.
 */
export function formatDelta(value: number): string {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e9) return formatSigned(value);
  if (value === 0) return (0).toFixed(decimals);
  const text = Math.abs(value).toFixed(decimals);
  return `${value > 0 ? '+' : '-'}${text}`;
}

/** A confidence interval of a difference, in `formatDelta`'s format. */
export function formatInterval(interval: readonly [number, number]): string {
  return `[${formatDelta(interval[0])}, ${formatDelta(interval[1])}]`;
}

/**
 * Two values that are compared in a sentence ("0.9000 < 0.9000" would be a lie when the first is
 * 0.89996). Adds significant digits until the shown texts differ whenever the numbers do.
 */
export function formatDistinct(a: number, b: number): [string, string] {
  let left = formatValue(a);
  let right = formatValue(b);
  if (a === b || left !== right || !Number.isFinite(a) || !Number.isFinite(b)) return [left, right];
  for (let digits = 6; digits <= 17 && left === right; digits += 1) {
    left = trimPrecision(a, digits);
    right = trimPrecision(b, digits);
  }
  return [left, right];
}

/**
 * A number the user wrote (a threshold, a delta): shown as short as it round-trips, because
 * "0.01" in mlops.yml should read "0.01", not "0.0100".
 */
export function formatParameter(value: number): string {
  if (!Number.isFinite(value)) return formatValue(value);
  return trimPrecision(value, 12);
}

/** Whole counts (records, support, confusion cells) with thousands separators. */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : formatValue(value);
}

/** A p-value: 4 decimals, and "< 0.0001" rather than a long run of zeros. */
export function formatPValue(p: number): string {
  if (Number.isNaN(p)) return 'p = NaN';
  return p < 1e-4 ? 'p < 0.0001' : `p = ${p.toFixed(decimals)}`;
}

/** A fraction as a percentage ("0.95" → "95%"), for confidence levels. */
export function formatPercent(fraction: number): string {
  return `${trimPrecision(fraction * 100, 6)}%`;
}

function trimPrecision(value: number, digits: number): string {
  const text = value.toPrecision(digits);
  if (text.includes('e')) {
    const [mantissa = text, exponent = ''] = text.split('e');
    return `${stripZeros(mantissa)}e${exponent}`;
  }
  return stripZeros(text);
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
