/**
 * Numbers read straight from a stretch of text, without cutting it out as a string first: the
 * CSV reader parses the cells of number columns in place (no per-cell string, no per-cell
 * object), and the validator's `parseNumberText` uses the same code.
 *
 * The grammar is the validator's: `[+-] digits [. digits] [(e|E) [+-] digits]` with at least one
 * digit before the exponent. For every text in it the result is exactly `Number(text)`:
 * - a mantissa of at most 15 significant digits is an exact integer `m` in a double, and a
 *   power of ten `10^k` with `|k| <= 22` is exact too, so `m * 10^k` or `m / 10^k` is one IEEE
 *   operation on exact operands, hence the correctly rounded value of the decimal (Clinger's fast
 *   path, "How to read floating point numbers accurately", 1990), which is what `Number()` gives;
 * - anything else (more digits, a larger exponent) falls back to `Number()` on the cut-out text.
 * Every cell of the wide numeric benchmark (bench/make-wide-csv.ts) takes the fast path.
 */

/** `10^0 … 10^22`, every one exact in a double. */
const POWERS_OF_TEN = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];
/** Significant digits that always fit a double exactly (10^15 < 2^53). */
const EXACT_DIGITS = 15;

/**
 * `Number(text.slice(start, end))` when that stretch is in the decimal grammar; `NaN` when it is
 * not (no text in the grammar reads as NaN, so NaN means "not a decimal number").
 */
export function parseDecimal(text: string, start: number, end: number): number {
  return readDecimal(text, start, end, scratch, 0) ? (scratch[0] as number) : NaN;
}

const scratch = new Float64Array(1);

/**
 * `parseDecimal` for hot loops: writes the value to `into[at]` and tells whether the text was a
 * decimal. A double returned from a call that is not inlined is boxed (a heap object per call);
 * one written to a Float64Array is not, and neither is a boolean.
 */
export function readDecimal(
  text: string,
  start: number,
  end: number,
  into: Float64Array,
  at: number,
): boolean {
  return scanDecimal(text, start, end, into, at) === end;
}

/**
 * Reads the longest decimal that starts at `start` and ends by `limit`, writes its value (that
 * of `Number()` on its text) to `into[at]` and returns where it ends; -1 when no decimal starts
 * there (no digit, or an exponent without digits). The CSV reader then checks that a delimiter
 * or the line's end follows, so a field is scanned once, not searched for its end first.
 */
export function scanDecimal(
  text: string,
  start: number,
  limit: number,
  into: Float64Array,
  at: number,
): number {
  const end = limit;
  let i = start;
  if (i >= end) return -1;
  let c = text.charCodeAt(i);
  let negative = false;
  if (c === 43 || c === 45) {
    negative = c === 45;
    if (++i >= end) return -1;
    c = text.charCodeAt(i);
  }
  let mantissa = 0;
  /** Digits in the mantissa, leading zeros left out. */
  let significant = 0;
  let digits = 0;
  let scale = 0;
  while (c >= 48 && c <= 57) {
    digits++;
    if (significant > 0 || c !== 48) {
      if (++significant <= EXACT_DIGITS) mantissa = mantissa * 10 + (c - 48);
      else scale++;
    }
    if (++i >= end) break;
    c = text.charCodeAt(i);
  }
  if (i < end && c === 46) {
    c = ++i < end ? text.charCodeAt(i) : -1;
    while (c >= 48 && c <= 57) {
      digits++;
      if (significant > 0 || c !== 48) {
        if (++significant <= EXACT_DIGITS) {
          mantissa = mantissa * 10 + (c - 48);
          scale--;
        }
      } else scale--;
      if (++i >= end) break;
      c = text.charCodeAt(i);
    }
  }
  if (digits === 0) return -1;
  let exponent = 0;
  if (i < end && (c === 101 || c === 69)) {
    if (++i >= end) return -1;
    c = text.charCodeAt(i);
    let exponentNegative = false;
    if (c === 43 || c === 45) {
      exponentNegative = c === 45;
      if (++i >= end) return -1;
      c = text.charCodeAt(i);
    }
    const exponentStart = i;
    while (c >= 48 && c <= 57) {
      // Capped: past this the value is 0 or Infinity, decided by the fallback below.
      if (exponent < 100_000) exponent = exponent * 10 + (c - 48);
      if (++i >= end) break;
      c = text.charCodeAt(i);
    }
    if (i === exponentStart) return -1;
    if (exponentNegative) exponent = -exponent;
  }
  if (mantissa === 0) {
    into[at] = negative ? -0 : 0;
    return i;
  }
  if (significant <= EXACT_DIGITS) {
    const power = exponent + scale;
    if (power >= 0 && power <= 22) {
      const value = mantissa * (POWERS_OF_TEN[power] as number);
      into[at] = negative ? -value : value;
      return i;
    }
    if (power < 0 && power >= -22) {
      const value = mantissa / (POWERS_OF_TEN[-power] as number);
      into[at] = negative ? -value : value;
      return i;
    }
  }
  into[at] = +text.slice(start, i);
  return i;
}

/**
 * `Number(text.slice(start, end))` when that stretch is `[+-] digits` with at most 15 digits (so
 * a safe integer); `NaN` otherwise, also for a longer integer, which callers read the slow way
 * (it may be beyond 2^53 - 1 and then must be reported as such).
 */
export function parseShortInteger(text: string, start: number, end: number): number {
  return readShortInteger(text, start, end, scratch, 0) ? (scratch[0] as number) : NaN;
}

/** `parseShortInteger` for hot loops, as `readDecimal`. */
export function readShortInteger(
  text: string,
  start: number,
  end: number,
  into: Float64Array,
  at: number,
): boolean {
  return scanShortInteger(text, start, end, into, at) === end;
}

/**
 * The longest `[+-] digits` from `start` up to `limit`, as `scanDecimal`; -1 when it has no
 * digit or more than 15 (those are read the slow way).
 */
export function scanShortInteger(
  text: string,
  start: number,
  limit: number,
  into: Float64Array,
  at: number,
): number {
  let i = start;
  if (i >= limit) return -1;
  let c = text.charCodeAt(i);
  let negative = false;
  if (c === 43 || c === 45) {
    negative = c === 45;
    i++;
  }
  const first = i;
  let value = 0;
  for (; i < limit; i++) {
    c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  if (i === first || i - first > EXACT_DIGITS) return -1;
  into[at] = negative ? -value : value;
  return i;
}
