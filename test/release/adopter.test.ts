/**
 * A team adopting mlops-actions as the README tells it to, from outside this repository: the
 * package `npm pack` makes is installed into an empty project (`npm i -D <tarball>`, its
 * dependencies from the npm cache `npm ci` filled; onnxruntime-node's CUDA download skipped by the
 * project's `.npmrc`, as the README says), then `npx mlops` sets a repository up with `init` on real
 * data with datetime, category and numeric columns (the Seattle weather data,
 * test/fixtures/datasets/) and runs validate, train, evaluate, publish, promote and drift.
 *
 * `npm pack --ignore-scripts`: the tarball holds the dist/ that `npm run build` made before the
 * tests (the `prepack` script would rebuild it under the other test files that run it), which is
 * what `prepack` builds from the same sources.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/**
 * A user's shell: none of the variables `npm test` or a CI runner set (npm_package_*, GITHUB_*,
 * INPUT_*, RUNNER_*), which would tell the CLI or onnxruntime's install script they run
 * elsewhere; the npm cache location is kept.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('npm_') && lower !== 'npm_config_cache') continue;
    if (/^(GITHUB_|INPUT_|RUNNER_|ACTIONS_)/.test(name) || name === 'CI') continue;
    if (name === 'ONNXRUNTIME_NODE_INSTALL' || name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  return {
    ...env,
    GIT_AUTHOR_NAME: 'Ada',
    GIT_AUTHOR_EMAIL: 'ada@example.com',
    GIT_COMMITTER_NAME: 'Ada',
    GIT_COMMITTER_EMAIL: 'ada@example.com',
  };
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function sh(file: string, args: string[], cwd: string, timeout = 120_000): Promise<Result> {
  return run(file, args, { cwd, env: userEnv(), timeout, maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number | string; stdout?: string; stderr?: string; message: string }) => ({
      code: typeof error.code === 'number' ? error.code : -1,
      stdout: error.stdout ?? '',
      stderr: `${error.stderr ?? ''}\n${error.message}`,
    }),
  );
}

describe('adopting the package', () => {
  let temp: string;
  let project: string;
  let version: string;
  let installed: Result;
  const steps: string[] = [];

  /** `npx mlops <args>` in the user's project; fails the test with its output on a non-zero exit. */
  async function mlops(...args: string[]): Promise<Result> {
    const started = performance.now();
    const result = await sh(npx, ['mlops', ...args], project);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    steps.push(`mlops ${args.join(' ')} → exit ${result.code}, ${seconds} s`);
    expect(result.code, `mlops ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
    // A user mistake or a failure is one line, never a stack trace.
    expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    return result;
  }

  beforeAll(async () => {
    temp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'mlops-adopter-')));
    project = path.join(temp, 'seattle-weather');
    await mkdir(project);
    version = (
      JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;

    const packed = await sh(
      npm,
      ['pack', '--ignore-scripts', '--silent', '--pack-destination', temp],
      root,
    );
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = path.join(temp, packed.stdout.trim().split('\n').pop() ?? '');

    // The README's install: an .npmrc that skips onnxruntime-node's CUDA download, then
    // `npm i -D mlops-actions` (here the tarball), dependencies from the cache.
    await writeFile(
      path.join(project, 'package.json'),
      `${JSON.stringify({ name: 'seattle-weather', private: true }, null, 2)}\n`,
    );
    await writeFile(path.join(project, '.npmrc'), 'onnxruntime-node-install=skip\n');
    const started = performance.now();
    installed = await sh(
      npm,
      ['install', '-D', '--prefer-offline', '--no-audit', '--no-fund', tarball],
      project,
      240_000,
    );
    steps.push(
      `npm install → exit ${installed.code}, ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 300_000);

  afterAll(async () => {
    if (steps.length > 0) console.log(`adopter steps:\n  ${steps.join('\n  ')}`);
    if (temp) await rm(temp, { recursive: true, force: true });
  });

  it('installs from the packed tarball, with the files an installed copy needs', async () => {
    expect(installed.code, installed.stdout + installed.stderr).toBe(0);
    const pkg = path.join(project, 'node_modules/mlops-actions');
    for (const file of [
      'bin/mlops.js',
      'dist/cli.js',
      'schemas/mlops.schema.json',
      'workflows/mlops-pull-request.yml',
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
    ]) {
      expect((await stat(path.join(pkg, file))).isFile(), file).toBe(true);
    }
    // No source maps, sources or tests in the package.
    expect(await readdir(pkg)).not.toContain('src');
    expect((await readdir(path.join(pkg, 'dist'))).filter((f) => f.endsWith('.map'))).toEqual([]);
    // onnxruntime-node's install script ran and downloaded nothing (skip).
    // onnxruntime-node's own CPU binaries for this machine are there; its install script, told to
    // skip, downloaded nothing more.
    const ort = path.join(project, 'node_modules/onnxruntime-node/bin');
    const [napi] = (await readdir(ort)).filter((d) => d.startsWith('napi-v'));
    expect(
      existsSync(path.join(ort, napi ?? '', process.platform, process.arch)),
      `${ort}/${napi}/${process.platform}/${process.arch}`,
    ).toBe(true);
  });

  it('prints the package’s version', async () => {
    const result = await mlops('--version');
    expect(result.stdout.trim()).toBe(version);
  });

  it(
    'sets a repository up with init and runs the lifecycle on the Seattle weather data',
    { timeout: 300_000 },
    async () => {
      // The user's data: the 1461 days, every fifth day held out as the pinned evaluation set
      // (all seasons in both).
      const text = await readFile(
        path.join(root, 'test/fixtures/datasets/seattle-weather.csv'),
        'utf8',
      );
      const [header = '', ...rows] = text.trimEnd().split('\n');
      const train = rows.filter((_, i) => i % 5 !== 4);
      const evaluation = rows.filter((_, i) => i % 5 === 4);
      expect(train.length + evaluation.length).toBe(1461);
      await mkdir(path.join(project, 'data'));
      await writeFile(path.join(project, 'data/train.csv'), `${[header, ...train].join('\n')}\n`);
      await writeFile(
        path.join(project, 'data/eval.csv'),
        `${[header, ...evaluation].join('\n')}\n`,
      );
      expect((await sh('git', ['init', '-q', '-b', 'main'], project)).code).toBe(0);
      // As any Node project has it; init adds its own lines.
      await writeFile(path.join(project, '.gitignore'), 'node_modules/\n');

      await mlops('init', '--target', 'weather');
      const config = await readFile(path.join(project, 'mlops.yml'), 'utf8');
      expect(config).toMatch(/task: multiclass-classification/);
      expect(await readdir(path.join(project, '.github/workflows'))).toContain(
        'mlops-pull-request.yml',
      );
      // What init wrote is committed; what the steps write (.mlops/) is ignored, so it is not.
      expect((await sh('git', ['add', '-A'], project)).code).toBe(0);
      expect((await sh('git', ['commit', '-q', '-m', 'mlops init'], project)).code).toBe(0);

      await mlops('validate');
      await mlops('train');
      const manifest = JSON.parse(
        await readFile(path.join(project, '.mlops/train/manifest.json'), 'utf8'),
      ) as { environment?: { packages?: Record<string, string> } };
      // The manifest names the mlops-actions that trained it: the installed package's version.
      expect(JSON.stringify(manifest)).toContain(`"mlops-actions":"${version}"`);
      await mlops('evaluate', '--baseline', 'none');
      await mlops('publish', '--version', '1.0.0');
      await mlops('promote', '--version', '1.0.0');
      // Fresh data from the same days: no drift to speak of, so the default --fail-on passes.
      await mlops('drift', '--current', 'data/eval.csv');
      const shown = await mlops('registry', 'show', 'seattle-weather');
      expect(shown.stdout).toMatch(/1\.0\.0/);
      expect(shown.stdout).toMatch(/production/);
      // Serving from the installed package (fastify bundled, onnxruntime from the install): one
      // record with a datetime feature, answered, logged, drained on SIGTERM; then its label
      // "arrives" and the performance check reads the log (too few labels to grade: exit 0).
      const server = spawn(
        path.join(project, 'node_modules/.bin/mlops'),
        ['serve', '--port', '0', '--poll', '0'],
        {
          cwd: project,
          env: userEnv(),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let served = '';
      const url = await new Promise<string>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          served += chunk.toString();
          const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(served);
          if (match) resolve(match[1] as string);
        };
        server.stdout.on('data', onData);
        server.stderr.on('data', onData);
        server.once('exit', (code) =>
          reject(new Error(`mlops serve exited with ${code}: ${served}`)),
        );
      });
      const answer = await fetch(`${url}/v1/models/seattle-weather:predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'adopter-1' },
        body: JSON.stringify({
          instances: [
            { date: '2015-06-01', precipitation: 0, temp_max: 21.1, temp_min: 11.7, wind: 3.2 },
          ],
        }),
      });
      expect(answer.status, served).toBe(200);
      const { predictions } = (await answer.json()) as { predictions: { label: string }[] };
      expect(['drizzle', 'rain', 'sun', 'snow', 'fog']).toContain(predictions[0]?.label);
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
      steps.push(
        `mlops serve → answered adopter-1 (${predictions[0]?.label ?? '?'}), exit 0 on SIGTERM`,
      );
      await writeFile(path.join(project, 'labels.csv'), 'id,label\nadopter-1,sun\n');
      await mlops(
        'performance',
        '--logs',
        '.mlops/predictions/*.jsonl',
        '--labels',
        'labels.csv',
        '--fail-on',
        'never',
      );

      // The installed package carries the dashboard's bundled charts script.
      await mlops('dashboard', 'build', '--out', 'site');
      expect(
        (await readFile(path.join(project, 'site/assets/charts.js'), 'utf8')).length,
      ).toBeGreaterThan(100_000);
    },
  );
});
