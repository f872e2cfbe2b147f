/**
 * A generated local registry and drift reports for the dashboard's tests: `versions` versions of
 * one model (metrics that rise by a known step), promotions every tenth version with one
 * rollback, and daily drift reports whose drifted columns follow a known rule. The tests check
 * the site against these rules, not against the dashboard's own output.
 */
import { createHash } from 'node:crypto';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { manifestSchema, type Manifest } from '../../src/core/manifest/manifest.js';

export const MODEL = 'churn';
export const COLUMNS = Array.from({ length: 30 }, (_, i) => `feature_${i + 1}`);
const DAY = 86_400_000;
export const FIRST_CHECK = Date.parse('2025-01-01T06:00:00Z');

/** Version number `i` (0-based): 1.0.0, 1.0.1, … 1.0.99, 1.1.0, … */
export function versionAt(i: number): string {
  return `1.${Math.floor(i / 100)}.${i % 100}`;
}

/** accuracy of version i: 0.8 + i/10000 (rises by 0.0001 per version). */
export function accuracyAt(i: number): number {
  return Number((0.8 + i / 10_000).toFixed(6));
}

const sha256 = (bytes: Uint8Array): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export function manifestFor(i: number, bytes: Uint8Array): Manifest {
  return manifestSchema.parse({
    manifestVersion: 1,
    model: {
      name: MODEL,
      version: versionAt(i),
      task: 'binary-classification',
      file: { path: 'model.onnx', digest: sha256(bytes), bytes: bytes.length },
      inputs: [{ name: 'input', type: 'tensor(float)', shape: ['N', 30] }],
      outputs: [{ name: 'label', type: 'tensor(int64)', shape: ['N'] }],
      features: COLUMNS,
      target: 'churned',
      classes: ['0', '1'],
    },
    metrics: { accuracy: accuracyAt(i), f1: Number((0.7 + i / 20_000).toFixed(6)) },
    data: { schema: null, train: [], eval: [] },
    training: {
      command: null,
      builtin: 'logistic-regression',
      seed: 7,
      workingDirectory: '.',
      startedAt: new Date(FIRST_CHECK + i * 3_600_000).toISOString(),
      durationSeconds: 1.5,
    },
    source: {
      repository: 'octo-org/models',
      commit: createHash('sha1').update(`commit ${i}`).digest('hex'),
      ref: 'refs/heads/main',
      pullRequest: 1000 + i,
      runUrl: `https://github.com/octo-org/models/actions/runs/${5000 + i}`,
      workflow: 'mlops publish',
      job: 'publish',
      actor: 'alice',
    },
    environment: {
      runner: { name: null, os: 'Linux', arch: 'x64' },
      gpus: [],
      node: 'v24.0.0',
      packages: {},
    },
    createdAt: new Date(FIRST_CHECK + i * 3_600_000 + 60_000).toISOString(),
    parent: null,
  });
}

export async function writeVersion(root: string, i: number): Promise<void> {
  const dir = path.join(root, MODEL, `v${versionAt(i)}`);
  await mkdir(dir, { recursive: true });
  const bytes = new TextEncoder().encode(`model ${i}`);
  await writeFile(path.join(dir, 'model.onnx'), bytes);
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifestFor(i, bytes)));
}

/**
 * Stage events: version 10k is promoted to production for k = 1, 2, … (n = k), then the last
 * promotion is followed by a rollback to the one before it.
 */
export function stageEvents(versions: number) {
  const events = [];
  let n = 0;
  for (let i = 10; i < versions; i += 10) {
    n++;
    events.push({
      stage: 'production',
      action: 'assign',
      n,
      version: versionAt(i),
      commit: null,
      pullRequest: 2000 + n,
      approvedBy: [n % 2 === 0 ? 'bob' : 'carol'],
      run: `https://github.com/octo-org/models/actions/runs/${9000 + n}`,
    });
  }
  const last = events.at(-2)!;
  events.push({ ...last, n: n + 1, pullRequest: 2000 + n + 1, run: null });
  return events;
}

export async function writeRegistry(root: string, versions: number): Promise<void> {
  for (let i = 0; i < versions; i++) await writeVersion(root, i);
  await writeFile(
    path.join(root, MODEL, 'stages.json'),
    JSON.stringify({ events: stageEvents(versions) }),
  );
}

/** Column c drifts in check d when (d + c) % 7 === 0; the statistic is (d % 10) / 10 + c / 100. */
export function drifted(day: number, column: number): boolean {
  return (day + column) % 7 === 0;
}

export function driftReport(day: number, withHistograms: boolean): Record<string, unknown> {
  const columns = COLUMNS.map((name, c) => ({
    name,
    column: name,
    kind: 'numerical',
    test: 'ks',
    statistic: (day % 10) / 10 + c / 100,
    p_value: drifted(day, c) ? 0.001 : 0.5,
    threshold: 0.05,
    drifted: drifted(day, c),
    nan: { reference: 0, current: 0 },
    inf: { reference: 0, current: 0 },
  }));
  const count = columns.filter((c) => c.drifted).length;
  const share = count / columns.length;
  return {
    model: MODEL,
    reference: `${MODEL}@v1.0.10 profile.json`,
    current: `data/day-${day}.csv`,
    severity: share >= 0.5 ? 'severe' : share >= 0.25 ? 'moderate' : 'none',
    share,
    drifted: count,
    thresholds: { moderate: 0.25, severe: 0.5 },
    prediction_drift: null,
    columns,
    notes: [],
    checked_at: new Date(FIRST_CHECK + day * DAY).toISOString(),
    run_url: `https://github.com/octo-org/models/actions/runs/${100_000 + day}`,
    ...(withHistograms
      ? {
          histograms: Object.fromEntries(
            COLUMNS.map((name) => [
              name,
              {
                bins: ['0–1', '1–2', '2–3', '3–4'],
                reference: [0.25, 0.25, 0.25, 0.25],
                current: [0.1, 0.2, 0.3, 0.4],
              },
            ]),
          ),
        }
      : {}),
  };
}

/** Reports of days [from, to), one file each; the last `histogramDays` carry histograms. */
export async function writeDriftReports(
  dir: string,
  from: number,
  to: number,
  histogramDays = 30,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (let day = from; day < to; day++) {
    const file = path.join(dir, `drift-${String(day).padStart(4, '0')}.json`);
    await writeFile(file, JSON.stringify(driftReport(day, day >= to - histogramDays)));
    const when = new Date(FIRST_CHECK + day * DAY);
    await utimes(file, when, when);
    files.push(file);
  }
  return files;
}
