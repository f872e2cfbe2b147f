// One build for every entrypoint: each action under src/actions/<step>.ts becomes
// dist/<step>.js, the CLI dist/cli.js; shared code lands in chunks that all of them import.
import { build } from 'esbuild';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { buildDashboardCharts } from './dashboard/build-charts.mjs';

// The version's one source: package.json, injected as __MLOPS_VERSION__ (src/core/mlops-version.ts).
const { version } = JSON.parse(await readFile('package.json', 'utf8'));

// The onnxruntime packages as package-lock.json pins them (version and sha512 integrity) and the
// platforms the npm package ships binaries for, injected as __MLOPS_ONNXRUNTIME_PIN__: where the
// release tree has no binary for a runner's platform, src/adapters/onnx/load-onnxruntime.ts
// fetches exactly these tarballs and refuses any other bytes.
const lock = JSON.parse(await readFile('package-lock.json', 'utf8'));
const pinned = (name) => {
  const entry = lock.packages?.[`node_modules/${name}`];
  if (!entry?.version || !entry.integrity?.startsWith('sha512-')) {
    throw new Error(`package-lock.json pins no sha512 integrity for ${name}`);
  }
  return { name, version: entry.version, integrity: entry.integrity };
};
const ortBin = 'node_modules/onnxruntime-node/bin';
const [ortNapi] = (await readdir(ortBin)).filter((d) => d.startsWith('napi-v'));
const ortPlatforms = [];
for (const system of await readdir(`${ortBin}/${ortNapi}`)) {
  for (const arch of await readdir(`${ortBin}/${ortNapi}/${system}`)) {
    ortPlatforms.push(`${system}/${arch}`);
  }
}
const onnxruntimePin = {
  packages: [pinned('onnxruntime-node'), pinned('onnxruntime-common')],
  napi: ortNapi,
  platforms: ortPlatforms,
};

const actionFiles = (await readdir('src/actions')).filter(
  (file) => file.endsWith('.ts') && !file.startsWith('action-') && !file.startsWith('run-'),
);
const entryPoints = Object.fromEntries([
  ...actionFiles.map((file) => [file.replace(/\.ts$/, ''), `src/actions/${file}`]),
  ['cli', 'src/cli/main.ts'],
]);

// Built beside dist/ and swapped in at the end: a test or a demo running meanwhile keeps finding
// a whole dist/ (a build that deleted it first failed them at random).
const staging = `dist.building-${process.pid}`;
await rm(staging, { recursive: true, force: true });
await build({
  entryPoints,
  outdir: staging,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Whitespace and syntax only: names stay readable in stack traces. Smaller source is less
  // memory held by V8 for lazy compilation (7 MiB of peak RSS on the validate benchmark).
  minifyWhitespace: true,
  minifySyntax: true,
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies inside an ESM bundle call require(); give them one.
  banner: {
    js: "import { createRequire as __mlopsCreateRequire } from 'node:module'; const require = __mlopsCreateRequire(import.meta.url);",
  },
  // Native addons and their loaders cannot be bundled; they are installed next to dist/.
  external: ['onnxruntime-node', '@duckdb/*'],
  define: {
    __MLOPS_VERSION__: JSON.stringify(version),
    __MLOPS_ONNXRUNTIME_PIN__: JSON.stringify(onnxruntimePin),
  },
  logLevel: 'warning',
  legalComments: 'linked',
});
// The dashboard's browser script (vega-embed), which `mlops dashboard build` copies into a site.
await buildDashboardCharts(`${staging}/dashboard/charts.js`);
const retired = `dist.old-${process.pid}`;
await rename('dist', retired).catch((error) => {
  if (error.code !== 'ENOENT') throw error;
});
await rename(staging, 'dist');
await rm(retired, { recursive: true, force: true });
console.log(
  `built mlops-actions ${version}: ${Object.keys(entryPoints).length} entrypoints into dist/: ${Object.keys(entryPoints).join(', ')}`,
);
