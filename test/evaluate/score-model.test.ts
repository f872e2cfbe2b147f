/**
 * The evaluator's scoring path (batch views, outputs written in place, class indexes read from
 * int64 words) against one plain onnxruntime run over all records: the same numbers.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import { loadOnnxModel } from '../../src/adapters/onnx/onnx-model.js';
import { scoreModel } from '../../src/adapters/onnx/score-model.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';

const example = path.resolve(import.meta.dirname, '../../examples/breast-cancer');
const { onnx } = onnxProto;

function tensorOf(elemType: number, columns: number) {
  return { tensorType: { elemType, shape: { dim: [{ dimParam: 'N' }, { dimValue: columns }] } } };
}

/** A model whose one output, `logits`, is its input: the test picks the logits directly. */
function identityLogits(classes: number): Uint8Array {
  const tensor = tensorOf(onnx.TensorProto.DataType.FLOAT, classes);
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'identity',
      node: [{ opType: 'Identity', input: ['features'], output: ['logits'] }],
      input: [{ name: 'features', type: tensor }],
      output: [{ name: 'logits', type: tensor }],
    },
  }).finish();
}

describe('scoreModel', () => {
  it.each([1, 50, 113, 4096])(
    'gives what one plain run gives, in batches of %i',
    async (batchSize) => {
      const schema = parseDatasetSchema(
        await readFile(path.join(example, 'schema.yml'), 'utf8'),
        'schema.yml',
      );
      const train = await loadFeatureMatrix([path.join(example, 'data/train.csv')], schema);
      const evalSet = await loadFeatureMatrix([path.join(example, 'data/eval.csv')], schema);
      const model = await loadOnnxModel(
        trainBaseline({ kind: 'logistic-regression', matrix: train, seed: 42 }).onnx,
      );
      const F = evalSet.featureNames.length;
      const x = Float32Array.from(evalSet.x);
      const plain = await model.run({
        features: { type: 'float32', data: x, dims: [evalSet.rows, F] },
      });
      const scores = await scoreModel(model, x, evalSet.rows, {
        task: 'binary-classification',
        features: evalSet.featureNames,
        classes: ['malignant', 'benign'],
        batchSize,
      });
      await model.release();
      const label = plain.label;
      const probabilities = plain.probabilities;
      if (label?.type !== 'int64' || probabilities?.type !== 'float32')
        throw new Error('unexpected outputs');
      expect([...(scores.labels ?? [])]).toEqual([...label.data].map(Number));
      expect([...(scores.probabilities ?? [])]).toEqual([...probabilities.data]);
    },
  );

  it('names the class index a model predicts beyond the configured classes', async () => {
    const schema = parseDatasetSchema(
      await readFile(path.join(example, 'schema.yml'), 'utf8'),
      'schema.yml',
    );
    const train = await loadFeatureMatrix([path.join(example, 'data/train.csv')], schema);
    const model = await loadOnnxModel(
      trainBaseline({ kind: 'logistic-regression', matrix: train, seed: 42 }).onnx,
      { displayName: 'candidate.onnx' },
    );
    // The binary model predicts indexes 0 and 1; a config naming one class cannot hold index 1.
    await expect(
      scoreModel(model, Float32Array.from(train.x), train.rows, {
        task: 'binary-classification',
        features: train.featureNames,
        classes: ['malignant'],
        outputs: { label: 'label' },
        batchSize: 64,
      }),
    ).rejects.toThrow('the model predicted class index 1, but there are 1 classes ["malignant"]');
    await model.release();
  });

  it('turns two-class logits into softmax probabilities and argmax labels', async () => {
    // Expected: numpy's softmax in float64 (exp(x - max) / sum), rounded to float32.
    const logits = [
      [1, 3, 0.11920291930437088, 0.8807970881462097],
      [3, 1, 0.8807970881462097, 0.11920291930437088],
      [0, 0, 0.5, 0.5],
      [-50, 50, 3.783505853677006e-44, 1],
      [2.5, -0.75, 0.9626731276512146, 0.037326887249946594],
      [-1e-3, 1e-3, 0.49950000643730164, 0.5005000233650208],
      [20, -20, 1, 4.24835413113866e-18],
      [Number.NaN, 1, Number.NaN, Number.NaN],
    ] as const;
    const model = await loadOnnxModel(identityLogits(2));
    const scores = await scoreModel(
      model,
      Float32Array.from(logits.flatMap(([a, b]) => [a, b])),
      logits.length,
      { task: 'binary-classification', features: ['a', 'b'], classes: ['no', 'yes'], batchSize: 3 },
    );
    await model.release();
    expect(scores.probabilities).toBeInstanceOf(Float32Array);
    expect([...(scores.probabilities ?? [])]).toEqual(logits.flatMap(([, , p, q]) => [p, q]));
    // numpy's argmax: the first of equal values, and the first NaN.
    expect([...(scores.labels ?? [])]).toEqual([1, 0, 0, 1, 0, 1, 0, 0]);
  });

  it('keeps float64 logits in float64', async () => {
    // numpy's softmax in float64, to a few units in the last place (its exp and V8's may differ
    // in the last bit). The model's input stays float32 (what scoreModel feeds), so a
    // Cast node turns it into doubles first.
    const { DataType } = onnx.TensorProto;
    const bytes = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'cast',
        node: [
          {
            opType: 'Cast',
            input: ['features'],
            output: ['logits'],
            attribute: [
              { name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DataType.DOUBLE },
            ],
          },
        ],
        input: [{ name: 'features', type: tensorOf(DataType.FLOAT, 2) }],
        output: [{ name: 'logits', type: tensorOf(DataType.DOUBLE, 2) }],
      },
    }).finish();
    const model = await loadOnnxModel(bytes);
    const scores = await scoreModel(model, Float32Array.of(1, 3, 2.5, -0.75, 20, -20), 3, {
      task: 'binary-classification',
      features: ['a', 'b'],
      classes: ['no', 'yes'],
      batchSize: 2,
    });
    await model.release();
    expect(scores.probabilities).toBeInstanceOf(Float64Array);
    const expected = [
      0.11920292202211755, 0.8807970779778825, 0.9626731126558706, 0.037326887344129464, 1,
      4.248354255291589e-18,
    ];
    [...(scores.probabilities ?? [])].forEach((p, i) =>
      expect(Math.abs(p - (expected[i] ?? NaN))).toBeLessThanOrEqual(1e-15 * (expected[i] ?? NaN)),
    );
    expect([...(scores.labels ?? [])]).toEqual([1, 0, 0]);
  });

  it('gives three-class logits the same softmax', async () => {
    // numpy: softmax([1, 2, 3]) and softmax([0, 0, 0]) in float64, rounded to float32.
    const model = await loadOnnxModel(identityLogits(3));
    const scores = await scoreModel(model, Float32Array.of(1, 2, 3, 0, 0, 0), 2, {
      task: 'multiclass-classification',
      features: ['a', 'b', 'c'],
      classes: ['x', 'y', 'z'],
      batchSize: 1,
    });
    await model.release();
    expect([...(scores.probabilities ?? [])]).toEqual(
      [0.09003057330846786, 0.2447284758090973, 0.6652409434318542, 1 / 3, 1 / 3, 1 / 3].map(
        Math.fround,
      ),
    );
    expect([...(scores.labels ?? [])]).toEqual([2, 0]);
  });
});
