/**
 * Each baseline's ONNX model, run by onnxruntime-node, against the trainer's own predictions,
 * and the held-out quality of each baseline on real data.
 *
 * Tolerance: the trainer predicts in float64, the model in float32 with its parameters rounded
 * to float32 (unit roundoff u = 2⁻²⁴ ≈ 6e-8). A logit is a sum of F products, so it carries an
 * error of order F·u·max|w·z| (about 1e-6 to 1e-5 here); a probability p moves by p(1 − p) times
 * that, a relative error of at most the logit's error: 1e-5 relative covers it. The 1e-6
 * absolute term covers 1 − p near p = 1, where float32's spacing is 6e-8 and the trainer's
 * value is exact. Regression outputs are sums of the same kind: 1e-5 relative + 1e-6 absolute.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel, predictInBatches } from '../../src/adapters/onnx/onnx-model.js';
import { buildBaselineModel } from '../../src/core/onnx/build-baseline-model.js';
import type { Prediction } from '../../src/core/train/baseline-types.js';
import { trainBaseline, type BaselineKind } from '../../src/core/train/baselines.js';
import type { FeatureMatrix } from '../../src/core/train/feature-matrix.js';
import { predictLinearModel } from '../../src/core/train/linear-model.js';
import {
  accuracy,
  breastCancer,
  diabetesSchema,
  fixture,
  irisSchema,
  loadMatrix,
  r2,
  splitEveryFifth,
  wineSchema,
  withHoles,
} from './helpers.js';

const { onnx } = onnxProto;
const RELATIVE = 1e-5;
const ABSOLUTE = 1e-6;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'onnx-parity-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  readonly name: string;
  readonly kind: BaselineKind;
  readonly load: () => Promise<{ train: FeatureMatrix; eval: FeatureMatrix }>;
  /** Sanity floor for the held-out metric (accuracy, or R² for regression). */
  readonly floor: number;
}

const cases: Case[] = [
  {
    name: 'breast cancer',
    kind: 'logistic-regression',
    load: async () => ({
      train: await loadMatrix(breastCancer.train, breastCancer.schema()),
      eval: await loadMatrix(breastCancer.eval, breastCancer.schema()),
    }),
    // Published accuracies of standardised logistic regression on this data set are ~0.95-0.98.
    floor: 0.9,
  },
  {
    name: 'breast cancer',
    kind: 'softmax-regression',
    load: async () => ({
      train: await loadMatrix(breastCancer.train, breastCancer.schema()),
      eval: await loadMatrix(breastCancer.eval, breastCancer.schema()),
    }),
    floor: 0.9,
  },
  {
    name: 'wine',
    kind: 'softmax-regression',
    load: async () => splitEveryFifth(await loadMatrix(fixture('wine.csv'), wineSchema)),
    floor: 0.9,
  },
  {
    name: 'iris',
    kind: 'softmax-regression',
    load: async () => splitEveryFifth(await loadMatrix(fixture('iris.csv'), irisSchema)),
    floor: 0.9,
  },
  {
    name: 'diabetes',
    kind: 'linear-regression',
    load: async () => splitEveryFifth(await loadMatrix(fixture('diabetes.csv'), diabetesSchema)),
    // Ordinary least squares on all ten features explains about half the variance (Efron et al.).
    floor: 0.4,
  },
];

