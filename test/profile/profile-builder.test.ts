import { describe, expect, it } from 'vitest';
import type { Cell, DataBatch, DataFormat } from '../../src/core/data/batch.js';
import { ConfigError, DataError } from '../../src/core/errors.js';
import {
  createProfileBuilder,
  profileColumnDistributions,
  profileDistributions,
  type ColumnProfile,
  type DataProfile,
} from '../../src/core/profile/profile.js';
import { ValueCounts } from '../../src/core/profile/numeric-summary.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';

function batch(
  columns: string[],
  rows: Cell[][],
  file = 'data.csv',
  format: DataFormat = 'csv',
): DataBatch {
  return {
    file,
    format,
    columns,
    values: columns.map((_, c) => rows.map((row) => row[c] ?? null)),
    lines: rows.map((_, r) => r + 2),
    rows: rows.length,
  };
}

function column<T extends ColumnProfile['type']>(
  profile: DataProfile,
  name: string,
  type: T,
): ColumnProfile & { readonly type: T } {
  const found = profile.columns.get(name);
  if (found?.type !== type) throw new Error(`column ${name} is not ${type}`);
  return found as ColumnProfile & { readonly type: T };
}

const schema = (text: string) => parseDatasetSchema(text, 'schema.yml');

describe('createProfileBuilder: numeric columns', () => {
  it('counts CSV number text: values, NaN, infinities, missing and invalid cells', () => {
    const builder = createProfileBuilder({
      schema: schema('columns:\n  x: {type: number, nullable: true}\n'),
    });
    builder.add(batch(['x'], [['1.5'], ['2.5'], ['NaN'], ['inf'], ['-Infinity'], [null]]));
    builder.add(batch(['x'], [['abc'], ['1.5'], [' 2']]));
    const x = column(builder.finish(), 'x', 'number');
    // Finite: 1.5, 2.5, 1.5 -> mean 11/6, deviations -1/3, 2/3, -1/3 -> M2 = 6/9.
    expect(x).toMatchObject({
      count: 3,
      nan: 1,
      posInf: 1,
      negInf: 1,
      missing: 1,
      invalid: 2,
      min: 1.5,
      max: 2.5,
      sum: 5.5,
      exact: true,
    });
    expect(x.mean).toBeCloseTo(11 / 6, 14);
    expect(x.m2).toBeCloseTo(2 / 3, 14);
    expect([...x.values]).toEqual([1.5, 2.5]);
    expect([...x.counts]).toEqual([2, 1]);
  });

  it('reads integers strictly and takes JSONL and Parquet values as they are', () => {
    const builder = createProfileBuilder({
      schema: schema('columns:\n  i: {type: integer}\n  n: {type: number}\n'),
    });
    builder.add(
      batch(
        ['i', 'n'],
        [
          ['3', '-0.25'],
          ['3.0', '1e2'],
          ['-2', null],
        ],
      ),
    );
    builder.add(
      batch(
        ['i', 'n'],
        [
          [7, 0.5],
          [7.5, Number.NaN],
          [2n ** 60n, 9007199254740993n],
          [true, 'x'],
        ],
        'data.parquet',
        'parquet',
      ),
    );
    const profile = builder.finish();
    const i = column(profile, 'i', 'integer');
    expect([...i.values]).toEqual([-2, 3, 7]);
    expect([...i.counts]).toEqual([1, 1, 1]);
    // "3.0", 7.5, true, and 2^60: beyond 2^53 - 1 an integer cannot be held exactly, which
    // validation reports as a violation; the profile does not count a rounded value.
    expect(i.invalid).toBe(4);
    const n = column(profile, 'n', 'number');
    expect([...n.values]).toEqual([-0.25, 0.5, 100, 9007199254740992]);
    expect(n).toMatchObject({ nan: 1, missing: 1, invalid: 1, count: 4 });
    expect(profile.files).toEqual([{ path: 'data.csv' }, { path: 'data.parquet' }]);
    expect(profile.rows).toBe(7);
  });

  it('matches a two-pass mean and variance over many batches', () => {
    const values: number[] = [];
    let state = 7;
    for (let k = 0; k < 5000; k++) {
      state = (state * 48271) % 2147483647;
      values.push(1e6 + state / 2147483647);
    }
    const builder = createProfileBuilder({ schema: schema('columns:\n  x: {type: number}\n') });
    for (let start = 0; start < values.length; start += 333) {
      builder.add(
        batch(
          ['x'],
          values.slice(start, start + 333).map((v) => [v]),
          'data.jsonl',
          'jsonl',
        ),
      );
    }
    const x = column(builder.finish(), 'x', 'number');
    let sum = 0;
    for (const v of values) sum += v;
    const mean = sum / values.length;
    let m2 = 0;
    for (const v of values) m2 += (v - mean) ** 2;
    expect(Math.abs(x.mean - mean) / mean).toBeLessThan(1e-14);
    expect(Math.abs(x.m2 - m2) / m2).toBeLessThan(1e-9);
    expect(x.count).toBe(5000);
  });
});

