/**
 * The server side of bench/serve, one per child process so the load generator does not share its
 * event loop: `mlops` (the serve step: schema checks, metrics, prediction log) or `http` (a
 * minimal node:http handler around a bare onnxruntime session, what a user might write instead).
 * Prints `listening <url>` when ready.
 *
 * Usage: tsx bench/serve/server.ts --kind mlops|http --model <file> --dir <example dir> [--log <dir>]
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { parseMlopsConfig } from '../../src/core/config/mlops-config.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { createSilentLogger } from '../../src/core/logger.js';
import { serveModel } from '../../src/steps/serve.js';

const { values } = parseArgs({
  options: {
    kind: { type: 'string', default: 'mlops' },
    model: { type: 'string' },
    dir: { type: 'string' },
    log: { type: 'string' },
  },
});
const dir = values.dir as string;
const modelPath = values.model as string;
const schema = parseDatasetSchema(readFileSync(path.join(dir, 'schema.yml'), 'utf8'), 'schema.yml');
const features = Object.entries(schema.columns)
  .filter(([, column]) => column.role === 'feature')
  .map(([name]) => name);

if (values.kind === 'mlops') {
  const server = await serveModel({
    config: parseMlopsConfig(readFileSync(path.join(dir, 'mlops.yml'), 'utf8'), 'mlops.yml'),
    schema,
    source: { kind: 'file', path: modelPath, displayName: 'model.onnx' },
    registry: null,
    host: '127.0.0.1',
    port: 0,
    pollMs: 0,
    logDir: values.log ?? null,
    // The bench measures throughput: the overload guards must not shed its load.
    limits: { maxInFlight: 10_000, maxEventLoopDelayMs: 0 },
    logger: createSilentLogger(),
  });
  process.stdout.write(`listening ${server.url}\n`);
  process.on('SIGTERM', () => {
    void server.stop().then(() => process.exit(0));
  });
} else {
  // What a user might write with no framework: parse, build the tensor, run, answer.
  const session = await ort.InferenceSession.create(modelPath);
  const input = session.inputNames[0] as string;
  const probName = session.outputNames.find((name) => /prob/i.test(name)) as string;
  const classes = schema.columns['diagnosis']?.values?.map(String) ?? ['0', '1'];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          instances: Record<string, number>[];
        };
        const rows = body.instances.length;
        const x = new Float32Array(rows * features.length);
        body.instances.forEach((record, r) =>
          features.forEach((f, j) => (x[r * features.length + j] = record[f] ?? NaN)),
        );
        const out = await session.run({
          [input]: new ort.Tensor('float32', x, [rows, features.length]),
        });
        const p = out[probName]?.data as Float32Array;
        const predictions = body.instances.map((_, r) => {
          const probabilities: Record<string, number> = {};
          classes.forEach((c, k) => (probabilities[c] = p[r * classes.length + k] ?? NaN));
          const best = classes.reduce(
            (a, c, k) => ((p[r * classes.length + k] ?? 0) > (probabilities[a] ?? 0) ? c : a),
            classes[0] as string,
          );
          return { label: best, probabilities };
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ predictions }));
      })();
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number };
    process.stdout.write(`listening http://127.0.0.1:${address.port}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
