/** Digests as the manifest, the registry and GitHub's release assets write them: `sha256:<hex>`. */
import { createHash } from 'node:crypto';

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
