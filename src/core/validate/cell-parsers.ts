/**
 * Strict readers for cell text. Each returns the typed value, or `invalid` when the text is not of
 * the type. They are stricter than `Number()` (which takes "", " 1 ", "0x10" and "1_0"-like
 * surprises) because a schema is a promise about the data.
 */
import type { Cell } from '../data/batch.js';
import { parseDecimal } from '../data/number-text.js';
import { parseDateTime } from '../schema/datetime.js';

export const invalid: unique symbol = Symbol('invalid');
export type Invalid = typeof invalid;
/** Text that a number column treats as missing, as pandas does. */
export const missing: unique symbol = Symbol('missing');
export type Missing = typeof missing;

const nanWords = new Set(['NaN', 'nan', 'NAN']);
const infWords = new Map([
  ['inf', Infinity],
  ['Inf', Infinity],
  ['Infinity', Infinity],
  ['+inf', Infinity],
  ['+Infinity', Infinity],
  ['-inf', -Infinity],
  ['-Inf', -Infinity],
  ['-Infinity', -Infinity],
]);

/**
 * Decimal number grammar: [+-] digits [. digits] [e [+-] digits], at least one digit; the value is
 * `Number(text)`'s, read in place without a second pass (data/number-text.ts).
 */
export function parseNumberText(text: string): number | Invalid | Missing {
  const value = parseDecimal(text, 0, text.length);
  if (value === value) return value;
  if (nanWords.has(text)) return missing;
  return infWords.get(text) ?? invalid;
}

/** Integer grammar: [+-] digits; a whole float such as "3.0" is not an integer. */
function isIntegerText(text: string): boolean {
  const n = text.length;
  let i = 0;
  let c = text.charCodeAt(0);
  if (c === 43 || c === 45) c = text.charCodeAt(++i);
  const start = i;
  while (c >= 48 && c <= 57) c = text.charCodeAt(++i);
  return i > start && i === n;
}

/**
 * An integer that a double holds exactly: beyond 2^53 - 1 a value such as 99999999999999999999999
 * would silently become 99999999999999991611392, so it is `invalid` (see `isUnsafeInteger`).
 */
export function parseIntegerText(text: string): number | Invalid {
  if (!isIntegerText(text)) return invalid;
  const value = +text;
  return Number.isSafeInteger(value) ? value : invalid;
}

const trueWords = new Set(['true', 'True', 'TRUE', '1', 'yes', 'Yes', 'YES']);
const falseWords = new Set(['false', 'False', 'FALSE', '0', 'no', 'No', 'NO']);

export function toNumber(cell: Cell): number | Invalid | Missing {
  if (typeof cell === 'number') return Number.isNaN(cell) ? missing : cell;
  if (typeof cell === 'string') return parseNumberText(cell);
  if (typeof cell === 'bigint') return Number(cell);
  return invalid;
}

export function toInteger(cell: Cell): number | Invalid {
  if (typeof cell === 'number') return Number.isSafeInteger(cell) ? cell : invalid;
  if (typeof cell === 'string') return parseIntegerText(cell);
  if (typeof cell === 'bigint') {
    return cell >= minSafe && cell <= maxSafe ? Number(cell) : invalid;
  }
  return invalid;
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);
const minSafe = -maxSafe;

/**
 * Whether a cell `toInteger` refused is an integer all the same, only beyond 2^53 - 1 in size: its
 * text, a whole JSON number (JSON.parse has already rounded it) or a Parquet INT64.
 */
export function isUnsafeInteger(cell: Cell): boolean {
  if (typeof cell === 'number') return Number.isInteger(cell) && !Number.isSafeInteger(cell);
  if (typeof cell === 'bigint') return cell < minSafe || cell > maxSafe;
  if (typeof cell === 'string') return isIntegerText(cell) && !Number.isSafeInteger(+cell);
  return false;
}

export function toBoolean(cell: Cell): boolean | Invalid {
  if (typeof cell === 'boolean') return cell;
  if (typeof cell === 'string') {
    if (trueWords.has(cell)) return true;
    if (falseWords.has(cell)) return false;
  }
  if (cell === 1 || cell === 0) return cell === 1;
  return invalid;
}

/** Milliseconds since the epoch. */
export function toDateTime(cell: Cell): number | Invalid {
  if (cell instanceof Date) {
    const time = cell.getTime();
    return Number.isNaN(time) ? invalid : time;
  }
  if (typeof cell === 'string') return parseDateTime(cell) ?? invalid;
  return invalid;
}

/** Text of a category, string or text cell; numbers and booleans read as their text. */
export function toText(cell: Cell): string | Invalid {
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number' || typeof cell === 'bigint' || typeof cell === 'boolean') {
    return String(cell);
  }
  if (cell instanceof Date) return cell.toISOString();
  return invalid;
}

/** Length in Unicode code points (what a person counts), not UTF-16 units. */
export function codePointLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

/** A cell as text for a finding. */
export function displayCell(cell: Cell): string | null {
  if (cell === null) return null;
  if (cell instanceof Date)
    return Number.isNaN(cell.getTime()) ? 'Invalid Date' : cell.toISOString();
  return String(cell);
}
