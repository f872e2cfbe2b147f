import { describe, expect, it } from 'vitest';
import type { Cell, DataBatch, ReadEvent } from '../../src/core/data/batch.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { DatasetValidator, countByRule } from '../../src/core/validate/dataset-validator.js';

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
    expect(
      countByRule(result.violations).map((c) => [c.rule, c.column, c.count, c.first.line]),
    ).toEqual([
      ['type', 'a', 3, 2],
      ['type', 'b', 2, 2],
    ]);
  });
});
