import { describe, expect, it } from 'vitest';
import type { Cell, ReadEvent } from '../../src/core/data/batch.js';
import { readCsv, type CsvReadOptions } from '../../src/core/data/csv-reader.js';
import { createProfileBuilder } from '../../src/core/profile/profile.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { DatasetValidator } from '../../src/core/validate/dataset-validator.js';
import { chunked, collect, random } from './read-helpers.js';

const read = (input: string, cuts: readonly number[] = [], options: Partial<CsvReadOptions> = {}) =>
  collect(readCsv(chunked(input, cuts), { file: 'data.csv', ...options }));

const numbers = { x: 'number', n: 'integer' } as const;

describe('readCsv: batch sizes', () => {
  it('gives a wide file shorter batches unless told a size, and keeps every record', async () => {
    const width = 40;
    const header = Array.from({ length: width }, (_, c) => `c${c}`).join(',');
    const record = Array.from({ length: width }, (_, c) => String(c)).join(',');
    const input = `${header}\n${`${record}\n`.repeat(4000)}`;
    // 65,536 cells per batch: floor(65,536 / 40) = 1,638 records.
    const chosen = await read(input, [], { numberColumns: { c1: 'number' } });
    expect(chosen.batches.map((b) => b.rows)).toEqual([1638, 1638, 724]);
    expect(chosen.lines.at(-1)).toBe(4001);
    const told = await read(input, [], { batchSize: 3000 });
    expect(told.batches.map((b) => b.rows)).toEqual([3000, 1000]);
    // A narrow file keeps the default of 8,192.
    const narrow = await read(`a,b\n${'1,2\n'.repeat(9000)}`);
    expect(narrow.batches.map((b) => b.rows)).toEqual([8192, 808]);
  });
});

