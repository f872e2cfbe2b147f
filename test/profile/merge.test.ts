import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Cell, DataBatch } from '../../src/core/data/batch.js';
import { readCsv } from '../../src/core/data/csv-reader.js';
import { DataError } from '../../src/core/errors.js';
import type { NumericSummary } from '../../src/core/profile/numeric-summary.js';
import {
  createProfileBuilder,
  mergeProfiles,
  type ColumnProfile,
  type DataProfile,
  type ProfileOptions,
} from '../../src/core/profile/profile.js';
import { parseDatasetSchema, type DatasetSchema } from '../../src/core/schema/dataset-schema.js';

/** A data set as plain rows, with the file each row came from. */
interface Table {
  readonly columns: readonly string[];
  readonly rows: { file: string; cells: Cell[] }[];
}

async function readTable(paths: { path: string; name: string }[]): Promise<Table> {
  const rows: Table['rows'] = [];
  let columns: readonly string[] = [];
  for (const { path, name } of paths) {
    const bytes = new Uint8Array(readFileSync(path));
    async function* source() {
      yield bytes;
    }
    for await (const event of readCsv(source(), { file: name })) {
      if (event.kind === 'issue') throw new Error(event.issue.message);
      const { batch } = event;
      columns = batch.columns;
      for (let r = 0; r < batch.rows; r++) {
        rows.push({ file: batch.file, cells: batch.values.map((values) => values[r] ?? null) });
      }
    }
  }
  return { columns, rows };
}

/** Profiles rows in batches of `batchSize` (a batch never spans two files). */
function profile(
  schema: DatasetSchema,
  table: Table,
  rows: Table['rows'],
  batchSize: number,
  options: Partial<ProfileOptions> = {},
): DataProfile {
  const builder = createProfileBuilder({ schema, options });
  let pending: Table['rows'] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const batch: DataBatch = {
      file: (pending[0] as Table['rows'][number]).file,
      format: 'csv',
      columns: table.columns,
      values: table.columns.map((_, c) => pending.map((row) => row.cells[c] ?? null)),
      lines: pending.map((_, r) => r + 2),
      rows: pending.length,
    };
    builder.add(batch);
    pending = [];
  };
  for (const row of rows) {
    if (pending.length === batchSize || (pending.length > 0 && pending[0]?.file !== row.file)) {
      flush();
    }
    pending.push(row);
  }
  flush();
  return builder.finish();
}

/** mulberry32, for a reproducible split into shards. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Three shards of the rows, drawn at random with the given shares. */
function shards(table: Table, seed: number, shares = [1 / 3, 1 / 3]): Table['rows'][] {
  const next = random(seed);
  const parts: Table['rows'][] = [[], [], []];
  for (const row of table.rows) {
    const u = next();
    const first = shares[0] as number;
    parts[u < first ? 0 : u < first + (shares[1] as number) ? 1 : 2]?.push(row);
  }
  return parts;
}

function closeTo(actual: number, expected: number, relative: number): void {
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  expect(Math.abs(actual - expected) / scale, `${actual} vs ${expected}`).toBeLessThanOrEqual(
    relative,
  );
}

function expectSameNumeric(a: NumericSummary, b: NumericSummary): void {
  const { mean, m2, sum, ...counts } = a;
  const { mean: mean2, m2: m22, sum: sum2, ...counts2 } = b;
  expect(counts).toEqual(counts2);
  closeTo(mean, mean2, 1e-12);
  closeTo(m2, m22, 1e-12);
  closeTo(sum, sum2, 1e-12);
}

/** Counts exactly, moments within 1e-12 relative. */
function expectSameProfile(actual: DataProfile, expected: DataProfile): void {
  expect(actual.rows).toBe(expected.rows);
  expect(actual.files).toEqual(expected.files);
  expect(actual.options).toEqual(expected.options);
  expect([...actual.columns.keys()].sort()).toEqual([...expected.columns.keys()].sort());
  for (const [name, a] of actual.columns) {
    const b = expected.columns.get(name) as ColumnProfile;
    expect(a.type, name).toBe(b.type);
    expect([a.role, a.missing, a.invalid], name).toEqual([b.role, b.missing, b.invalid]);
    if ((a.type === 'number' || a.type === 'integer') && b.type === a.type) {
      expectSameNumeric(a, b);
    } else if (a.type === 'datetime' && b.type === 'datetime') {
      expect([a.min, a.max]).toEqual([b.min, b.max]);
      expectSameNumeric(a.hour, b.hour);
    } else if (a.type === 'text' && b.type === 'text') {
      expect([a.tokens, a.tokenCount]).toEqual([b.tokens, b.tokenCount]);
      expectSameNumeric(a.length, b.length);
    } else {
      expect(a).toEqual(b);
    }
  }
}

const permutations = <T>(items: readonly T[]): T[][] =>
  items.length <= 1
    ? [[...items]]
    : items.flatMap((item, i) =>
        permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
      );

