/**
 * Writes the site into a hidden sibling folder and swaps it in at the end (`commit`), so a
 * failed build leaves the previous site whole, and a build may read its previous data from the
 * very folder it replaces.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../core/errors.js';
import type { SiteOutput } from '../../core/dashboard/dashboard-port.js';

export interface SiteFolder extends SiteOutput {
  /** Puts the written site at its place, replacing what was there. */
  commit(): Promise<void>;
  /** Removes what was written (after a failure). */
  discard(): Promise<void>;
}

export function createSiteFolder(outDir: string): SiteFolder {
  const target = path.resolve(outDir);
  const staging = path.join(
    path.dirname(target),
    `.${path.basename(target)}.building-${randomBytes(4).toString('hex')}`,
  );
  const made = new Set<string>();
  return {
    async write(relativePath, content) {
      const parts = relativePath.split('/');
      if (parts.some((part) => part === '' || part === '.' || part === '..')) {
        throw new TypeError(`Not a site path: ${relativePath}`);
      }
      const file = path.join(staging, ...parts);
      const dir = path.dirname(file);
      if (!made.has(dir)) {
        await mkdir(dir, { recursive: true });
        made.add(dir);
      }
      await writeFile(file, content);
    },
    async commit() {
      await mkdir(staging, { recursive: true });
      const retired = `${staging}.old`;
      await rename(target, retired).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      await rename(staging, target);
      await rm(retired, { recursive: true, force: true });
    },
    async discard() {
      await rm(staging, { recursive: true, force: true });
    },
  };
}

/**
 * The build replaces the whole output folder, so it refuses one that holds anything but a
 * previous dashboard (or is the working folder or above it), unless `force`.
 */
export async function assertReplaceable(options: {
  readonly outDir: string;
  readonly cwd: string;
  readonly force: boolean;
  readonly field: string;
}): Promise<void> {
  const target = path.resolve(options.cwd, options.outDir);
  const relative = path.relative(target, path.resolve(options.cwd));
  if (relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))) {
    throw new ConfigError(
      `${options.outDir} is the working folder or holds it: name a folder of its own for the site, such as site/`,
      { location: { file: 'options', field: options.field } },
    );
  }
  if (options.force) return;
  const entries = await readdir(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
    throw error;
  });
  if (entries === null || entries.length === 0) return;
  const isSite = await stat(path.join(target, 'data', 'index.json')).then(
    (info) => info.isFile(),
    () => false,
  );
  if (!isSite) {
    throw new ConfigError(
      `${options.outDir} exists and is not a dashboard built before (no data/index.json); the build replaces the whole folder: name another folder, or give --force`,
      { location: { file: 'options', field: options.field } },
    );
  }
}
