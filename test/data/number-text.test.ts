import { describe, expect, it } from 'vitest';
import { parseDecimal, parseShortInteger, readDecimal } from '../../src/core/data/number-text.js';
import { parseNumberText } from '../../src/core/validate/cell-parsers.js';
import { random } from './read-helpers.js';

/** The grammar, independently: what the fast path must accept, as a regular expression. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A random text near the grammar: digits, signs, dots, exponents, now and then a stray char. */
function randomText(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const digits = (max: number) => {
    let text = '';
    const count = Math.floor(next() * max);
    // Leading zeros and long runs of nines or zeros reach the rounding edge cases.
    const alphabet = pick(['0123456789', '09', '9', '0', '05', '1']);
    for (let i = 0; i < count; i++) text += alphabet[Math.floor(next() * alphabet.length)];
    return text;
  };
  let text = pick(['', '', '', '-', '+']);
  text += digits(pick([3, 8, 17, 25]));
  if (next() < 0.6) text += `.${digits(pick([3, 8, 17, 25]))}`;
  if (next() < 0.3) text += `${pick(['e', 'E'])}${pick(['', '+', '-'])}${digits(pick([2, 3, 4]))}`;
  if (next() < 0.03) {
    const at = Math.floor(next() * (text.length + 1));
    text = text.slice(0, at) + pick([' ', 'x', '.', '-', 'e', '_']) + text.slice(at);
  }
  return text;
}

describe('parseDecimal', () => {
  it('equals Number(text) on 300,000 random texts in the grammar, and is NaN outside it', () => {
    const next = random(18);
    let inGrammar = 0;
    for (let n = 0; n < 300_000; n++) {
      const text = randomText(next);
      const got = parseDecimal(text, 0, text.length);
      if (DECIMAL.test(text)) {
        inGrammar++;
        // Object.is tells -0 from 0.
        if (!Object.is(got, Number(text)))
          expect({ text, got }).toEqual({ text, got: Number(text) });
      } else if (!Number.isNaN(got)) {
        expect({ text, got }).toEqual({ text, got: NaN });
      }
    }
    expect(inGrammar).toBeGreaterThan(200_000);
  });

  it('equals Number(text) for values printed by toString and toFixed (round trips)', () => {
    const next = random(7);
    const wrong: string[] = [];
    let checked = 0;
    for (let n = 0; n < 100_000; n++) {
      const value = (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
      for (const text of [String(value), value.toFixed(Math.floor(next() * 8))]) {
        if (!DECIMAL.test(text)) continue;
        checked++;
        if (!Object.is(parseDecimal(text, 0, text.length), Number(text))) wrong.push(text);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(150_000);
  });

  it('reads the edge cases as Number() does', () => {
    const cases: [string, number][] = [
      ['-0', -0],
      ['+0', 0],
      ['-0.000', -0],
      ['+5', 5],
      ['.5', 0.5],
      ['5.', 5],
      ['-.5e-3', -0.0005],
      ['1e400', Infinity],
      ['-1e400', -Infinity],
      ['1e-400', 0],
      ['-1e-400', -0],
      ['0e999999999', 0],
      ['123456789012345678901234567890', 1.2345678901234568e29],
      ['0.1', 0.1],
      ['0.3', 0.3],
      ['9007199254740993', 9007199254740992],
      ['2.2250738585072014e-308', 2.2250738585072014e-308],
      ['1.7976931348623157e308', 1.7976931348623157e308],
      ['00012.50', 12.5],
    ];
    for (const [text, want] of cases) {
      expect(Object.is(parseDecimal(text, 0, text.length), want), text).toBe(true);
      expect(Object.is(Number(text), want), `Number(${text})`).toBe(true);
    }
  });

  it('refuses what is not a decimal: words, whitespace, hex, separators, lone signs', () => {
    for (const text of [
      '',
      '+',
      '-',
      '.',
      '-.',
      'e5',
      '.e5',
      '1e',
      '1e+',
      '1e-',
      ' 1',
      '1 ',
      '1\r',
      '0x10',
      '1_000',
      '1,5',
      'NaN',
      'nan',
      'inf',
      '-Infinity',
      '1.2.3',
      '--1',
      '+-1',
      '1e5.5',
      '١٢',
    ]) {
      expect(parseDecimal(text, 0, text.length), JSON.stringify(text)).toBeNaN();
    }
  });

  it('reads a stretch inside a longer text, and writes through readDecimal', () => {
    const text = 'x,12.5,-3e2,y';
    expect(parseDecimal(text, 2, 6)).toBe(12.5);
    expect(parseDecimal(text, 7, 11)).toBe(-300);
    const into = new Float64Array(2);
    expect(readDecimal(text, 7, 11, into, 1)).toBe(true);
    expect(into[1]).toBe(-300);
    expect(readDecimal(text, 0, 1, into, 0)).toBe(false);
  });

  it('keeps parseNumberText as it was: NaN words missing, inf words infinite', () => {
    expect(parseNumberText('NaN')).toBe(parseNumberText('nan'));
    expect(parseNumberText('inf')).toBe(Infinity);
    expect(parseNumberText('-Infinity')).toBe(-Infinity);
    expect(Object.is(parseNumberText('-0'), -0)).toBe(true);
    expect(parseNumberText('1e-3')).toBe(0.001);
    expect(typeof parseNumberText(' 1')).toBe('symbol');
  });
});

describe('parseShortInteger', () => {
  it('reads [+-] and up to 15 digits as Number() does, and nothing else', () => {
    expect(Object.is(parseShortInteger('-0', 0, 2), -0)).toBe(true);
    expect(parseShortInteger('+42', 0, 3)).toBe(42);
    expect(parseShortInteger('999999999999999', 0, 15)).toBe(999_999_999_999_999);
    // 16 digits may be beyond 2^53 - 1: left to the slow path, which can say so.
    expect(parseShortInteger('9007199254740993', 0, 16)).toBeNaN();
    for (const text of ['', '-', '3.0', '1e3', ' 1', '0x1', 'NaN']) {
      expect(parseShortInteger(text, 0, text.length), text).toBeNaN();
    }
    const next = random(3);
    const wrong: string[] = [];
    for (let n = 0; n < 50_000; n++) {
      const text = `${next() < 0.3 ? '-' : ''}${Math.floor(next() * 10 ** Math.floor(next() * 16))}`;
      if (!Object.is(parseShortInteger(text, 0, text.length), Number(text))) wrong.push(text);
    }
    expect(wrong).toEqual([]);
  });
});
