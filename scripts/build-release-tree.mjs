// Builds the tree a release commit holds, so `uses: <owner>/<repo>/actions/<step>@vX.Y.Z` runs with
// no install: action.yml, actions/, the bundled dist/, the runtime packages the bundle leaves
// external (native addons cannot be bundled) inside dist/node_modules/, where Node's resolution
// finds them from dist/*.js and dist/chunks/*.js; the reusable workflows users call
// (.github/workflows/mlops-*.yml), the starter workflows `mlops init` copies (workflows/), the JSON
// Schemas `mlops init` points editors at (schemas/), the `mlops` command (bin/ and dist/cli.js), a
// package.json, LICENSE, README and CHANGELOG.
//
// Inside the tree every `uses:` of our own actions and reusable workflows
// (`mlops-actions/mlops-actions/...@v1`) names the exact version released, so a workflow that pins
// a reusable workflow by tag or SHA runs exactly the actions released with it, never whatever the
// major tag points at later.
//
//   node scripts/build-release-tree.mjs <outDir> --version vX.Y.Z [--skip-build] [--source-maps]
//                                        [--platform os/arch]...
//
// --version      the version released (default: v + package.json's version, the one source; any
//                other value is refused, so the tag and the version inside the bundle agree)
// --skip-build   use the dist/ already built (the tests do, so they never rebuild a shared dist/)
// --source-maps  keep dist/**/*.map (13 MiB of the 17 that dist/ weighs; left out by default, as
//                every release commit stays in the repository's history and the runner does not
//                read them without --enable-source-maps)
// --platform     onnxruntime native binaries to keep, os/arch as Node spells them (default
//                linux/x64 and linux/arm64: GitHub's Ubuntu runners, x64 and arm64, and most GPU
//                runners, about 70 MB; all five platforms would be about 290 MB that every job
//                downloads). Repeat it to choose others.
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'skip-build': { type: 'boolean', default: false },
    'source-maps': { type: 'boolean', default: false },
    version: { type: 'string' },
    platform: { type: 'string', multiple: true, default: ['linux/x64', 'linux/arm64'] },
  },
});
if (positionals.length !== 1) {
  console.error(
    'usage: node scripts/build-release-tree.mjs <outDir> --version vX.Y.Z [--skip-build] [--source-maps] [--platform os/arch]...',
  );
  process.exit(2);
}
const outDir = path.resolve(positionals[0]);
const packageJson = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const version = values.version ?? `v${packageJson.version}`;
if (!/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
  console.error(`--version ${version}: expected vX.Y.Z (or vX.Y.Z-rc.N)`);
  process.exit(2);
}
if (version !== `v${packageJson.version}`) {
  console.error(
    `--version ${version} is not package.json's version (${packageJson.version}): set "version" in package.json first, the one source of the version the bundle reports`,
  );
  process.exit(2);
}
const platforms = values.platform;
for (const platform of platforms) {
  if (!/^[a-z0-9]+\/[a-z0-9]+$/.test(platform)) {
    console.error(`--platform ${platform}: expected os/arch, for example linux/x64`);
    process.exit(2);
  }
}

// Outside the repository only: inside it, Node's resolution would find the repository's
// node_modules and hide a package missing from the tree.
const relative = path.relative(root, outDir);
if (!relative.startsWith('..') && !path.isAbsolute(relative)) {
  console.error(
    `refusing to write the release tree to ${outDir}: choose a folder outside the repository`,
  );
  process.exit(2);
}

const exists = async (p) => {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
};

if (!values['skip-build']) {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
if (!(await exists(path.join(root, 'dist/index.js')))) {
  console.error('dist/index.js is missing: run `npm run build` (or drop --skip-build)');
  process.exit(1);
}

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });

// What the actions are made of.
await cp(path.join(root, 'action.yml'), path.join(outDir, 'action.yml'));
await cp(path.join(root, 'actions'), path.join(outDir, 'actions'), { recursive: true });
await cp(path.join(root, 'dist'), path.join(outDir, 'dist'), {
  recursive: true,
  filter: (source) => values['source-maps'] || !source.endsWith('.map'),
});
for (const file of ['LICENSE', 'README.md', 'CHANGELOG.md']) {
  await cp(path.join(root, file), path.join(outDir, file));
}
// The `mlops` command: bin/ runs dist/cli.js; init copies the starters from workflows/ and
// writes `$schema` URLs that resolve to schemas/ at the tag.
await cp(path.join(root, 'bin'), path.join(outDir, 'bin'), { recursive: true });
await cp(path.join(root, 'schemas'), path.join(outDir, 'schemas'), { recursive: true });
await cp(path.join(root, 'workflows'), path.join(outDir, 'workflows'), { recursive: true });
// The reusable workflows users call; not this repository's own ci.yml and release.yml.
await mkdir(path.join(outDir, '.github/workflows'), { recursive: true });
for (const name of await readdir(path.join(root, '.github/workflows'))) {
  if (/^mlops-[\w.-]+\.ya?ml$/.test(name)) {
    await cp(
      path.join(root, '.github/workflows', name),
      path.join(outDir, '.github/workflows', name),
    );
  }
}
// The bundle is ESM: `type: module` makes Node read dist/ and bin/ as such on every version.
const treePackage = {
  name: packageJson.name,
  version: packageJson.version,
  description: packageJson.description,
  license: packageJson.license,
  type: 'module',
  engines: packageJson.engines,
  bin: packageJson.bin,
};
await writeFile(path.join(outDir, 'package.json'), `${JSON.stringify(treePackage, null, 2)}\n`);

