// Bundles the dashboard's browser script (charts-entry.mjs: vega-embed with Vega and Vega-Lite)
// into one minified file, which `mlops dashboard build` copies to the site's assets/charts.js.
// Called by scripts/build.mjs (into dist/dashboard/charts.js); run alone:
//   node scripts/dashboard/build-charts.mjs <outfile>
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function buildDashboardCharts(outfile) {
  await build({
    entryPoints: [path.join(here, 'charts-entry.mjs')],
    outfile,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    minify: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await buildDashboardCharts(process.argv[2] ?? 'dist/dashboard/charts.js');
}