describe.each(cases)('$kind on $name: ONNX equals the trainer', ({ name, kind, load, floor }) => {
  it('on the evaluation data, read back from a file, in uneven batches', async () => {
    const { train, eval: test } = await load();
    const model = trainBaseline({ kind, matrix: train, seed: 1234 });
    expect(model.converged).toBe(true);
    const file = path.join(dir, `${kind}-${name}.onnx`);
    writeFileSync(file, model.onnx);
    const session = await loadOnnxModel(file);
    try {
      const F = test.featureNames.length;
      const fromOnnx = await predictInBatches(session, test.x, test.rows, F, 17);
      const fromTrainer = model.predict(test.x, test.rows);
      const largest = expectSamePrediction(fromOnnx, fromTrainer);

      const metric =
        test.target.kind === 'classes'
          ? accuracy(fromOnnx.labels ?? new Int32Array(), test.target.labels)
          : r2(fromOnnx.values ?? new Float64Array(), test.target.values);
      const label = test.target.kind === 'classes' ? 'accuracy' : 'R²';
      console.log(
        `${kind} on ${name}: held-out ${label} ${metric} (${test.rows} records; trained on ${train.rows} in ${model.iterations} iteration(s)); training metrics ${JSON.stringify(model.trainingMetrics)}; largest ONNX − trainer difference ${largest.toExponential(2)}`,
      );
      expect(metric).toBeGreaterThan(floor);
    } finally {
      await session.release();
    }
  });

  it('with missing values, imputed with the training mean in both', async () => {
    const { train, eval: test } = await load();
    const model = trainBaseline({ kind, matrix: train, seed: 1 });
    const F = test.featureNames.length;
    // Holes at a step coprime with F so every feature loses some values, plus one empty record.
    const x = withHoles(test.x, 7, 3);
    x.fill(NaN, 0, F);
    const session = await loadOnnxModel(model.onnx);
    try {
      const fromOnnx = await predictInBatches(session, x, test.rows, F);
      expectSamePrediction(fromOnnx, model.predict(x, test.rows));
      // An empty record is the mean record: its outputs are the intercepts alone.
      const empty = model.predict(new Float64Array(F).fill(NaN), 1);
      const atMeans = model.predict(model.parameters.means, 1);
      expect(empty).toEqual(atMeans);
    } finally {
      await session.release();
    }
  });
});