/** Every order and both groupings of three shards. */
function allMerges(parts: DataProfile[]): DataProfile[] {
  const out: DataProfile[] = [];
  for (const [x, y, z] of permutations(parts) as [DataProfile, DataProfile, DataProfile][]) {
    out.push(mergeProfiles(mergeProfiles(x, y), z));
    out.push(mergeProfiles(x, mergeProfiles(y, z)));
  }
  return out;
}

const seattleSchema = parseDatasetSchema(
  [
    'columns:',
    '  date: {type: datetime}',
    '  precipitation: {type: number}',
    '  temp_max: {type: number}',
    '  temp_min: {type: number}',
    '  wind: {type: number}',
    '  weather: {type: category, role: target}',
  ].join('\n'),
  'schema.yml',
);

describe('mergeProfiles on Seattle weather (1,461 rows)', async () => {
  const table = await readTable([
    { path: 'test/fixtures/datasets/seattle-weather.csv', name: 'seattle-weather.csv' },
  ]);
  const whole = profile(seattleSchema, table, table.rows, 8192);

  it('profiles the whole data set as an independent computation says', () => {
    // Reference values: Python's statistics.fmean / pvariance * n over the CSV, and
    // `cut -d, -f6 | sort | uniq -c` for the labels.
    const reference = {
      precipitation: [3.02943189596167, 65152.49442847365, 0, 55.9, 111],
      temp_max: [16.43908281998631, 78867.65837097878, -1.6, 35.6, 67],
      temp_min: [8.234770704996578, 36836.63364818617, -7.1, 18.3, 55],
      wind: [3.24113620807666, 3018.317713894593, 0.4, 9.5, 79],
    };
    for (const [name, [mean, m2, min, max, distinct]] of Object.entries(reference)) {
      const column = whole.columns.get(name);
      if (column?.type !== 'number') throw new Error(`${name} is not a number column`);
      closeTo(column.mean, mean as number, 1e-13);
      closeTo(column.m2, m2 as number, 1e-12);
      expect([column.min, column.max, column.values.length, column.count]).toEqual([
        min,
        max,
        distinct,
        1461,
      ]);
    }
    const weather = whole.columns.get('weather');
    if (weather?.type !== 'category') throw new Error('weather is not a category column');
    expect(Object.fromEntries(weather.counts)).toEqual({
      drizzle: 53,
      fog: 101,
      rain: 641,
      snow: 26,
      sun: 640,
    });
    const date = whole.columns.get('date');
    if (date?.type !== 'datetime') throw new Error('date is not a datetime column');
    expect([date.min, date.max]).toEqual(['2012-01-01T00:00:00.000Z', '2015-12-31T00:00:00.000Z']);
    expect([...date.hour.values, ...date.hour.counts]).toEqual([0, 1461]);
  });

  it('equals the merge of three shards in any order and grouping', () => {
    const parts = shards(table, 3).map((rows, i) => profile(seattleSchema, table, rows, 50 + i));
    expect(parts.map((p) => p.rows).reduce((a, b) => a + b)).toBe(1461);
    for (const merged of allMerges(parts)) expectSameProfile(merged, whole);
  });

  it('merges sketched and exact shards into the sketch of the whole, exactly', () => {
    // 111 distinct precipitation values: past a cap of 60 the whole is sketched, and so is the
    // shard with 90% of the rows, while the two with 5% stay exact; merging rounds them.
    const options = { maxDistinct: 60, alpha: 0.01 };
    const sketched = profile(seattleSchema, table, table.rows, 8192, options);
    const precipitation = sketched.columns.get('precipitation');
    expect(precipitation?.type === 'number' && precipitation.exact).toBe(false);
    const parts = shards(table, 9, [0.05, 0.9]).map((rows) =>
      profile(seattleSchema, table, rows, 64, options),
    );
    const exactness = parts.map((p) => {
      const c = p.columns.get('precipitation');
      return c?.type === 'number' && c.exact;
    });
    expect(exactness).toEqual([true, false, true]);
    for (const merged of allMerges(parts)) expectSameProfile(merged, sketched);
  });
});

