/**
 * Every file under a folder and the sha256 of its bytes, by relative path: "state before" and
 * "state after" of a command, compared whole (a file added, removed or changed shows).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** `{ 'relative/path': 'sha256:…' }` of every file under `dir`, `.git` left out; {} when none. */
export async function snapshotFiles(
  dir: string,
  options: { readonly ignore?: readonly string[] } = {},
): Promise<Record<string, string>> {
  const ignore = new Set(['.git', ...(options.ignore ?? [])]);
  const out: Record<string, string> = {};
  const walk = async (folder: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      const rel = path.relative(dir, full).split(path.sep).join('/');
      if (ignore.has(rel)) continue;
      if (entry.isDirectory()) await walk(full);
      else
        out[rel] = `sha256:${createHash('sha256')
          .update(await readFile(full))
          .digest('hex')}`;
    }
  };
  await walk(dir);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}
