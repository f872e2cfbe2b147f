/**
 * `mlops validate` on big and broken files, as a new user meets them: a schema inferred from 1,000
 * records, then 150,000 records with corrupted cells (this crashed with "Maximum call stack size
 * exceeded" when every violation was kept); 3,000,000 records that all violate; integers too large
 * for a double. Expected counts come from how the files were built (test/support/dirty-data.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  breastCancerRecords,
  narrowSchema,
  writeDirtyBreastCancer,
  writeNarrow,
} from '../support/dirty-data.js';
import { mlops } from '../support/run-cli.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

let workspace: Workspace;
beforeAll(async () => {
  workspace = await createWorkspace({});
});
afterAll(async () => {
  await workspace.cleanup();
});

interface Report {
  violationCount: number;
  counts: { rule: string; column: string | null; count: number }[];
  violations: { line: number; rule: string; column: string }[];
  omitted: number;
}

const readReport = async (name: string) =>
  JSON.parse(await readFile(workspace.path(name), 'utf8')) as Report;

describe('mlops validate on large dirty files', () => {
  it('validates 150,000 corrupted records against a schema inferred from 1,000', async () => {
    const { header, records } = await breastCancerRecords();
    const sample = Array.from({ length: 1000 }, (_, r) => records[r % records.length]);
    await writeFile(workspace.path('sample.csv'), `${header}\n${sample.join('\n')}\n`);
    const inferred = await mlops(workspace.dir, 'schema', 'infer', 'sample.csv', '--out', 's.yml');
    expect(inferred.code).toBe(0);
    const dirty = await writeDirtyBreastCancer(workspace.path('big.csv'), 150_000);

    const run = await mlops(
      workspace.dir,
      'validate',
      '--schema',
      's.yml',
      '--data',
      'big.csv',
      '--report',
      'big.json',
      '--max-lines',
      '2',
    );
    expect(run.stderr).not.toMatch(/RangeError|unexpected error|\n\s+at /);
    expect(run.code).toBe(1);
    // Every 3rd, 11th and 7th of records 0..149,999: 50,000 + 13,637 + 21,429.
    expect(dirty.total).toBe(85_066);
    expect(run.stdout).toBe(
      [
        'big.csv:2: type [mean radius]: "abc" is not a number; expected a number',
        'big.csv:2: min [mean area]: -5 is below the minimum 143.5; expected at least 143.5',
        '… and 85064 more, counted in big.json, which lists 300 of them:',
        '  type [mean radius]: 50000',
        '  min [mean area]: 13637',
        '  values [diagnosis]: 21429',
        'invalid: 150000 records in 1 file(s), 85066 violation(s); report: big.json',
        '',
      ].join('\n'),
    );
    const report = await readReport('big.json');
    expect(report.violationCount).toBe(dirty.total);
    expect(
      Object.fromEntries(report.counts.map((c) => [`schema: ${c.rule} (${c.column})`, c.count])),
    ).toEqual(dirty.counts);
    // The first 100 of each of the 3 rules, by line.
    expect(report.violations).toHaveLength(300);
    expect(report.omitted).toBe(dirty.total - 300);
  }, 60_000);

  it('counts 3,000,000 violating records exactly with --max-examples', async () => {
    await writeFile(workspace.path('narrow.yml'), narrowSchema);
    const planted = await writeNarrow(workspace.path('all-bad.csv'), 3_000_000, true);
    expect(planted).toEqual({
      counts: { 'type (id)': 3000, 'max (score)': 3_000_000 },
      total: 3_003_000,
    });
    const run = await mlops(
      workspace.dir,
      'validate',
      '--schema',
      'narrow.yml',
      '--data',
      'all-bad.csv',
      '--report',
      'all-bad.json',
      '--max-examples',
      '3',
      '--quiet',
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      'invalid: 3000000 records in 1 file(s), 3003000 violation(s); report: all-bad.json\n',
    );
    const report = await readReport('all-bad.json');
    expect(report.counts).toEqual([
      // Record 0 (line 2) is "x,2": id is checked before score.
      { rule: 'type', column: 'id', count: 3000 },
      { rule: 'max', column: 'score', count: 3_000_000 },
    ]);
    // Ids "x" on records 0, 1000, 2000 (lines 2, 1002, 2002); scores on lines 2, 3, 4.
    expect(report.violations.map((v) => `${v.line} ${v.rule}`)).toEqual([
      '2 type',
      '2 max',
      '3 max',
      '4 max',
      '1002 type',
      '2002 type',
    ]);
    expect(report.omitted).toBe(3_003_000 - 6);
  }, 60_000);
});

describe('validate.max-examples-per-rule in mlops.yml', () => {
  it('lists that many per rule and column, and --max-examples overrides it', async () => {
    const ws = await createWorkspace({
      'mlops.yml':
        'model: {name: m}\ndata: {schema: s.yml, train: d.csv}\nvalidate: {max-examples-per-rule: 2}\n',
      's.yml': 'columns:\n  x: {type: integer, max: 5}\n',
      // Lines 2-6 above the maximum, lines 7-8 not integers.
      'd.csv': 'x\n6\n7\n8\n9\n10\na\nb\n',
    });
    try {
      const fromConfig = await mlops(ws.dir, 'validate', '--quiet');
      expect(fromConfig.stdout).toBe(
        'invalid: 7 records in 1 file(s), 7 violation(s); report: .mlops/validate-report.json\n',
      );
      const report = JSON.parse(
        await readFile(ws.path('.mlops/validate-report.json'), 'utf8'),
      ) as Report;
      expect(report.violations.map((v) => `${v.line} ${v.rule}`)).toEqual([
        '2 max',
        '3 max',
        '7 type',
        '8 type',
      ]);
      expect(report.omitted).toBe(3);
      const fromFlag = await mlops(ws.dir, 'validate', '--max-examples', '1', '--force');
      expect(fromFlag.stdout).toContain('… and 5 more, counted in .mlops/validate-report.json');
      const overridden = JSON.parse(
        await readFile(ws.path('.mlops/validate-report.json'), 'utf8'),
      ) as Report;
      expect(overridden.violations.map((v) => v.line)).toEqual([2, 7]);
    } finally {
      await ws.cleanup();
    }
  });

  it('refuses a negative value, naming the field', async () => {
    const ws = await createWorkspace({
      'mlops.yml':
        'model: {name: m}\ndata: {train: d.csv}\nvalidate: {max-examples-per-rule: -1}\n',
    });
    try {
      const run = await mlops(ws.dir, 'validate');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('mlops.yml:3');
      expect(run.stderr).toContain('validate.max-examples-per-rule');
    } finally {
      await ws.cleanup();
    }
  });
});

describe('mlops validate on integers beyond 2^53 - 1', () => {
  it('reports them in integer columns and keeps them as text in string columns', async () => {
    await writeFile(
      workspace.path('big-int.yml'),
      'columns:\n  count: {type: integer}\n  code: {type: string}\n',
    );
    await writeFile(
      workspace.path('big-int.csv'),
      'count,code\n9007199254740991,99999999999999999999999\n99999999999999999999999,7\n',
    );
    const run = await mlops(
      workspace.dir,
      'validate',
      '--schema',
      'big-int.yml',
      '--data',
      'big-int.csv',
      '--report',
      'big-int.json',
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        'big-int.csv:3: type [count]: "99999999999999999999999": integer too large to represent exactly (declare the column type: string to keep it as text); expected an integer from -9007199254740991 to 9007199254740991 (2^53 - 1)',
        'invalid: 2 records in 1 file(s), 1 violation(s); report: big-int.json',
        '',
      ].join('\n'),
    );
  });
});
