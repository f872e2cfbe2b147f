/**
 * `mlops serve` (the serve step) on loopback with the example's released model: each route's
 * answer against onnxruntime run directly on the same records, bad requests answered with the
 * right status and message, a stage swap under load with no failed request, and a prediction log
 * that loses no line on shutdown and reads back as drift data.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMlopsConfig } from '../../src/adapters/fs/load-config.js';
import { loadDatasetSchema } from '../../src/adapters/fs/load-dataset-schema.js';
import { LocalRegistry } from '../../src/adapters/registry/local-registry.js';
import type { MlopsConfig } from '../../src/core/config/mlops-config.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import type { DatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { serveModel, type RunningServer } from '../../src/steps/serve.js';
import { mlops, repoRoot } from '../support/run-cli.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const MODEL = 'breast-cancer';
let workspace: Workspace;
let config: MlopsConfig;
let schema: DatasetSchema;
let features: string[];
let evalRows: Record<string, number | string>[];

async function cli(...args: string[]): Promise<void> {
  const result = await mlops(workspace.dir, ...args);
  if (result.code !== 0)
    throw new Error(`mlops ${args.join(' ')}: ${result.stderr}${result.stdout}`);
}

beforeAll(async () => {
  workspace = await createWorkspace();
  await workspace.copyInto(path.join(repoRoot, 'examples/breast-cancer'));
  await cli('train', '--builtin', 'logistic-regression');
  await cli('publish', '--version', '1.0.0');
  await cli('promote', '--version', '1.0.0', '--stage', 'production');
  await cli('train', '--builtin', 'softmax-regression');
  await cli('publish', '--version', '1.1.0');
  const loaded = await loadMlopsConfig({ cwd: workspace.dir, path: 'mlops.yml' });
  if (loaded === undefined) throw new Error('no config');
  config = loaded.config;
  schema = await loadDatasetSchema(workspace.path('schema.yml'), 'schema.yml');
  features = Object.entries(schema.columns)
    .filter(([, c]) => c.role === 'feature')
    .map(([name]) => name);
  const [header, ...lines] = (await workspace.read('data/eval.csv')).trim().split('\n');
  const names = (header ?? '').split(',');
  evalRows = lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(
      names.map((name, i) => [name, name === 'diagnosis' ? (cells[i] ?? '') : Number(cells[i])]),
    );
  });
}, 120_000);

afterAll(async () => {
  await workspace?.cleanup();
});

/** The same records through onnxruntime directly: probabilities per class, from the model file. */
async function referenceScores(version: string, rows: Record<string, unknown>[]) {
  const file = workspace.path(`.mlops/registry/${MODEL}/v${version}/model.onnx`);
  const session = await ort.InferenceSession.create(file);
  const x = new Float32Array(rows.length * features.length);
  rows.forEach((row, r) =>
    features.forEach((f, j) => (x[r * features.length + j] = Number(row[f]))),
  );
  const input = session.inputNames[0] as string;
  const out = await session.run({
    [input]: new ort.Tensor('float32', x, [rows.length, features.length]),
  });
  const probName = session.outputNames.find((name) => /prob/i.test(name)) as string;
  const probabilities = Array.from(out[probName]?.data as Float32Array);
  await session.release();
  return probabilities;
}

/** Moves the production stage as `mlops promote` does, through the local registry. */
async function promote(version: string): Promise<void> {
  await new LocalRegistry(workspace.path('.mlops/registry')).assignStage({
    model: MODEL,
    stage: 'production',
    version,
    pullRequest: null,
    approvedBy: [],
    run: null,
  });
}

const ones = () => Object.fromEntries(features.map((f) => [f, 1]));

