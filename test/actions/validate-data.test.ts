/**
 * The bundled validate-data action, run as a GitHub runner runs it, against the example and
 * against files broken in many different ways. Every expected line below is worked out by hand
 * from the fixture text (line 1 is the header).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type ActionRun } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const action = path.join(root, 'actions/validate-data');

const schema = `version: 1
rows: {min: 2}
columns:
  id: {type: integer, role: id, unique: true}
  name: {type: string, pattern: '[A-Za-z ]+', max-length: 20}
  score: {type: number, min: 0, max: 1}
  kind: {type: category, values: [a, b]}
  seen: {type: datetime, nullable: true}
`;
const header = 'id,name,score,kind,seen\n';

function parquet(rows: { id: number; name: string; score: number; kind: string }[]): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: rows.map((r) => r.id), type: 'INT32' },
      { name: 'name', data: rows.map((r) => r.name), type: 'STRING' },
      { name: 'score', data: rows.map((r) => r.score), type: 'DOUBLE' },
      { name: 'kind', data: rows.map((r) => r.kind), type: 'STRING' },
    ],
  });
  return new Uint8Array(buffer);
}

const goodParquet = parquet([
  { id: 1, name: 'Ada', score: 0.5, kind: 'a' },
  { id: 2, name: 'Bob', score: 1, kind: 'b' },
  { id: 3, name: 'Cy', score: 2, kind: 'a' },
]);

/** A broken file, and the annotations (line, title) it must produce, in order. */
interface Case {
  file: string;
  content: string | Uint8Array;
  expected: [line: number | undefined, title: string][];
}

