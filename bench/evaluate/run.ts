/**
 * Benchmark: scoring 200,000+ records through the evaluate step's model path (`scoreModel`: batch
 * views into one float32 matrix, output reading, softmax/argmax, class checks) against a bare
 * onnxruntime-node `InferenceSession.run` loop over the same pre-built tensors, in one run,
 * alternating, for two models: the built-in logistic regression (tiny: overhead shows most) and
 * the PyTorch MLP of the example (when /usr/bin/python3 has torch). Prints the overhead: the
 * median, over back-to-back pairs of runs, of evaluate path / bare loop.
 *
 * Usage: npm run bench:evaluate [-- --rows 200000 --pairs 201]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import { loadOnnxModel } from '../../src/adapters/onnx/onnx-model.js';
import { scoreModel } from '../../src/adapters/onnx/score-model.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    pairs: { type: 'string', default: '201' },
    batch: { type: 'string', default: '4096' },
  },
});
const targetRows = Number(values.rows);
const pairs = Number(values.pairs);
const batchSize = Number(values.batch);
const root = path.resolve(import.meta.dirname, '../..');
const example = path.join(root, 'examples/breast-cancer');
const out = path.join(root, 'bench/out/evaluate');
mkdirSync(out, { recursive: true });

const schema = parseDatasetSchema(
  readFileSync(path.join(example, 'schema.yml'), 'utf8'),
  'schema.yml',
);
const source = await loadFeatureMatrix(
  [path.join(example, 'data/train.csv'), path.join(example, 'data/eval.csv')],
  schema,
);
const F = source.featureNames.length;
// Real records, repeated to the size asked for.
const x = new Float32Array(targetRows * F);
for (let r = 0; r < targetRows; r++) {
  x.set(source.x.subarray((r % source.rows) * F, ((r % source.rows) + 1) * F), r * F);
}

const models: { name: string; file: string }[] = [];
const baselinePath = path.join(out, 'logistic-regression.onnx');
writeFileSync(
  baselinePath,
  trainBaseline({ kind: 'logistic-regression', matrix: source, seed: 42 }).onnx,
);
models.push({ name: 'built-in logistic regression', file: baselinePath });
const mlpPath = path.join(out, 'pytorch-mlp.onnx');
try {
  execFileSync('/usr/bin/python3', [path.join(example, 'train.py')], {
    cwd: example,
    stdio: 'ignore',
    env: {
      ...process.env,
      MLOPS_DATA_TRAIN: path.join(example, 'data/train.csv'),
      MLOPS_DATA_EVAL: path.join(example, 'data/eval.csv'),
      MLOPS_FEATURES: JSON.stringify(source.featureNames),
      MLOPS_TARGET: 'diagnosis',
      MLOPS_CLASSES: '["malignant","benign"]',
      MLOPS_SEED: '42',
      MLOPS_OUTPUT_DIR: out,
      MLOPS_MODEL_PATH: mlpPath,
    },
  });
  models.push({ name: 'PyTorch MLP (example)', file: mlpPath });
} catch {
  console.log('(no PyTorch here: the MLP is left out)');
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const quantile = (xs: number[], q: number) => sorted(xs)[Math.floor(q * (xs.length - 1))] ?? NaN;
const results = [];
for (const { name, file } of models) {
  // Bare: one session, tensors built before timing, a plain run loop.
  // One thread per operator on both sides: on a small shared machine, onnxruntime's thread
  // pool otherwise adds more noise than the difference being measured.
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
  const tensors: ort.Tensor[] = [];
  for (let start = 0; start < targetRows; start += batchSize) {
    const count = Math.min(batchSize, targetRows - start);
    tensors.push(new ort.Tensor('float32', x.slice(start * F, (start + count) * F), [count, F]));
  }
  const bare = async () => {
    const t = performance.now();
    for (const tensor of tensors)
      await session.run({ [session.inputNames[0] ?? 'features']: tensor });
    return performance.now() - t;
  };
  const model = await loadOnnxModel(file, { threads: 1 });
  const ours = async () => {
    const t = performance.now();
    await scoreModel(model, x, targetRows, {
      task: 'binary-classification',
      features: source.featureNames,
      classes: ['malignant', 'benign'],
      batchSize,
    });
    return performance.now() - t;
  };
  for (let warm = 0; warm < 5; warm++) {
    await bare();
    await ours();
  }
  // Paired runs, back to back, in alternating order: this host's speed drifts by up to 2x from
  // one second to the next, so each evaluate-path run is compared with the bare run beside it,
  // and the overhead is the median of those ratios (medians taken side by side were off by 5
  // points between invocations; paired medians over 200 pairs agree within about 2).
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    let bareMs: number;
    let oursMs: number;
    if (pair % 2 === 0) {
      bareMs = await bare();
      oursMs = await ours();
    } else {
      oursMs = await ours();
      bareMs = await bare();
    }
    a.push(bareMs);
    b.push(oursMs);
    ratios.push(oursMs / bareMs);
  }
  await session.release();
  await model.release();
  const ratio = quantile(ratios, 0.5);
  // The fastest run of each side too: noise only ever adds time, so the minimum is the other
  // steady estimate of what each side costs (as Python's timeit advises).
  const best = Math.min(...b) / Math.min(...a);
  const percent = (r: number) => `${((r - 1) * 100).toFixed(1)}%`;
  results.push({
    name,
    bareMs: quantile(a, 0.5),
    oursMs: quantile(b, 0.5),
    ratio,
    ratioQuartiles: [quantile(ratios, 0.25), quantile(ratios, 0.75)],
    bestRatio: best,
  });
  console.log(
    `${name.padEnd(30)} bare ${quantile(a, 0.5).toFixed(1).padStart(7)} ms  evaluate path ${quantile(b, 0.5).toFixed(1).padStart(7)} ms  ` +
      `${Math.round(targetRows / (quantile(b, 0.5) / 1000))
        .toLocaleString('en-US')
        .padStart(11)} rows/s  overhead ${percent(ratio)} (quartiles ${percent(
        quantile(ratios, 0.25),
      )} to ${percent(quantile(ratios, 0.75))}; fastest runs ${percent(best)})`,
  );
}
console.log(
  `\n${targetRows.toLocaleString('en-US')} records, batches of ${batchSize}, overhead = median over ${pairs} back-to-back pairs of (evaluate path / bare); target: at most 10%.`,
);
writeFileSync(
  path.join(out, 'results.json'),
  `${JSON.stringify({ rows: targetRows, batchSize, pairs, results }, null, 2)}\n`,
);
