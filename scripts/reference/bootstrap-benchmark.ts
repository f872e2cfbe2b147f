/**
 * How long the evaluate step's paired bootstrap takes on a large evaluation set: 1000 resamples
 * of the binary metric set (accuracy, precision, recall, f1, roc_auc, pr_auc, log_loss, brier)
 * for two models on 200,000 records. Scores are float32, as onnxruntime returns them: mostly
 * distinct (every record ends a run of ties, the slower case for the ranking pass), and
 * `--ties` rounds them to 3 decimals instead. Not a test: timings depend on the machine.
 *
 *   npx tsx scripts/reference/bootstrap-benchmark.ts [rows] [resamples] [--ties]
 */
import { prepareMetrics } from '../../src/core/metrics/metrics.js';
import { pairedBootstrap } from '../../src/core/significance/paired-bootstrap.js';
import { Xoshiro128StarStar } from '../../src/core/significance/xoshiro128.js';

const args = process.argv.slice(2).filter((arg) => arg !== '--ties');
const ties = process.argv.includes('--ties');
const rows = Number(args[0] ?? 200_000);
const resamples = Number(args[1] ?? 1000);

const rng = Xoshiro128StarStar.fromSeed(1);
const uniform = () => rng.nextUint32() / 2 ** 32;
const truth = new Int32Array(rows);
const model = (strength: number) => {
  const predicted = new Int32Array(rows);
  const probabilities = new Float64Array(2 * rows);
  for (let i = 0; i < rows; i++) {
    const z = strength * (2 * truth[i]! - 1) + 3 * (uniform() - 0.5);
    const sigmoid = 1 / (1 + Math.exp(-z));
    const p = ties ? Math.round(1000 * sigmoid) / 1000 : Math.fround(sigmoid);
    probabilities[2 * i] = 1 - p;
    probabilities[2 * i + 1] = p;
    predicted[i] = p >= 0.5 ? 1 : 0;
  }
  return { truth, predicted, probabilities, classes: ['no', 'yes'] };
};
for (let i = 0; i < rows; i++) truth[i] = uniform() < 0.3 ? 1 : 0;
const candidateInput = model(1.2);
const baselineInput = model(1.0);

let start = performance.now();
const candidate = prepareMetrics('binary-classification', candidateInput);
const baseline = prepareMetrics('binary-classification', baselineInput);
const prepareMs = performance.now() - start;

// Shared machines vary by 2× from one minute to the next: run three times, report each and the
// fastest (the one least disturbed by other work).
const bootstrapRuns: number[] = [];
const drawRuns: number[] = [];
let result: ReturnType<typeof pairedBootstrap> | undefined;
for (let run = 0; run < 3; run++) {
  start = performance.now();
  result = pairedBootstrap({
    rows,
    resamples,
    seed: 42,
    confidence: 0.95,
    statistic: (weights) => ({
      candidate: candidate.values(weights),
      baseline: baseline.values(weights),
    }),
  });
  bootstrapRuns.push(performance.now() - start);

  start = performance.now();
  const draws = new Int32Array(rows);
  const drawRng = Xoshiro128StarStar.fromSeed(42);
  for (let r = 0; r < resamples; r++) drawRng.drawCounts(draws);
  drawRuns.push(performance.now() - start);
}
const seconds = (runs: number[]) =>
  `${(Math.min(...runs) / 1000).toFixed(2)} s (runs: ${runs.map((ms) => (ms / 1000).toFixed(2)).join(', ')})`;

console.log(
  `${rows} records, ${resamples} resamples, ${ties ? '3-decimal' : 'float32'} scores, Node ${process.version}`,
);
console.log(`prepare both models (sorts, per-record losses): ${prepareMs.toFixed(0)} ms`);
console.log(`paired bootstrap, 8 metrics × 2 models:  ${seconds(bootstrapRuns)}`);
console.log(`  drawing the resamples alone:           ${seconds(drawRuns)}`);
for (const d of result!.deltas) {
  console.log(
    `  ${d.metric.padEnd(10)} Δ ${d.delta.toFixed(4).padStart(8)}  [${d.interval[0].toFixed(4)}, ${d.interval[1].toFixed(4)}]${d.significant ? ' *' : ''}`,
  );
}
