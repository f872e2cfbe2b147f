/**
 * skl2onnx's default classifier output, a ZipMap of {class: probability}, which onnxruntime-node
 * cannot return: the loader turns it back into the [N, C] tensor it was made from. The expected
 * probabilities are the logistic function worked by hand.
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { loadOnnxModel } from '../../src/adapters/onnx/onnx-model.js';
import { scoreModel } from '../../src/adapters/onnx/score-model.js';
import { unwrapZipMap } from '../../src/adapters/onnx/unwrap-zipmap.js';
import { sklearnLogistic } from '../support/sklearn-onnx.js';

const { onnx } = onnxProto;

// Rows (a, b) and z = 2a - b + 0.5: 0.5, -1.5, 4.
const x = Float32Array.of(0, 0, -1, 0, 1, -1.5);
const positive = [0.5, -1.5, 4].map((z) => 1 / (1 + Math.exp(-z)));

describe('unwrapZipMap', () => {
  it('replaces the ZipMap by the tensor it was fed and keeps its class labels', () => {
    const unwrapped = unwrapZipMap(sklearnLogistic({ strings: ['benign', 'malignant'] }));
    expect(unwrapped?.zipMaps).toEqual([
      { output: 'output_probability', classLabels: ['benign', 'malignant'] },
    ]);
    expect(unwrapZipMap(sklearnLogistic({ ints: [2, 4] }))?.zipMaps).toEqual([
      { output: 'output_probability', classLabels: [2, 4] },
    ]);
  });

  it('leaves models without a ZipMap, with external weights, or not models at all', () => {
    const plain = onnx.ModelProto.encode({ irVersion: 8, graph: { name: 'g' } }).finish();
    expect(unwrapZipMap(plain)).toBeNull();
    expect(unwrapZipMap(sklearnLogistic({ ints: [0, 1] }, { external: true }))).toBeNull();
    expect(unwrapZipMap(new TextEncoder().encode('ZipMap, but not a model'))).toBeNull();
  });
});

describe('scoring a skl2onnx classifier with its ZipMap', () => {
  it('reads string classes: probabilities per class, labels by name', async () => {
    const model = await loadOnnxModel(sklearnLogistic({ strings: ['benign', 'malignant'] }));
    expect(model.outputs.find((o) => o.name === 'output_probability')).toEqual({
      name: 'output_probability',
      type: 'float32',
      shape: ['N', 2],
    });
    const scores = await scoreModel(model, x, 3, {
      task: 'binary-classification',
      features: ['a', 'b'],
      classes: ['benign', 'malignant'],
      batchSize: 2,
    });
    await model.release();
    const p = [...(scores.probabilities ?? [])];
    positive.forEach((q, r) => {
      expect(p[2 * r + 1]).toBeCloseTo(q, 6);
      expect(p[2 * r]).toBeCloseTo(1 - q, 6);
    });
    expect([...(scores.labels ?? [])]).toEqual([1, 0, 1]);
  });

  it('maps class values such as 2 and 4 to their columns', async () => {
    const model = await loadOnnxModel(sklearnLogistic({ ints: [2, 4] }));
    const scores = await scoreModel(model, x, 3, {
      task: 'binary-classification',
      features: ['a', 'b'],
      classes: ['2', '4'],
      batchSize: 3,
    });
    await model.release();
    expect([...(scores.labels ?? [])]).toEqual([1, 0, 1]);
    expect(scores.probabilities?.[5]).toBeCloseTo(positive[2] ?? NaN, 6);
  });

  it('refuses classes listed in another order than the model columns', async () => {
    const model = await loadOnnxModel(sklearnLogistic({ strings: ['benign', 'malignant'] }), {
      displayName: 'sklearn.onnx',
    });
    await expect(
      scoreModel(model, x, 3, {
        task: 'binary-classification',
        features: ['a', 'b'],
        classes: ['malignant', 'benign'],
        batchSize: 3,
      }),
    ).rejects.toThrowErrorMatchingInlineSnapshot(
      `[DataError: sklearn.onnx: the model's output "output_probability" holds the probabilities of the classes ["benign","malignant"], in that order, but the classes here are ["malignant","benign"]; list the model's classes in that order in evaluate.classes]`,
    );
    await model.release();
  });
});
