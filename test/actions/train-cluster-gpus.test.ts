/**
 * The training contract beyond one runner: a training command that launches a multi-node job
 * (torchrun across a runner group, a Ray job) reports the cluster's GPUs in
 * $MLOPS_OUTPUT_DIR/gpus.json, and the bundled train action records them in the manifest as
 * environment.cluster, beside the runner's own GPUs (none here: gpus: none). The GPU values are
 * those of a real nvidia-smi table (test/fixtures/nvidia-smi/a40x10__550.127.05.table.txt: NVIDIA
 * A40, 46068 MiB, driver 550.127.05, CUDA 12.4). A malformed report fails the step, naming the
 * file and the field; a stale gpus.json from an earlier run is never recorded.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import { manifestSchema } from '../../src/core/manifest/manifest.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';
import { runAction } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const action = path.join(root, 'actions/train');
let workspace: Workspace;

const A40 = { name: 'NVIDIA A40', memoryMiB: 46068, driver: '550.127.05', cuda: '12.4' };

beforeAll(async () => {
  workspace = await createWorkspace({});
  await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
  const schema = parseDatasetSchema(
    await readFile(workspace.path('schema.yml'), 'utf8'),
    'schema.yml',
  );
  const train = await loadFeatureMatrix([workspace.path('data/train.csv')], schema);
  await writeFile(
    workspace.path('baseline.onnx'),
    trainBaseline({ kind: 'logistic-regression', matrix: train, seed: 42 }).onnx,
  );
}, 60_000);

afterAll(async () => {
  await workspace.cleanup();
});

/** A "launcher" in node: writes the model, and gpus.json when given one. */
async function launcher(name: string, report: unknown): Promise<string> {
  await writeFile(
    workspace.path(name),
    `import { copyFileSync, writeFileSync } from 'node:fs';
     copyFileSync('baseline.onnx', process.env.MLOPS_MODEL_PATH);
     const report = ${JSON.stringify(report === undefined ? null : JSON.stringify(report))};
     if (report !== null) writeFileSync(process.env.MLOPS_OUTPUT_DIR + '/gpus.json', report);`,
  );
  return `node ${name}`;
}

const manifest = async () =>
  manifestSchema.parse(
    JSON.parse(await readFile(workspace.path('.mlops/train/manifest.json'), 'utf8')),
  );

describe('train with a multi-node launcher', () => {
  it("records the cluster's GPUs the command reported as environment.cluster", async () => {
    const command = await launcher('torchrun-job.mjs', {
      launcher: 'torchrun',
      nodes: [
        { name: 'gpu-node-0', gpus: [A40, A40] },
        { name: 'gpu-node-1', gpus: [A40, { name: 'NVIDIA A40' }] },
      ],
    });
    const run = await runAction({ action, cwd: workspace.dir, inputs: { command, gpus: 'none' } });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('Cluster (gpus.json, torchrun): 2 node(s), 4 GPU(s).');
    const { environment } = await manifest();
    expect(environment.gpus).toEqual([]);
    expect(environment.cluster).toEqual({
      launcher: 'torchrun',
      nodes: [
        { name: 'gpu-node-0', gpus: [A40, A40] },
        // Fields nvidia-smi could not give are recorded as null.
        {
          name: 'gpu-node-1',
          gpus: [A40, { name: 'NVIDIA A40', memoryMiB: null, driver: null, cuda: null }],
        },
      ],
      gpuCount: 4,
    });
  }, 60_000);

  it('records no cluster when the command wrote no gpus.json, even after a run that did', async () => {
    const command = await launcher('single-node.mjs', undefined);
    const run = await runAction({ action, cwd: workspace.dir, inputs: { command, gpus: 'none' } });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect((await manifest()).environment.cluster).toBeUndefined();
  }, 60_000);

  it('fails on a malformed report, naming the file and the field', async () => {
    const command = await launcher('bad-report.mjs', {
      launcher: 'ray',
      nodes: [{ name: 'head', gpus: [{ ...A40, memoryMiB: '46068 MiB' }] }],
    });
    const run = await runAction({ action, cwd: workspace.dir, inputs: { command, gpus: 'none' } });
    expect(run.exitCode).toBe(1);
    const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(errors.join('\n')).toContain('not a valid cluster GPU report');
    expect(run.stdout + run.stderr).toContain('.mlops/train/gpus.json');
    expect(run.stdout + run.stderr).toContain('nodes[0].gpus[0].memoryMiB');
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('refuses a node listed twice', async () => {
    const command = await launcher('twice.mjs', {
      nodes: [
        { name: 'n0', gpus: [A40] },
        { name: 'n0', gpus: [A40] },
      ],
    });
    const run = await runAction({ action, cwd: workspace.dir, inputs: { command, gpus: 'none' } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout + run.stderr).toContain('node "n0" is listed twice');
  }, 60_000);
});
