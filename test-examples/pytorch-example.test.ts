/**
 * The breast-cancer example's PyTorch script, trained through the bundled train action exactly as
 * a runner would run it, then its model loaded and run with onnxruntime on the evaluation split.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel } from '../src/adapters/onnx/onnx-model.js';
import { manifestSchema } from '../src/core/manifest/manifest.js';
import { runAction } from '../test/support/run-action.js';
import { createWorkspace, type Workspace } from '../test/support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '..');
const python = process.env.MLOPS_PYTHON ?? '/usr/bin/python3';
let workspace: Workspace;

beforeAll(async () => {
  workspace = await createWorkspace({});
  await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
});
afterAll(async () => {
  await workspace.cleanup();
});

describe('examples/breast-cancer/train.py through the train action', () => {
  it('trains, exports ONNX that loads and predicts the eval split', async () => {
    const run = await runAction({
      action: path.join(root, 'actions/train'),
      cwd: workspace.dir,
      inputs: { command: `${python} train.py`, gpus: 'optional' },
      timeoutMs: 600_000,
    });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const manifest = manifestSchema.parse(
      JSON.parse(await readFile(run.outputs.manifest ?? '', 'utf8')),
    );
    console.log(
      `train.py: ${manifest.training.durationSeconds.toFixed(1)} s, GPUs ${JSON.stringify(manifest.environment.gpus)}, metrics ${JSON.stringify(manifest.metrics)}`,
    );
    expect(manifest.model.outputs.map((o) => o.name)).toEqual(['label', 'probabilities']);
    expect(manifest.model.classes).toEqual(['malignant', 'benign']);
    // The Python side of the provenance: torch's version as torch itself reports it (the
    // distribution's metadata may add a local suffix such as +cpu; compare the release part).
    const torch = execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], {
      encoding: 'utf8',
    }).trim();
    expect(manifest.environment.python?.packages.torch?.split('+')[0]).toBe(torch.split('+')[0]);

    // Run the exported model on the eval split with onnxruntime and score it independently.
    const text = await readFile(workspace.path('data/eval.csv'), 'utf8');
    const [header, ...lines] = text.trim().split('\n');
    const columns = (header ?? '').split(',');
    const featureIndex = manifest.model.features.map((name) => columns.indexOf(name));
    const targetIndex = columns.indexOf('diagnosis');
    const x = new Float32Array(lines.length * featureIndex.length);
    lines.forEach((line, r) => {
      const cells = line.split(',');
      featureIndex.forEach((c, f) => (x[r * featureIndex.length + f] = Number(cells[c])));
    });
    const model = await loadOnnxModel(run.outputs.model ?? '');
    const out = await model.run({
      features: { type: 'float32', data: x, dims: [lines.length, featureIndex.length] },
    });
    await model.release();
    const labels = out.label?.data as BigInt64Array;
    const probabilities = out.probabilities?.data as Float32Array;
    let correct = 0;
    lines.forEach((line, r) => {
      const truth = line.split(',')[targetIndex] === 'malignant' ? 0 : 1;
      const p0 = probabilities[r * 2] ?? 0;
      const p1 = probabilities[r * 2 + 1] ?? 0;
      expect(Number(labels[r])).toBe(p1 > p0 ? 1 : 0);
      expect(p0 + p1).toBeCloseTo(1, 5);
      if (Number(labels[r]) === truth) correct++;
    });
    const accuracy = correct / lines.length;
    console.log(
      `onnxruntime eval accuracy of the PyTorch model: ${accuracy.toFixed(4)} on ${lines.length} records`,
    );
    expect(accuracy).toBeGreaterThan(0.9);
    expect(manifest.metrics.eval_accuracy).toBeCloseTo(accuracy, 2);
  });
});
