import { describe, expect, it } from 'vitest';
import {
  codePointLength,
  invalid,
  isUnsafeInteger,
  missing,
  parseIntegerText,
  parseNumberText,
} from '../../src/core/validate/cell-parsers.js';
import { parseDateTime } from '../../src/core/schema/datetime.js';

describe('number and integer text', () => {
  it.each([
    ['0', 0],
    ['-0.5', -0.5],
    ['+12', 12],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['2.5E-3', 0.0025],
    ['0.1', 0.1],
    ['Infinity', Infinity],
    ['-inf', -Infinity],
  ])('reads %s as %s', (text, value) => {
    expect(parseNumberText(text)).toBe(value);
  });

  it.each(['', ' 1', '1 ', '0x10', '1e', 'e5', '.', '-', '1,5', '1_000', '12abc', '--1'])(
    'refuses %j, which Number() would partly accept',
    (text) => {
      expect(parseNumberText(text)).toBe(invalid);
    },
  );

  it('reads NaN as missing, as pandas does', () => {
    expect(parseNumberText('NaN')).toBe(missing);
    expect(parseNumberText('nan')).toBe(missing);
  });

  it('accepts only whole numbers as integers', () => {
    expect(parseIntegerText('-42')).toBe(-42);
    expect(parseIntegerText('007')).toBe(7);
    expect(parseIntegerText('3.0')).toBe(invalid);
    expect(parseIntegerText('1e3')).toBe(invalid);
    expect(parseIntegerText('')).toBe(invalid);
  });
});

describe('ISO 8601', () => {
  it('reads dates and date-times as UTC milliseconds', () => {
    // 2024-02-29 is day 19782 since 1970-01-01 (54 years incl. 13 leap days: 54*365+13 = 19723, +59 days).
    expect(parseDateTime('2024-02-29')).toBe(19782 * 86_400_000);
    expect(parseDateTime('1970-01-01T00:00:01Z')).toBe(1000);
    expect(parseDateTime('1970-01-01 01:00:00+01:00')).toBe(0);
    expect(parseDateTime('1970-01-01T00:00:00.25')).toBe(250);
  });

  it.each([
    '2023-02-29',
    '2024-13-01',
    '2024-01-32',
    '2024-1-1',
    '24:00',
    '2024-01-01T25:00',
    'yesterday',
  ])('refuses %s', (text) => {
    expect(parseDateTime(text)).toBeUndefined();
  });
});

describe('lengths', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('né')).toBe(2);
    expect(codePointLength('👍🏽')).toBe(2);
  });
});

describe('ISO 8601 against an independent reference', () => {
  it('agrees with Date.UTC on every day of 1899-2101 and at odd times', () => {
    const mismatches: string[] = [];
    for (let t = Date.UTC(1899, 0, 1); t < Date.UTC(2101, 0, 1); t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      if (parseDateTime(day) !== t) mismatches.push(day);
    }
    expect(mismatches).toEqual([]);
    const t = Date.UTC(2001, 6, 1, 13, 45, 59, 123);
    expect(parseDateTime('2001-07-01T13:45:59.123456Z')).toBe(t);
    expect(parseDateTime('2001-07-01T15:45:59.123+0200')).toBe(t);
    expect(parseDateTime('2001-07-01T08:15:59.123-05:30')).toBe(t);
  });

  it('reads years before 100, where Date.UTC would not', () => {
    // 0001-01-01 is 719,162 days before 1970-01-01 (ISO proleptic Gregorian).
    expect(parseDateTime('0001-01-01')).toBe(-719_162 * 86_400_000);
  });

  it.each([
    '2024-01-01T',
    '2024-01-01T10',
    '2024-01-01T10:00:',
    '2024-01-01T10:00:00.',
    '2024-01-01T10:00Zx',
    '2024-01-01 10:00+25:00',
    '2024-01-01x',
  ])('refuses %s', (text) => {
    expect(parseDateTime(text)).toBeUndefined();
  });
});

describe('integers beyond what a double holds exactly', () => {
  it('reads integers up to 2^53 - 1 and refuses larger ones instead of rounding them', () => {
    // 2^53 - 1 = 9007199254740991 (Number.MAX_SAFE_INTEGER); +"9007199254740993" is ...992.
    expect(parseIntegerText('9007199254740991')).toBe(9007199254740991);
    expect(parseIntegerText('-9007199254740991')).toBe(-9007199254740991);
    expect(parseIntegerText('9007199254740992')).toBe(invalid);
    expect(parseIntegerText('99999999999999999999999')).toBe(invalid);
  });

  it.each([
    ['99999999999999999999999', true],
    ['-9007199254740992', true],
    ['9007199254740991', false],
    ['1.5e30', false],
    ['abc', false],
  ])('isUnsafeInteger(%j) is %s', (text, unsafe) => {
    expect(isUnsafeInteger(text)).toBe(unsafe);
  });
});
