import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** A file's `sha256:<hex>` and size, streamed so that a large data file is never held in memory. */
export async function fileDigest(absolute: string): Promise<{ digest: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(absolute)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).byteLength;
  }
  return { digest: `sha256:${hash.digest('hex')}`, bytes };
}