describe('createProfileBuilder: categories, datetimes and text', () => {
  it('counts categories, strings and booleans, most frequent first', () => {
    const builder = createProfileBuilder({
      schema: schema(
        'columns:\n  c: {type: category}\n  s: {type: string}\n  b: {type: boolean}\n',
      ),
    });
    builder.add(
      batch(
        ['c', 's', 'b'],
        [
          ['red', 'x', 'true'],
          ['blue', null, 'no'],
          ['red', 'y', 'maybe'],
          [null, 'x', 'YES'],
        ],
      ),
    );
    builder.add(batch(['c', 's', 'b'], [[3, 4.5, false]], 'data.jsonl', 'jsonl'));
    const profile = builder.finish();
    const c = column(profile, 'c', 'category');
    expect([...c.counts]).toEqual([
      ['red', 2],
      ['3', 1],
      ['blue', 1],
    ]);
    expect(c).toMatchObject({ missing: 1, invalid: 0, other: 0, exact: true });
    expect([...column(profile, 's', 'string').counts]).toEqual([
      ['x', 2],
      ['4.5', 1],
      ['y', 1],
    ]);
    const b = column(profile, 'b', 'boolean');
    expect(Object.fromEntries(b.counts)).toEqual({ true: 2, false: 2 });
    expect(b.invalid).toBe(1);
  });

  it('folds categories past maxCategories into other, keeping the most frequent', () => {
    const builder = createProfileBuilder({
      schema: schema('columns:\n  c: {type: category}\n'),
      options: { maxCategories: 2 },
    });
    // a:3, b:2, then c, d, e make 5 keys > 2 x 2: folded to {a: 3, b: 2}, other 3.
    // A later c counts 1 again; the final fold keeps a and b and makes other 4.
    const keys = ['a', 'b', 'a', 'b', 'a', 'c', 'd', 'e', 'c'];
    builder.add(
      batch(
        ['c'],
        keys.map((k) => [k]),
      ),
    );
    const c = column(builder.finish(), 'c', 'category');
    expect(Object.fromEntries(c.counts)).toEqual({ a: 3, b: 2 });
    expect(c.other).toBe(4);
    expect(c.exact).toBe(false);
    const [distribution] = profileColumnDistributions(builder.finish(), 'c');
    expect(distribution?.kind).toBe('categorical');
    expect(distribution?.exact).toBe(false);
    if (distribution?.kind === 'categorical') {
      expect(Object.fromEntries(distribution.distribution.counts)).toEqual({
        a: 3,
        b: 2,
        __other__: 4,
      });
    }
  });

  it('profiles datetimes as their UTC hour, with the earliest and latest instants', () => {
    const builder = createProfileBuilder({
      schema: schema('columns:\n  d: {type: datetime, nullable: true}\n'),
    });
    builder.add(
      batch(
        ['d'],
        [
          ['2024-01-01T23:30:00+02:00'], // 21:30 UTC
          ['2024-01-02'], // 00:00
          ['2023-12-31T23:59:59Z'], // 23
          ['2024-01-01 21:05'], // 21
          [null],
          ['31/12/2023'],
        ],
      ),
    );
    builder.add(
      batch(['d'], [[new Date(Date.UTC(1969, 11, 31, 5, 0, 0))]], 'data.parquet', 'parquet'),
    );
    const profile = builder.finish();
    const d = column(profile, 'd', 'datetime');
    expect(d.min).toBe('1969-12-31T05:00:00.000Z');
    expect(d.max).toBe('2024-01-02T00:00:00.000Z');
    expect([...d.hour.values]).toEqual([0, 5, 21, 23]);
    expect([...d.hour.counts]).toEqual([1, 1, 2, 1]);
    expect(d).toMatchObject({ missing: 1, invalid: 1 });
    const distributions = profileColumnDistributions(profile, 'd');
    expect(distributions.map((x) => x.name)).toEqual(['d:hour']);
    const [hour] = distributions;
    if (hour?.kind !== 'numeric') throw new Error('expected a numeric distribution');
    expect(hour.distribution.nan).toBe(1);
  });

  it('profiles text as lengths and lower-cased letter-or-digit tokens', () => {
    const builder = createProfileBuilder({ schema: schema('columns:\n  t: {type: text}\n') });
    builder.add(
      batch(
        ['t'],
        [
          ['Hello, World! hello'], // 19 code points: hello x2, world
          ['Straße_42 café-au-lait 😀'], // 24 code points (the emoji is one)
          [''],
          [null],
        ],
      ),
    );
    const profile = builder.finish();
    const t = column(profile, 't', 'text');
    expect(Object.fromEntries(t.tokens.counts)).toEqual({
      hello: 2,
      world: 1,
      straße: 1,
      '42': 1,
      café: 1,
      au: 1,
      lait: 1,
    });
    expect(t.tokenCount).toBe(8);
    expect([...t.length.values]).toEqual([0, 19, 24]);
    expect(t.missing).toBe(1);
    expect(profileColumnDistributions(profile, 't').map((x) => [x.name, x.kind])).toEqual([
      ['t:length', 'numeric'],
      ['t:tokens', 'categorical'],
    ]);
  });
});

