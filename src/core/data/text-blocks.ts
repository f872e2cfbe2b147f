/**
 * Turns a byte stream into decoded text blocks that each end just after a `\n` (the last block
 * may end anywhere). Cutting at a newline, an ASCII byte, means no UTF-8 character is ever split
 * between blocks, so each block is validated and decoded on its own, in one native call.
 *
 * A chunk that holds newlines yields the carried-over start of a line with the chunk's head up to
 * its first newline (small, copied), then the rest up to its last newline in blocks of about
 * BLOCK_BYTES decoded in place, so the bulk of the data is never concatenated.
 *
 * A chunk is done with once the next is asked for (what carries over, the start of a line, is
 * copied), so a source may read every chunk into the same buffer.
 */
import { decodeUtf8, type DecodedText } from './utf8.js';

const BOM = [0xef, 0xbb, 0xbf] as const;
const NEWLINE = 0x0a;
/**
 * Blocks stay under V8's 128 KiB limit for ordinary heap objects, so their strings live and die
 * in the young generation. Decoding whole 1 MiB chunks made each text an external string freed
 * only by full collections: on the 3M-row flights CSV, peak RSS 138 MB against 101 MB, and no
 * faster (1.0 s of CPU either way).
 */
const BLOCK_BYTES = 64 * 1024;

export type TextBlock = DecodedText;

export async function* textBlocks(source: AsyncIterable<Uint8Array>): AsyncGenerator<TextBlock> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let started = false;

  for await (const chunk of source) {
    let bytes = toBuffer(chunk);
    if (!started) {
      // The BOM may itself arrive split: wait for three bytes before deciding.
      pending.push(Buffer.from(bytes));
      pendingBytes += bytes.length;
      if (pendingBytes < BOM.length) continue;
      bytes = stripBom(Buffer.concat(pending, pendingBytes));
      pending = [];
      pendingBytes = 0;
      started = true;
    }
    if (bytes.length === 0) continue;
    const last = bytes.lastIndexOf(NEWLINE);
    if (last === -1) {
      pending.push(Buffer.from(bytes));
      pendingBytes += bytes.length;
      continue;
    }
    let from = 0;
    if (pendingBytes > 0) {
      const first = bytes.indexOf(NEWLINE);
      pending.push(bytes.subarray(0, first + 1));
      yield decodeUtf8(Buffer.concat(pending, pendingBytes + first + 1));
      pending = [];
      pendingBytes = 0;
      from = first + 1;
    }
    while (from <= last) {
      let cut = last;
      if (last - from >= BLOCK_BYTES) {
        cut = bytes.lastIndexOf(NEWLINE, from + BLOCK_BYTES - 1);
        if (cut < from) cut = bytes.indexOf(NEWLINE, from + BLOCK_BYTES);
      }
      yield decodeUtf8(bytes.subarray(from, cut + 1));
      from = cut + 1;
    }
    if (last + 1 < bytes.length) {
      pending.push(Buffer.from(bytes.subarray(last + 1)));
      pendingBytes = bytes.length - last - 1;
    }
  }
  if (pendingBytes > 0) {
    const rest = Buffer.concat(pending, pendingBytes);
    const text = started ? rest : stripBom(rest);
    if (text.length > 0) yield decodeUtf8(text);
  }
}

function stripBom(bytes: Buffer): Buffer {
  return bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2]
    ? bytes.subarray(BOM.length)
    : bytes;
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk)
    ? chunk
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
