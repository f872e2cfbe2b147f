/**
 * The category and datetime encoding of features, on a table small enough to work by hand. The
 * expected values come from the calendar (2024-03-01 is a Friday, day 61 of the leap year 2024;
 * 2023-12-31 a Sunday, day 365 of 2023) and from exact angles: month 3 sits at 2π·2/12 = π/3
 * (sin √3/2, cos 1/2), month 12 at 11π/6 (sin −1/2, cos √3/2), Friday (d = 4) at 8π/7
 * (sin −sin(π/7), cos −cos(π/7)), Sunday (d = 6) at 12π/7 (sin −sin(2π/7), cos cos(2π/7)),
 * 18:00 at 3π/2 (sin −1, cos 0).
 */
import { describe, expect, it } from 'vitest';
import type { Cell, DataBatch } from '../../src/core/data/batch.js';
import { DataError } from '../../src/core/errors.js';
import { datasetSchemaSchema } from '../../src/core/schema/dataset-schema.js';
import { dateTimeParts, writeDateTimeParts } from '../../src/core/train/feature-encoding.js';
import { FeatureMatrixBuilder } from '../../src/core/train/feature-matrix.js';

function batch(columns: string[], rows: Cell[][]): DataBatch {
  return {
    file: 'data.csv',
    format: 'csv',
    columns,
    values: columns.map((_, c) => rows.map((row) => row[c] ?? null)),
    lines: Int32Array.from(rows, (_, i) => 2 + i),
    rows: rows.length,
  };
}

const schema = datasetSchemaSchema.parse({
  columns: {
    when: { type: 'datetime', nullable: true },
    sky: { type: 'category', values: ['sun', 'rain', 'fog'], nullable: true },
    wind: { type: 'number' },
    label: { type: 'category', role: 'target' },
  },
});

function parts(time: number): number[] {
  const out = new Float64Array(dateTimeParts.length);
  writeDateTimeParts(out, 0, time);
  return Array.from(out);
}

function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, i) => {
    if (Number.isNaN(expected[i])) expect(value, `column ${i}`).toBeNaN();
    else expect(value, `column ${i}`).toBeCloseTo(expected[i] as number, 12);
  });
}

const s3 = Math.sqrt(3) / 2;
const sin = Math.sin;
const cos = Math.cos;
const pi = Math.PI;

describe('feature encoding', () => {
  it('names the encoded columns in schema order', () => {
    const m = new FeatureMatrixBuilder(schema).finish();
    expect(m.featureNames).toEqual([
      'when.year',
      'when.month_sin',
      'when.month_cos',
      'when.day_of_year_sin',
      'when.day_of_year_cos',
      'when.day_of_week_sin',
      'when.day_of_week_cos',
      'when.hour_sin',
      'when.hour_cos',
      'sky=sun',
      'sky=rain',
      'sky=fog',
      'wind',
    ]);
  });

  it('encodes dates and times by hand-worked calendar values, read as UTC', () => {
    // 2024-03-01, a Friday, day 61 (0-based 60) of 366, midnight.
    expectClose(parts(Date.UTC(2024, 2, 1)), [
      2024,
      s3,
      0.5,
      sin((2 * pi * 60) / 366),
      cos((2 * pi * 60) / 366),
      -sin(pi / 7),
      -cos(pi / 7),
      0,
      1,
    ]);
    // 2023-12-31 18:00, a Sunday, day 365 (0-based 364) of 365.
    expectClose(parts(Date.UTC(2023, 11, 31, 18)), [
      2023,
      -0.5,
      s3,
      -sin((2 * pi) / 365),
      cos((2 * pi) / 365),
      -sin((2 * pi) / 7),
      cos((2 * pi) / 7),
      -1,
      0,
    ]);
    expectClose(
      parts(NaN),
      dateTimeParts.map(() => NaN),
    );
  });

  it('builds the rows: one-hot categories, unseen value all zeros, missing all NaN', () => {
    const m = new FeatureMatrixBuilder(schema);
    m.add(
      batch(
        ['label', 'wind', 'sky', 'when'],
        [
          ['a', '1.5', 'rain', '2024-03-01'],
          // An offset moves the instant: 01:30 at +02:00 is 23:30 UTC on the day before.
          ['b', '2', 'snow', '2024-01-01T01:30:00+02:00'],
          ['a', '3', null, null],
        ],
      ),
    );
    const out = m.finish();
    const row = (r: number) => Array.from(out.x.subarray(r * 13, (r + 1) * 13));
    expectClose(row(0), [...parts(Date.UTC(2024, 2, 1)), 0, 1, 0, 1.5]);
    // 2023-12-31 23:30 UTC: a Sunday, last day of 2023, hour 23.5.
    expectClose(row(1), [
      2023,
      -0.5,
      s3,
      -sin((2 * pi) / 365),
      cos((2 * pi) / 365),
      -sin((2 * pi) / 7),
      cos((2 * pi) / 7),
      sin((2 * pi * 23.5) / 24),
      cos((2 * pi * 23.5) / 24),
      0,
      0,
      0,
      2,
    ]);
    expectClose(row(2), [...dateTimeParts.map(() => NaN), NaN, NaN, NaN, 3]);
    expect(out.missing).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
  });

  it('stops at a datetime that is not one, with its file, line and column', () => {
    const m = new FeatureMatrixBuilder(schema);
    let error: unknown;
    try {
      m.add(batch(['label', 'wind', 'sky', 'when'], [['a', '1', 'sun', '2024-02-30']]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(
      /^data\.csv:2 \(when\): the feature "when" is "2024-02-30", not a valid datetime/,
    );
  });
});
