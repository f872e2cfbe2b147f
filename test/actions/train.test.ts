/**
 * The bundled train action, run as a GitHub runner runs it: built-in baselines and training
 * commands under the contract, the manifest, GPU policies against a fake nvidia-smi that prints a
 * real captured output, and failures that say what went wrong.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../../src/core/manifest/manifest.js';
import { expectMermaidParses } from '../support/mermaid-parse.js';
import { runAction } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const action = path.join(root, 'actions/train');

let workspace: Workspace;
/** A real model made by the first test, that fake training commands copy. */
let baselineModel: Buffer;

beforeAll(async () => {
  workspace = await createWorkspace({});
  await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
});

afterAll(async () => {
  await workspace.cleanup();
});

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A training command written in node, so the tests need no Python. */
async function script(name: string, body: string): Promise<string> {
  await writeFile(workspace.path(name), body);
  return `node ${name}`;
}

describe('train action', () => {
  it('trains the built-in logistic regression on the example and writes a valid manifest', async () => {
    const run = await runAction({
      action,
      cwd: workspace.dir,
      inputs: { builtin: 'logistic-regression', gpus: 'none' },
      github: { repository: 'octo/models', sha: 'a'.repeat(40), runId: 77 },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const modelPath = workspace.path('.mlops/train/model.onnx');
    expect(run.outputs.model).toBe(modelPath);
    baselineModel = await readFile(modelPath);
    expect(run.outputs['model-digest']).toBe(sha256(baselineModel));
    expect(JSON.parse(run.outputs.gpus ?? '')).toEqual([]);
    const metrics = JSON.parse(run.outputs.metrics ?? '{}') as Record<string, number>;
    expect(metrics.eval_accuracy).toBeGreaterThan(0.9);

    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(workspace.path('.mlops/train/manifest.json'), 'utf8')),
    );
    expect(run.outputs.manifest).toBe(workspace.path('.mlops/train/manifest.json'));
    expect(manifest.model).toMatchObject({
      name: 'breast-cancer',
      version: null,
      task: 'binary-classification',
      target: 'diagnosis',
      classes: ['malignant', 'benign'],
      file: { path: 'model.onnx', digest: sha256(baselineModel), bytes: baselineModel.byteLength },
    });
    expect(manifest.model.features).toHaveLength(30);
    expect(manifest.model.inputs).toEqual([
      { name: 'features', type: 'float32', shape: ['N', 30] },
    ]);
    expect(manifest.data.train).toEqual([
      {
        path: 'data/train.csv',
        digest: sha256(await readFile(workspace.path('data/train.csv'))),
        bytes: (await readFile(workspace.path('data/train.csv'))).byteLength,
      },
    ]);
    expect(manifest.training).toMatchObject({
      builtin: 'logistic-regression',
      command: null,
      seed: 42,
    });
    expect(manifest.source).toMatchObject({
      repository: 'octo/models',
      commit: 'a'.repeat(40),
      runUrl: 'https://github.com/octo/models/actions/runs/77',
    });
    // Outside a real run the artifact upload is skipped, and the log says so.
    expect(run.stdout).toContain('skipping the upload of artifact "model-breast-cancer"');
    expect(run.summary).toContain('Trained breast-cancer');
  });

  it('gives a training command the contract and collects its metrics', async () => {
    await writeFile(workspace.path('baseline.onnx'), baselineModel);
    const command = await script(
      'fake-train.mjs',
      `import { copyFileSync, writeFileSync } from 'node:fs';
       const keys = Object.keys(process.env).filter((k) => k.startsWith('MLOPS_') || k === 'CUDA_VISIBLE_DEVICES');
       writeFileSync('contract.json', JSON.stringify(Object.fromEntries(keys.map((k) => [k, process.env[k]]))));
       console.log('epoch 1/1 done');
       copyFileSync('baseline.onnx', process.env.MLOPS_MODEL_PATH);
       writeFileSync(process.env.MLOPS_OUTPUT_DIR + '/metrics.json', JSON.stringify({ eval_accuracy: 0.97, 'loss/train': 0.1 }));`,
    );
    const run = await runAction({
      action,
      cwd: workspace.dir,
      inputs: { command, seed: '7', gpus: 'none' },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(JSON.parse(run.outputs.metrics ?? '')).toEqual({
      eval_accuracy: 0.97,
      'loss/train': 0.1,
    });
    const contract = JSON.parse(await readFile(workspace.path('contract.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(contract).toEqual({
      MLOPS_OUTPUT_DIR: workspace.path('.mlops/train'),
      MLOPS_MODEL_PATH: workspace.path('.mlops/train/model.onnx'),
      MLOPS_SEED: '7',
      MLOPS_DATA_TRAIN: workspace.path('data/train.csv'),
      MLOPS_DATA_EVAL: workspace.path('data/eval.csv'),
      MLOPS_SCHEMA: workspace.path('schema.yml'),
      MLOPS_FEATURES: expect.stringMatching(
        /^\["mean radius","mean texture",/,
      ) as unknown as string,
      MLOPS_TARGET: 'diagnosis',
      MLOPS_CLASSES: '["malignant","benign"]',
      CUDA_VISIBLE_DEVICES: '',
    });
    // The command's output is in a log group.
    expect(run.commands.map((c) => c.name)).toEqual(expect.arrayContaining(['group', 'endgroup']));
    expect(run.stdout).toContain('epoch 1/1 done');
  });

  it('records the training curves a command writes and draws them in the summary', async () => {
    await writeFile(workspace.path('baseline.onnx'), baselineModel);
    const lines = [
      '{"epoch": 1, "train_loss": 0.6, "val_loss": 0.65, "val_accuracy": 0.8}',
      '{"epoch": 2, "train_loss": 0.4, "val_loss": 0.5, "val_accuracy": 0.9}',
      '{"epoch": 3, "train_loss": 0.3, "val_loss": 0.45, "val_accuracy": 0.92}',
    ];
    const text = `${lines.join('\n')}\n`;
    const command = await script(
      'curves-train.mjs',
      `import { copyFileSync, writeFileSync } from 'node:fs';
       copyFileSync('baseline.onnx', process.env.MLOPS_MODEL_PATH);
       writeFileSync(process.env.MLOPS_OUTPUT_DIR + '/metrics-history.jsonl', ${JSON.stringify(text)});`,
    );
    const run = await runAction({ action, cwd: workspace.dir, inputs: { command, gpus: 'none' } });
    expect(run.exitCode, run.stdout).toBe(0);
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(workspace.path('.mlops/train/manifest.json'), 'utf8')),
    );
    expect(manifest.training.metricsHistory).toEqual({
      path: 'metrics-history.jsonl',
      digest: `sha256:${createHash('sha256').update(text).digest('hex')}`,
      bytes: Buffer.byteLength(text),
    });
    expect(run.summary).toContain('#### Training curves');
    expect(run.summary).toContain('  line [0.6, 0.4, 0.3]\n  line [0.65, 0.5, 0.45]');
    expect(run.summary).toContain('  line [0.8, 0.9, 0.92]');
    expect(await expectMermaidParses(run.summary)).toBe(2);

    // A line that does not fit fails the run, naming the line and the field.
    await writeFile(
      workspace.path('bad-curves.mjs'),
      `import { copyFileSync, writeFileSync } from 'node:fs';
       copyFileSync('baseline.onnx', process.env.MLOPS_MODEL_PATH);
       writeFileSync(process.env.MLOPS_OUTPUT_DIR + '/metrics-history.jsonl', '{"epoch": 1, "loss": 0.5}\\n{"epoch": 2, "loss": "low"}\\n');`,
    );
    const bad = await runAction({
      action,
      cwd: workspace.dir,
      inputs: { command: 'node bad-curves.mjs', gpus: 'none' },
    });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain('.mlops/train/metrics-history.jsonl:2 (loss)');
  });

  it.skipIf(!existsSync('/usr/bin/python3'))(
    'records the Python a command ran and its packages in the manifest',
    async () => {
      await writeFile(
        workspace.path('copy_model.py'),
        'import os, shutil\nshutil.copy("baseline.onnx", os.environ["MLOPS_MODEL_PATH"])\n',
      );
      const run = await runAction({
        action,
        cwd: workspace.dir,
        inputs: { command: 'PYTHONHASHSEED=0 /usr/bin/python3 copy_model.py', gpus: 'none' },
      });
      expect(run.exitCode, run.stdout).toBe(0);
      const manifest = manifestSchema.parse(
        JSON.parse(await readFile(workspace.path('.mlops/train/manifest.json'), 'utf8')),
      );
      // "Python 3.11.2", as the interpreter gives it.
      const version = execFileSync('/usr/bin/python3', ['--version'], { encoding: 'utf8' }).trim();
      expect(`Python ${manifest.environment.python?.version ?? ''}`).toBe(version);
      expect(Object.keys(manifest.environment.python?.packages ?? {}).length).toBeGreaterThan(0);
    },
  );

  it('fails with the command exit code and its last lines', async () => {
    const command = await script(
      'fail.mjs',
      `console.log('loading data'); console.error('CUDA out of memory'); process.exit(3);`,
    );
    const run = await runAction({ action, cwd: workspace.dir, inputs: { command, gpus: 'none' } });
    expect(run.exitCode).toBe(3);
    const [failure] = run.annotations.filter((a) => a.level === 'error');
    expect(failure?.message).toBe(
      'training command failed with exit code 3. Last lines of its output:\nloading data\nCUDA out of memory',
    );
  });

  it('refuses a model that onnxruntime cannot load, and metrics that are not named numbers', async () => {
    const garbage = await script(
      'garbage.mjs',
      `import { writeFileSync } from 'node:fs'; writeFileSync(process.env.MLOPS_MODEL_PATH, 'not a model');`,
    );
    const bad = await runAction({
      action,
      cwd: workspace.dir,
      inputs: { command: garbage, gpus: 'none' },
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.annotations[0]?.message).toMatch(
      /^\.mlops\/train\/model\.onnx: not a loadable ONNX model/,
    );

    const metrics = await script(
      'metrics.mjs',
      `import { copyFileSync, writeFileSync } from 'node:fs';
       copyFileSync('baseline.onnx', process.env.MLOPS_MODEL_PATH);
       writeFileSync(process.env.MLOPS_OUTPUT_DIR + '/metrics.json', '{"accuracy": "high"}');`,
    );
    const badMetrics = await runAction({
      action,
      cwd: workspace.dir,
      inputs: { command: metrics, gpus: 'none' },
    });
    expect(badMetrics.exitCode).toBe(1);
    expect(badMetrics.annotations[0]?.message).toBe(
      '.mlops/train/metrics.json (accuracy): expected a finite number, got "high"',
    );

    const nothing = await script('nothing.mjs', `console.log('forgot to save');`);
    const missing = await runAction({
      action,
      cwd: workspace.dir,
      inputs: { command: nothing, gpus: 'none' },
    });
    expect(missing.annotations[0]?.message).toBe(
      '.mlops/train/model.onnx: training finished but wrote no model here; the command must write its ONNX model to MLOPS_MODEL_PATH',
    );
  });

  it('ends a command that runs past its time limit', async () => {
    const command = await script(
      'slow.mjs',
      `console.log('starting'); setTimeout(() => {}, 60_000);`,
    );
    const started = Date.now();
    // 0.02 minutes is 1.2 s.
    const run = await runAction({
      action,
      cwd: workspace.dir,
      inputs: { command, gpus: 'none', 'timeout-minutes': '0.02' },
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.exitCode).not.toBe(0);
    expect(run.annotations[0]?.message).toMatch(
      /^training command timed out after 0\.02 minute\(s\); the whole process tree was ended/,
    );
  });

  it('fails at once with gpus: required on a runner without nvidia-smi, saying what it looked for', async () => {
    const command = await script(
      'never.mjs',
      `import { writeFileSync } from 'node:fs'; writeFileSync('ran.txt', 'yes');`,
    );
    const run = await runAction({
      action,
      cwd: workspace.dir,
      inputs: { command, gpus: 'required' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toMatch(
      /^action inputs \(gpus\): gpus: required, but no NVIDIA GPU is usable on this runner: nvidia-smi not found in PATH/,
    );
    await expect(readFile(workspace.path('ran.txt'))).rejects.toThrow();
  });

  it('reports the GPUs that nvidia-smi lists', async () => {
    // A fake nvidia-smi that prints a real H100 output (see test/fixtures/nvidia-smi/).
    const bin = path.join(root, 'test/fixtures/nvidia-smi/bin');
    await chmod(path.join(bin, 'nvidia-smi'), 0o755).catch(() => undefined);
    const previous = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${previous ?? ''}`;
    try {
      const command = await script(
        'gpu.mjs',
        `import { copyFileSync, writeFileSync } from 'node:fs';
         writeFileSync('cuda.txt', process.env.CUDA_VISIBLE_DEVICES ?? 'unset');
         copyFileSync('baseline.onnx', process.env.MLOPS_MODEL_PATH);`,
      );
      const run = await runAction({
        action,
        cwd: workspace.dir,
        inputs: { command, gpus: 'required' },
      });
      expect(run.exitCode, run.stdout).toBe(0);
      const gpus = JSON.parse(run.outputs.gpus ?? '[]') as { name: string }[];
      expect(gpus.length).toBeGreaterThan(0);
      expect(await readFile(workspace.path('cuda.txt'), 'utf8')).toMatch(
        /^GPU-[0-9a-fx-]+(,GPU-[0-9a-fx-]+)*$/,
      );
    } finally {
      process.env.PATH = previous;
    }
  });
});
