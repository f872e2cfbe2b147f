/**
 * Reading a model's structure from the ONNX file (what train records where onnxruntime is not
 * installed) must say what onnxruntime says once it loads the same model: compared here, where
 * onnxruntime is installed, on our baselines and on a skl2onnx classifier with a ZipMap.
 */
import { describe, expect, it } from 'vitest';
import { readModelStructure } from '../../src/adapters/onnx/inspect-onnx-model.js';
import { loadOnnxModel } from '../../src/adapters/onnx/onnx-model.js';
import { DataError } from '../../src/core/errors.js';
import { buildBaselineModel } from '../../src/core/onnx/build-baseline-model.js';
import { sklearnLogistic } from '../support/sklearn-onnx.js';

const parameters = (features: number, classes: number) => ({
  means: new Float64Array(features),
  scales: new Float64Array(features).fill(1),
  weights: new Float64Array(features * classes).fill(0.5),
  bias: new Float64Array(classes),
});

const models: [string, Uint8Array][] = [
  [
    'softmax baseline',
    buildBaselineModel({
      kind: 'softmax-regression',
      task: 'multiclass-classification',
      featureNames: ['a', 'b', 'c'],
      targetName: 't',
      parameters: { ...parameters(3, 3), classes: ['x', 'y', 'z'] },
      seed: 1,
    }),
  ],
  [
    'linear regression baseline',
    buildBaselineModel({
      kind: 'linear-regression',
      task: 'regression',
      featureNames: ['a', 'b'],
      targetName: 't',
      parameters: parameters(2, 1),
      seed: 1,
    }),
  ],
  ['skl2onnx logistic regression with a ZipMap', sklearnLogistic({ strings: ['no', 'yes'] })],
];

describe('readModelStructure', () => {
  for (const [name, bytes] of models) {
    it(`agrees with onnxruntime on a ${name}`, async () => {
      const loaded = await loadOnnxModel(bytes, { displayName: 'model.onnx' });
      const read = readModelStructure(bytes, 'model.onnx');
      expect(read.inputs).toEqual(loaded.inputs);
      expect(read.outputs).toEqual(loaded.outputs);
      expect(read.metadata).toEqual(loaded.metadata);
      await loaded.release();
    });
  }

  it('refuses a file that is not a model, naming it', () => {
    expect(() => readModelStructure(new TextEncoder().encode('not a model'), 'out/m.onnx')).toThrow(
      DataError,
    );
    expect(() => readModelStructure(new Uint8Array(), 'out/m.onnx')).toThrow(
      /^out\/m\.onnx: not an ONNX model/,
    );
  });
});
