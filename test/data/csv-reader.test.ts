import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { readCsv, type CsvReadOptions } from '../../src/core/data/csv-reader.js';
import { brief, chunked, collect, random, type Collected } from './read-helpers.js';

const read = (
  input: string | Uint8Array,
  cuts: readonly number[] = [],
  options: Partial<CsvReadOptions> = {},
): Promise<Collected> => collect(readCsv(chunked(input, cuts), { file: 'data.csv', ...options }));

/** Everything a read produced, in a form `toEqual` compares fully. */
async function outcome(input: string | Uint8Array, cuts: readonly number[] = [], options = {}) {
  const { rows, lines, issues, columns } = await read(input, cuts, options);
  return { rows, lines, issues, columns };
}

describe('readCsv: records', () => {
  it('reads a header and records, an empty unquoted field as null', async () => {
    const got = await read('name,age\nann,31\nbob,\n');
    expect(got.columns).toEqual(['name', 'age']);
    expect(got.rows).toEqual([
      ['ann', '31'],
      ['bob', null],
    ]);
    expect(got.lines).toEqual([2, 3]);
    expect(got.issues).toEqual([]);
    expect(got.batches.map((batch) => [batch.file, batch.format])).toEqual([['data.csv', 'csv']]);
  });

  it('reads CRLF line endings and a last line without a newline', async () => {
    for (const input of ['a,b\r\n1,2\r\n3,4', 'a,b\r\n1,2\r\n3,4\r', 'a,b\n1,2\r\n3,4\r\n']) {
      const got = await read(input);
      expect(got.rows).toEqual([
        ['1', '2'],
        ['3', '4'],
      ]);
      expect(got.lines).toEqual([2, 3]);
    }
  });

  it('strips a UTF-8 BOM, also when it arrives split over chunks', async () => {
    const input = '\uFEFFid,v\n1,x\n';
    for (const cuts of [[], [1], [2], [1, 2], [3]]) {
      const got = await read(input, cuts);
      expect(got.columns).toEqual(['id', 'v']);
      expect(got.rows).toEqual([['1', 'x']]);
    }
  });

  it('skips empty lines but counts them in line numbers', async () => {
    // Lines: 1 header, 2 empty, 3 record, 4 CR only, 5 empty, 6 record, 7 empty.
    const got = await read('a,b\n\n1,2\n\r\n\n3,4\n\n');
    expect(got.rows).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(got.lines).toEqual([3, 6]);
    expect(got.issues).toEqual([]);
  });

  it('takes the first non-blank line as the header', async () => {
    const got = await read('\n  \na,b\n1,2\n');
    expect(got.columns).toEqual(['a', 'b']);
    expect(got.lines).toEqual([4]);
  });

  it('reads quoted fields: doubled quotes, delimiters and newlines inside', async () => {
    const input =
      'id,text,n\n' + // line 1
      '1,"say ""hi""",2\n' + // line 2
      '2,"a,b",3\n' + // line 3
      '3,"multi\nline\r\nfield",4\n' + // lines 4-6
      '4,plain,5\n'; // line 7
    const got = await read(input);
    expect(got.rows).toEqual([
      ['1', 'say "hi"', '2'],
      ['2', 'a,b', '3'],
      ['3', 'multi\nline\r\nfield', '4'],
      ['4', 'plain', '5'],
    ]);
    expect(got.lines).toEqual([2, 3, 4, 7]);
  });

  it('treats fields equal to a null value as null, quoted or not', async () => {
    const input = 'a,b,c\n,"",x\nNA,"NA",\n';
    expect((await read(input)).rows).toEqual([
      [null, null, 'x'],
      ['NA', 'NA', null],
    ]);
    // Without '' among the null values, a quoted empty field is an empty string.
    expect((await read(input, [], { nullValues: ['NA'] })).rows).toEqual([
      [null, '', 'x'],
      [null, null, null],
    ]);
    expect((await read('a\nNA\nN\nNAN\n', [], { nullValues: ['NA', 'NaN', ''] })).rows).toEqual([
      [null],
      ['N'],
      ['NAN'],
    ]);
  });

  it('keeps short repeated cells and non-ASCII short cells apart', async () => {
    const got = await read('a,b\nab,é\nab,è\nabcd,abcde\né,ab\n');
    expect(got.rows).toEqual([
      ['ab', 'é'],
      ['ab', 'è'],
      ['abcd', 'abcde'],
      ['é', 'ab'],
    ]);
  });

  it('reads other delimiters', async () => {
    expect((await read('a\tb\n1\t2\n', [], { delimiter: '\t' })).rows).toEqual([['1', '2']]);
    expect((await read('a;b\n"x;y";2,5\n', [], { delimiter: ';' })).rows).toEqual([['x;y', '2,5']]);
    await expect(read('a\n', [], { delimiter: '"' })).rejects.toThrow(TypeError);
    await expect(read('a\n', [], { delimiter: ',,' })).rejects.toThrow(TypeError);
  });

  it('hands records out in batches of batchSize', async () => {
    const got = await read('a\n1\n2\nx,y\n3\n4\n5\n', [], { batchSize: 2 });
    expect(got.batches.map((batch) => batch.rows)).toEqual([2, 2, 1]);
    expect(got.batches.map((batch) => Array.from(batch.lines))).toEqual([[2, 3], [5, 6], [7]]);
    expect(got.rows.flat()).toEqual(['1', '2', '3', '4', '5']);
  });

  it('hands out one empty batch for a header without records', async () => {
    const got = await read('a,b\n\n');
    expect(got.batches).toHaveLength(1);
    expect(got.batches[0]?.columns).toEqual(['a', 'b']);
    expect(got.batches[0]?.rows).toBe(0);
    expect(got.issues).toEqual([]);
  });

  it('reads a quoted field much larger than a chunk, and counts its lines', async () => {
    const field = `${'x'.repeat(999)}\n`.repeat(200); // 200 newlines inside the field
    const input = `a,b\n1,"${field}"\n2,3\n`;
    const cuts = Array.from({ length: 30 }, (_, i) => (i + 1) * 7001);
    const got = await read(input, cuts);
    expect(got.rows).toEqual([
      ['1', field],
      ['2', '3'],
    ]);
    expect(got.lines).toEqual([2, 203]);
  });
});

