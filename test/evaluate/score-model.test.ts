/**
 * The evaluator's scoring path (batch views, outputs written in place, class indexes read from
 * int64 words) against one plain onnxruntime run over all records: the same numbers.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import { loadOnnxModel } from '../../src/adapters/onnx/onnx-model.js';
import { scoreModel } from '../../src/adapters/onnx/score-model.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';

const example = path.resolve(import.meta.dirname, '../../examples/breast-cancer');

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
});
