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
import onnxProto from 'onnx-proto';
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

/** `withHead`: the same network with its softmax and argmax, for models that output logits. */
const models: { name: string; file: string; withHead?: string }[] = [];
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
  const logitsPath = path.join(out, 'pytorch-mlp-logits.onnx');
  writeFileSync(logitsPath, withoutHead(readFileSync(mlpPath)));
  models.push({ name: 'the same MLP, logits only', file: logitsPath, withHead: mlpPath });
} catch {
  console.log('(no PyTorch here: the MLP is left out)');
}

/**
 * The network without its softmax and argmax: what exporting a PyTorch module whose `forward`
 * returns logits gives, the other common shape. The evaluate path then computes the softmax and
 * labels itself, which the bare loop does not, so this row shows what that costs.
 */
function withoutHead(bytes: Uint8Array): Uint8Array {
  const { onnx } = onnxProto;
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  const nodes = graph?.node ?? [];
  const head = nodes.findIndex((node) => node.opType === 'Softmax');
  const logits = nodes[head]?.input?.[0];
  if (!graph || head < 0 || !logits) throw new Error('the MLP has no Softmax node to cut off');
  graph.node = nodes.slice(0, head);
  graph.output = [
    {
      name: logits,
      type: {
        tensorType: {
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: { dim: [{ dimParam: 'N' }, { dimValue: 2 }] },
        },
      },
    },
  ];
  return onnx.ModelProto.encode(model).finish();
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const quantile = (xs: number[], q: number) => sorted(xs)[Math.floor(q * (xs.length - 1))] ?? NaN;
const percent = (r: number) => `${((r - 1) * 100).toFixed(1)}%`;
const inputs: ort.Tensor[] = [];
for (let start = 0; start < targetRows; start += batchSize) {
  const count = Math.min(batchSize, targetRows - start);
  inputs.push(new ort.Tensor('float32', x.slice(start * F, (start + count) * F), [count, F]));
}

/**
 * Bare: one session, tensors built before timing, a plain run loop. One thread per operator on
 * both sides: on a small shared machine, onnxruntime's thread pool otherwise adds more noise than
 * the difference being measured. `keep` also copies every output into arrays for all records,
 * the least a script that computes metrics afterwards has to do.
 */
async function bareLoop(file: string, options: { keep: boolean }) {
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
  const input = session.inputNames[0] ?? 'features';
  return {
    time: async () => {
      const t = performance.now();
      const kept = new Map<string, Float32Array | BigInt64Array>();
      let offset = 0;
      for (const tensor of inputs) {
        const out = await session.run({ [input]: tensor });
        if (options.keep) {
          const count = tensor.dims[0] ?? 0;
          for (const [name, value] of Object.entries(out)) {
            const data = value.data as Float32Array | BigInt64Array;
            const width = data.length / count;
            let all = kept.get(name);
            if (!all) {
              all =
                data instanceof BigInt64Array
                  ? new BigInt64Array(targetRows * width)
                  : new Float32Array(targetRows * width);
              kept.set(name, all);
            }
            all.set(data as never, offset * width);
          }
          offset += count;
        }
      }
      return performance.now() - t;
    },
    release: () => session.release(),
  };
}

const results = [];
for (const { name, file, withHead } of models) {
  const bare = await bareLoop(file, { keep: false });
  const keep = await bareLoop(file, { keep: true });
  const head = withHead === undefined ? undefined : await bareLoop(withHead, { keep: false });
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
  const sides = [bare.time, ours, keep.time, ...(head ? [head.time] : [])];
  for (let warm = 0; warm < 5; warm++) for (const side of sides) await side();
  // Runs back to back, in alternating order: this host's speed drifts by up to 2x from one
  // second to the next, so each evaluate-path run is compared with the bare run beside it, and
  // the overhead is the median of those ratios (medians taken side by side were off by 5 points
  // between invocations; paired medians over 200 pairs agree within about 2).
  const times: number[][] = sides.map(() => []);
  for (let round = 0; round < pairs; round++) {
    const order = sides.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) times[i]?.push(await (sides[i] as () => Promise<number>)());
  }
  await Promise.all([bare.release(), keep.release(), head?.release(), model.release()]);
  const [a = [], b = [], k = [], h] = times;
  const pairedRatio = (reference: number[], q: number) =>
    quantile(
      b.map((ms, i) => ms / (reference[i] ?? NaN)),
      q,
    );
  const ratio = pairedRatio(a, 0.5);
  // The fastest run of each side too: noise only ever adds time, so the minimum is the other
  // steady estimate of what each side costs (as Python's timeit advises).
  const best = Math.min(...b) / Math.min(...a);
  const row = {
    name,
    bareMs: quantile(a, 0.5),
    oursMs: quantile(b, 0.5),
    ratio,
    ratioQuartiles: [pairedRatio(a, 0.25), pairedRatio(a, 0.75)],
    bestRatio: best,
    keepingOutputsMs: quantile(k, 0.5),
    ratioToKeepingOutputs: pairedRatio(k, 0.5),
    ...(h ? { withHeadMs: quantile(h, 0.5), ratioToWithHead: pairedRatio(h, 0.5) } : {}),
  };
  results.push(row);
  console.log(
    `${name}\n  bare run loop ${row.bareMs.toFixed(1)} ms, evaluate path ${row.oursMs.toFixed(1)} ms ` +
      `(${Math.round(targetRows / (row.oursMs / 1000)).toLocaleString('en-US')} records/s): ` +
      `overhead ${percent(ratio)} (quartiles ${percent(pairedRatio(a, 0.25))} to ${percent(pairedRatio(a, 0.75))}; fastest runs ${percent(best)})` +
      `\n  bare loop keeping its outputs ${row.keepingOutputsMs.toFixed(1)} ms: evaluate path / that ${percent(row.ratioToKeepingOutputs)}` +
      (h
        ? `\n  onnxruntime running the network with its softmax and argmax ${quantile(h, 0.5).toFixed(1)} ms: evaluate path / that ${percent(pairedRatio(h, 0.5))}`
        : ''),
  );
}
console.log(
  `\n${targetRows.toLocaleString('en-US')} records, batches of ${batchSize}, overhead = median over ${pairs} rounds of back-to-back runs of (evaluate path / bare run loop); target: at most 10%.`,
);
writeFileSync(
  path.join(out, 'results.json'),
  `${JSON.stringify({ rows: targetRows, batchSize, pairs, results }, null, 2)}\n`,
);