async function start(
  extra: Partial<Parameters<typeof serveModel>[0]> = {},
): Promise<RunningServer> {
  return serveModel({
    config,
    schema,
    source: { kind: 'stage', stage: 'production' },
    registry: new LocalRegistry(workspace.path('.mlops/registry')),
    host: '127.0.0.1',
    port: 0,
    pollMs: 0,
    logDir: null,
    logger: createMemoryLogger(),
    ...extra,
  });
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

describe('mlops serve: the routes', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers health and metadata as the Open Inference Protocol says', async () => {
    expect((await fetch(`${server.url}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
    const meta = (await (await fetch(`${server.url}/v2/models/${MODEL}`)).json()) as Record<
      string,
      unknown
    >;
    expect(meta['name']).toBe(MODEL);
    expect(meta['versions']).toEqual(['1.0.0']);
    expect((meta['inputs'] as { name: string }[]).map((i) => i.name)).toEqual(features);
    expect(meta['outputs']).toEqual([
      { name: 'label', datatype: 'BYTES', shape: [-1] },
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
    ]);
    expect((await fetch(`${server.url}/v2/models/${MODEL}/ready`)).status).toBe(200);
    expect((await fetch(`${server.url}/v2/models/${MODEL}/versions/1.0.0/ready`)).status).toBe(200);
    expect((await fetch(`${server.url}/v2/models/${MODEL}/versions/9.9.9/ready`)).status).toBe(404);
    expect((await fetch(`${server.url}/v2/models/other`)).status).toBe(404);
  });

  it('V1 :predict answers labels and probabilities equal to onnxruntime on the same records', async () => {
    const rows = evalRows
      .slice(0, 64)
      .map((row) => Object.fromEntries(features.map((f) => [f, row[f]])));
    const { status, json } = await post(`${server.url}/v1/models/${MODEL}:predict`, {
      instances: rows,
    });
    expect(status).toBe(200);
    const expected = await referenceScores('1.0.0', rows);
    const predictions = json['predictions'] as {
      label: string;
      probabilities: Record<string, number>;
    }[];
    expect(predictions).toHaveLength(64);
    predictions.forEach((p, r) => {
      // The schema's target values in order: malignant, benign (the model's class order).
      expect(p.probabilities['malignant']).toBeCloseTo(expected[r * 2] ?? NaN, 6);
      expect(p.probabilities['benign']).toBeCloseTo(expected[r * 2 + 1] ?? NaN, 6);
      const argmax = (expected[r * 2] ?? 0) >= (expected[r * 2 + 1] ?? 0) ? 'malignant' : 'benign';
      expect(p.label).toBe(argmax);
    });
  });

  it('V2 infer takes one input per feature or one [N, F] tensor, with the same answer', async () => {
    const rows = evalRows.slice(0, 8);
    const perFeature = {
      id: 'req-1',
      inputs: features.map((f) => ({
        name: f,
        shape: [8],
        datatype: 'FP64',
        data: rows.map((r) => r[f]),
      })),
    };
    const matrix = {
      inputs: [
        {
          name: 'input',
          shape: [8, features.length],
          datatype: 'FP32',
          data: rows.map((r) => features.map((f) => r[f])),
        },
      ],
      outputs: [{ name: 'probabilities' }],
    };
    const a = await post(`${server.url}/v2/models/${MODEL}/infer`, perFeature);
    const b = await post(`${server.url}/v2/models/${MODEL}/versions/1.0.0/infer`, matrix);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.json['id']).toBe('req-1');
    expect(a.json['model_version']).toBe('1.0.0');
    const expected = await referenceScores('1.0.0', rows);
    const outA = a.json['outputs'] as { name: string; data: number[]; shape: number[] }[];
    const outB = b.json['outputs'] as { name: string; data: number[]; shape: number[] }[];
    expect(outA.map((o) => o.name)).toEqual(['label', 'probabilities']);
    expect(outB.map((o) => o.name)).toEqual(['probabilities']);
    expect(outB[0]?.shape).toEqual([8, 2]);
    outB[0]?.data.forEach((p, i) => expect(p).toBeCloseTo(expected[i] ?? NaN, 6));
    expect(outA[1]?.data).toEqual(outB[0]?.data);
  });

  it.each([
    [
      'a wrong type',
      () => ({ instances: [{ ...ones(), 'mean radius': 'big' }] }),
      400,
      'record 0, field "mean radius": "big" is not a number',
    ],
    [
      'a missing feature',
      () => ({ instances: [Object.fromEntries(features.slice(1).map((f) => [f, 1]))] }),
      400,
      'record 0, field "mean radius": missing (the feature is required)',
    ],
    [
      'an unknown field',
      () => ({ instances: [{ ...ones(), colour: 'red' }] }),
      400,
      'record 0, field "colour": not a column of the schema',
    ],
    [
      'a value below the schema minimum',
      () => ({ instances: [{ ...ones(), 'mean area': -5 }] }),
      400,
      'record 0, field "mean area"',
    ],
    ['no instances', () => ({ records: [] }), 400, 'expected "instances"'],
    [
      'a "__proto__" key (prototype poisoning)',
      () => `{"instances": [{"__proto__": {"polluted": true}, ${JSON.stringify(ones()).slice(1)}]}`,
      400,
      'record 0, field "__proto__": not a column of the schema',
    ],
  ])('refuses %s with a JSON error naming it', async (_what, body, status, message) => {
    const answer = await post(`${server.url}/v1/models/${MODEL}:predict`, body());
    expect(answer.status).toBe(status);
    expect(String(answer.json['error'])).toContain(message);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('refuses malformed JSON, an oversized body and too many records, never with a 500', async () => {
    const malformed = await post(`${server.url}/v1/models/${MODEL}:predict`, '{"instances": [');
    expect(malformed.status).toBe(400);
    expect(String(malformed.json['error'])).toMatch(/JSON/);
    const big = await post(`${server.url}/v1/models/${MODEL}:predict`, {
      instances: [],
      pad: 'x'.repeat(5 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
    expect(String(big.json['error'])).toContain('larger than');
    const row = Object.fromEntries(features.map((f) => [f, 1]));
    const many = await post(`${server.url}/v1/models/${MODEL}:predict`, {
      instances: Array(1025).fill(row),
    });
    expect(many.status).toBe(413);
    expect(String(many.json['error'])).toContain('the limit is 1024');
    const badTensor = await post(`${server.url}/v2/models/${MODEL}/infer`, {
      inputs: [{ name: 'input', shape: [2, features.length], datatype: 'FP32', data: [1, 2, 3] }],
    });
    expect(badTensor.status).toBe(400);
    expect(String(badTensor.json['error'])).toContain(
      `holds ${2 * features.length} values, but "data" has 3`,
    );
  });

  it('exports Prometheus metrics: requests by route and status, latency, batch sizes, version, classes', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/mlops_serve_requests_total\{route="\/v1\/models\/\*",status="200"\} \d+/);
    expect(text).toMatch(
      /mlops_serve_requests_total\{route="\/v1\/models\/\*",status="400"\} [1-9]/,
    );
    expect(text).toContain('mlops_serve_request_duration_seconds_bucket');
    expect(text).toContain('mlops_serve_model_duration_seconds_bucket');
    expect(text).toMatch(/mlops_serve_batch_size_bucket\{le="64",route="v1-predict"\} [1-9]/);
    expect(text).toMatch(
      /mlops_serve_model_info\{model="breast-cancer",version="1.0.0",digest="sha256:[0-9a-f]{64}"\} 1/,
    );
    expect(text).toMatch(
      /mlops_serve_predictions_total\{model="breast-cancer",class="(benign|malignant)"\} [1-9]/,
    );
  });
});

describe('mlops serve: swaps and shutdown', () => {
  it('swaps to a newly promoted version under load with no failed request', async () => {
    const server = await start();
    let stop = false;
    let clients: Promise<void>[] = [];
    try {
      const row = Object.fromEntries(features.map((f) => [f, evalRows[0]?.[f]]));
      const versions = new Set<string>();
      const statuses = new Set<number>();
      const client = async () => {
        while (!stop) {
          const answer = await post(`${server.url}/v1/models/${MODEL}:predict`, {
            instances: [row, row],
          });
          statuses.add(answer.status);
          versions.add(String(answer.json['model_version']));
        }
      };
      clients = Array.from({ length: 8 }, client);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await promote('1.1.0');
      expect(await server.poll()).toBe(true);
      expect(server.version()).toBe('1.1.0');
      await new Promise((resolve) => setTimeout(resolve, 200));
      stop = true;
      await Promise.all(clients);
      expect([...statuses]).toEqual([200]);
      expect([...versions].sort()).toEqual(['1.0.0', '1.1.0']);
    } finally {
      stop = true;
      await Promise.allSettled(clients);
      await server.stop();
      await promote('1.0.0');
    }
  });

  it('writes every accepted prediction to the log on stop, as drift-readable JSONL', async () => {
    const logDir = workspace.path('logs');
    const server = await start({ logDir, logMaxBytes: 20_000 });
    const rows = evalRows
      .slice(0, 10)
      .map((row) => Object.fromEntries(features.map((f) => [f, row[f]])));
    const requests = Array.from({ length: 30 }, (_, i) =>
      post(
        `${server.url}/v1/models/${MODEL}:predict`,
        { instances: rows },
        { 'x-request-id': `r-${i}` },
      ),
    );
    const answers = await Promise.all(requests);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    await server.stop();
    const files = (await readdir(logDir)).filter((f) => f.endsWith('.jsonl')).sort();
    expect(files.length).toBeGreaterThan(1); // rotated by size
    const lines = (await Promise.all(files.map((f) => readFile(path.join(logDir, f), 'utf8'))))
      .join('')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(300);
    const first = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(Object.keys(first).slice(0, features.length)).toEqual(features);
    expect(first['_mlops']).toMatchObject({ model: MODEL, version: '1.0.0', record: 0 });
    const ids = new Set(
      lines.map((l) => (JSON.parse(l) as { _mlops: { request: string } })._mlops.request),
    );
    expect(ids.size).toBe(30);
    // The log is the current data of a drift check, as it is.
    const drift = await mlops(
      workspace.dir,
      'drift',
      '--current',
      'logs/*.jsonl',
      '--report',
      'serve-drift.json',
      '--force',
    );
    // Exit 1 is drift found (ten records repeated are not the training data): the log was read.
    expect([0, 1]).toContain(drift.code);
    const report = JSON.parse(await workspace.read('serve-drift.json')) as {
      columns: { column: string }[];
    };
    expect(report.columns.map((c) => c.column)).toEqual(expect.arrayContaining(features));
  });
});

describe('the deployment files', () => {
  it('probe the routes the server answers (deploy/kubernetes.yml)', async () => {
    const { parseAllDocuments } = await import('yaml');
    const text = await readFile(path.join(repoRoot, 'deploy/kubernetes.yml'), 'utf8');
    const deployment = parseAllDocuments(text)[0]?.toJS() as {
      spec: { template: { spec: { containers: Record<string, { httpGet: { path: string } }>[] } } };
    };
    const container = deployment.spec.template.spec.containers[0] ?? {};
    const paths = ['livenessProbe', 'readinessProbe', 'startupProbe'].map(
      (probe) => container[probe]?.httpGet.path,
    );
    expect(paths).toEqual(['/v2/health/live', '/v2/health/ready', '/v2/health/ready']);
    const server = await start();
    try {
      for (const probe of paths) expect((await fetch(`${server.url}${probe}`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

describe('mlops serve (the command)', () => {
  it('serves until SIGTERM, then exits 0 with every answered record in the log', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin/mlops.js'), 'serve', '--port', '0', '--log-dir', 'cli-logs'],
      { cwd: workspace.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) resolve(match[1] as string);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`mlops serve exited with ${code}: ${output}`)));
    });
    const rows = evalRows
      .slice(0, 50)
      .map((row) => Object.fromEntries(features.map((f) => [f, row[f]])));
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        post(`${url}/v1/models/${MODEL}:predict`, { instances: rows }),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('predictions logged');
    const dir = workspace.path('cli-logs');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl'));
    const text = (await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))).join(
      '',
    );
    expect(text.trim().split('\n')).toHaveLength(40 * 50);
  });
});