const cases: Record<string, Case> = {
  'ragged row': {
    file: 'ragged.csv',
    content: `${header}1,Ada,0.5,a,\n2,Bob,1,b\n3,Cy,0,a,\n`,
    expected: [[3, 'schema: ragged-row']],
  },
  'unterminated quote': {
    file: 'unterminated.csv',
    content: `${header}1,Ada,0.5,a,\n2,"Bob,1,b,\n3,Cy,0,a,\n`,
    expected: [[3, 'schema: unterminated-quote']],
  },
  'quote inside an unquoted field': {
    file: 'stray-quote.csv',
    content: `${header}1,Ada,0.5,a,\n2,Bo"b,1,b,\n3,Cy,0,a,\n`,
    expected: [[3, 'schema: invalid-quote']],
  },
  'bytes that are not UTF-8': {
    file: 'latin1.csv',
    content: Buffer.concat([
      Buffer.from(`${header}1,Ada,0.5,a,\n2,Bob,1,b,\n3,Jos`),
      Buffer.from([0xe9]), // "é" in Latin-1: a lone continuation-less lead byte in UTF-8
      Buffer.from(',0,a,\n'),
    ]),
    expected: [[4, 'schema: invalid-utf8']],
  },
  'duplicated header': {
    file: 'duplicate-header.csv',
    content: 'id,name,score,kind,name\n1,Ada,0.5,a,Ada\n2,Bob,1,b,Bob\n',
    // The second "name" is reported, and the header has no "seen" column.
    expected: [
      [1, 'schema: duplicate-header (name)'],
      [1, 'schema: missing-column (seen)'],
    ],
  },
  'empty file': {
    file: 'empty.csv',
    content: '',
    expected: [[undefined, 'schema: empty-file']],
  },
  'missing required column': {
    file: 'missing-column.csv',
    content: 'id,name,score,seen\n1,Ada,0.5,\n2,Bob,1,\n',
    expected: [[1, 'schema: missing-column (kind)']],
  },
  'column not in the schema': {
    file: 'extra-column.csv',
    content: `id,name,score,kind,seen,extra\n1,Ada,0.5,a,,x\n2,Bob,1,b,,y\n`,
    expected: [[1, 'schema: extra-column (extra)']],
  },
  'text in a number column': {
    file: 'type.csv',
    content: `${header}1,Ada,0.5,a,\n2,Bob,high,b,\n`,
    expected: [[3, 'schema: type (score)']],
  },
  'value above the maximum': {
    file: 'max.csv',
    content: `${header}1,Ada,0.5,a,\n2,Bob,1,b,\n3,Cy,1.5,a,\n`,
    expected: [[4, 'schema: max (score)']],
  },
  'category not allowed': {
    file: 'values.csv',
    content: `${header}1,Ada,0.5,c,\n2,Bob,1,b,\n`,
    expected: [[2, 'schema: values (kind)']],
  },
  'missing value in a required column': {
    file: 'null.csv',
    content: `${header}1,Ada,0.5,a,\n2,Bob,1,,\n`,
    expected: [[3, 'schema: null (kind)']],
  },
  'a quoted field spanning lines, then a bad record': {
    file: 'multiline.csv',
    content: `${header}1,"Ada\nLovelace",0.5,a,\n2,Bob,2,b,\n`,
    expected: [
      [2, 'schema: pattern (name)'],
      [4, 'schema: max (score)'],
    ],
  },
  'CRLF line ends and a byte-order mark': {
    file: 'crlf-bom.csv',
    content: `\uFEFF${header.replace('\n', '\r\n')}1,Ada,0.5,a,\r\n2,Bob,-1,b,\r\n`,
    expected: [[3, 'schema: min (score)']],
  },
  'duplicate id': {
    file: 'unique.csv',
    content: `${header}1,Ada,0.5,a,\n2,Bob,1,b,\n1,Cy,0,a,\n`,
    expected: [[4, 'schema: unique (id)']],
  },
  'integer beyond 2^53 - 1': {
    file: 'big-integer.csv',
    // As a double, 99999999999999999999999 would be 99999999999999991611392.
    content: `${header}1,Ada,0.5,a,\n99999999999999999999999,Bob,1,b,\n`,
    expected: [[3, 'schema: type (id)']],
  },
  'pattern mismatch': {
    file: 'pattern.csv',
    content: `${header}1,Ada,0.5,a,\n2,R2D2,1,b,\n`,
    expected: [[3, 'schema: pattern (name)']],
  },
  'impossible date': {
    file: 'date.csv',
    content: `${header}1,Ada,0.5,a,2024-02-30\n2,Bob,1,b,2024-02-29\n`,
    expected: [[2, 'schema: type (seen)']],
  },
  'too few records': {
    file: 'rows.csv',
    content: `${header}1,Ada,0.5,a,\n`,
    expected: [[undefined, 'schema: rows-min']],
  },
  'JSONL line that is not JSON': {
    file: 'broken.jsonl',
    content:
      '{"id": 1, "name": "Ada", "score": 0.5, "kind": "a", "seen": null}\n' +
      '{"id": 2, "name": "Bob", "score": 1, "kind": "b"\n' +
      '{"id": 3, "name": "Cy", "score": 0, "kind": "a", "seen": null}\n',
    expected: [[2, 'schema: invalid-json']],
  },
  'JSONL value that is not an object': {
    file: 'array.jsonl',
    content:
      '{"id": 1, "name": "Ada", "score": 0.5, "kind": "a", "seen": null}\n' +
      '{"id": 2, "name": "Bob", "score": 1, "kind": "b", "seen": null}\n' +
      '[3, "Cy", 0, "a", null]\n',
    expected: [[3, 'schema: not-an-object']],
  },
  'JSONL string where an integer belongs': {
    file: 'typed.jsonl',
    content:
      '{"id": "one", "name": "Ada", "score": 0.5, "kind": "a", "seen": null}\n' +
      '{"id": 2, "name": "Bob", "score": 1, "kind": "b", "seen": "2024-01-01T00:00:00Z"}\n',
    expected: [[1, 'schema: type (id)']],
  },
  'Parquet value out of range (row 3)': {
    file: 'scores.parquet',
    content: goodParquet,
    // The file has no "seen" column (a whole-file finding, no line) and a score of 2 in row 3.
    expected: [
      [undefined, 'schema: missing-column (seen)'],
      [3, 'schema: max (score)'],
    ],
  },
  'truncated Parquet': {
    file: 'truncated.parquet',
    content: goodParquet.subarray(0, goodParquet.length - 20),
    expected: [[undefined, 'schema: corrupt-parquet']],
  },
  'not Parquet at all': {
    file: 'fake.parquet',
    content: 'id,name\n1,Ada\n',
    expected: [[undefined, 'schema: corrupt-parquet']],
  },
};

let workspace: Workspace;

beforeAll(async () => {
  const files: Record<string, string | Uint8Array> = { 'schema.yml': schema };
  for (const c of Object.values(cases)) files[`data/${c.file}`] = c.content;
  workspace = await createWorkspace(files);
});

afterAll(async () => {
  await workspace.cleanup();
});

function fileAnnotations(run: ActionRun) {
  return run.annotations
    .filter((a) => a.level === 'error' && a.file !== undefined)
    .map((a) => ({ file: a.file, line: a.line, title: a.title }));
}

