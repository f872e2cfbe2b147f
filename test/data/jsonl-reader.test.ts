import { describe, expect, it } from 'vitest';
import type { ReadOptions } from '../../src/core/data/batch.js';
import { jsonErrorOffset, readJsonl } from '../../src/core/data/jsonl-reader.js';
import { brief, chunked, collect, random, type Collected } from './read-helpers.js';

const read = (
  input: string | Uint8Array,
  cuts: readonly number[] = [],
  options: Partial<ReadOptions> = {},
): Promise<Collected> =>
  collect(readJsonl(chunked(input, cuts), { file: 'data.jsonl', ...options }));

async function outcome(input: string | Uint8Array, cuts: readonly number[] = []) {
  const { records, lines, issues, batches } = await read(input, cuts);
  return { records, lines, issues, columns: batches.map((batch) => batch.columns) };
}

describe('readJsonl: records', () => {
  it('reads one object per line, columns in the order keys are first seen', async () => {
    const got = await read('{"a":1,"b":"x"}\n{"b":"y","a":2.5}\n');
    expect(got.columns).toEqual(['a', 'b']);
    expect(got.rows).toEqual([
      [1, 'x'],
      [2.5, 'y'],
    ]);
    expect(got.lines).toEqual([1, 2]);
    expect(got.batches[0]?.format).toBe('jsonl');
    expect(got.issues).toEqual([]);
  });

  it('skips a BOM, CRLF endings and blank lines, which still count as lines', async () => {
    // Lines: 1 object, 2 empty, 3 spaces only, 4 object without a newline.
    const got = await read('\uFEFF{"a":1}\r\n\r\n   \t\n{"a":2}');
    expect(got.rows).toEqual([[1], [2]]);
    expect(got.lines).toEqual([1, 4]);
    expect(got.issues).toEqual([]);
  });

  it('appends a new key as a column, null in the records before it', async () => {
    const got = await read('{"a":1}\n{"a":2,"b":true}\n{"c":null}\n{"b":false,"a":3}\n');
    expect(got.columns).toEqual(['a', 'b', 'c']);
    expect(got.rows).toEqual([
      [1, null, null],
      [2, true, null],
      [null, null, null],
      [3, false, null],
    ]);
  });

  it('keeps each batch square when keys appear in later batches', async () => {
    const got = await read('{"a":1}\n{"b":2}\n{"a":3}\n{"c":4}\n', [], { batchSize: 2 });
    expect(got.batches.map((batch) => batch.columns)).toEqual([
      ['a', 'b'],
      ['a', 'b', 'c'],
    ]);
    expect(got.batches.map((batch) => batch.values)).toEqual([
      [
        [1, null],
        [null, 2],
      ],
      [
        [3, null],
        [null, null],
        [null, 4],
      ],
    ]);
    expect(got.batches.map((batch) => Array.from(batch.lines))).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('keeps nested arrays and objects as their JSON text', async () => {
    const got = await read('{"o":{"x":[1,2]},"arr":[1,"a",null],"s":"t","f":false,"z":null}\n');
    expect(got.records).toEqual([
      { o: '{"x":[1,2]}', arr: '[1,"a",null]', s: 't', f: false, z: null },
    ]);
  });

  it('takes keys literally, __proto__ included', async () => {
    const got = await read('{"__proto__":1,"constructor":2}\n');
    expect(got.columns).toEqual(['__proto__', 'constructor']);
    expect(got.rows).toEqual([[1, 2]]);
  });
});

describe('readJsonl: structural issues', () => {
  it('reports a line that is not JSON with its line, column and the parser message', async () => {
    const got = await read('{"a":1}\n{"a":}\n\n{"a":3} x\n{"a":4}\n');
    expect(brief(got.issues)).toEqual([
      { rule: 'invalid-json', line: 2 },
      { rule: 'invalid-json', line: 4 },
    ]);
    expect(got.issues[0]?.message).toBe("not valid JSON at column 6: Unexpected token '}'");
    expect(got.issues[0]?.value).toBe('{"a":}');
    expect(got.issues[1]?.message).toBe(
      'not valid JSON at column 9: Unexpected non-whitespace character after JSON at position 8',
    );
    expect(got.rows).toEqual([[1], [4]]);
    expect(got.lines).toEqual([1, 5]);
  });

  it('reports JSON values that are not objects', async () => {
    const got = await read('[1,2]\n3\n"s"\nnull\ntrue\n{"a":1}\n');
    expect(brief(got.issues)).toEqual(
      [1, 2, 3, 4, 5].map((line) => ({ rule: 'not-an-object', line })),
    );
    expect(got.issues.map((issue) => issue.message.split('found ')[1])).toEqual([
      'an array',
      'a number',
      'a string',
      'null',
      'a boolean',
    ]);
    expect(got.lines).toEqual([6]);
  });

  it('reports bytes that are not UTF-8 at their line', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"a":"ok"}\n{"a":"'),
      Buffer.from([0xc0, 0xaf]), // an overlong encoding of "/"
      Buffer.from('"}\n{"a":"fine"}\n'),
    ]);
    const got = await read(bytes);
    expect(brief(got.issues)).toEqual([{ rule: 'invalid-utf8', line: 2 }]);
    expect(got.issues[0]?.message).toContain('0xc0');
    expect(got.rows).toEqual([['ok'], ['fine']]);
  });

  it('reports an empty file', async () => {
    for (const input of ['', '\uFEFF', '\n \r\n\t\n']) {
      const got = await read(input);
      expect(brief(got.issues)).toEqual([{ rule: 'empty-file', line: null }]);
      expect(got.batches).toEqual([]);
    }
    expect((await read('[]\n')).issues.map((issue) => issue.rule)).toEqual(['not-an-object']);
  });
});