describe('readCsv: structural issues', () => {
  it('reports an empty file: no bytes, only a BOM, only whitespace', async () => {
    for (const input of ['', '\uFEFF', ' \n\t\r\n\n', '\uFEFF\r\n']) {
      const got = await read(input);
      expect(brief(got.issues)).toEqual([{ rule: 'empty-file', line: null }]);
      expect(got.batches).toEqual([]);
      expect(got.issues[0]?.file).toBe('data.csv');
    }
  });

  it('reports each duplicated column name once, on the header line', async () => {
    const got = await read('a,b,a,b,c,a\n1,2,3,4,5,6\n');
    expect(brief(got.issues)).toEqual([
      { rule: 'duplicate-header', line: 1, column: 'a' },
      { rule: 'duplicate-header', line: 1, column: 'b' },
    ]);
    expect(got.issues[0]?.message).toContain('columns 1, 3, 6');
    // The columns keep their names as written; the records are still read.
    expect(got.columns).toEqual(['a', 'b', 'a', 'b', 'c', 'a']);
    expect(got.rows).toEqual([['1', '2', '3', '4', '5', '6']]);
    const later = await read('\n\nx,x\n');
    expect(brief(later.issues)).toEqual([{ rule: 'duplicate-header', line: 3, column: 'x' }]);
  });

  it('reports blank column names', async () => {
    const got = await read('a,,c, \n1,2,3,4\n');
    expect(brief(got.issues)).toEqual([
      { rule: 'empty-header', line: 1, column: '' },
      { rule: 'empty-header', line: 1, column: ' ' },
    ]);
    expect(got.issues[0]?.message).toContain('column 2');
    expect(got.issues[1]?.message).toContain('column 4');
    expect(got.rows).toEqual([['1', '2', '3', '4']]);
  });

  it('reports ragged rows with the field counts and leaves them out', async () => {
    const input =
      'a,b,c\n' + // 1
      '1,2,3\n' + // 2
      '4,5\n' + // 3: two fields
      '6,7,8,9\n' + // 4: four fields
      '"x","y\nz",w,v\n' + // 5-6: four fields, quoted
      '10,11,12\n'; // 7
    const got = await read(input);
    expect(brief(got.issues)).toEqual([
      { rule: 'ragged-row', line: 3 },
      { rule: 'ragged-row', line: 4 },
      { rule: 'ragged-row', line: 5 },
    ]);
    expect(got.issues.map((issue) => issue.message)).toEqual([
      'expected 3 fields, found 2',
      'expected 3 fields, found 4',
      'expected 3 fields, found 4',
    ]);
    expect(got.issues[0]?.value).toBe('4,5');
    expect(got.rows).toEqual([
      ['1', '2', '3'],
      ['10', '11', '12'],
    ]);
    expect(got.lines).toEqual([2, 7]);
  });

  it('reports a quote never closed at the line its record starts, and reads on', async () => {
    const input =
      'a,b\n' + // 1
      '1,2\n' + // 2
      '3,"x\n' + // 3: the quote opens and is never closed
      '4,5\n' + // 4
      '6,7'; // 5
    const got = await read(input);
    expect(brief(got.issues)).toEqual([{ rule: 'unterminated-quote', line: 3 }]);
    expect(got.rows).toEqual([
      ['1', '2'],
      ['4', '5'],
      ['6', '7'],
    ]);
    expect(got.lines).toEqual([2, 4, 5]);
  });

  it('gives up on a quoted record past maxRecordChars and reads on from its next line', async () => {
    const rest = Array.from({ length: 40 }, (_, i) => `${i + 3},v\n`).join(''); // lines 3-42
    const got = await read(`a,b\n1,"open\n${rest}`, [], { maxRecordChars: 30 });
    expect(brief(got.issues)).toEqual([{ rule: 'unterminated-quote', line: 2 }]);
    expect(got.issues[0]?.message).toContain('after 30 characters');
    expect(got.lines).toEqual(Array.from({ length: 40 }, (_, i) => i + 3));
  });

  it('reports stray quotes: inside an unquoted field, after a closing quote', async () => {
    const input =
      'a,b\n' + // 1
      '1,x"y\n' + // 2: quote inside an unquoted field
      '"p"q,2\n' + // 3: text after the closing quote
      '"ok",3\n' + // 4
      ' "sp",4\n' + // 5: the quote does not start the field
      '"m\nn"o,5\n' + // 6-7: a record over two lines, damaged
      '5,6\n'; // 8
    const got = await read(input);
    expect(brief(got.issues)).toEqual([
      { rule: 'invalid-quote', line: 2 },
      { rule: 'invalid-quote', line: 3 },
      { rule: 'invalid-quote', line: 5 },
      { rule: 'invalid-quote', line: 6 },
    ]);
    expect(got.issues[0]?.value).toBe('1,x"y');
    expect(got.rows).toEqual([
      ['ok', '3'],
      ['5', '6'],
    ]);
    expect(got.lines).toEqual([4, 8]);
  });

  it('reports a damaged header as such and as a missing header, and reads nothing', async () => {
    const open = await read('"a,b\n1,2\n');
    expect(brief(open.issues)).toEqual([
      { rule: 'unterminated-quote', line: 1 },
      { rule: 'missing-header', line: 1 },
    ]);
    expect(open.batches).toEqual([]);
    const stray = await read('\na"b,c\n1,2\n');
    expect(brief(stray.issues)).toEqual([
      { rule: 'invalid-quote', line: 2 },
      { rule: 'missing-header', line: 2 },
    ]);
    expect(stray.batches).toEqual([]);
  });

  it('reports bytes that are not UTF-8 at their line and leaves the record out', async () => {
    const bytes = Buffer.concat([
      Buffer.from('a,b\n1,2\n3,'), // lines 1-3
      Buffer.from([0xff]),
      Buffer.from('\n4,5\n'), // line 4
    ]);
    const got = await read(bytes);
    expect(brief(got.issues)).toEqual([{ rule: 'invalid-utf8', line: 3 }]);
    expect(got.issues[0]?.message).toContain('0xff');
    expect(got.issues[0]?.value).toBe('3,\uFFFD');
    expect(got.rows).toEqual([
      ['1', '2'],
      ['4', '5'],
    ]);
    expect(got.lines).toEqual([2, 4]);
  });

  it('gives the line of the bad byte inside a record over several lines', async () => {
    const bytes = Buffer.concat([
      Buffer.from('a,b\n1,"x\ny'), // the record starts on line 2; line 3 holds the bad byte
      Buffer.from([0xfe]),
      Buffer.from('"\n2,3\n'), // line 4
    ]);
    const got = await read(bytes);
    expect(brief(got.issues)).toEqual([{ rule: 'invalid-utf8', line: 3 }]);
    expect(got.rows).toEqual([['2', '3']]);
    expect(got.lines).toEqual([4]);
  });

  it('reports a character cut short at the end of the file', async () => {
    const got = await read(Buffer.from([0x61, 0x0a, 0x62, 0xe2, 0x82]));
    expect(brief(got.issues)).toEqual([{ rule: 'invalid-utf8', line: 2 }]);
    expect(got.issues[0]?.message).toContain('0xe2 0x82');
  });

  it('keeps a header with a bad byte, after reporting it', async () => {
    const got = await read(Buffer.concat([Buffer.from([0xff]), Buffer.from('a,b\n1,2\n')]));
    expect(brief(got.issues)).toEqual([{ rule: 'invalid-utf8', line: 1 }]);
    expect(got.columns).toEqual(['\uFFFDa', 'b']);
    expect(got.rows).toEqual([['1', '2']]);
  });

  it('shortens the excerpt of a long damaged record to 80 characters', async () => {
    const got = await read(`a,b\n${'x'.repeat(500)}\n`);
    expect(got.issues[0]?.rule).toBe('ragged-row');
    expect(got.issues[0]?.value).toHaveLength(80);
  });
});