describe('the ONNX model', () => {
  it('follows the documented contract: IR 8, opset 17, input, outputs, graph and metadata', async () => {
    const train = await loadMatrix(breastCancer.train, breastCancer.schema());
    const model = trainBaseline({ kind: 'logistic-regression', matrix: train, seed: 5 });
    const proto = onnx.ModelProto.decode(model.onnx);
    expect(Number(proto.irVersion)).toBe(8);
    expect(proto.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(proto.producerName).toBe('mlops-actions');
    // decode() builds class instances, whose repeated fields are arrays, never null.
    const graph = proto.graph as Onnx.GraphProto;
    expect(graph.node.map((n) => n.opType)).toEqual([
      'IsNaN',
      'Where',
      'Sub',
      'Div',
      'MatMul',
      'Add',
      'Sigmoid',
      'Sub',
      'Concat',
      'ArgMax',
      'Gather',
    ]);
    const shape = (v: Onnx.IValueInfoProto) =>
      v.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue));
    expect(graph.input.map((v) => [v.name, v.type?.tensorType?.elemType, shape(v)])).toEqual([
      ['features', onnx.TensorProto.DataType.FLOAT, ['N', 30]],
    ]);
    expect(graph.output.map((v) => [v.name, v.type?.tensorType?.elemType, shape(v)])).toEqual([
      ['label', onnx.TensorProto.DataType.INT64, ['N']],
      ['probabilities', onnx.TensorProto.DataType.FLOAT, ['N', 2]],
    ]);
    const metadata = Object.fromEntries(proto.metadataProps.map((p) => [p.key, p.value]));
    expect(metadata).toEqual({
      'mlops.task': 'binary-classification',
      'mlops.features': JSON.stringify(train.featureNames),
      'mlops.classes': '["malignant","benign"]',
      'mlops.target': 'diagnosis',
      'mlops.baseline': 'logistic-regression',
      'mlops.seed': '5',
    });

    const session = await loadOnnxModel(model.onnx, { displayName: 'model.onnx' });
    expect(session.metadata).toEqual(metadata);
    expect(session.inputs).toEqual([{ name: 'features', type: 'float32', shape: ['N', 30] }]);
    expect(session.outputs).toEqual([
      { name: 'label', type: 'int64', shape: ['N'] },
      { name: 'probabilities', type: 'float32', shape: ['N', 2] },
    ]);
    await session.release();
  });

  it('writes multiclass and regression graphs with their own outputs and no classes for regression', async () => {
    const { train } = splitEveryFifth(await loadMatrix(fixture('diabetes.csv'), diabetesSchema));
    const regression = decode(
      trainBaseline({ kind: 'linear-regression', matrix: train, seed: 0 }).onnx,
    );
    expect(regression.graph.node.map((n) => n.opType)).toEqual([
      'IsNaN',
      'Where',
      'Sub',
      'Div',
      'MatMul',
      'Add',
    ]);
    expect(regression.graph.output.map((o) => o.name)).toEqual(['prediction']);
    expect(regression.metadataProps.map((p) => p.key)).not.toContain('mlops.classes');
    expect(regression.metadataProps.find((p) => p.key === 'mlops.task')?.value).toBe('regression');

    const iris = splitEveryFifth(await loadMatrix(fixture('iris.csv'), irisSchema)).train;
    const multi = decode(trainBaseline({ kind: 'softmax-regression', matrix: iris, seed: 0 }).onnx);
    expect(multi.graph.node.slice(5).map((n) => n.opType)).toEqual([
      'Add',
      'Softmax',
      'ArgMax',
      'Gather',
    ]);
    expect(multi.metadataProps.find((p) => p.key === 'mlops.classes')?.value).toBe(
      '["setosa","versicolor","virginica"]',
    );
  });

  it('breaks ties towards the first class, like the trainer', async () => {
    // Zero weights: every class equally likely, for the binary and the multiclass graph.
    for (const [task, classes, K] of [
      ['binary-classification', ['a', 'b'], 1],
      ['multiclass-classification', ['a', 'b', 'c'], 3],
    ] as const) {
      const parameters = {
        means: Float64Array.of(0, 0),
        scales: Float64Array.of(1, 1),
        weights: new Float64Array(2 * K),
        bias: new Float64Array(K),
        classes,
      };
      const bytes = buildBaselineModel({
        kind: K === 1 ? 'logistic-regression' : 'softmax-regression',
        task,
        featureNames: ['u', 'v'],
        targetName: 't',
        parameters,
        seed: 0,
      });
      const session = await loadOnnxModel(bytes);
      const x = Float64Array.of(1, 2, -3, NaN);
      const fromOnnx = await predictInBatches(session, x, 2, 2);
      expect(Array.from(fromOnnx.labels ?? [])).toEqual([0, 0]);
      expectSamePrediction(fromOnnx, predictLinearModel(task, parameters, x, 2));
      await session.release();
    }
  });
});

function decode(bytes: Uint8Array): {
  graph: Onnx.GraphProto;
  metadataProps: Onnx.IStringStringEntryProto[];
} {
  const proto = onnx.ModelProto.decode(bytes);
  return { graph: proto.graph as Onnx.GraphProto, metadataProps: proto.metadataProps };
}

/** Asserts agreement; returns the largest absolute difference (for the log). */
function expectSamePrediction(fromOnnx: Prediction, fromTrainer: Prediction): number {
  const near = (a: Float64Array | undefined, b: Float64Array | undefined): number => {
    expect(a?.length).toBe(b?.length);
    let largest = 0;
    for (let i = 0; i < (b?.length ?? 0); i++) {
      const x = a?.[i] as number;
      const y = b?.[i] as number;
      largest = Math.max(largest, Math.abs(x - y));
      if (!(Math.abs(x - y) <= RELATIVE * Math.abs(y) + ABSOLUTE)) {
        expect.fail(`value ${i}: ONNX ${x}, trainer ${y}`);
      }
    }
    return largest;
  };
  if (fromTrainer.values) {
    expect(fromOnnx.labels).toBeUndefined();
    return near(fromOnnx.values, fromTrainer.values);
  }
  expect(Array.from(fromOnnx.labels ?? [])).toEqual(Array.from(fromTrainer.labels ?? []));
  return near(fromOnnx.probabilities, fromTrainer.probabilities);
}
