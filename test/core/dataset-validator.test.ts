import { describe, expect, it } from 'vitest';
import type { Cell, DataBatch, ReadEvent } from '../../src/core/data/batch.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { DatasetValidator } from '../../src/core/validate/dataset-validator.js';

/** A CSV-like batch: header on line 1, one record per line from line 2. */
function csvBatch(columns: string[], rows: Cell[][], firstLine = 2): DataBatch {
  return {
    file: 'data.csv',
    format: 'csv',
    columns,
    values: columns.map((_, c) => rows.map((row) => row[c] ?? null)),
    lines: rows.map((_, r) => firstLine + r),
    rows: rows.length,
  };
}

async function* events(...items: ReadEvent[]): AsyncGenerator<ReadEvent> {
  for (const item of items) yield item;
}

async function validate(schemaText: string, ...items: ReadEvent[]) {
  const validator = new DatasetValidator(parseDatasetSchema(schemaText, 'schema.yml'));
  await validator.file('data.csv', events(...items));
  return validator.finish();
}

const brief = (result: Awaited<ReturnType<typeof validate>>) =>
  result.violations.map((v) => `${v.line}:${v.column}:${v.rule}:${v.value}`);

describe('DatasetValidator', () => {
  it('passes conforming data', async () => {
    const result = await validate(
      'columns:\n  x: {type: number, min: 0}\n  y: {type: category, values: [a, b]}\n',
      {
        kind: 'batch',
        batch: csvBatch(
          ['x', 'y'],
          [
            ['1.5', 'a'],
            ['0', 'b'],
            ['1e3', 'a'],
          ],
        ),
      },
    );
    expect(result.valid).toBe(true);
    expect(result.rows).toBe(3);
  });

  it('finds each cell rule on its line', async () => {
    const schema = [
      'columns:',
      '  n: {type: number, min: 0, max: 10}',
      '  i: {type: integer, nullable: true}',
      '  b: {type: boolean}',
      '  c: {type: category, values: [red, green]}',
      '  s: {type: string, pattern: "[A-Z]{3}", min-length: 3, max-length: 3, unique: true}',
      '  d: {type: datetime, min: 2020-01-01, max: 2020-12-31T23:59:59}',
    ].join('\n');
    const rows: Cell[][] = [
      ['5', '1', 'true', 'red', 'ABC', '2020-05-01'], // line 2: fine
      ['-1', '2.5', 'yes', 'blue', 'abc', '2019-12-31'], // line 3: min, type, values, pattern, min
      ['11', null, 'maybe', 'green', 'ABCD', '2021-01-01 00:00'], // line 4: max, type, pattern+max-length, max
      ['x', '3', 'false', null, 'ABC', '2020-02-30'], // line 5: type, null, unique, type
    ];
    const result = await validate(schema, {
      kind: 'batch',
      batch: csvBatch(['n', 'i', 'b', 'c', 's', 'd'], rows),
    });
    expect(brief(result)).toEqual([
      '3:n:min:-1',
      '3:i:type:2.5',
      '3:c:values:blue',
      '3:s:pattern:abc',
      '3:d:min:2019-12-31',
      '4:n:max:11',
      '4:b:type:maybe',
      '4:s:pattern:ABCD',
      '4:s:max-length:ABCD',
      '4:d:max:2021-01-01 00:00',
      '5:n:type:x',
      '5:c:null:null',
      '5:s:unique:ABC',
      '5:d:type:2020-02-30',
    ]);
    expect(result.violations.find((v) => v.rule === 'unique')?.message).toBe(
      '"ABC" is a duplicate of the value on line 2',
    );
    expect(result.violations.find((v) => v.rule === 'min' && v.column === 'n')).toMatchObject({
      expected: 'at least 0',
      message: '-1 is below the minimum 0',
    });
  });

  it('reports missing and extra columns on the header line', async () => {
    const result = await validate(
      'columns:\n  a: {type: integer}\n  b: {type: integer}\n  c: {type: integer, required: false}\n',
      {
        kind: 'batch',
        batch: csvBatch(['a', 'z'], [['1', '2']]),
      },
    );
    expect(brief(result)).toEqual(['1:b:missing-column:null', '1:z:extra-column:z']);
  });

  it('keeps extra columns as warnings with extra-columns: warn', async () => {
    const result = await validate('extra-columns: warn\ncolumns:\n  a: {type: integer}\n', {
      kind: 'batch',
      batch: csvBatch(['a', 'z'], [['1', '2']]),
    });
    expect(result.valid).toBe(true);
    expect(result.warnings.map((w) => w.rule)).toEqual(['extra-column']);
  });

  it('checks row bounds across batches, pointing at the first record beyond the maximum', async () => {
    const schema = 'rows: {min: 1, max: 3}\ncolumns:\n  a: {type: integer}\n';
    const result = await validate(
      schema,
      { kind: 'batch', batch: csvBatch(['a'], [['1'], ['2']], 2) },
      { kind: 'batch', batch: csvBatch(['a'], [['3'], ['4'], ['5']], 4) },
    );
    expect(brief(result)).toEqual(['5:null:rows-max:null']);
    const empty = await validate('rows: {min: 2}\ncolumns:\n  a: {type: integer}\n', {
      kind: 'batch',
      batch: csvBatch(['a'], [['1']]),
    });
    expect(brief(empty)).toEqual(['null:null:rows-min:1']);
  });

  it('turns structural issues into violations and skips column checks for unreadable files', async () => {
    const result = await validate('columns:\n  a: {type: integer}\n', {
      kind: 'issue',
      issue: { rule: 'file-not-found', file: 'data.csv', line: null, message: 'no such file' },
    });
    expect(brief(result)).toEqual(['null:null:file-not-found:null']);
    expect(result.violations[0]?.expected).toBe('an existing file');
  });

  it('treats NaN as missing in number columns and typed cells from Parquet and JSONL', async () => {
    const batch: DataBatch = {
      file: 'data.parquet',
      format: 'parquet',
      columns: ['n', 'i', 'd', 'b'],
      values: [
        [1.5, Number.NaN, 'NaN'],
        [3n, 4, 4.5],
        [new Date('2020-01-01T00:00:00Z'), new Date('2020-01-02T00:00:00Z'), new Date(Number.NaN)],
        [true, false, 'TRUE'],
      ],
      lines: [1, 2, 3],
      rows: 3,
    };
    const result = await validate(
      'columns:\n  n: {type: number}\n  i: {type: integer}\n  d: {type: datetime}\n  b: {type: boolean}\n',
      { kind: 'batch', batch },
    );
    expect(brief(result)).toEqual([
      '2:n:null:NaN',
      '3:n:null:NaN',
      '3:i:type:4.5',
      '3:d:type:Invalid Date',
    ]);
  });

  it('counts by rule and column in order of first appearance', async () => {
    const result = await validate('columns:\n  a: {type: integer}\n  b: {type: integer}\n', {
      kind: 'batch',
      batch: csvBatch(
        ['a', 'b'],
        [
          ['x', 'y'],
          ['z', '1'],
          ['w', 'v'],
        ],
      ),
    });
    expect(result.counts.map((c) => [c.rule, c.column, c.count, c.first.line])).toEqual([
      ['type', 'a', 3, 2],
      ['type', 'b', 2, 2],
    ]);
  });

  it('counts every violation but keeps only the first of each rule and column, and the first lines', async () => {
    // 10 records over two batches; column a is wrong on every record, b on even records only.
    const rows = (from: number, to: number): Cell[][] =>
      Array.from({ length: to - from }, (_, r) => ['x', (from + r) % 2 === 0 ? 'y' : '1']);
    const validator = new DatasetValidator(
      parseDatasetSchema('columns:\n  a: {type: integer}\n  b: {type: integer}\n', 's.yml'),
      { examplesPerRule: 2, firstLines: 5 },
    );
    await validator.file(
      'data.csv',
      events(
        { kind: 'batch', batch: csvBatch(['a', 'b'], rows(0, 6), 2) },
        { kind: 'batch', batch: csvBatch(['a', 'b'], rows(6, 10), 8) },
      ),
    );
    const result = validator.finish();
    // Record r (0-based) is on line r + 2: a fails on 10 records, b on the 5 even ones.
    expect(result.violationCount).toBe(15);
    expect(result.counts.map((c) => [c.column, c.count])).toEqual([
      ['a', 10],
      ['b', 5],
    ]);
    expect(result.files[0]?.violations).toBe(15);
    expect(result.files[0]?.counts).toEqual([
      { rule: 'type', column: 'a', count: 10 },
      { rule: 'type', column: 'b', count: 5 },
    ]);
    // The first 5 by line: a on 2, b on 2, a on 3, a on 4, b on 4.
    expect(result.leading.map((v) => `${v.line}:${v.column}`)).toEqual([
      '2:a',
      '2:b',
      '3:a',
      '4:a',
      '4:b',
    ]);
    // Kept: those 5, and the first 2 of a (lines 2, 3) and of b (lines 2, 4): the same 5.
    expect(result.violations).toHaveLength(5);
    expect(result.omitted).toBe(10);
    expect(result.valid).toBe(false);
  });

  it('keeps the first examples of a rule that appears late, however many findings come before', async () => {
    const rows: Cell[][] = Array.from({ length: 1000 }, (_, r) => ['x', r === 999 ? 'z' : 'a']);
    const validator = new DatasetValidator(
      parseDatasetSchema(
        'columns:\n  a: {type: integer}\n  b: {type: category, values: [a]}\n',
        's.yml',
      ),
      { examplesPerRule: 3 },
    );
    await validator.file('data.csv', events({ kind: 'batch', batch: csvBatch(['a', 'b'], rows) }));
    const result = validator.finish();
    expect(result.violationCount).toBe(1001);
    expect(result.violations.map((v) => `${v.line}:${v.rule}`)).toEqual([
      '2:type',
      '3:type',
      '4:type',
      '1001:values',
    ]);
  });

  it('refuses integers beyond 2^53 - 1, except in string columns', async () => {
    const result = await validate('columns:\n  i: {type: integer}\n  s: {type: string}\n', {
      kind: 'batch',
      batch: csvBatch(
        ['i', 's'],
        [
          ['9007199254740991', '99999999999999999999999'],
          ['9007199254740992', '1'],
          ['99999999999999999999999', '2'],
          ['-9007199254740992', '3'],
        ],
      ),
    });
    expect(result.violations.map((v) => [v.line, v.column, v.message])).toEqual([
      [
        3,
        'i',
        '"9007199254740992": integer too large to represent exactly (declare the column type: string to keep it as text)',
      ],
      [
        4,
        'i',
        '"99999999999999999999999": integer too large to represent exactly (declare the column type: string to keep it as text)',
      ],
      [
        5,
        'i',
        '"-9007199254740992": integer too large to represent exactly (declare the column type: string to keep it as text)',
      ],
    ]);
  });

  it('refuses a JSON number or Parquet INT64 integer beyond 2^53 - 1', async () => {
    const batch: DataBatch = {
      file: 'data.jsonl',
      format: 'jsonl',
      columns: ['i'],
      // JSON.parse("99999999999999999999999") is 1e23; a Parquet INT64 arrives as a bigint.
      values: [[1e23, 2n ** 60n, 2n ** 52n, 12]],
      lines: [1, 2, 3, 4],
      rows: 4,
    };
    const result = await validate('columns:\n  i: {type: integer}\n', { kind: 'batch', batch });
    expect(result.violations.map((v) => [v.line, v.rule, v.value])).toEqual([
      [1, 'type', '1e+23'],
      [2, 'type', String(2n ** 60n)],
    ]);
    expect(result.violations[0]?.message).toContain('integer too large to represent exactly');
  });
});
