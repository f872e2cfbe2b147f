import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parquetMetadata, type AsyncBuffer } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import type { ReadOptions } from '../../src/core/data/batch.js';
import { readParquet } from '../../src/core/data/parquet-reader.js';
import { brief, collect } from './read-helpers.js';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/data/${name}`, import.meta.url))));
const flights = fileURLToPath(
  new URL('../../../shared/datasets/flights-3m.parquet', import.meta.url),
);

function memoryBuffer(bytes: Uint8Array): AsyncBuffer {
  return {
    byteLength: bytes.length,
    slice: (start: number, end?: number) => bytes.slice(start, end).buffer,
  };
}

const read = (bytes: Uint8Array, options: Partial<ReadOptions> = {}) =>
  collect(readParquet(memoryBuffer(bytes), { file: 'data.parquet', ...options }));

const date = (iso: string) => new Date(iso);

// The values test/fixtures/data/make-parquet-fixtures.mjs wrote with hyparquet-writer.
const expected = [
  {
    id: 1,
    score: 1.5,
    name: 'alpha',
    flag: true,
    count: 10,
    when: date('2024-01-02T03:04:05.678Z'),
    micros: date('2023-11-14T22:13:20.123Z'), // 1,700,000,000,123,456 µs
    day: date('2024-02-29T00:00:00Z'),
    extra: '{"a":[1,2]}',
  },
  {
    id: 2,
    score: null,
    name: 'é€😀',
    flag: false,
    count: 20,
    when: null,
    micros: null,
    day: null,
    extra: null,
  },
  {
    id: 9007199254740993n, // 2^53 + 1: a number would lose it
    score: -0.25,
    name: null,
    flag: null,
    count: 30,
    when: date('1969-12-31T23:59:59.999Z'),
    micros: date('1969-12-31T23:59:59.999Z'), // -1 µs
    day: date('1970-01-01T00:00:00Z'),
    extra: '[true,null]',
  },
  {
    id: -5,
    score: 3,
    name: '',
    flag: true,
    count: 40,
    when: date('2001-01-01T00:01:00Z'),
    micros: date('1970-01-01T00:00:00Z'),
    day: date('1900-01-01T00:00:00Z'),
    extra: 'text',
  },
  {
    id: null,
    score: 1e300,
    name: 'z',
    flag: false,
    count: 50,
    when: date('1970-01-01T00:00:00Z'),
    micros: date('2000-01-01T00:00:00Z'),
    day: date('2100-12-31T00:00:00Z'),
    extra: '{"nested":{"b":"c"}}',
  },
];

describe('readParquet', () => {
  for (const name of [
    'types.parquet',
    'types-gzip.parquet',
    'types-brotli.parquet',
    'types-uncompressed.parquet',
  ]) {
    it(`reads every type of ${name}, one row group at a time`, async () => {
      const got = await read(fixture(name));
      expect(got.issues).toEqual([]);
      expect(got.columns).toEqual([
        'id',
        'score',
        'name',
        'flag',
        'count',
        'when',
        'micros',
        'day',
        'extra',
      ]);
      expect(got.records).toEqual(expected);
      expect(got.lines).toEqual([1, 2, 3, 4, 5]);
      // Row groups of 2, 2 and 1 rows: one batch each.
      expect(got.batches.map((batch) => batch.rows)).toEqual([2, 2, 1]);
      expect(got.batches[0]?.format).toBe('parquet');
    });
  }

  it('cuts row groups into batches of batchSize', async () => {
    const got = await read(fixture('types.parquet'), { batchSize: 1 });
    expect(got.batches.map((batch) => Array.from(batch.lines))).toEqual([[1], [2], [3], [4], [5]]);
    expect(got.records).toEqual(expected);
  });

  it('hands out one empty batch for a file without rows', async () => {
    const got = await read(fixture('empty.parquet'));
    expect(got.issues).toEqual([]);
    expect(got.batches.map((batch) => [batch.columns, batch.rows])).toEqual([[['a', 'b'], 0]]);
  });

  it('reports a file that is not Parquet, too short or cut off, without throwing', async () => {
    const good = fixture('types.parquet');
    const damaged = [
      Buffer.from('a,b\n1,2\n3,4\n5,6\n'), // bad magic
      Buffer.from('PAR1'), // too short
      good.subarray(0, good.length - 10), // truncated: the footer is gone
      good.subarray(0, good.length / 2),
    ];
    for (const bytes of damaged) {
      const got = await read(bytes);
      expect(brief(got.issues)).toEqual([{ rule: 'corrupt-parquet', line: null }]);
      expect(got.batches).toEqual([]);
    }
    expect((await read(damaged[0] as Uint8Array)).issues[0]?.message).toContain('PAR1');
  });

  it('reports a damaged footer', async () => {
    const good = fixture('types.parquet');
    const view = new DataView(good.buffer, good.byteOffset, good.byteLength);
    const metadataLength = view.getUint32(good.length - 8, true);

    const tooLong = good.slice();
    new DataView(tooLong.buffer).setUint32(good.length - 8, 0x7fffffff, true);
    const scrambled = good.slice();
    scrambled.fill(0xff, good.length - 8 - metadataLength, good.length - 8);
    for (const bytes of [tooLong, scrambled]) {
      const got = await read(bytes);
      expect(brief(got.issues)).toEqual([{ rule: 'corrupt-parquet', line: null }]);
    }
  });

  it('reports a damaged row group at its first row and reads the others', async () => {
    const good = fixture('types.parquet');
    const metadata = parquetMetadata(good);
    const chunk = metadata.row_groups[1]?.columns[1]?.meta_data; // "score" in rows 3-4
    if (!chunk) throw new Error('the fixture has no second row group');
    const start = Number(chunk.dictionary_page_offset ?? chunk.data_page_offset);
    const damaged = good.slice();
    damaged.fill(0xab, start, start + Number(chunk.total_compressed_size));
    const got = await read(damaged);
    expect(brief(got.issues)).toEqual([{ rule: 'corrupt-parquet', line: 3 }]);
    expect(got.issues[0]?.message).toContain('rows 3-4');
    expect(got.lines).toEqual([1, 2, 5]);
    expect(got.records).toEqual([expected[0], expected[1], expected[4]]);
  });

  it.skipIf(!existsSync(flights))(
    'reads the shared flights file: INT64 as numbers, timestamps as dates',
    async () => {
      const bytes = new Uint8Array(readFileSync(flights));
      const events = readParquet(memoryBuffer(bytes), { file: 'flights-3m.parquet' });
      const first = await events.next();
      await events.return(undefined);
      if (first.done || first.value.kind !== 'batch') throw new Error('expected a batch first');
      const { batch } = first.value;
      expect(batch.columns).toEqual(['date', 'delay', 'distance', 'origin', 'destination']);
      expect(batch.rows).toBe(8192);
      expect(batch.values.map((values) => values[0])).toEqual([
        new Date('2001-01-01T00:01:00Z'),
        33,
        2176,
        'LAS',
        'PHL',
      ]);
      expect(batch.lines[0]).toBe(1);
    },
  );
});
