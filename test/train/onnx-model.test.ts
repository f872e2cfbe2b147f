import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadOnnxModel,
  predictInBatches,
  readMetadataProps,
} from '../../src/adapters/onnx/onnx-model.js';
import { ConfigError, DataError } from '../../src/core/errors.js';
import { buildBaselineModel } from '../../src/core/onnx/build-baseline-model.js';

const { onnx } = onnxProto;

/** prediction = 2·u − v + 1, on features whose mean is 0 and scale 1. */
const tiny = buildBaselineModel({
  kind: 'linear-regression',
  task: 'regression',
  featureNames: ['u', 'v'],
  targetName: 't',
  parameters: {
    means: Float64Array.of(0, 0),
    scales: Float64Array.of(1, 1),
    weights: Float64Array.of(2, -1),
    bias: Float64Array.of(1),
  },
  seed: 3,
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'onnx-model-'));
  writeFileSync(path.join(dir, 'garbage.onnx'), 'this is not a model');
  writeFileSync(path.join(dir, 'tiny.onnx'), tiny);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error,
  );
}

describe('loadOnnxModel', () => {
  it('runs a model and hands back plain typed arrays', async () => {
    const model = await loadOnnxModel(path.join(dir, 'tiny.onnx'));
    expect(model.executionProviders).toEqual(['cpu']);
    expect(model.warnings).toEqual([]);
    expect(model.metadata['mlops.seed']).toBe('3');
    const out = await model.run({
      features: { type: 'float32', data: Float32Array.of(1, 1, 0, 3, NaN, NaN), dims: [3, 2] },
    });
    const prediction = out.prediction;
    if (prediction?.type !== 'float32') throw new Error('expected a float32 prediction');
    // The missing record is imputed with the means (0): the intercept alone.
    expect(Array.from(prediction.data)).toEqual([2, -2, 1]);
    expect(prediction.dims).toEqual([3, 1]);
    await model.release();
  });

  it('turns a file that is not a model into a DataError naming it, without a stack', async () => {
    const file = path.join(dir, 'garbage.onnx');
    const error = await failure(loadOnnxModel(file));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(
      `${file}: not a loadable ONNX model: Load model from ${file} failed:Protobuf parsing failed.`,
    );
    const bytes = await failure(
      loadOnnxModel(new Uint8Array([8, 1, 255]), { displayName: 'upload.onnx' }),
    );
    expect(bytes.message).toMatch(/^upload\.onnx: not a loadable ONNX model: /);
    expect(bytes.message).not.toContain('\n');
  });

  it('says when the file does not exist', async () => {
    const error = await failure(
      loadOnnxModel(path.join(dir, 'absent.onnx'), { displayName: 'models/absent.onnx' }),
    );
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe('models/absent.onnx: the model file does not exist');
  });

  it('falls back to the CPU when CUDA cannot start and the CPU is allowed, and refuses otherwise', async () => {
    const probe = await loadOnnxModel(tiny, { executionProviders: ['cuda', 'cpu'] });
    await probe.release();
    if (probe.executionProviders.includes('cuda')) return; // a runner with the CUDA provider
    expect(probe.executionProviders).toEqual(['cpu']);
    expect(probe.warnings[0]).toMatch(/^CUDA execution provider unavailable, running on the CPU: /);
    const error = await failure(loadOnnxModel(tiny, { executionProviders: ['cuda'] }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      /^model\.onnx: the CUDA execution provider of onnxruntime-node cannot start here/,
    );
  });
});

describe('readMetadataProps', () => {
  it('reads metadata_props off the wire, skipping every other field', () => {
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      producerName: 'someone else',
      graph: { name: 'g', node: [{ opType: 'Identity', input: ['a'], output: ['b'] }] },
      metadataProps: [
        { key: 'a', value: 'ä ✓' },
        { key: 'b', value: '' },
      ],
      modelVersion: 2 ** 40,
    }).finish();
    expect(readMetadataProps(bytes)).toEqual({ a: 'ä ✓', b: '' });
    expect(readMetadataProps(new Uint8Array())).toEqual({});
    expect(() => readMetadataProps(Uint8Array.of(0x72, 0x10, 1))).toThrow(/truncated/);
  });
});

describe('predictInBatches', () => {
  it('checks the number of features against the model', async () => {
    const model = await loadOnnxModel(tiny, { displayName: 'tiny.onnx' });
    await expect(predictInBatches(model, new Float64Array(3), 1, 3)).rejects.toThrow(
      'tiny.onnx: the model\'s input "features" takes 2 features, the data have 3',
    );
    const values = (await predictInBatches(model, Float64Array.of(1, 1, 0, 3, 2, 0), 3, 2, 2))
      .values;
    expect(Array.from(values ?? [])).toEqual([2, -2, 5]);
    await model.release();
  });
});
