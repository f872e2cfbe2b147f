/**
 * probeGpus and the sampler against a fake nvidia-smi on PATH that replays real captures
 * (test/fixtures/nvidia-smi/bin, sources in the README there). Expected values are read off the
 * captured text.
 */
import { chmod, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probeGpus, startGpuSampler } from '../../src/adapters/gpu/nvidia-smi-probe.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const binDir = path.resolve(import.meta.dirname, '../fixtures/nvidia-smi/bin');
const driverMessage =
  "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.";

beforeAll(async () => {
  // A checkout may lose the executable bit (an archive, a Windows clone).
  await chmod(path.join(binDir, 'nvidia-smi'), 0o755);
});

let workspace: Workspace | undefined;
afterEach(async () => {
  await workspace?.cleanup();
  workspace = undefined;
});

/** An environment whose PATH finds the fake first (node stays reachable for its wrapper). */
function fakeEnv(scenario: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${binDir}${path.delimiter}${process.env['PATH'] ?? ''}`,
    FAKE_NVIDIA_SMI_SCENARIO: scenario,
    ...extra,
  };
}

async function callLog(ws: Workspace): Promise<string[][]> {
  const text = await ws.read('calls.jsonl').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { args: string[] }).args);
}

describe('probeGpus', () => {
  it('reports an H100 with driver and CUDA versions', async () => {
    const result = await probeGpus({ env: fakeEnv('h100') });
    expect(result).toEqual({
      available: true,
      gpus: [
        {
          index: 0,
          uuid: 'GPU-00000000-0000-0000-0000-000000000000',
          name: 'NVIDIA H100 80GB HBM3',
          memoryMiB: 81559,
          driver: '590.48.01',
          cuda: '13.1',
        },
      ],
      warnings: [],
    });
  });

  it('falls back to the table header for CUDA when nvidia-smi has no --version', async () => {
    workspace = await createWorkspace();
    const log = workspace.path('calls.jsonl');
    const result = await probeGpus({ env: fakeEnv('h100-mig', { FAKE_NVIDIA_SMI_LOG: log }) });
    expect(result.gpus).toEqual([
      expect.objectContaining({ name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, cuda: '13.1' }),
    ]);
    const calls = await callLog(workspace);
    expect(calls).toContainEqual(['--version']);
    expect(calls).toContainEqual([]);
    // -L is only needed to resolve MIG UUIDs.
    expect(calls).not.toContainEqual(['-L']);
  });

  it('lists all ten GPUs of a multi-GPU box', async () => {
    const result = await probeGpus({ env: fakeEnv('a40x10') });
    expect(result.available).toBe(true);
    expect(result.gpus.map((gpu) => gpu.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(result.gpus[5]).toEqual({
      index: 5,
      uuid: 'GPU-1003dfb9-5321-b26d-f6a4-6077b646fa08',
      name: 'NVIDIA A40',
      memoryMiB: 46068,
      driver: '550.127.05',
      cuda: '12.4',
    });
  });

  it('keeps only the GPUs CUDA_VISIBLE_DEVICES names, by index or UUID prefix, in its order', async () => {
    const env = fakeEnv('a40x10', { CUDA_VISIBLE_DEVICES: 'GPU-1003dfb9,3' });
    const result = await probeGpus({ env });
    expect(result.gpus.map((gpu) => [gpu.index, gpu.uuid])).toEqual([
      [5, 'GPU-1003dfb9-5321-b26d-f6a4-6077b646fa08'],
      [3, 'GPU-b60642c3-5e0a-4748-ffa6-75a20ab8724f'],
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('warns about an entry that names no GPU and keeps those before it', async () => {
    const result = await probeGpus({ env: fakeEnv('a40x10', { CUDA_VISIBLE_DEVICES: '0,12,1' }) });
    expect(result.gpus.map((gpu) => gpu.index)).toEqual([0]);
    expect(result.warnings).toEqual([
      "CUDA_VISIBLE_DEVICES entry '12' is not the index of any GPU; CUDA hides it and every entry after it",
    ]);
  });

  it.each(['', '-1'])('reports no GPU available when CUDA_VISIBLE_DEVICES is %j', async (value) => {
    const result = await probeGpus({ env: fakeEnv('a40x10', { CUDA_VISIBLE_DEVICES: value }) });
    expect(result).toEqual({
      available: false,
      gpus: [],
      reason: `CUDA_VISIBLE_DEVICES='${value}' leaves none of the 10 GPU(s) nvidia-smi lists visible`,
      warnings: [],
    });
  });

  it('resolves a MIG device through nvidia-smi -L and claims none of the GPU memory', async () => {
    workspace = await createWorkspace();
    const env = fakeEnv('h100-mig', {
      CUDA_VISIBLE_DEVICES: 'MIG-00000001-0000-0000-0000-000000000001',
      FAKE_NVIDIA_SMI_LOG: workspace.path('calls.jsonl'),
    });
    const result = await probeGpus({ env });
    expect(result.gpus).toEqual([
      {
        index: 0,
        uuid: 'GPU-00000000-0000-0000-0000-000000000000',
        name: 'NVIDIA H100 80GB HBM3 MIG 2g.20gb',
        memoryMiB: null,
        driver: '590.48.01',
        cuda: '13.1',
        mig: { uuid: 'MIG-00000001-0000-0000-0000-000000000001', profile: '2g.20gb' },
      },
    ]);
    expect(await callLog(workspace)).toContainEqual(['-L']);
  });

  it('says where it looked when nvidia-smi is not on PATH', async () => {
    workspace = await createWorkspace({ 'empty/.keep': '' });
    const dirs = [workspace.path('empty'), '/nonexistent/bin'];
    const result = await probeGpus({ env: { PATH: dirs.join(path.delimiter) } });
    expect(result).toEqual({
      available: false,
      gpus: [],
      reason: `nvidia-smi not found in PATH (looked in: ${dirs.join(', ')})`,
      warnings: [],
    });
    expect((await probeGpus({ env: { PATH: '' } })).reason).toBe(
      'nvidia-smi not found: PATH is empty',
    );
    expect((await probeGpus({ nvidiaSmi: '/nonexistent/nvidia-smi' })).reason).toBe(
      '/nonexistent/nvidia-smi not found or not executable',
    );
  });

  it("quotes nvidia-smi's own message when the driver is not loaded", async () => {
    const result = await probeGpus({ env: fakeEnv('driver-not-loaded') });
    expect(result).toEqual({
      available: false,
      gpus: [],
      reason: `nvidia-smi failed (exit code 9): ${driverMessage}`,
      warnings: [],
    });
  });

  it('gives up on an nvidia-smi that hangs', async () => {
    workspace = await createWorkspace({ 'bin/nvidia-smi': '#!/bin/sh\nexec sleep 30\n' });
    await chmod(workspace.path('bin/nvidia-smi'), 0o755);
    const started = Date.now();
    const result = await probeGpus({ nvidiaSmi: workspace.path('bin/nvidia-smi'), timeoutMs: 300 });
    expect(result.available).toBe(false);
    expect(result.reason).toBe('nvidia-smi did not answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('startGpuSampler', () => {
  /** Writes the outputs the fake prints, one per call, and returns an environment using them. */
  async function sequence(steps: { stdout: string; code?: number }[]): Promise<NodeJS.ProcessEnv> {
    workspace = await createWorkspace({ 'steps.json': JSON.stringify(steps) });
    return fakeEnv('sequence', { FAKE_NVIDIA_SMI_SEQUENCE: workspace.path('steps.json') });
  }

  async function waitForCalls(count: number): Promise<void> {
    const counter = workspace?.path('steps.json.count') ?? '';
    for (let i = 0; i < 500; i++) {
      const calls = Number(await readFile(counter, 'utf8').catch(() => '0'));
      if (calls >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`the sampler did not reach ${count} samples`);
  }

  it('keeps the peak memory and mean utilization per GPU, through a failing sample', async () => {
    // Readings from the H100 captures: idle (0 MiB, 0 %), under load (19818 MiB, 100 %), and the
    // MIG-mode GPU (59 MiB, utilization [N/A]); the failure is the driver message of the README.
    const env = await sequence([
      { stdout: '0, 0, 0\n' },
      { stdout: `${driverMessage}\n`, code: 9 },
      { stdout: '0, 19818, 100\n' },
      { stdout: '0, 59, [N/A]\n' },
      { stdout: '0, 0, 0\n' },
    ]);
    const sampler = startGpuSampler({ env, intervalMs: 10 });
    await waitForCalls(5);
    const usage = await sampler.stop();
    // Four or more good samples: the last step repeats until stop() lands.
    expect(usage.samples).toBeGreaterThanOrEqual(4);
    expect(usage.failures).toBe(1);
    expect(usage.lastError).toBe(`nvidia-smi failed (exit code 9): ${driverMessage}`);
    expect(usage.peakMemoryMiB).toEqual({ 0: 19818 });
    // Every good sample but the [N/A] one carries a utilization; only the load one is not 0.
    expect(usage.meanUtilizationPercent[0]).toBeCloseTo(100 / (usage.samples - 1), 10);
    expect(await sampler.stop()).toBe(usage);
  });

  it('keeps GPUs apart and can be restricted to some', async () => {
    const env = await sequence([{ stdout: '0, 1000, 50\n1, 2000, 10\n' }]);
    const sampler = startGpuSampler({ env, intervalMs: 10, indices: [1] });
    await waitForCalls(2);
    const usage = await sampler.stop();
    expect(usage.peakMemoryMiB).toEqual({ 1: 2000 });
    expect(usage.meanUtilizationPercent).toEqual({ 1: 10 });
  });

  it('counts failures, not samples, when there is no nvidia-smi', async () => {
    const sampler = startGpuSampler({ env: { PATH: '/nonexistent/bin' }, intervalMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const usage = await sampler.stop();
    expect(usage.samples).toBe(0);
    expect(usage.failures).toBeGreaterThan(0);
    expect(usage.lastError).toBe('nvidia-smi not found in PATH (looked in: /nonexistent/bin)');
    expect(usage.peakMemoryMiB).toEqual({});
  });
});
