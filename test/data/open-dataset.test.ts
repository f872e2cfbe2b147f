import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expandDataPaths,
  readDataset,
  type DatasetReadOptions,
} from '../../src/adapters/data/open-dataset.js';
import { ConfigError } from '../../src/core/errors.js';
import { brief, collect } from './read-helpers.js';

let dir: string;
const at = (name: string) => path.join(dir, name);
const read = (name: string, options: DatasetReadOptions = {}) =>
  collect(readDataset(at(name), { displayName: name, ...options }));

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'open-dataset-'));
  writeFileSync(at('plain.csv'), 'a,b\n1,2\nNA,\n');
  writeFileSync(at('UPPER.CSV'), 'a,b\n1,2\n');
  writeFileSync(at('tabs.tsv'), 'a\tb\n1\t2,5\n');
  writeFileSync(at('rows.jsonl'), '{"a":1}\n{"b":"x"}\n');
  writeFileSync(at('rows.ndjson'), '{"a":1}\n');
  writeFileSync(at('packed.csv.gz'), gzipSync('a,b\n1,2\n3,4\n'));
  writeFileSync(at('packed.jsonl.gz'), gzipSync('{"a":1}\n'));
  writeFileSync(at('notes.txt'), 'a;b\n1;2\n');
  writeFileSync(at('not-gzip.csv.gz'), 'a,b\n1,2\n');
  const big = `a,b\n${'1,2\n'.repeat(300_000)}`;
  writeFileSync(at('big.csv'), big);
  // Numbers that do not repeat, so that half of the gzipped bytes is half of the text.
  const varied = `a\n${Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 100_003).join('\n')}\n`;
  const packed = gzipSync(varied);
  writeFileSync(at('cut.csv.gz'), packed.subarray(0, packed.length / 2));
  writeFileSync(at('table.parquet.gz'), gzipSync('x'));
  copyFileSync(
    fileURLToPath(new URL('../fixtures/data/types.parquet', import.meta.url)),
    at('types.parquet'),
  );
  mkdirSync(at('folder.csv'));
  for (const name of ['a/x.csv', 'a/y.csv', 'b/z.jsonl', 'b/deep/w.csv', 'odd/data (1).csv']) {
    mkdirSync(path.dirname(at(name)), { recursive: true });
    writeFileSync(at(name), 'a\n1\n');
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readDataset', () => {
  it('reads CSV, TSV, JSONL and NDJSON by their extension', async () => {
    const csv = await read('plain.csv');
    expect(csv.rows).toEqual([
      ['1', '2'],
      ['NA', null],
    ]);
    expect(csv.batches[0]?.file).toBe('plain.csv');
    expect((await read('UPPER.CSV')).rows).toEqual([['1', '2']]);
    expect((await read('tabs.tsv')).rows).toEqual([['1', '2,5']]);
    expect((await read('rows.jsonl')).records).toEqual([
      { a: 1, b: null },
      { a: null, b: 'x' },
    ]);
    expect((await read('rows.ndjson')).batches[0]?.format).toBe('jsonl');
  });

  it('passes null values and the delimiter on to the CSV reader', async () => {
    expect((await read('plain.csv', { nullValues: ['NA', ''] })).rows).toEqual([
      ['1', '2'],
      [null, null],
    ]);
    expect((await read('notes.txt', { format: 'csv', delimiter: ';' })).rows).toEqual([['1', '2']]);
  });

  it('gunzips .gz files on the fly', async () => {
    expect((await read('packed.csv.gz')).rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect((await read('packed.jsonl.gz')).rows).toEqual([[1]]);
  });

  it('reads Parquet through ranges of the file', async () => {
    const got = await read('types.parquet');
    expect(got.issues).toEqual([]);
    expect(got.lines).toEqual([1, 2, 3, 4, 5]);
    expect(got.batches[0]?.file).toBe('types.parquet');
  });

  it('streams a file of many chunks with exact line numbers', async () => {
    const got = await read('big.csv');
    expect(got.rows).toHaveLength(300_000);
    expect(got.lines.at(-1)).toBe(300_001);
    expect(got.batches.every((batch) => batch.rows <= 8192)).toBe(true);
  });

  it('reports a missing file, a directory, an unknown format', async () => {
    expect(brief((await read('missing.csv')).issues)).toEqual([
      { rule: 'file-not-found', line: null },
    ]);
    expect((await read('missing.csv')).issues[0]?.file).toBe('missing.csv');
    expect(brief((await read('a/missing/deeper.csv')).issues)).toEqual([
      { rule: 'file-not-found', line: null },
    ]);
    expect(brief((await read('folder.csv')).issues)).toEqual([
      { rule: 'file-unreadable', line: null },
    ]);
    const unknown = await read('notes.txt');
    expect(brief(unknown.issues)).toEqual([{ rule: 'unsupported-format', line: null }]);
    expect(unknown.issues[0]?.message).toContain('.csv, .tsv, .jsonl, .ndjson, .parquet');
    expect(brief((await read('table.parquet.gz')).issues)).toEqual([
      { rule: 'unsupported-format', line: null },
    ]);
  });

  it('reports a file that cannot be gunzipped as unreadable, after what could be read', async () => {
    const notGzip = await read('not-gzip.csv.gz');
    expect(brief(notGzip.issues)).toEqual([{ rule: 'file-unreadable', line: null }]);
    expect(notGzip.issues[0]?.message).toContain('incorrect header check');
    const cut = await read('cut.csv.gz');
    expect(cut.issues.at(-1)?.rule).toBe('file-unreadable');
    expect(cut.issues.at(-1)?.message).toContain('unexpected end of file');
    expect(cut.rows.length).toBeGreaterThan(10_000);
    expect(cut.rows.length).toBeLessThan(50_000);
  });

  it('closes the file when the reader is left early', async () => {
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const before = openFiles();
    for (let round = 0; round < 10; round++) {
      for (const name of ['big.csv', 'types.parquet', 'packed.csv.gz']) {
        for await (const event of readDataset(at(name))) {
          expect(event.kind).toBe('batch');
          break;
        }
      }
    }
    // A leak would leave 30 files open; allow for the test runner opening one meanwhile.
    expect(openFiles() - before).toBeLessThan(3);
  });
});

