/**
 * The dashboard's bundled browser script (vega-embed), built by `npm run build` into
 * dist/dashboard/charts.js (scripts/dashboard/build-charts.mjs). Found beside the running bundle
 * (dist/cli.js, dist/dashboard.js, or a chunk under dist/chunks/), or, when running from source,
 * in the repository's dist/.
 */
import { readFile } from 'node:fs/promises';
import { DataError } from '../../core/errors.js';

const CANDIDATES = [
  './dashboard/charts.js',
  '../dashboard/charts.js',
  '../../../dist/dashboard/charts.js',
];

export async function readChartsBundle(
  from: string = import.meta.url,
): Promise<{ readonly path: string; readonly bytes: Uint8Array }> {
  for (const candidate of CANDIDATES) {
    const url = new URL(candidate, from);
    try {
      return { path: url.pathname, bytes: await readFile(url) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new DataError(
    'the dashboard charts script (dashboard/charts.js) is missing from this build: run `npm run build`',
    { location: { file: new URL('./dashboard/charts.js', from).pathname } },
  );
}
