/**
 * ISO 8601 dates and date-times as data files write them. A value without an offset is read as
 * UTC so that comparisons do not depend on the runner's time zone.
 *
 * Hand-parsed by character code rather than by regular expression: a datetime column of a few
 * million cells made the regular expression and `Date.UTC` the validator's largest cost.
 */

const msPerDay = 86_400_000;

/** Milliseconds since the epoch, or `undefined` when the text is not a real ISO 8601 instant. */
export function parseDateTime(text: string): number | undefined {
  const n = text.length;
  if (n < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  let time = daysFromCivil(year, month, day) * msPerDay;
  if (n === 10) return time;

  const separator = text.charCodeAt(10);
  if ((separator !== 84 && separator !== 32) || n < 16 || text.charCodeAt(13) !== 58)
    return undefined;
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  time += hour * 3_600_000 + minute * 60_000;
  let i = 16;
  if (i < n && text.charCodeAt(i) === 58) {
    const second = digits(text, i + 1, 2);
    if (second < 0 || second > 59) return undefined;
    time += second * 1000;
    i += 3;
    if (i < n && text.charCodeAt(i) === 46) {
      const start = ++i;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      const count = i - start;
      if (count === 0 || count > 9) return undefined;
      // Milliseconds: the first three digits of the fraction, padded.
      time += Number(text.slice(start, Math.min(start + 3, i)).padEnd(3, '0'));
    }
  }
  if (i === n) return time;
  const zone = text.charCodeAt(i);
  if (zone === 90) return i + 1 === n ? time : undefined;
  if (zone !== 43 && zone !== 45) return undefined;
  const rest = n - i - 1;
  const hours = digits(text, i + 1, 2);
  let minutes: number;
  if (rest === 5 && text.charCodeAt(i + 3) === 58) minutes = digits(text, i + 4, 2);
  else if (rest === 4) minutes = digits(text, i + 3, 2);
  else return undefined;
  if (hours < 0 || minutes < 0 || minutes > 59 || hours * 60 + minutes > 18 * 60) return undefined;
  const offset = (hours * 60 + minutes) * 60_000;
  return zone === 43 ? time - offset : time + offset;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The value of `count` decimal digits at `start`, or -1 when any is not a digit. */
function digits(text: string, start: number, count: number): number {
  if (start + count > text.length) return -1;
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - 48);
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil),
 * exact for every year, where `Date.UTC` maps years 0-99 to 1900-1999.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
