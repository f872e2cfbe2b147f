import { describe, expect, it } from 'vitest';
import { decodeUtf8, findInvalidUtf8 } from '../../src/core/data/utf8.js';
import { random } from './read-helpers.js';

describe('findInvalidUtf8', () => {
  it('finds ill-formed sequences and their maximal subparts', () => {
    const cases: [number[], { index: number; length: number } | undefined][] = [
      [[0x61, 0x62], undefined],
      [[0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], undefined], // é € 😀
      [[0x61, 0xff], { index: 1, length: 1 }],
      [[0x80], { index: 0, length: 1 }], // a lone continuation byte
      [[0xc0, 0xaf], { index: 0, length: 1 }], // overlong
      [[0xe0, 0x80, 0x80], { index: 0, length: 1 }], // overlong three-byte form
      [[0xed, 0xa0, 0x80], { index: 0, length: 1 }], // a surrogate
      [[0xf4, 0x90, 0x80, 0x80], { index: 0, length: 1 }], // beyond U+10FFFF
      [[0xe2, 0x82, 0x61], { index: 0, length: 2 }], // cut short inside the text
      [[0x61, 0xf0, 0x9f, 0x98], { index: 1, length: 3 }], // cut short at the end
    ];
    for (const [bytes, expected] of cases) {
      const input = Uint8Array.from(bytes);
      expect(findInvalidUtf8(input, 0, input.length), bytes.join(' ')).toEqual(expected);
    }
  });
});

describe('decodeUtf8', () => {
  it('decodes as the WHATWG decoder does, one U+FFFD per ill-formed sequence', () => {
    // TextDecoder is an independent implementation of the same replacement rules.
    const decoder = new TextDecoder();
    const next = random(1);
    const alphabet = [
      0x61, 0x0a, 0x80, 0xbf, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0xf0, 0x9f, 0x98, 0xff,
    ];
    for (let trial = 0; trial < 2000; trial++) {
      const length = Math.floor(next() * 12);
      const bytes = Buffer.from(
        Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)] as number),
      );
      const decoded = decodeUtf8(bytes);
      const expected = decoder.decode(bytes);
      expect(decoded.text, bytes.toString('hex')).toBe(expected);
      expect(decoded.invalid.length).toBe(expected.split('\uFFFD').length - 1);
      for (const bad of decoded.invalid) expect(decoded.text[bad.offset]).toBe('\uFFFD');
    }
  });

  it('names the offending bytes', () => {
    const decoded = decodeUtf8(Buffer.from([0x61, 0xe2, 0x82, 0x0a, 0xff]));
    expect(decoded.text).toBe('a\uFFFD\n\uFFFD');
    expect(decoded.invalid).toEqual([
      { offset: 1, bytes: '0xe2 0x82' },
      { offset: 3, bytes: '0xff' },
    ]);
  });
});
