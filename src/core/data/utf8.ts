/**
 * UTF-8 checks for the text readers. The fast path is Node's native `isAscii`/`isUtf8` over a
 * whole block; the byte-by-byte scan below runs only for a block that failed, to say where.
 */
import { isAscii, isUtf8 } from 'node:buffer';

/** An invalid byte sequence found while decoding a block. */
export interface InvalidSequence {
  /** Offset in the decoded text of the U+FFFD that stands for the sequence. */
  readonly offset: number;
  /** The offending bytes in hex, such as `0xff` or `0xe2 0x82`. */
  readonly bytes: string;
}

/** A decoded block of text; `invalid` is empty unless the bytes were not UTF-8. */
export interface DecodedText {
  readonly text: string;
  readonly invalid: readonly InvalidSequence[];
}

const NONE: readonly InvalidSequence[] = [];

/**
 * Decodes bytes that start and end on character boundaries. Pure ASCII is copied as Latin-1,
 * which is byte-for-byte the same text and the cheapest string V8 can make.
 */
export function decodeUtf8(bytes: Buffer): DecodedText {
  if (isAscii(bytes)) return { text: bytes.toString('latin1'), invalid: NONE };
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), invalid: NONE };
  const invalid: InvalidSequence[] = [];
  let text = '';
  let start = 0;
  for (;;) {
    const bad = findInvalidUtf8(bytes, start, bytes.length);
    if (bad === undefined) break;
    text += bytes.toString('utf8', start, bad.index);
    invalid.push({ offset: text.length, bytes: hex(bytes, bad.index, bad.index + bad.length) });
    text += '\uFFFD';
    start = bad.index + bad.length;
  }
  text += bytes.toString('utf8', start, bytes.length);
  return { text, invalid };
}

/**
 * The first ill-formed sequence in `bytes[start, end)`: where it begins and how many bytes it
 * spans, counted as the Unicode "maximal subpart" (what WHATWG decoders replace by one U+FFFD).
 * A sequence cut short by `end` is ill-formed: callers pass ranges that end on a boundary.
 */
export function findInvalidUtf8(
  bytes: Uint8Array,
  start: number,
  end: number,
): { index: number; length: number } | undefined {
  let i = start;
  while (i < end) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) low = 0xa0;
      else if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) low = 0x90;
      else if (b === 0xf4) high = 0x8f;
    } else return { index: i, length: 1 };
    let length = 1;
    for (let k = 0; k < need; k++) {
      const next = bytes[i + length];
      if (i + length >= end || next === undefined || next < low || next > high) {
        return { index: i, length };
      }
      length++;
      low = 0x80;
      high = 0xbf;
    }
    i += length;
  }
  return undefined;
}

function hex(bytes: Uint8Array, start: number, end: number): string {
  const parts: string[] = [];
  for (let i = start; i < end; i++)
    parts.push(`0x${(bytes[i] as number).toString(16).padStart(2, '0')}`);
  return parts.join(' ');
}
