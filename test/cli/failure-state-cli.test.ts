/**
 * A failing command leaves the previous state whole, or nothing: every file of the workspace is
 * hashed before and after the failure and the two must be equal. Cases from issue 14: a failed
 * `mlops train` (command failing, or writing something that is not ONNX) used to delete the model
 * and metrics but keep the old manifest; `mlops publish` of a missing or non-ONNX model used to
 * write .mlops/publish/profile.json and then fail with a raw ENOENT; `mlops drift --model
 * missing.onnx` used to exit 0 with "prediction drift was skipped". Runs the built command
 * (`npm run build` first).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlops } from '../support/run-cli.js';
import { snapshotFiles } from '../support/snapshot-files.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');

let ws: Workspace;

beforeAll(async () => {
  ws = await createWorkspace();
  await ws.copyInto(path.join(root, 'examples/breast-cancer'));
}, 60_000);

afterAll(async () => {
  await ws.cleanup();
});

describe('a failure leaves the previous state', { timeout: 120_000 }, () => {
  it('a failed first training leaves no model, metrics or manifest', async () => {
    const before = await snapshotFiles(ws.dir);
    // Writes a partial model and metrics, then fails: neither may stay.
    const result = await mlops(
      ws.dir,
      'train',
      '--command',
      'printf partial > "$MLOPS_MODEL_PATH"; printf \'{"accuracy": 1}\' > "$MLOPS_OUTPUT_DIR/metrics.json"; exit 3',
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('training command failed with exit code 3');
    expect(await snapshotFiles(ws.dir)).toEqual(before);
  });

  it('a failed training after a good one keeps the good model, metrics and manifest', async () => {
    const good = await mlops(ws.dir, 'train', '--builtin', 'logistic-regression');
    expect(good.code, good.stderr).toBe(0);
    const before = await snapshotFiles(ws.dir);
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining([
        '.mlops/train/manifest.json',
        '.mlops/train/metrics.json',
        '.mlops/train/model.onnx',
      ]),
    );

    const failed = await mlops(
      ws.dir,
      'train',
      '--command',
      'printf partial > "$MLOPS_MODEL_PATH"; printf \'{"accuracy": 1}\' > "$MLOPS_OUTPUT_DIR/metrics.json"; exit 1',
    );
    expect(failed.code).not.toBe(0);
    expect(await snapshotFiles(ws.dir)).toEqual(before);

    // The command succeeds but what it wrote is not an ONNX model: refused, state unchanged.
    const notOnnx = await mlops(
      ws.dir,
      'train',
      '--command',
      'printf "not a model" > "$MLOPS_MODEL_PATH"; printf \'{"accuracy": 1}\' > "$MLOPS_OUTPUT_DIR/metrics.json"',
    );
    expect(notOnnx.code).toBe(2);
    expect(notOnnx.stderr).toContain('.mlops/train/model.onnx');
    expect(await snapshotFiles(ws.dir)).toEqual(before);
  });

  it('publish of a missing model: a clear error, nothing written', async () => {
    const before = await snapshotFiles(ws.dir);
    const result = await mlops(ws.dir, 'publish', '--model', 'missing.onnx');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing.onnx: there is no model here');
    expect(result.stderr).not.toContain('ENOENT');
    expect(await snapshotFiles(ws.dir)).toEqual(before);
  });

  it('publish of a file that is not a trained ONNX model: refused before anything is written', async () => {
    await ws.write('notes/model.onnx', 'not a model\n');
    const before = await snapshotFiles(ws.dir);
    // No manifest beside it: train never produced it.
    const alone = await mlops(ws.dir, 'publish', '--model', 'notes/model.onnx');
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('notes/manifest.json: there is no manifest here');
    expect(alone.stderr).not.toContain('ENOENT');
    expect(await snapshotFiles(ws.dir)).toEqual(before);
    // With the trained model's manifest: the digests disagree.
    const other = await mlops(
      ws.dir,
      'publish',
      '--model',
      'notes/model.onnx',
      '--manifest',
      '.mlops/train/manifest.json',
    );
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('this is not the model that training described');
    expect(await snapshotFiles(ws.dir)).toEqual(before);
  });

  it('publish with a missing --profile or --report: an error, nothing written', async () => {
    const before = await snapshotFiles(ws.dir);
    const profile = await mlops(ws.dir, 'publish', '--profile', 'nowhere/profile.json');
    expect(profile.code).toBe(2);
    expect(profile.stderr).toContain('there is no profile here');
    const report = await mlops(ws.dir, 'publish', '--report', 'nowhere/report.json');
    expect(report.code).toBe(2);
    expect(report.stderr).toContain('there is no evaluation report here');
    expect(await snapshotFiles(ws.dir)).toEqual(before);
  });

  it('drift --model missing.onnx is an error, not a skipped check; no report is written', async () => {
    const before = await snapshotFiles(ws.dir);
    const result = await mlops(
      ws.dir,
      'drift',
      '--model',
      'missing.onnx',
      '--reference',
      'data/train.csv',
      '--current',
      'data/eval.csv',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('there is no model at "missing.onnx"');
    expect(result.stdout).not.toContain('skipped');
    expect(await snapshotFiles(ws.dir)).toEqual(before);
  });

  it('drift --reference naming a profile that does not exist: a clear error, no report', async () => {
    const before = await snapshotFiles(ws.dir);
    const result = await mlops(
      ws.dir,
      'drift',
      '--reference',
      'missing/profile.json',
      '--current',
      'data/eval.csv',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing/profile.json: there is no reference profile here');
    expect(result.stderr).not.toContain('ENOENT');
    expect(await snapshotFiles(ws.dir)).toEqual(before);
  });

  it('drift --model naming a file that is not ONNX is an error too', async () => {
    const before = await snapshotFiles(ws.dir);
    const result = await mlops(
      ws.dir,
      'drift',
      '--model',
      'notes/model.onnx',
      '--reference',
      'data/train.csv',
      '--current',
      'data/eval.csv',
    );
    expect(result.code).toBe(2);
    expect(result.stdout).not.toContain('Prediction drift was skipped');
    expect(await snapshotFiles(ws.dir)).toEqual(before);
  });
});