describe('validate-data action on broken files', () => {
  it.concurrent.each(Object.entries(cases))(
    '%s fails with the exact annotation',
    async (_name, c) => {
      const run = await runAction({
        action,
        cwd: workspace.dir,
        inputs: { schema: 'schema.yml', data: `data/${c.file}`, report: `reports/${c.file}.json` },
      });
      expect(run.exitCode).toBe(1);
      expect(run.outputs.valid).toBe('false');
      expect(fileAnnotations(run)).toEqual(
        c.expected.map(([line, title]) => ({
          file: `data/${c.file}`,
          ...(line === undefined ? {} : { line }),
          title,
        })),
      );
      expect(Number(run.outputs.violations)).toBe(c.expected.length);
      // The step's failure message says how many violations there were; no stack trace.
      expect(run.stdout).not.toMatch(/\n\s+at /);
      const report = JSON.parse(
        await readFile(workspace.path(`reports/${c.file}.json`), 'utf8'),
      ) as {
        violations: unknown[];
      };
      expect(report.violations).toHaveLength(c.expected.length);
    },
  );

  it('fails for a file that does not exist, naming it', async () => {
    const run = await runAction({
      action,
      cwd: workspace.dir,
      inputs: { schema: 'schema.yml', data: 'data/nope.csv' },
    });
    expect(run.exitCode).toBe(1);
    expect(fileAnnotations(run)).toEqual([
      { file: 'data/nope.csv', title: 'schema: file-not-found' },
    ]);
  });
});

describe('validate-data action on the example', () => {
  it('passes the breast-cancer example with its outputs and summary', async () => {
    const example = await createWorkspace({});
    try {
      await example.copyInto(path.join(root, 'examples/breast-cancer'), '.');
      const run = await runAction({ action, cwd: example.dir });
      expect(run.exitCode).toBe(0);
      // 569 records in the source data set: 455 train + 114 eval.
      expect(run.outputs).toEqual({
        valid: 'true',
        rows: '569',
        violations: '0',
        report: '.mlops/validate-report.json',
      });
      expect(run.annotations).toEqual([]);
      expect(run.summary).toContain('✅ Data valid');
      expect(run.summary).toContain('| data/train.csv | csv    | 455     | 0          |');
    } finally {
      await example.cleanup();
    }
  });

  it('lists max-examples violations per rule in the report and counts them all', async () => {
    // 60 records, each with a score above the maximum; the annotation limits are tested against
    // the emulator in validate-data-limits.test.ts (max-annotations 0: no check run here).
    const rows = Array.from({ length: 60 }, (_, i) => `${i + 1},Ada,9,a,`).join('\n');
    const ws = await createWorkspace({ 'schema.yml': schema, 'many.csv': `${header}${rows}\n` });
    try {
      const run = await runAction({
        action,
        cwd: ws.dir,
        inputs: {
          schema: 'schema.yml',
          data: 'many.csv',
          'max-examples': '5',
          'max-annotations': '0',
        },
      });
      expect(run.outputs.violations).toBe('60');
      expect(fileAnnotations(run)).toEqual([]);
      const report = JSON.parse(await readFile(ws.path('.mlops/validate-report.json'), 'utf8')) as {
        violationCount: number;
        counts: unknown[];
        violations: { line: number }[];
        omitted: number;
      };
      expect(report.violationCount).toBe(60);
      expect(report.counts).toEqual([{ rule: 'max', column: 'score', count: 60 }]);
      expect(report.violations.map((v) => v.line)).toEqual([2, 3, 4, 5, 6]);
      expect(report.omitted).toBe(55);
      expect(run.summary).toContain(
        '5 violation(s) are listed with their file and line (the first 5 of each rule on each column); the other 55 are counted above but not listed.',
      );
    } finally {
      await ws.cleanup();
    }
  });

  it('reports without failing when fail-on is never', async () => {
    const run = await runAction({
      action,
      cwd: workspace.dir,
      inputs: { schema: 'schema.yml', data: 'data/max.csv', 'fail-on': 'never' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.valid).toBe('false');
  });

  it('turns a configuration mistake into one clear error, without a stack trace', async () => {
    const ws = await createWorkspace({
      'mlops.yml': 'model:\n  name: demo\ndata:\n  train: data.csv\n  shema: s.yml\n',
    });
    try {
      const run = await runAction({ action, cwd: ws.dir });
      expect(run.exitCode).toBe(1);
      expect(run.annotations.map((a) => a.message)).toEqual([
        'mlops.yml:5:3 (data.shema): unknown field "shema"; expected one of: schema, train, eval, null-values',
      ]);
      expect(run.stdout).not.toMatch(/\n\s+at /);
    } finally {
      await ws.cleanup();
    }
  });

  it('refuses an invalid input value, naming the input', async () => {
    const run = await runAction({
      action,
      cwd: workspace.dir,
      inputs: { schema: 'schema.yml', data: 'data/max.csv', 'fail-on': 'sometimes' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.map((a) => a.message)).toEqual([
      'action inputs (fail-on): "sometimes" is not allowed; expected one of: error, never',
    ]);
  });
});
