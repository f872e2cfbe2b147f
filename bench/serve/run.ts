/**
 * Benchmark: `mlops serve` under load on loopback, against what a user would otherwise run, in one
 * run: the same model (the built-in logistic regression of the breast-cancer example) behind a
 * minimal node:http handler around a bare onnxruntime session, and a bare `session.run` loop in
 * this process (the ceiling: no HTTP, no JSON). For batch sizes 1 and 64: records/s and latency
 * percentiles (autocannon, bounded by time), and the ratios. Then memory: the mlops server's RSS
 * and heap after warm-up and after `--memory-requests` more requests (1,000,000 by default),
 * prediction log on.
 *
 * Usage: npm run bench:serve [-- --seconds 10 --connections 16 --memory-requests 1000000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import * as ort from 'onnxruntime-node';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    'memory-requests': { type: 'string', default: '1000000' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const memoryRequests = Number(values['memory-requests']);
const root = path.resolve(import.meta.dirname, '../..');
const example = path.join(root, 'examples/breast-cancer');
const work = mkdtempSync(path.join(os.tmpdir(), 'bench-serve-'));
const out = path.join(root, 'bench/out/serve');
mkdirSync(out, { recursive: true });

const schema = parseDatasetSchema(
  readFileSync(path.join(example, 'schema.yml'), 'utf8'),
  'schema.yml',
);
const matrix = await loadFeatureMatrix([path.join(example, 'data/train.csv')], schema);
const modelPath = path.join(work, 'model.onnx');
writeFileSync(modelPath, trainBaseline({ kind: 'logistic-regression', matrix, seed: 42 }).onnx);
const features = [...matrix.featureNames];
const F = features.length;
const record = (r: number) =>
  Object.fromEntries(features.map((f, j) => [f, matrix.x[(r % matrix.rows) * F + j]]));
const bodyOf = (batch: number) =>
  JSON.stringify({ instances: Array.from({ length: batch }, (_, r) => record(r)) });

function startServer(
  kind: 'mlops' | 'http',
  logDir?: string,
): Promise<{ child: ChildProcess; url: string }> {
  const args = [
    '--import',
    'tsx',
    path.join(root, 'bench/serve/server.ts'),
    '--kind',
    kind,
    '--model',
    modelPath,
    '--dir',
    example,
  ];
  if (logDir !== undefined) args.push('--log', logDir);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening (\S+)/.exec(text);
      if (match) resolve({ child, url: match[1] as string });
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

interface Load {
  recordsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
}

async function load(
  url: string,
  batch: number,
  options: { duration?: number; amount?: number },
): Promise<Load> {
  const result = await autocannon({
    url: `${url}/v1/models/breast-cancer:predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: bodyOf(batch),
    connections,
    ...(options.amount !== undefined
      ? { amount: options.amount }
      : { duration: options.duration ?? seconds }),
  });
  const requests = result.requests.total;
  return {
    recordsPerSecond: result.requests.average * batch,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    requests,
  };
}

/** The ceiling: session.run on pre-built tensors, one request's batch at a time, for `seconds`. */
async function bareLoop(batch: number): Promise<number> {
  const session = await ort.InferenceSession.create(modelPath);
  const input = session.inputNames[0] as string;
  const x = new Float32Array(batch * F);
  for (let r = 0; r < batch; r++)
    x.set(matrix.x.subarray((r % matrix.rows) * F, ((r % matrix.rows) + 1) * F), r * F);
  const tensor = new ort.Tensor('float32', x, [batch, F]);
  let records = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    await session.run({ [input]: tensor });
    records += batch;
  }
  const rate = records / ((performance.now() - started) / 1000);
  await session.release();
  return rate;
}

async function memory(url: string): Promise<{ rss: number; heap: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
  return {
    rss: read('mlops_serve_process_resident_memory_bytes'),
    heap: read('mlops_serve_nodejs_heap_size_used_bytes'),
  };
}

const lines: string[] = [];
const say = (line: string) => {
  lines.push(line);
  console.log(line);
};
say(
  `bench/serve: ${new Date().toISOString()}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), node ${process.version}`,
);
say(
  `load: autocannon, ${connections} connections, ${seconds} s per case, loopback; model: built-in logistic regression, ${F} features`,
);
for (const batch of [1, 64]) {
  const bare = await bareLoop(batch);
  const mlops = await startServer('mlops');
  await load(mlops.url, batch, { duration: 2 }); // warm-up
  const a = await load(mlops.url, batch, {});
  await stopServer(mlops.child);
  const plain = await startServer('http');
  await load(plain.url, batch, { duration: 2 });
  const b = await load(plain.url, batch, {});
  await stopServer(plain.child);
  say(`batch ${batch}: bare session.run ${bare.toFixed(0)} records/s (one at a time, no HTTP)`);
  say(
    `  mlops serve       ${a.recordsPerSecond.toFixed(0)} records/s, latency p50 ${a.p50} ms, p99 ${a.p99} ms, ${a.errors} errors of ${a.requests}`,
  );
  say(
    `  node:http + ort   ${b.recordsPerSecond.toFixed(0)} records/s, latency p50 ${b.p50} ms, p99 ${b.p99} ms, ${b.errors} errors of ${b.requests}`,
  );
  say(
    `  ratios: mlops / node:http throughput ${(a.recordsPerSecond / b.recordsPerSecond).toFixed(2)}x, mlops / bare loop ${(a.recordsPerSecond / bare).toFixed(2)}x`,
  );
}

if (memoryRequests > 0) {
  const logDir = path.join(work, 'log');
  const server = await startServer('mlops', logDir);
  await load(server.url, 1, { amount: 20_000 });
  const before = await memory(server.url);
  const started = performance.now();
  const run = await load(server.url, 1, { amount: memoryRequests });
  const after = await memory(server.url);
  await stopServer(server.child);
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  say(
    `memory over ${run.requests} more requests (batch 1, prediction log on, ${((performance.now() - started) / 1000).toFixed(0)} s, ${run.errors} errors): ` +
      `RSS ${mib(before.rss)} -> ${mib(after.rss)} MiB, heap used ${mib(before.heap)} -> ${mib(after.heap)} MiB`,
  );
}
writeFileSync(path.join(out, 'result.txt'), `${lines.join('\n')}\n`);
rmSync(work, { recursive: true, force: true });
