/* eslint-disable @typescript-eslint/no-explicit-any -- the tests break plain JSON on purpose */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Cell, DataBatch } from '../../src/core/data/batch.js';
import { DataError } from '../../src/core/errors.js';
import { parseProfile, serializeProfile } from '../../src/core/profile/profile-schema.js';
import {
  createProfileBuilder,
  mergeProfiles,
  profilePredictionDistribution,
  profilePredictions,
  type DataProfile,
} from '../../src/core/profile/profile.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';

function batch(columns: string[], rows: Cell[][], file = 'data.csv'): DataBatch {
  return {
    file,
    format: 'csv',
    columns,
    values: columns.map((_, c) => rows.map((row) => row[c] ?? null)),
    lines: rows.map((_, r) => r + 2),
    rows: rows.length,
  };
}

/** A profile with every kind of column, a sketched one and a folded one among them. */
function sample(): DataProfile {
  const schema = parseDatasetSchema(
    [
      'columns:',
      '  n: {type: number, nullable: true}',
      '  i: {type: integer}',
      '  wide: {type: number}',
      '  b: {type: boolean}',
      '  c: {type: category}',
      '  d: {type: datetime}',
      '  t: {type: text, nullable: true}',
      '  y: {type: string, role: target}',
    ].join('\n'),
    'schema.yml',
  );
  const builder = createProfileBuilder({
    schema,
    options: { maxDistinct: 20, maxCategories: 4 },
    created: '2024-03-01T12:00:00Z',
  });
  const rows: Cell[][] = [];
  for (let r = 0; r < 60; r++) {
    rows.push([
      r % 7 === 0 ? null : r % 11 === 0 ? 'inf' : String(r / 8),
      String((r % 5) - 2),
      String(Math.exp(r / 3) - 5),
      r % 3 === 0 ? 'true' : 'false',
      `k${r % 9}`,
      `2024-02-${String(1 + (r % 28)).padStart(2, '0')}T${String(r % 24).padStart(2, '0')}:15:00Z`,
      r % 4 === 0 ? null : `Row ${r} says ${r % 2 === 0 ? 'even' : 'odd'}`,
      r % 2 === 0 ? 'yes' : 'no',
    ]);
  }
  builder.add(batch(['n', 'i', 'wide', 'b', 'c', 'd', 't', 'y'], rows));
  builder.addFile('data.csv', 'ab'.repeat(32));
  return builder.finish();
}

function roundTrip(profile: DataProfile): DataProfile {
  return parseProfile(JSON.parse(JSON.stringify(serializeProfile(profile))), 'profile.json');
}

/** The serialized sample, as plain JSON to break on purpose. */
const json = (): any => JSON.parse(JSON.stringify(serializeProfile(sample())));

