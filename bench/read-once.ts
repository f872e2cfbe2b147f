/**
 * The physical limit next to each benchmark: the time to read a file once from the page cache,
 * with no parsing, through the same kind of loop our readers use (one reused 1 MiB buffer,
 * `FileHandle.read`). Prints one line of JSON: bytes and seconds.
 *
 * Usage: node bench/read-once.ts <file>   (run through tsx or Node's type stripping)
 */
import { open } from 'node:fs/promises';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: read-once.ts <file>');
const started = performance.now();
const handle = await open(file, 'r');
const buffer = Buffer.allocUnsafeSlow(1 << 20);
let bytes = 0;
let newlines = 0;
for (;;) {
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
  if (bytesRead === 0) break;
  bytes += bytesRead;
  // Touch the bytes once (count newlines natively) so that nothing is skipped.
  for (let i = buffer.indexOf(10); i !== -1 && i < bytesRead; i = buffer.indexOf(10, i + 1))
    newlines++;
}
await handle.close();
console.log(JSON.stringify({ bytes, newlines, seconds: (performance.now() - started) / 1000 }));
