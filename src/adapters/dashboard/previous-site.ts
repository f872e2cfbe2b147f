/**
 * The previous site, read file by file: a folder (the last build's output, a checkout of the
 * Pages branch) or the published URL (`https://<owner>.github.io/<repo>/`). Every read is
 * counted, so a test can check that an incremental build reads a handful of files, not history.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '../../core/errors.js';
import type { PreviousSite } from '../../core/dashboard/dashboard-port.js';

export interface CountingPreviousSite extends PreviousSite {
  /** Files (or URLs) read so far, including those that were absent. */
  readonly reads: number;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DataError(`the previous dashboard's data is not JSON: ${(error as Error).message}`, {
      location: { file: where },
      cause: error,
    });
  }
}

export function folderPreviousSite(dir: string): CountingPreviousSite {
  let reads = 0;
  return {
    location: dir,
    get reads() {
      return reads;
    },
    async readJson(relativePath) {
      reads++;
      const file = path.join(dir, ...relativePath.split('/'));
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      return parseJson(text, file);
    },
  };
}

/** The published site over HTTP(S); a 404 is an absent file (a first deployment). */
export function urlPreviousSite(
  base: string,
  fetchImpl: typeof fetch = fetch,
): CountingPreviousSite {
  const root = base.endsWith('/') ? base : `${base}/`;
  let reads = 0;
  return {
    location: root,
    get reads() {
      return reads;
    },
    async readJson(relativePath) {
      reads++;
      const url = new URL(relativePath, root).toString();
      let response: Response;
      try {
        response = await fetchImpl(url, { headers: { accept: 'application/json' } });
      } catch (error) {
        throw new DataError(`cannot reach the previous dashboard: ${(error as Error).message}`, {
          location: { file: url },
          cause: error,
        });
      }
      if (response.status === 404) return null;
      if (!response.ok) {
        throw new DataError(`the previous dashboard answered ${response.status}`, {
          location: { file: url },
        });
      }
      return parseJson(await response.text(), url);
    },
  };
}

/** `--previous`/`previous` input: an http(s) URL, or a folder. */
export function openPreviousSite(value: string, cwd: string): CountingPreviousSite {
  return /^https?:\/\//i.test(value)
    ? urlPreviousSite(value)
    : folderPreviousSite(path.resolve(cwd, value));
}