function errorOf(value: unknown): DataError {
  try {
    parseProfile(value, 'models/m/profile.json');
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  throw new Error('expected a DataError');
}

describe('profile.json', () => {
  it('round-trips every kind of column', () => {
    const profile = sample();
    const wide = profile.columns.get('wide');
    expect(wide?.type === 'number' && wide.exact).toBe(false);
    const c = profile.columns.get('c');
    expect(c?.type === 'category' && c.exact).toBe(false);
    expect(roundTrip(profile)).toEqual(profile);
    expect(roundTrip(roundTrip(profile))).toEqual(profile);
  });

  it('writes the documented top-level fields', () => {
    const out = json();
    expect(out).toMatchObject({
      format: 'mlops-profile',
      version: 1,
      rows: 60,
      files: [{ path: 'data.csv', sha256: 'ab'.repeat(32) }],
      created: '2024-03-01T12:00:00Z',
      options: { maxDistinct: 20, alpha: 1e-4, maxCategories: 4 },
    });
    expect(Object.keys(out.columns)).toEqual(['n', 'i', 'wide', 'b', 'c', 'd', 't', 'y']);
    // i: (r % 5) - 2 for r < 60 gives -2..2, twelve times each.
    expect(out.columns.i).toMatchObject({
      type: 'integer',
      values: [-2, -1, 0, 1, 2],
      counts: [12, 12, 12, 12, 12],
    });
    expect(out.columns.y).toMatchObject({ role: 'target', values: ['no', 'yes'] });
  });

  it.each([
    ['a wrong format', (j: any) => (j.format = 'other'), 'format'],
    ['values out of order', (j: any) => (j.columns.i.values[3] = -5), 'columns.i.values[3]'],
    ['a missing count', (j: any) => j.columns.i.counts.pop(), 'columns.i.counts'],
    ['counts that do not add up', (j: any) => (j.columns.i.count = 61), 'columns.i.counts'],
    ['a row total that does not add up', (j: any) => (j.columns.b.missing = 3), 'columns.b'],
    ['an unknown type', (j: any) => (j.columns.b.type = 'blob'), 'columns.b.type'],
    ['a string for a number', (j: any) => (j.columns.n.mean = '1'), 'columns.n.mean'],
    ['a bad digest', (j: any) => (j.files[0].sha256 = 'xyz'), 'files[0].sha256'],
    ['a bad hour', (j: any) => (j.columns.d.hour.counts[0] = 0), 'columns.d.hour.counts[0]'],
    [
      'a duplicate token',
      (j: any) => (j.columns.t.tokens.values[1] = j.columns.t.tokens.values[0]),
      'columns.t.tokens.values[1]',
    ],
    ['an unknown field', (j: any) => (j.columns.c.extra = 1), 'columns.c'],
  ])('refuses %s, naming the file and field', (_, breakIt, field) => {
    const broken = json();
    breakIt(broken);
    const error = errorOf(broken);
    expect(error.location).toEqual({ file: 'models/m/profile.json', field });
    expect(error.message).toMatch(/^models\/m\/profile\.json \(/);
  });

  it('refuses what is not an object at all', () => {
    expect(errorOf(null).location).toEqual({ file: 'models/m/profile.json' });
  });

  it('stays small for a flights-like data set (the size follows distinct values, not rows)', () => {
    // Like the 3,000,000-row flights data: delay and distance integers over their whole range,
    // about 300 airports, a date-time. 200,000 synthetic rows cover every distinct value.
    const schema = parseDatasetSchema(
      [
        'columns:',
        '  date: {type: datetime}',
        '  delay: {type: integer}',
        '  distance: {type: integer}',
        '  origin: {type: string}',
        '  destination: {type: category}',
      ].join('\n'),
      'schema.yml',
    );
    const airports = Array.from({ length: 300 }, (_, k) =>
      String.fromCharCode(65 + (k % 26), 65 + ((k * 7) % 26), 65 + Math.floor(k / 26)),
    );
    const builder = createProfileBuilder({ schema });
    const n = 200_000;
    const size = 8192;
    for (let start = 0; start < n; start += size) {
      const rows: Cell[][] = [];
      for (let r = start; r < Math.min(n, start + size); r++) {
        rows.push([
          new Date(Date.UTC(2001, 0, 1) + r * 157_000),
          ((r * 7919) % 4321) - 1440,
          1 + ((r * 104_729) % 6000),
          airports[r % 300] ?? null,
          airports[(r * 31) % 300] ?? null,
        ]);
      }
      builder.add({
        ...batch(['date', 'delay', 'distance', 'origin', 'destination'], rows),
        format: 'parquet',
      });
    }
    const profile = builder.finish();
    const delay = profile.columns.get('delay');
    expect(delay?.type === 'integer' && delay.values.length).toBe(4321);
    const bytes = Buffer.byteLength(JSON.stringify(serializeProfile(profile)));
    expect(bytes).toBeLessThan(200_000);
  });
});

describe('predictions in a profile', () => {
  const model = `sha256:${'c'.repeat(64)}`;
  // 60 records: "yes" for every third, "no" otherwise (20 and 40).
  const labels = Array.from({ length: 60 }, (_, r) => (r % 3 === 0 ? 'yes' : 'no'));
  const withLabels = (): DataProfile => ({
    ...sample(),
    predictions: profilePredictions({
      model,
      predictions: labels,
      options: { maxDistinct: 20, maxCategories: 4 },
    }),
  });

  it('profiles class labels as a category and regression values as a number', () => {
    const profile = withLabels();
    expect(profile.predictions?.column).toMatchObject({ type: 'category', role: 'prediction' });
    const distribution = profilePredictionDistribution(profile);
    expect(distribution?.kind).toBe('categorical');
    expect(distribution?.distribution).toEqual({
      counts: new Map([
        ['no', 40],
        ['yes', 20],
      ]),
      missing: 0,
    });
    const values = profilePredictions({ model, predictions: Float64Array.of(0.5, 0.5, 2, NaN) });
    expect(values.column).toMatchObject({
      type: 'number',
      values: Float64Array.of(0.5, 2),
      counts: Float64Array.of(2, 1),
      nan: 1,
    });
    expect(profilePredictionDistribution(sample())).toBeNull();
  });

  it('round-trips, under a documented field', () => {
    const profile = withLabels();
    expect(roundTrip(profile)).toEqual(profile);
    const out = JSON.parse(JSON.stringify(serializeProfile(profile)));
    expect(out.predictions).toMatchObject({
      model,
      column: { type: 'category', role: 'prediction', values: ['no', 'yes'], counts: [40, 20] },
    });
  });

  it.each([
    ['a bad model digest', (j: any) => (j.predictions.model = 'abc'), 'predictions.model'],
    [
      'a prediction count that does not add up',
      (j: any) => (j.predictions.column.counts[0] = 41),
      'predictions.column',
    ],
    [
      'a data column posing as predictions',
      (j: any) => (j.columns.b.role = 'prediction'),
      'columns.b.role',
    ],
    [
      'predictions with a data role',
      (j: any) => (j.predictions.column.role = 'target'),
      'predictions.column.role',
    ],
  ])('refuses %s', (_, breakIt, field) => {
    const broken: any = JSON.parse(JSON.stringify(serializeProfile(withLabels())));
    breakIt(broken);
    expect(errorOf(broken).location).toEqual({ file: 'models/m/profile.json', field });
  });

  it('merges predictions of the same model, and refuses to mix models', () => {
    const merged = mergeProfiles(withLabels(), withLabels());
    expect(profilePredictionDistribution(merged)?.distribution).toEqual({
      counts: new Map([
        ['no', 80],
        ['yes', 40],
      ]),
      missing: 0,
    });
    const other = {
      ...withLabels(),
      predictions: { ...withLabels().predictions!, model: `sha256:${'d'.repeat(64)}` },
    };
    expect(() => mergeProfiles(withLabels(), other)).toThrowErrorMatchingInlineSnapshot(
      `[DataError: cannot merge profiles: one holds the predictions of sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc, the other of sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd]`,
    );
    expect(() => mergeProfiles(withLabels(), sample())).toThrowErrorMatchingInlineSnapshot(
      `[DataError: cannot merge profiles: one holds the predictions of sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc, the other of no model]`,
    );
  });
});

describe('schemas/profile.schema.json', () => {
  it('accepts the profiles we write and refuses a wrong format, for tools outside this project', () => {
    const schema = JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, '../../schemas/profile.schema.json'), 'utf8'),
    );
    const ajv = new Ajv2020({ strict: false });
    ajvFormats.default(ajv);
    const validate = ajv.compile(schema);
    const profile: any = JSON.parse(
      JSON.stringify(
        serializeProfile({
          ...sample(),
          predictions: profilePredictions({
            model: `sha256:${'e'.repeat(64)}`,
            predictions: Float64Array.from({ length: 60 }, (_, i) => (i % 4) / 2),
          }),
        }),
      ),
    );
    expect(validate(profile), JSON.stringify(validate.errors)).toBe(true);
    profile.format = 'other';
    expect(validate(profile)).toBe(false);
  });
});
