/**
 * `mlops profile`, `mlops profile merge` and `mlops drift` through the bundled command, on the
 * Seattle weather data: merged shard profiles equal the profile of the whole, and a summer-vs-
 * winter check writes the report and the issue body.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlops } from '../support/run-cli.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');

const SCHEMA = `version: 1
columns:
  date: { type: datetime }
  precipitation: { type: number }
  temp_max: { type: number }
  temp_min: { type: number }
  wind: { type: number }
  weather: { type: category, role: target }
`;

let workspace: Workspace;

beforeAll(async () => {
  workspace = await createWorkspace({});
  const text = await readFile(
    path.join(root, 'test/fixtures/datasets/seattle-weather.csv'),
    'utf8',
  );
  const [header, ...rows] = text.trim().split(/\r?\n/);
  const csv = (part: readonly string[]) => `${[header, ...part].join('\n')}\n`;
  const month = (row: string) => Number(row.slice(5, 7));
  await workspace.write('schema.yml', SCHEMA);
  await workspace.write(
    'mlops.yml',
    'version: 1\nmodel: { name: weather }\ndata: { schema: schema.yml, train: data/all.csv }\ndrift: { current: data/summer.csv }\n',
  );
  await workspace.write('data/all.csv', csv(rows));
  await workspace.write('data/shard-1.csv', csv(rows.slice(0, 600)));
  await workspace.write('data/shard-2.csv', csv(rows.slice(600)));
  await workspace.write('data/winter.csv', csv(rows.filter((r) => [12, 1, 2].includes(month(r)))));
  await workspace.write('data/summer.csv', csv(rows.filter((r) => [6, 7, 8].includes(month(r)))));
});

afterAll(async () => {
  await workspace.cleanup();
});

/** Equal up to floating-point rounding of the moments (merge is exact for counts). */
function expectClose(actual: unknown, expected: unknown, at = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(1, Math.abs(expected));
    expect(Math.abs(actual - expected) / scale, at).toBeLessThan(1e-12);
    return;
  }
  if (typeof expected !== 'object' || expected === null) {
    expect(actual, at).toEqual(expected);
    return;
  }
  expect(typeof actual, at).toBe('object');
  expect(Object.keys(actual as object).sort(), at).toEqual(Object.keys(expected).sort());
  for (const [key, value] of Object.entries(expected)) {
    expectClose((actual as Record<string, unknown>)[key], value, `${at}.${key}`);
  }
}

describe('mlops profile', () => {
  it('profiles the config’s training data, and merged shards equal the whole', async () => {
    const whole = await mlops(workspace.dir, 'profile', '--output', 'out/all.json');
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stdout).toContain('Profiled 1461 records');
    for (const shard of ['1', '2']) {
      const result = await mlops(
        workspace.dir,
        'profile',
        '--data',
        `data/shard-${shard}.csv`,
        '--output',
        `out/shard-${shard}.json`,
      );
      expect(result.code, result.stderr).toBe(0);
    }
    const merged = await mlops(
      workspace.dir,
      'profile',
      'merge',
      'out/shard-1.json',
      'out/shard-2.json',
      '--output',
      'out/merged.json',
    );
    expect(merged.code, merged.stderr).toBe(0);
    const a = JSON.parse(await workspace.read('out/all.json')) as Record<string, unknown>;
    const b = JSON.parse(await workspace.read('out/merged.json')) as Record<string, unknown>;
    expect(b['rows']).toBe(1461);
    expect((b['files'] as { path: string }[]).map((f) => f.path)).toEqual([
      'data/shard-1.csv',
      'data/shard-2.csv',
    ]);
    expectClose(b['columns'], a['columns']);
  });

  it('names the file of a profile it cannot merge', async () => {
    await workspace.write('out/broken.json', '{"rows": 1}');
    const result = await mlops(
      workspace.dir,
      'profile',
      'merge',
      'out/broken.json',
      '--output',
      'x.json',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/out\/broken\.json.*not a valid profile/);
  });
});

describe('mlops drift', () => {
  it('compares summer with a winter profile: severe, report and issue body written', async () => {
    const profiled = await mlops(
      workspace.dir,
      'profile',
      '--data',
      'data/winter.csv',
      '--output',
      'out/winter.json',
    );
    expect(profiled.code, profiled.stderr).toBe(0);
    const result = await mlops(
      workspace.dir,
      'drift',
      '--reference',
      'out/winter.json',
      '--report',
      'out/drift.json',
      '--issue-out',
      'out/issue.md',
    );
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(
      /^Drift: severe \(\d+ drifted columns, share [\d.]+\); report: out\/drift\.json\n$/,
    );
    const report = JSON.parse(await workspace.read('out/drift.json')) as {
      model: string;
      reference: string;
      current: string;
      severity: string;
      prediction_drift: boolean | null;
      columns: { name: string; drifted: boolean }[];
      notes: string[];
    };
    expect(report).toMatchObject({
      model: 'weather',
      reference: 'out/winter.json',
      current: 'data/summer.csv',
      severity: 'severe',
      prediction_drift: null,
    });
    expect(report.columns.find((c) => c.name === 'temp_min')?.drifted).toBe(true);
    expect(report.notes.join('\n')).toMatch(/Prediction drift was skipped/);
    const issue = await workspace.read('out/issue.md');
    expect(issue).toContain('<!-- mlops-actions:drift:weather -->');
    expect(issue).toContain('```mermaid');
  });

  it('finds no drift between data and itself and exits 0', async () => {
    const result = await mlops(
      workspace.dir,
      'drift',
      '--current',
      'data/winter.csv',
      '--reference',
      'data/winter.csv',
      '--model',
      'none',
      '--report',
      'out/same.json',
    );
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(await workspace.read('out/same.json')) as {
      severity: string;
      drifted: number;
    };
    expect(report).toMatchObject({ severity: 'none', drifted: 0 });
  });

  it('takes the profiles of shards as --current: the report of the whole data, bit for bit', async () => {
    const drift = async (report: string, ...current: string[]) => {
      const result = await mlops(
        workspace.dir,
        'drift',
        ...current.flatMap((c) => ['--current', c]),
        '--reference',
        'out/winter.json',
        '--model',
        'none',
        '--report',
        report,
        '--fail-on',
        'never',
      );
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(await workspace.read(report)) as Record<string, unknown>;
    };
    // The shard profiles of the first test: rows 1-600 and 601-1461 of data/all.csv.
    const sharded = await drift('out/sharded.json', 'out/shard-2.json', 'out/shard-1.json');
    const whole = await drift('out/whole.json', 'data/all.csv');
    expect(sharded['current']).toBe('out/shard-2.json, out/shard-1.json');
    expect(whole['current']).toBe('data/all.csv');
    expect({ ...sharded, current: '' }).toEqual({ ...whole, current: '' });
    // Winter against the whole year: the temperatures drift, so the comparison is not vacuous.
    const columns = whole['columns'] as { name: string; drifted: boolean }[];
    expect(columns.find((c) => c.name === 'temp_max')?.drifted).toBe(true);
  });

  it('refuses profiles and data mixed in --current, naming both', async () => {
    const result = await mlops(
      workspace.dir,
      'drift',
      '--current',
      'out/shard-1.json',
      '--current',
      'data/shard-2.csv',
      '--reference',
      'out/winter.json',
      '--model',
      'none',
      '--report',
      'out/mixed.json',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'current mixes profiles ("out/shard-1.json") and data files ("data/shard-2.csv")',
    );
    expect(result.stderr).toContain('--current');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