describe('readCsv: numberColumns', () => {
  it('hands plain numbers over as numbers and every other text as the string it was', async () => {
    const input = [
      'x,n,s',
      '1.5,42,1.5',
      '-0,-0,-0',
      '+7,+7,+7',
      '1e3,1e3,1e3',
      '.5,3.0,.5',
      'NaN,NaN,NaN',
      'inf,inf,inf',
      ' 1, 1, 1',
      '"2.5","4","2.5"',
      ',,',
      '5.,12345678901234567,5.',
      '0x10,1_0,0x10',
      '',
    ].join('\n');
    const got = await read(input, [], { numberColumns: numbers });
    expect(got.issues).toEqual([]);
    expect(got.rows).toEqual([
      [1.5, 42, '1.5'],
      [-0, -0, '-0'],
      [7, 7, '+7'],
      [1000, '1e3', '1e3'],
      [0.5, '3.0', '.5'],
      ['NaN', 'NaN', 'NaN'],
      ['inf', 'inf', 'inf'],
      [' 1', ' 1', ' 1'],
      // A quoted cell stays text: quoting is how a user says "this is a string".
      ['2.5', '4', '2.5'],
      [null, null, null],
      // 17 digits may be beyond 2^53 - 1: left as text for the checks to report.
      [5, '12345678901234567', '5.'],
      ['0x10', '1_0', '0x10'],
    ]);
    expect(Object.is(got.rows[1]?.[0], -0)).toBe(true);
    expect(Object.is(got.rows[1]?.[1], -0)).toBe(true);
    expect(got.lines).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('reads CRLF lines, a last line without a newline, and leaves unnamed columns alone', async () => {
    const got = await read('s,x\r\n1,2.5\r\n3,-4e-2', [], { numberColumns: { x: 'number' } });
    expect(got.rows).toEqual([
      ['1', 2.5],
      ['3', -0.04],
    ]);
  });

  it('keeps null values null, also a null value that reads as a number', async () => {
    const got = await read('x,n\nNA,-999\n1.25,5\n-999,NA\n', [], {
      numberColumns: numbers,
      nullValues: ['', 'NA', '-999'],
    });
    expect(got.rows).toEqual([
      [null, null],
      [1.25, 5],
      [null, null],
    ]);
  });

  it('reads every cell alike wherever the chunks are cut, even inside a number', async () => {
    const next = random(12);
    const lines = ['x,n,label'];
    for (let r = 0; r < 400; r++) {
      const x = ((next() - 0.5) * 10 ** Math.floor(next() * 8)).toFixed(Math.floor(next() * 6));
      const n = String(Math.floor((next() - 0.5) * 1e6));
      const odd = next() < 0.05 ? 'NaN' : next() < 0.05 ? '' : x;
      lines.push(`${odd},${n},${next() < 0.5 ? 'benign' : 'malignant'}`);
    }
    const input = `${lines.join('\r\n')}\r\n`;
    const plain = await read(input);
    const expected = plain.rows.map((row) =>
      row.map((cell, c) => {
        if (c === 2 || cell === null || cell === 'NaN') return cell;
        return Number(cell);
      }),
    );
    for (let trial = 0; trial < 20; trial++) {
      const cuts = Array.from({ length: 30 }, () => Math.floor(next() * input.length));
      // One-byte chunks on the first trial: every boundary falls inside some number.
      const all = trial === 0 ? Array.from({ length: input.length }, (_, i) => i) : cuts;
      const got = await read(input, all, { numberColumns: numbers });
      expect(got.rows).toEqual(expected);
      expect(got.lines).toEqual(plain.lines);
    }
  });
});

/** A dirty wide-ish file: numbers, edge texts, violations of every number rule, quotes, CRLF. */
function dirtyCsv(): string {
  const next = random(99);
  const odd = ['NaN', 'inf', '-inf', ' 3', 'abc', '', '-0', '+2', '1e400', '"7.5"', '3.0', '1e2'];
  const lines = ['a,b,k,label'];
  for (let r = 0; r < 3000; r++) {
    const cell = (scale: number) =>
      next() < 0.08
        ? (odd[Math.floor(next() * odd.length)] as string)
        : ((next() - 0.1) * scale).toFixed(Math.floor(next() * 4));
    const k = next() < 0.1 ? (odd[Math.floor(next() * odd.length)] as string) : String(r % 50);
    lines.push(`${cell(100)},${cell(1)},${k},${next() < 0.02 ? 'other' : 'yes'}`);
  }
  return `${lines.join(next() < 0.5 ? '\n' : '\r\n')}\n`;
}

const schemaText = [
  'version: 1',
  'columns:',
  '  a: { type: number, min: 0, max: 90 }',
  '  b: { type: number, nullable: true }',
  '  k: { type: integer, min: 1, unique: false, values: [1, 2, 3, 5, 8, 13, 21, 34] }',
  '  label: { type: category, values: [yes, no] }',
].join('\n');

async function* events(input: string, options: Partial<CsvReadOptions>): AsyncGenerator<ReadEvent> {
  yield* readCsv(chunked(input, [1000, 5001, 20000]), { file: 'dirty.csv', ...options });
}

describe('numberColumns changes no finding and no statistic', () => {
  const schema = parseDatasetSchema(schemaText, 'schema.yml');
  const hints = { a: 'number', b: 'number', k: 'integer' } as const;

  it('validation: the same violations, lines and messages as from text cells', async () => {
    const input = dirtyCsv();
    const results = [];
    for (const options of [{}, { numberColumns: hints }]) {
      const validator = new DatasetValidator(schema, { examplesPerRule: 10_000 });
      await validator.file('dirty.csv', events(input, options));
      results.push(validator.finish());
    }
    const [text, parsed] = results;
    expect(text?.violationCount).toBeGreaterThan(500);
    expect(parsed).toEqual(text);
  });

  it('profiles: the same counts, moments and distributions as from text cells', async () => {
    const input = dirtyCsv();
    const profiles = [];
    for (const options of [{}, { numberColumns: hints }]) {
      const builder = createProfileBuilder({ schema });
      for await (const event of events(input, options)) {
        if (event.kind === 'batch') builder.add(event.batch);
      }
      profiles.push(builder.finish());
    }
    const [text, parsed] = profiles;
    expect(text?.rows).toBe(3000);
    expect(parsed).toEqual(text);
  });

  it('uses numbers at all (the option is not a no-op)', async () => {
    const got = await read(dirtyCsv(), [], { numberColumns: hints });
    const kinds = new Set(got.rows.map((row: Cell[]) => typeof row[0]));
    expect(kinds).toEqual(new Set(['number', 'string', 'object']));
  });
});