describe('readJsonl: chunk boundaries', () => {
  const tricky = Buffer.concat([
    Buffer.from('\uFEFF{"k":"é€😀","n":1}\r\n\r\n{"n":2,"new":[1,{"x":"y"}]}\n{"n":}\n'),
    Buffer.from('{"n":"'),
    Buffer.from([0xf0, 0x9f]), // an emoji cut short: lines 5
    Buffer.from('"}\n{"n":3}'),
  ]);

  it('gives the same result however the bytes are cut', async () => {
    const whole = await outcome(tricky);
    expect(whole.lines).toEqual([1, 3, 6]);
    expect(brief(whole.issues)).toEqual([
      { rule: 'invalid-json', line: 4 },
      { rule: 'invalid-utf8', line: 5 },
    ]);
    for (let cut = 1; cut < tricky.length; cut++) {
      expect(await outcome(tricky, [cut]), `cut at byte ${cut}`).toEqual(whole);
    }
    const next = random(7);
    for (let trial = 0; trial < 100; trial++) {
      const cuts = Array.from({ length: 1 + Math.floor(next() * 10) }, () =>
        Math.floor(next() * tricky.length),
      );
      expect(await outcome(tricky, cuts), `cuts ${cuts.join(',')}`).toEqual(whole);
    }
  });
});

describe('jsonErrorOffset', () => {
  it('points at the first character that is not JSON', () => {
    const cases: [string, number][] = [
      ['{"a":}', 5],
      ['{"a":1', 6],
      ['{a:1}', 1],
      ['[1,]', 3],
      ['{"a":"\\x"}', 7],
      ['"abc', 4],
      ['01', 1],
      ['-', 1],
      ['1.', 2],
      ['1e+', 3],
      ['tru e', 3],
      ['{"a" 1}', 5],
      ['', 0],
      ['"\\u12G4"', 2],
    ];
    for (const [text, offset] of cases) {
      expect(() => JSON.parse(text), text).toThrow(SyntaxError);
      expect(jsonErrorOffset(text), text).toBe(offset);
    }
  });

  it('agrees with V8 wherever V8 gives a position', () => {
    const texts = [
      '{"a":1',
      '{"a":1} x',
      '{a:1}',
      '"abc',
      '01',
      '{"a":1,}',
      '{"a" 1}',
      '[1 2]',
      '{"a":"\\q"}',
    ];
    for (const text of texts) {
      let message = '';
      try {
        JSON.parse(text);
      } catch (error) {
        message = (error as Error).message;
      }
      const position = /at position (\d+)/.exec(message)?.[1];
      expect(position, `${text}: ${message}`).toBeDefined();
      expect(jsonErrorOffset(text), text).toBe(Number(position));
    }
  });
});