// Our own `uses:` at the exact version released: the reusable workflows, the starters, the root
// action's usage comment. Whatever still names another ref of ours afterwards is refused.
const OWN = 'mlops-actions/mlops-actions';
const ownRef = /(mlops-actions\/mlops-actions(?:\/[\w./-]+)?)@([\w.-]+)/g;
let rewritten = 0;
for (const file of await listFiles(outDir)) {
  if (!/\.ya?ml$/.test(file) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
  const text = await readFile(file, 'utf8');
  const next = text.replace(ownRef, (_, target, ref) => {
    if (ref !== 'v1' && ref !== version) {
      console.error(
        `${path.relative(outDir, file)}: \`${target}@${ref}\`: our own actions are used at @v1 in the sources`,
      );
      process.exit(1);
    }
    rewritten += 1;
    return `${target}@${version}`;
  });
  if (next !== text) await writeFile(file, next);
}
console.log(`${rewritten} references to ${OWN} pinned to @${version}`);

// The bundle's externals (scripts/build.mjs): onnxruntime-node, and @duckdb/* which nothing
// imports today. Fail loudly the day something does, rather than ship a tree that cannot run.
for (const file of await listFiles(path.join(outDir, 'dist'))) {
  if (file.endsWith('.js') && (await readFile(file, 'utf8')).includes('"@duckdb/')) {
    console.error(
      `${path.relative(outDir, file)} imports @duckdb/*: add it to scripts/build-release-tree.mjs`,
    );
    process.exit(1);
  }
}

// onnxruntime-node: its JavaScript, package.json and the native binaries of the chosen platforms;
// onnxruntime-common, which it requires. Their install-time dependencies (adm-zip, global-agent:
// the CUDA download of its install script) are not needed at run time.
const modules = path.join(outDir, 'dist/node_modules');
const ortNode = path.join(root, 'node_modules/onnxruntime-node');
const ortCommon = path.join(root, 'node_modules/onnxruntime-common');
await copyPackage(ortNode, path.join(modules, 'onnxruntime-node'), (rel) =>
  rel.startsWith('dist/'),
);
const napiDirs = (await readdir(path.join(ortNode, 'bin'))).filter((d) => d.startsWith('napi-v'));
if (napiDirs.length === 0) {
  console.error(`${ortNode}/bin has no napi-v* folder: was onnxruntime-node installed?`);
  process.exit(1);
}
for (const napi of napiDirs) {
  for (const platform of platforms) {
    const from = path.join(ortNode, 'bin', napi, platform);
    if (!(await exists(from))) {
      console.error(`onnxruntime-node ships no binaries for ${platform} (${from})`);
      process.exit(1);
    }
    await cp(from, path.join(modules, 'onnxruntime-node/bin', napi, platform), {
      recursive: true,
    });
  }
}
await copyPackage(ortCommon, path.join(modules, 'onnxruntime-common'), (rel) =>
  rel.startsWith('dist/'),
);

// The tree's size, by top-level entry, so a release log shows what it ships.
const files = await listFiles(outDir);
const sizes = new Map();
let total = 0;
for (const file of files) {
  const { size } = await stat(file);
  const rel = path.relative(outDir, file);
  const top = rel.startsWith(`dist${path.sep}node_modules${path.sep}`)
    ? rel.split(path.sep).slice(0, 3).join('/')
    : rel.split(path.sep)[0];
  sizes.set(top, (sizes.get(top) ?? 0) + size);
  total += size;
}
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
console.log(`release tree ${version} ${outDir}: ${files.length} files, ${mib(total)}`);
for (const [entry, size] of [...sizes].sort((a, b) => b[1] - a[1])) {
  console.log(`  ${mib(size).padStart(10)}  ${entry}`);
}

/** Copies a package's package.json, license and notice files, and the JavaScript `keep` selects. */
async function copyPackage(from, to, keep) {
  for (const file of await listFiles(from)) {
    const rel = path.relative(from, file).split(path.sep).join('/');
    const wanted =
      rel === 'package.json' ||
      /^(license|licence|notice|thirdpartynotices)(\.\w+)?$/i.test(rel) ||
      (keep(rel) && (/\.(c|m)?js$/.test(rel) || path.basename(rel) === 'package.json'));
    if (wanted) {
      await mkdir(path.dirname(path.join(to, rel)), { recursive: true });
      await cp(file, path.join(to, rel));
    }
  }
}

/** Every file under `dir`, recursively. */
async function listFiles(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}