describe('readCsv: chunk boundaries', () => {
  const tricky = Buffer.concat([
    Buffer.from(
      '\uFEFFid,text,n\r\n' + // 1
        '1,"say ""hi"", ok",2\r\n' + // 2
        '\r\n' + // 3 (empty)
        '2,"multi\r\nline",3\r\n' + // 4-5
        '3,é€😀,4\n' + // 6
        '4,x"y,5\n' + // 7: invalid quote
        '5,6\n' + // 8: ragged
        '6,"a",\n' + // 9
        '7,',
    ),
    Buffer.from([0xc3]), // 10: a lone lead byte
    Buffer.from(',8\n8,"unterminated\n9,z,10\n'), // 11: never closed; 12
  ]);

  it('gives the same result however the bytes are cut in two', async () => {
    const whole = await outcome(tricky);
    expect(whole.lines).toEqual([2, 4, 6, 9, 12]);
    expect(brief(whole.issues)).toEqual([
      { rule: 'invalid-quote', line: 7 },
      { rule: 'ragged-row', line: 8 },
      { rule: 'invalid-utf8', line: 10 },
      { rule: 'unterminated-quote', line: 11 },
    ]);
    for (let cut = 1; cut < tricky.length; cut++) {
      expect(await outcome(tricky, [cut]), `cut at byte ${cut}`).toEqual(whole);
    }
  });

  it('gives the same result for many random cuts and for one byte at a time', async () => {
    const whole = await outcome(tricky);
    const next = random(42);
    for (let trial = 0; trial < 200; trial++) {
      const cuts = Array.from({ length: 1 + Math.floor(next() * 12) }, () =>
        Math.floor(next() * tricky.length),
      );
      expect(await outcome(tricky, cuts), `cuts ${cuts.join(',')}`).toEqual(whole);
    }
    const everyByte = Array.from({ length: tricky.length }, (_, i) => i);
    expect(await outcome(tricky, everyByte)).toEqual(whole);
  });

  it('decodes characters cut across chunks, in the middle of a CRLF and of a quoted field', async () => {
    const input = 'name,city\r\né,"Zür\r\nich"\r\n€,😀 x\r\n';
    const bytes = Buffer.from(input);
    for (let cut = 1; cut < bytes.length; cut++) {
      const got = await read(bytes, [cut]);
      expect(got.issues).toEqual([]);
      expect(got.rows).toEqual([
        ['é', 'Zür\r\nich'],
        ['€', '😀 x'],
      ]);
      expect(got.lines).toEqual([2, 4]);
    }
  });
});