describe('expandDataPaths', () => {
  it('expands globs relative to cwd: patterns in order, matches sorted, no duplicates', async () => {
    const files = await expandDataPaths(['b/**/*.csv', 'a/*.csv', 'a/x.csv', 'b/deep/w.csv'], dir);
    expect(files).toEqual([
      { path: at('b/deep/w.csv'), displayName: 'b/deep/w.csv' },
      { path: at('a/x.csv'), displayName: 'a/x.csv' },
      { path: at('a/y.csv'), displayName: 'a/y.csv' },
    ]);
  });

  it('takes absolute patterns and names files relative to cwd', async () => {
    const files = await expandDataPaths([at('a/*.csv'), at('b/z.jsonl')], dir);
    expect(files.map((file) => file.displayName)).toEqual(['a/x.csv', 'a/y.csv', 'b/z.jsonl']);
    // `../` is fine while it stays in the repository (the folder holding .git).
    mkdirSync(at('.git'), { recursive: true });
    const outside = await expandDataPaths(['../b/*.jsonl'], at('a'));
    expect(outside).toEqual([{ path: at('b/z.jsonl'), displayName: '../b/z.jsonl' }]);
  });

  it('refuses a path whose real path leaves the workspace, naming the field and the path', async () => {
    const secret = mkdtempSync(path.join(tmpdir(), 'open-dataset-secret-'));
    try {
      writeFileSync(path.join(secret, 'passwd.csv'), 'root:x:0:0\n');
      const ws = at('ws');
      mkdirSync(path.join(ws, '.git'), { recursive: true });
      symlinkSync(path.join(secret, 'passwd.csv'), path.join(ws, 'train.csv'));
      const origin = { field: 'data.train', file: 'mlops.yml' };
      const refusal = expandDataPaths(['train.csv'], ws, { origin });
      await expect(refusal).rejects.toThrow(ConfigError);
      await expect(expandDataPaths(['*.csv'], ws, { origin })).rejects.toThrow(
        `mlops.yml (data.train): the path "train.csv" resolves to ${path.join(secret, 'passwd.csv')}`,
      );
      await expect(expandDataPaths(['../../*.csv'], path.join(ws, 'sub'))).rejects.toThrow(
        'is outside the workspace',
      );
    } finally {
      rmSync(secret, { recursive: true, force: true });
    }
  });

  it('keeps a literal path that does not exist, so that reading it reports it', async () => {
    expect(await expandDataPaths(['nope.csv'], dir)).toEqual([
      { path: at('nope.csv'), displayName: 'nope.csv' },
    ]);
  });

  it('takes an existing file whose name looks like a glob as it is', async () => {
    expect(await expandDataPaths(['odd/data (1).csv'], dir)).toEqual([
      { path: at('odd/data (1).csv'), displayName: 'odd/data (1).csv' },
    ]);
  });

  it('rejects a glob that matches nothing, naming it', async () => {
    await expect(expandDataPaths(['c/*.csv'], dir)).rejects.toThrow(ConfigError);
    await expect(expandDataPaths(['c/*.csv'], dir)).rejects.toThrow('"c/*.csv"');
  });
});
