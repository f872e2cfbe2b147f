import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import type { Cell, DataBatch } from '../../src/core/data/batch.js';
import { ConfigError, DataError } from '../../src/core/errors.js';
import { datasetSchemaSchema, type DatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { FeatureMatrixBuilder, type FeatureMatrix } from '../../src/core/train/feature-matrix.js';
import { breastCancer } from './helpers.js';

/** A batch from rows of cells, lines numbered from 2 (line 1 is the header). */
function batch(columns: string[], rows: Cell[][], file = 'data.csv', firstLine = 2): DataBatch {
  return {
    file,
    format: 'csv',
    columns,
    values: columns.map((_, c) => rows.map((row) => row[c] ?? null)),
    lines: Int32Array.from(rows, (_, i) => firstLine + i),
    rows: rows.length,
  };
}

function schema(columns: Record<string, object>): DatasetSchema {
  return datasetSchemaSchema.parse({ columns });
}

function build(s: DatasetSchema, ...batches: DataBatch[]): FeatureMatrix {
  const builder = new FeatureMatrixBuilder(s);
  for (const b of batches) builder.add(b);
  return builder.finish();
}

const mixed = schema({
  id: { type: 'string', role: 'id' },
  height: { type: 'number', nullable: true },
  note: { type: 'text', role: 'ignored' },
  smoker: { type: 'boolean' },
  children: { type: 'integer' },
  outcome: { type: 'category', role: 'target' },
});

describe('FeatureMatrixBuilder', () => {
  it('takes the feature columns in schema order, whatever the file order, and skips id and ignored', () => {
    const m = build(
      mixed,
      batch(
        ['outcome', 'children', 'note', 'smoker', 'height', 'id'],
        [
          ['yes', '2', 'n', 'true', '1.5', 'a'],
          ['no', '0', 'n', 'no', null, 'b'],
          ['yes', '1', 'n', '0', 'NaN', 'c'],
        ],
      ),
    );
    expect(m.featureNames).toEqual(['height', 'smoker', 'children']);
    expect(m.targetName).toBe('outcome');
    expect(m.rows).toBe(3);
    expect(Array.from(m.x)).toEqual([1.5, 1, 2, NaN, 0, 0, NaN, 0, 1]);
    expect(m.missing).toEqual([2, 0, 0]);
    expect(m.droppedRows).toBe(0);
    // Classes sorted by code point when the schema lists no values.
    expect(m.target).toEqual({
      kind: 'classes',
      classes: ['no', 'yes'],
      labels: Int32Array.of(1, 0, 1),
    });
  });

  it('drops and counts records whose target is missing, across batches and files', () => {
    const s = schema({
      x: { type: 'number' },
      y: { type: 'number', role: 'target', nullable: true },
    });
    const m = build(
      s,
      batch(
        ['x', 'y'],
        [
          ['1', '10'],
          ['2', null],
          ['3', 'nan'],
        ],
        'a.csv',
      ),
      batch(['y', 'x'], [['40', '4']], 'b.csv'),
    );
    expect(m.rows).toBe(2);
    expect(m.droppedRows).toBe(2);
    expect(Array.from(m.x)).toEqual([1, 4]);
    expect(m.target).toEqual({ kind: 'values', values: Float64Array.of(10, 40) });
  });

  it('grows past its initial capacity without losing values', () => {
    const s = schema({
      a: { type: 'number' },
      b: { type: 'integer' },
      t: { type: 'number', role: 'target' },
    });
    const builder = new FeatureMatrixBuilder(s);
    for (let start = 0; start < 5000; start += 700) {
      const rows: Cell[][] = [];
      for (let i = start; i < Math.min(start + 700, 5000); i++) rows.push([i, String(-i), i * 2]);
      builder.add({ ...batch(['a', 'b', 't'], rows), format: 'jsonl' });
    }
    const m = builder.finish();
    expect(m.rows).toBe(5000);
    expect(m.x[2 * 4321]).toBe(4321);
    expect(m.x[2 * 4321 + 1]).toBe(-4321);
    expect(m.target.kind === 'values' && m.target.values[4999]).toBe(9998);
  });

  it("uses the schema's values as the class order, and rejects a value outside them", () => {
    const s = schema({
      x: { type: 'number' },
      label: { type: 'category', role: 'target', values: ['malignant', 'benign'] },
    });
    const m = build(
      s,
      batch(
        ['x', 'label'],
        [
          ['1', 'benign'],
          ['2', 'malignant'],
        ],
      ),
    );
    expect(m.target).toEqual({
      kind: 'classes',
      classes: ['malignant', 'benign'],
      labels: Int32Array.of(1, 0),
    });
    expect(() =>
      build(
        s,
        batch(
          ['x', 'label'],
          [
            ['1', 'benign'],
            ['2', 'unknown'],
          ],
        ),
      ),
    ).toThrow(
      new DataError(
        'the target "label" is "unknown", which is not one of the classes ["malignant","benign"]',
        { location: { file: 'data.csv', line: 3, field: 'label' } },
      ),
    );
  });

  it('takes a fixed class list from the options (evaluation data use the model’s classes)', () => {
    const s = schema({ x: { type: 'number' }, label: { type: 'category', role: 'target' } });
    const builder = new FeatureMatrixBuilder(s, { classes: ['c', 'b', 'a'] });
    builder.add(
      batch(
        ['x', 'label'],
        [
          ['1', 'a'],
          ['2', 'c'],
        ],
      ),
    );
    expect(builder.finish().target).toEqual({
      kind: 'classes',
      classes: ['c', 'b', 'a'],
      labels: Int32Array.of(2, 0),
    });
  });

  it('sorts integer classes as numbers and boolean classes as false, true', () => {
    const ints = schema({ x: { type: 'number' }, code: { type: 'integer', role: 'target' } });
    const m = build(
      ints,
      batch(
        ['x', 'code'],
        [
          ['1', '10'],
          ['2', '9'],
          ['3', '-1'],
        ],
      ),
    );
    expect(m.target).toEqual({
      kind: 'classes',
      classes: ['-1', '9', '10'],
      labels: Int32Array.of(2, 1, 0),
    });
    const bools = schema({ x: { type: 'number' }, flag: { type: 'boolean', role: 'target' } });
    const b = build(
      bools,
      batch(
        ['x', 'flag'],
        [
          ['1', 'yes'],
          ['2', 'False'],
        ],
      ),
    );
    expect(b.target).toEqual({
      kind: 'classes',
      classes: ['false', 'true'],
      labels: Int32Array.of(1, 0),
    });
  });

  it('reads an integer target as values when asked', () => {
    const s = schema({ x: { type: 'number' }, count: { type: 'integer', role: 'target' } });
    const builder = new FeatureMatrixBuilder(s, { targetKind: 'values' });
    builder.add(batch(['x', 'count'], [['1', '3']]));
    expect(builder.finish().target).toEqual({ kind: 'values', values: Float64Array.of(3) });
  });

  it('fills an optional feature column that a file lacks with missing values', () => {
    const s = schema({
      a: { type: 'number' },
      b: { type: 'number', required: false, nullable: true },
      t: { type: 'number', role: 'target' },
    });
    const m = build(s, batch(['a', 't'], [['1', '2']]));
    expect(Array.from(m.x)).toEqual([1, NaN]);
    expect(m.missing).toEqual([0, 1]);
  });

  describe('schema mistakes (ConfigError)', () => {
    it('names a feature that cannot be encoded and says what built-in models take', () => {
      const s = schema({ city: { type: 'string' }, t: { type: 'number', role: 'target' } });
      const error = catchError(
        () => new FeatureMatrixBuilder(s, { schemaFile: 'data/schema.yml' }),
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toBe(
        'data/schema.yml (columns.city.type): column "city" is a feature of type string; built-in models take number, integer, boolean, category (one-hot over its values) and datetime features: make it a category with values, or give it role: ignored',
      );
    });

    it('asks for the values of a category feature', () => {
      const s = schema({ city: { type: 'category' }, t: { type: 'number', role: 'target' } });
      const error = catchError(
        () => new FeatureMatrixBuilder(s, { schemaFile: 'data/schema.yml' }),
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(
        /^data\/schema.yml \(columns.city.values\): column "city" is a category feature without a list of values/,
      );
    });

    it('rejects a schema with no target or with several', () => {
      expect(() => new FeatureMatrixBuilder(schema({ a: { type: 'number' } }))).toThrow(
        /no target column; mark the column to predict with role: target/,
      );
      const two = schema({
        a: { type: 'number' },
        t1: { type: 'number', role: 'target' },
        t2: { type: 'number', role: 'target' },
      });
      expect(() => new FeatureMatrixBuilder(two)).toThrow(/2 target columns \(t1, t2\)/);
    });

    it('rejects a target type that cannot be a class or a value', () => {
      const s = schema({ a: { type: 'number' }, when: { type: 'datetime', role: 'target' } });
      expect(() => new FeatureMatrixBuilder(s)).toThrow(ConfigError);
      const text = schema({ a: { type: 'number' }, name: { type: 'category', role: 'target' } });
      expect(() => new FeatureMatrixBuilder(text, { targetKind: 'values' })).toThrow(
        /regression target must be of type number or integer/,
      );
    });

    it('rejects a schema without features', () => {
      const s = schema({
        id: { type: 'string', role: 'id' },
        t: { type: 'number', role: 'target' },
      });
      expect(() => new FeatureMatrixBuilder(s)).toThrow(/no feature column/);
    });
  });

  describe('data that cannot be trained on (DataError at file and line)', () => {
    const s = schema({ a: { type: 'number' }, t: { type: 'number', role: 'target' } });

    it('points at a feature cell that is not a number', () => {
      const error = catchError(() =>
        build(
          s,
          batch(
            ['a', 't'],
            [
              ['1', '1'],
              ['x1', '2'],
            ],
            'train.csv',
          ),
        ),
      );
      expect(error).toBeInstanceOf(DataError);
      expect(error.message).toBe(
        'train.csv:3 (a): the feature "a" is "x1", not a valid number; run mlops validate to find every such cell',
      );
    });

    it('rejects infinite feature values, which cannot be standardised', () => {
      expect(() => build(s, batch(['a', 't'], [['inf', '1']]))).toThrow(/need finite numbers/);
    });

    it('points at a target that is not a number', () => {
      expect(() => build(s, batch(['a', 't'], [['1', 'high']]))).toThrow(
        new DataError(
          'the target "t" is "high", not a valid number (regression needs finite numbers)',
          {
            location: { file: 'data.csv', line: 2, field: 't' },
          },
        ),
      );
    });

    it('names a required column the file lacks', () => {
      expect(() => build(s, batch(['t'], [['1']], 'b.csv'))).toThrow(
        'b.csv: the feature column "a" is missing; the schema requires it in every file',
      );
      expect(() => build(s, batch(['a'], [['1']], 'b.csv'))).toThrow(
        'b.csv: the target column "t" is missing',
      );
    });
  });
});

describe('loadFeatureMatrix', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'feature-matrix-'));
    writeFileSync(path.join(dir, 'ragged.csv'), 'a,t\n1,2\n3,4,5\n');
    writeFileSync(path.join(dir, 'na.csv'), 'a,t\nNA,2\n3,NA\n5,6\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the breast-cancer example: 455 records, 30 features, classes in schema order', async () => {
    const m = await loadFeatureMatrix(
      [{ path: breastCancer.train, displayName: 'train.csv' }],
      breastCancer.schema(),
    );
    expect(m.rows).toBe(455);
    expect(m.featureNames).toHaveLength(30);
    expect(m.featureNames[0]).toBe('mean radius');
    expect(m.x[0]).toBe(20.57); // first record of the file
    expect(m.missing.every((n) => n === 0)).toBe(true);
    if (m.target.kind !== 'classes') throw new Error('expected classes');
    expect(m.target.classes).toEqual(['malignant', 'benign']);
    // Counted with: tail -n +2 train.csv | cut -d, -f31 | sort | uniq -c
    expect(m.target.labels.filter((l) => l === 0).length).toBe(172);
    expect(m.target.labels.filter((l) => l === 1).length).toBe(283);
  });

  it("reads the schema's null-values as missing", async () => {
    const s = datasetSchemaSchema.parse({
      'null-values': ['', 'NA'],
      columns: {
        a: { type: 'number', nullable: true },
        t: { type: 'number', role: 'target', nullable: true },
      },
    });
    const m = await loadFeatureMatrix([path.join(dir, 'na.csv')], s);
    expect(Array.from(m.x)).toEqual([NaN, 5]);
    expect(m.droppedRows).toBe(1);
  });

  it('stops at the first structural issue with its file and line', async () => {
    const s = schema({ a: { type: 'number' }, t: { type: 'number', role: 'target' } });
    const error = await loadFeatureMatrix(
      [{ path: path.join(dir, 'ragged.csv'), displayName: 'data/ragged.csv' }],
      s,
    ).then(
      () => new Error('expected a failure'),
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe('data/ragged.csv:3: expected 2 fields, found 3');
    const missing = await loadFeatureMatrix([path.join(dir, 'absent.csv')], s).then(
      () => new Error('expected a failure'),
      (e: unknown) => e as Error,
    );
    expect(missing).toBeInstanceOf(DataError);
    expect(missing.message).toContain('absent.csv: the file does not exist');
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
