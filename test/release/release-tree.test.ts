/**
 * The release tree (scripts/build-release-tree.mjs) is what `uses: ...@v1` runs: no npm install,
 * so every runtime package the bundle leaves external must be inside it. The tree is built into a
 * temporary folder outside the repository, where Node's resolution cannot fall back on the
 * repository's node_modules, and its actions are run as a runner runs them: train the built-in
 * baseline on the example, then evaluate it. A probe preloaded into the action's process lists the
 * onnxruntime shared objects it mapped, which must be the tree's.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { runAction } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
// The tree ships onnxruntime's Linux x64 binaries only (GitHub's Ubuntu runners).
const supported = process.platform === 'linux' && process.arch === 'x64';

/** Preloaded with --import: on exit, writes the onnxruntime files mapped into the process. */
const PROBE = `import { readFileSync, writeFileSync } from 'node:fs';
process.on('exit', () => {
  const mapped = readFileSync('/proc/self/maps', 'utf8')
    .split('\\n')
    .map((line) => line.split(/\\s+/).slice(5).join(' '))
    .filter((file) => /onnxruntime/.test(file));
  writeFileSync(process.env.ORT_PROBE_OUT, JSON.stringify([...new Set(mapped)]));
});
`;

describe.runIf(supported)('release tree', () => {
  let temp: string;
  let tree: string;
  let buildOutput: string;
  let workspace: Workspace;
  let emulator: GitHubEmulator;

  beforeAll(async () => {
    temp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'mlops-release-')));
    tree = path.join(temp, 'tree');
    // --skip-build: the tests run on the dist/ `npm run build` made (as the action tests do),
    // never rebuilding a dist/ other test files may be running.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'scripts/build-release-tree.mjs'), tree, '--skip-build'],
      { cwd: root },
    );
    buildOutput = stdout;
    workspace = await createWorkspace({});
    await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
    emulator = await startGitHubEmulator();
  }, 120_000);

  afterAll(async () => {
    await emulator?.close();
    await workspace?.cleanup();
    if (temp) await rm(temp, { recursive: true, force: true });
  });

  it('is built outside the repository and prints its size', () => {
    expect(path.relative(root, tree).startsWith('..')).toBe(true);
    expect(buildOutput).toMatch(/^release tree .+: \d+ files, [\d.]+ MiB$/m);
  });

  it('holds the actions, the bundle and only the Linux x64 onnxruntime binaries', async () => {
    const ort = path.join(tree, 'dist/node_modules/onnxruntime-node');
    for (const file of [
      'action.yml',
      'actions/train/action.yml',
      'actions/evaluate/action.yml',
      'dist/index.js',
      'dist/evaluate.js',
      'dist/node_modules/onnxruntime-node/package.json',
      'dist/node_modules/onnxruntime-node/dist/index.js',
      'dist/node_modules/onnxruntime-common/package.json',
    ]) {
      expect((await stat(path.join(tree, file))).isFile(), file).toBe(true);
    }
    for (const napi of await readdir(path.join(ort, 'bin'))) {
      expect(await readdir(path.join(ort, 'bin', napi))).toEqual(['linux']);
      expect(await readdir(path.join(ort, 'bin', napi, 'linux'))).toEqual(['x64']);
    }
    // Install scripts and TypeScript sources stay behind.
    expect((await readdir(ort)).sort()).toEqual(['bin', 'dist', 'package.json']);
    expect(await readdir(path.join(ort, 'dist'))).not.toContainEqual(
      expect.stringMatching(/\.ts$/),
    );
  });

  it(
    'runs train and evaluate with the onnxruntime inside the tree',
    { timeout: 180_000 },
    async () => {
      const probe = path.join(temp, 'probe.mjs');
      const probeOut = path.join(temp, 'onnxruntime-files.json');
      await writeFile(probe, PROBE);

      const train = await runAction({
        action: path.join(tree, 'actions/train'),
        cwd: workspace.dir,
        inputs: { builtin: 'logistic-regression', gpus: 'none' },
        timeoutMs: 90_000,
      });
      expect(train.exitCode, train.stdout + train.stderr).toBe(0);
      expect(train.outputs['model']).toBe(workspace.path('.mlops/train/model.onnx'));

      const headSha = emulator.repo.refs.get('refs/heads/main') as string;
      const evaluate = await runAction({
        action: path.join(tree, 'actions/evaluate'),
        cwd: workspace.dir,
        inputs: {
          'github-token': emulator.token,
          model: '.mlops/train/model.onnx',
          baseline: 'none',
          comment: 'false',
        },
        env: {
          NODE_OPTIONS: `--import=${pathToFileURL(probe).href}`,
          ORT_PROBE_OUT: probeOut,
        },
        github: { apiUrl: emulator.url, repository: emulator.repo.fullName, sha: headSha },
        timeoutMs: 90_000,
      });
      expect(evaluate.exitCode, evaluate.stdout + evaluate.stderr).toBe(0);
      expect(evaluate.outputs['passed']).toBe('true');
      const metrics = JSON.parse(evaluate.outputs['metrics'] ?? '{}') as {
        candidate: Record<string, number>;
      };
      // 107 of the 114 evaluation records, as in test/actions/evaluate.test.ts.
      expect(metrics.candidate['accuracy']).toBeCloseTo(107 / 114, 12);

      const mapped = JSON.parse(await readFile(probeOut, 'utf8')) as string[];
      const binding = mapped.filter((file) => file.endsWith('onnxruntime_binding.node'));
      expect(binding).toEqual([
        path.join(
          tree,
          'dist/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
        ),
      ]);
      expect(mapped.length).toBeGreaterThan(1); // libonnxruntime.so.1 beside it
      for (const file of mapped) expect(file.startsWith(`${tree}${path.sep}`), file).toBe(true);
    },
  );
});