describe('createProfileBuilder: roles, files and options', () => {
  it('skips id and ignored columns, profiles the target, counts absent columns as missing', () => {
    const builder = createProfileBuilder({
      schema: schema(
        [
          'columns:',
          '  id: {type: integer, role: id}',
          '  junk: {type: string, role: ignored}',
          '  x: {type: number}',
          '  late: {type: number, required: false, nullable: true}',
          '  y: {type: category, role: target}',
        ].join('\n'),
      ),
      created: '2024-05-01T10:00:00Z',
    });
    builder.add(
      batch(
        ['id', 'junk', 'x', 'y', 'extra'],
        [
          ['1', 'a', '0.5', 'yes', 'z'],
          ['2', 'b', '1.5', 'no', 'z'],
        ],
        'a.csv',
      ),
    );
    builder.add(batch(['x', 'late', 'y'], [['2', '9', 'yes']], 'b.csv'));
    builder.addFile('a.csv', 'a'.repeat(64));
    builder.addFile('empty.csv');
    const profile = builder.finish();
    expect([...profile.columns.keys()]).toEqual(['x', 'late', 'y']);
    expect(profile.columns.get('y')?.role).toBe('target');
    expect(profile.columns.get('late')).toMatchObject({ missing: 2, count: 1 });
    expect(profile.files).toEqual([
      { path: 'a.csv', sha256: 'a'.repeat(64) },
      { path: 'b.csv' },
      { path: 'empty.csv' },
    ]);
    expect(profile.created).toBe('2024-05-01T10:00:00Z');
    expect(profileDistributions(profile).map((d) => d.name)).toEqual(['x', 'late', 'y']);
    expect(() => builder.addFile('a.csv', 'b'.repeat(64))).toThrow(DataError);
    expect(() => profileColumnDistributions(profile, 'id')).toThrow(/no column "id"/);
  });

  it('refuses bad options and a creation time that is not ISO 8601', () => {
    const s = schema('columns:\n  x: {type: number}\n');
    expect(() => createProfileBuilder({ schema: s, created: '01/02/2024' })).toThrow(ConfigError);
    expect(() => createProfileBuilder({ schema: s, options: { alpha: 0 } })).toThrow(ConfigError);
    expect(() => createProfileBuilder({ schema: s, options: { maxDistinct: 1.5 } })).toThrow(
      /maxDistinct/,
    );
  });

  it('switches a numeric column to the sketch past maxDistinct, whatever the batch sizes', () => {
    const s = schema('columns:\n  x: {type: number}\n');
    const values = [0, -3, 1, 0.99999, 2, 2, 500, -3, 7.25];
    const whole = createProfileBuilder({ schema: s, options: { maxDistinct: 5, alpha: 0.01 } });
    whole.add(
      batch(
        ['x'],
        values.map((v) => [v]),
      ),
    );
    const split = createProfileBuilder({ schema: s, options: { maxDistinct: 5, alpha: 0.01 } });
    for (const v of values) split.add(batch(['x'], [[v]]));
    const a = column(whole.finish(), 'x', 'number');
    const b = column(split.finish(), 'x', 'number');
    expect(a.exact).toBe(false);
    expect(a.values).toEqual(b.values);
    expect(a.counts).toEqual(b.counts);
    expect(b.exact).toBe(false);
    // gamma = 1.01 / 0.99: 0.99999 and 1 share bucket 0, (1 / gamma, 1], whose representative
    // is 2 / (gamma + 1); the others keep a bucket each: -3 (twice), 0, 2 (twice), 7.25, 500.
    const gamma = 1.01 / 0.99;
    expect(a.values.length).toBe(6);
    expect(a.values[1]).toBe(0);
    expect(a.values[2]).toBeCloseTo(2 / (gamma + 1), 14);
    expect([...a.counts]).toEqual([2, 1, 2, 2, 1, 1]);
    for (const [k, v] of [
      [0, -3],
      [3, 2],
      [4, 7.25],
      [5, 500],
    ] as const) {
      expect(Math.abs((a.values[k] as number) - v)).toBeLessThanOrEqual(0.01 * Math.abs(v));
    }
    // Moments and extremes stay exact.
    expect(a.min).toBe(-3);
    expect(a.max).toBe(500);
    expect(a.sum).toBeCloseTo(507.24999, 10);
  });
});

describe('ValueCounts', () => {
  it('counts like a Map, through growth, with -0 as 0', () => {
    const table = new ValueCounts(4);
    const reference = new Map<number, number>();
    let state = 3;
    for (let k = 0; k < 50_000; k++) {
      state = (state * 16807) % 2147483647;
      const kind = state % 4;
      const v =
        kind === 0 ? state % 300 : kind === 1 ? -(state % 97) / 8 : kind === 2 ? state / 7 : -0;
      table.add(v, 2);
      reference.set(v, (reference.get(v) ?? 0) + 2);
    }
    const seen = new Map<number, number>();
    table.forEach((value, count) => {
      expect(seen.has(value)).toBe(false);
      seen.set(value, count);
    });
    expect(table.size).toBe(reference.size);
    expect(seen).toEqual(reference);
    expect(
      Object.is(
        [...seen.keys()].find((v) => v === 0),
        0,
      ),
    ).toBe(true);
  });
});