describe('mergeProfiles on breast cancer (569 rows in two files)', async () => {
  const schema = parseDatasetSchema(
    readFileSync('examples/breast-cancer/schema.yml', 'utf8'),
    'schema.yml',
  );
  const table = await readTable([
    { path: 'examples/breast-cancer/data/train.csv', name: 'train.csv' },
    { path: 'examples/breast-cancer/data/eval.csv', name: 'eval.csv' },
  ]);
  const whole = profile(schema, table, table.rows, 8192);

  it('profiles the whole data set as an independent computation says', () => {
    const radius = whole.columns.get('mean radius');
    if (radius?.type !== 'number') throw new Error('mean radius is not a number column');
    // Python: statistics.fmean and pvariance * n over both files.
    closeTo(radius.mean, 14.127291739894552, 1e-13);
    closeTo(radius.m2, 7053.946633571178, 1e-12);
    expect(radius.values.length).toBe(456);
    const diagnosis = whole.columns.get('diagnosis');
    if (diagnosis?.type !== 'category') throw new Error('diagnosis is not a category column');
    expect(Object.fromEntries(diagnosis.counts)).toEqual({ benign: 357, malignant: 212 });
    expect(whole.files).toEqual([{ path: 'eval.csv' }, { path: 'train.csv' }]);
    expect(whole.columns.size).toBe(31);
  });

  it('equals the merge of three shards in any order and grouping', () => {
    const parts = shards(table, 5).map((rows) => profile(schema, table, rows, 37));
    for (const merged of allMerges(parts)) expectSameProfile(merged, whole);
  });

  it('equals the merge of its two files', () => {
    const train = table.rows.filter((row) => row.file === 'train.csv');
    const evaluation = table.rows.filter((row) => row.file === 'eval.csv');
    expectSameProfile(
      mergeProfiles(profile(schema, table, evaluation, 100), profile(schema, table, train, 100)),
      whole,
    );
  });
});

describe('mergeProfiles on every column type', () => {
  const schema = parseDatasetSchema(
    [
      'columns:',
      '  b: {type: boolean}',
      '  s: {type: string, nullable: true}',
      '  d: {type: datetime}',
      '  t: {type: text, nullable: true}',
      '  i: {type: integer}',
    ].join('\n'),
    'schema.yml',
  );
  const words = ['alpha', 'Beta', 'gamma', 'ÉTÉ', 'x1', 'naïve'];
  const table: Table = {
    columns: ['b', 's', 'd', 't', 'i'],
    rows: Array.from({ length: 500 }, (_, r) => ({
      file: `part-${r % 2}.jsonl`,
      cells: [
        r % 3 === 0,
        r % 13 === 0 ? null : `s${(r * 7) % 23}`,
        new Date(Date.UTC(2020, 0, 1) + r * 3_917_000),
        r % 5 === 0 ? null : `${words[r % 6]} ${words[(r * 5) % 6]}, ${r % 17}!`,
        r % 19 === 0 ? 'oops' : String((r * r) % 101),
      ],
    })),
  };

  it('merges shards into the whole', () => {
    const whole = profile(schema, table, table.rows, 64);
    const t = whole.columns.get('t');
    expect(t?.type === 'text' && t.tokenCount).toBe(400 * 3);
    for (const merged of allMerges(
      shards(table, 11).map((rows) => profile(schema, table, rows, 17)),
    )) {
      expectSameProfile(merged, whole);
    }
  });
});

describe('mergeProfiles refuses profiles that do not fit together', () => {
  const schema = (text: string) => parseDatasetSchema(text, 'schema.yml');
  const build = (text: string, options: Partial<ProfileOptions> = {}) =>
    createProfileBuilder({ schema: schema(text), options }).finish();

  it('names the column and both types when types differ', () => {
    const a = build('columns:\n  x: {type: number}\n  y: {type: category}\n');
    const b = build('columns:\n  x: {type: number}\n  y: {type: integer}\n');
    expect(() => mergeProfiles(a, b)).toThrow(DataError);
    expect(() => mergeProfiles(a, b)).toThrow(/column "y" is category in one and integer/);
  });

  it('names a column that only one profile has', () => {
    const a = build('columns:\n  x: {type: number}\n');
    const b = build('columns:\n  x: {type: number}\n  z: {type: text}\n');
    expect(() => mergeProfiles(a, b)).toThrow(/column "z" \(text\) is in one profile and not/);
    expect(() => mergeProfiles(b, a)).toThrow(/column "z" \(text\)/);
  });

  it('refuses different caps or alpha', () => {
    const text = 'columns:\n  x: {type: number}\n';
    expect(() => mergeProfiles(build(text), build(text, { alpha: 0.001 }))).toThrow(
      /different options: .*alpha 0.0001.* and .*alpha 0.001/,
    );
    expect(() => mergeProfiles(build(text), build(text, { maxCategories: 10 }))).toThrow(DataError);
  });

  it('refuses two digests for one file, and keeps the latest creation time', () => {
    const s = schema('columns:\n  x: {type: number}\n');
    const a = createProfileBuilder({ schema: s, created: '2024-01-01T00:00:00Z' });
    a.addFile('d.csv', '0'.repeat(64));
    const b = createProfileBuilder({ schema: s, created: '2024-02-01T00:00:00Z' });
    b.addFile('d.csv');
    const merged = mergeProfiles(a.finish(), b.finish());
    expect(merged.files).toEqual([{ path: 'd.csv', sha256: '0'.repeat(64) }]);
    expect(merged.created).toBe('2024-02-01T00:00:00Z');
    const c = createProfileBuilder({ schema: s });
    c.addFile('d.csv', '1'.repeat(64));
    expect(() => mergeProfiles(a.finish(), c.finish())).toThrow(/two digests/);
  });
});
