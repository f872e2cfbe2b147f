/**
 * A platform the release ships no onnxruntime binary for, emulated on this one: the bundled
 * actions run from a copy of the tree whose `dist/node_modules/onnxruntime-node` has its
 * JavaScript but no `bin/` (as on a macOS or Windows runner, where the release tree holds linux
 * binaries only), and the npm registry it would fetch from answers 404. Steps that score nothing
 * (validate-data, check-drift without a model, train with the user's own command) must not notice;
 * evaluate must fail with one line naming the platform, what it tried and what to do, and no
 * stack trace.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const platform = `${process.platform}/${process.arch}`;

let tree: string;
let emulator: GitHubEmulator;
let workspace: Workspace;
let registry: Server;
let registryUrl: string;
const registryRequests: string[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  tree = await mkdtemp(path.join(os.tmpdir(), 'mlops-no-ort-'));
  await cp(path.join(root, 'actions'), path.join(tree, 'actions'), { recursive: true });
  await cp(path.join(root, 'bin'), path.join(tree, 'bin'), { recursive: true });
  await cp(path.join(root, 'dist'), path.join(tree, 'dist'), {
    recursive: true,
    filter: (source) => !source.includes(`${path.sep}node_modules`),
  });
  // onnxruntime-node without its binaries, and onnxruntime-common, which it requires.
  const modules = path.join(tree, 'dist/node_modules');
  const ortNode = path.join(root, 'node_modules/onnxruntime-node');
  await mkdir(path.join(modules, 'onnxruntime-node'), { recursive: true });
  await cp(path.join(ortNode, 'package.json'), path.join(modules, 'onnxruntime-node/package.json'));
  await cp(path.join(ortNode, 'dist'), path.join(modules, 'onnxruntime-node/dist'), {
    recursive: true,
  });
  await cp(
    path.join(root, 'node_modules/onnxruntime-common'),
    path.join(modules, 'onnxruntime-common'),
    { recursive: true },
  );

  registry = createServer((request, response) => {
    registryRequests.push(request.url ?? '');
    response.statusCode = 404;
    response.end('{"error":"Not found"}');
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  registryUrl = `http://127.0.0.1:${(registry.address() as AddressInfo).port}`;
  env = {
    MLOPS_NPM_REGISTRY: registryUrl,
    // A cache of its own: a copy fetched by another test must not be found here.
    MLOPS_CACHE_DIR: path.join(tree, 'cache'),
  };

  emulator = await startGitHubEmulator();
  workspace = await createWorkspace({});
  await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
  const schema = parseDatasetSchema(
    await readFile(workspace.path('schema.yml'), 'utf8'),
    'schema.yml',
  );
  const matrix = await loadFeatureMatrix([workspace.path('data/train.csv')], schema);
  await workspace.write(
    'prebuilt.onnx',
    Buffer.from(trainBaseline({ kind: 'logistic-regression', matrix, seed: 7 }).onnx),
  );
  await workspace.write(
    'copy-model.mjs',
    "import { copyFileSync } from 'node:fs';\ncopyFileSync('prebuilt.onnx', process.env.MLOPS_MODEL_PATH);\n",
  );
}, 120_000);

afterAll(async () => {
  await workspace.cleanup();
  await emulator.close();
  await new Promise((resolve) => registry.close(resolve));
  await rm(tree, { recursive: true, force: true });
});

function run(
  action: string,
  inputs: Record<string, string>,
  extra: Partial<Parameters<typeof runAction>[0]> = {},
): Promise<ActionRun> {
  return runAction({
    action: path.join(tree, 'actions', action),
    cwd: workspace.dir,
    inputs,
    env,
    github: { apiUrl: emulator.url, repository: emulator.repo.fullName, runId: 31 },
    timeoutMs: 60_000,
    ...extra,
  });
}

const errors = (result: ActionRun) =>
  result.annotations.filter((a) => a.level === 'error').map((a) => a.message);

describe(`actions on a platform without an onnxruntime binary (emulated on ${platform})`, () => {
  it('validate-data succeeds', async () => {
    const result = await run('validate-data', {
      schema: 'schema.yml',
      data: 'data/train.csv',
      'github-token': emulator.token,
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.valid).toBe('true');
  });

  it('check-drift without a model succeeds', async () => {
    const result = await run('check-drift', {
      'github-token': emulator.token,
      model: 'none',
      'fail-on': 'never',
      reference: 'data/train.csv',
      current: 'data/eval.csv',
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.severity).toBeTruthy();
  });

  it("train with the user's own command succeeds, reading the model without loading it", async () => {
    const result = await run('train', { command: 'node copy-model.mjs', gpus: 'none' });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `onnxruntime is not installed for ${platform} here, so .mlops/train/model.onnx was read but not loaded`,
    );
    const manifest = JSON.parse(
      await readFile(path.resolve(workspace.dir, result.outputs.manifest ?? ''), 'utf8'),
    ) as {
      model: { inputs: unknown[]; outputs: { name: string }[]; features: string[] };
      environment?: { packages?: Record<string, string> };
    };
    // What onnxruntime reports for this model (test/train/inspect-onnx-model.test.ts checks the
    // two readings agree): one float32 input of 30 features per record.
    expect(manifest.model.inputs).toEqual([
      { name: 'features', type: 'float32', shape: ['N', 30] },
    ]);
    expect(manifest.model.outputs.map((o) => o.name).sort()).toEqual(['label', 'probabilities']);
    expect(manifest.model.features).toHaveLength(30);
    // The step never loaded onnxruntime, so it does not claim a version of it.
    expect(JSON.stringify(manifest)).not.toContain('onnxruntime-node');
    expect(registryRequests).toEqual([]);
  });

  it('evaluate fails with one clear line naming the platform, and no stack trace', async () => {
    const prNumber = emulator.repo.addIssue({ title: 'Retrain' }).number;
    const headSha = emulator.repo.refs.get('refs/heads/main') as string;
    const result = await run(
      'evaluate',
      { 'github-token': emulator.token },
      {
        event: {
          name: 'pull_request',
          payload: { number: prNumber, pull_request: { number: prNumber, head: { sha: headSha } } },
        },
      },
    );
    expect(result.exitCode).toBe(1);
    const messages = errors(result);
    expect(messages).toHaveLength(1);
    const [message] = messages as [string];
    expect(message).not.toContain('\n');
    expect(message).toBe(
      `onnxruntime-node 1.30.0 for ${platform} is not installed here and could not be fetched: fetching onnxruntime-node@1.30.0 (${registryUrl}/onnxruntime-node/-/onnxruntime-node-1.30.0.tgz) failed: Unexpected HTTP response: 404. Let the runner reach the npm registry (or set MLOPS_NPM_REGISTRY to a mirror), or run this step on a linux x64 or arm64 runner, whose binaries ship with the action`,
    );
    expect(result.stdout + result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout + result.stderr).not.toContain('onnxruntime_binding.node');
    expect(registryRequests).toEqual(['/onnxruntime-node/-/onnxruntime-node-1.30.0.tgz']);
  });

  it('mlops evaluate fails the same way, with one error line on stderr', async () => {
    const result = await promisify(execFile)(
      process.execPath,
      [path.join(tree, 'bin/mlops.js'), 'evaluate'],
      { cwd: workspace.dir, env: { ...process.env, ...env, GITHUB_ACTIONS: '' } },
    ).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(result.code).toBe(2);
    // A progress line, then the error: one line, no stack.
    const lines = result.stderr.trim().split('\n');
    expect(lines, result.stderr).toHaveLength(2);
    expect(lines[0]).toBe(
      `Fetching onnxruntime-node@1.30.0: ${registryUrl}/onnxruntime-node/-/onnxruntime-node-1.30.0.tgz`,
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `onnxruntime-node 1\\.30\\.0 for ${platform} is not installed here and could not be fetched: fetching onnxruntime-node@1\\.30\\.0 \\(.*\\) failed: Unexpected HTTP response: 404\\. Let the runner reach the npm registry`,
      ),
    );
    expect(result.stdout).not.toContain('::debug::');
  });
});