describe('readCsv: against csv-parse', () => {
  // csv-parse is an independent RFC 4180 implementation; on valid input the records must agree.
  const inputs = [
    'a,b,c\n1,,3\n"",x,""\n" lead",trail ,"in""side"\n',
    'h1,h2\r\n"multi\r\nline","with, comma"\r\n"q""q",plain\r\nlast,row',
    '\uFEFFk,v\n"é€","😀"\n"a\nb\nc",d\n',
    'x,y\n,\n",",""""\n',
  ];

  for (const [index, input] of inputs.entries()) {
    it(`agrees on tricky input ${index + 1}`, async () => {
      const expected = parse(input, {
        bom: true,
        skip_empty_lines: true,
        info: true,
      }) as unknown as {
        record: string[];
        info: { lines: number };
      }[];
      const got = await read(input);
      expect(got.issues).toEqual([]);
      expect(got.columns).toEqual(expected[0]?.record);
      const records = expected.slice(1);
      expect(got.rows.map((row) => row.map((cell) => cell ?? ''))).toEqual(
        records.map((r) => r.record),
      );
      // csv-parse's `info.lines` is the line where a record ends (ours: where it starts), and it
      // counts a CRLF inside quotes as two lines; compare where that quirk cannot show.
      if (!input.includes('\r')) {
        expect(got.lines).toEqual(
          records.map((r) => r.info.lines - r.record.join('').split('\n').length + 1),
        );
      }
    });
  }
});
