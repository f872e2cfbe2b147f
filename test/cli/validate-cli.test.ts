/**
 * The bundled `mlops` command: the same verdict and report as the action, exit statuses that
 * scripts can rely on, and a schema proposal that the data it came from passes.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mlops } from '../support/run-cli.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');

let workspace: Workspace | undefined;
afterEach(async () => {
  await workspace?.cleanup();
  workspace = undefined;
});

describe('mlops validate', () => {
  it('passes the example and writes the report', async () => {
    workspace = await createWorkspace({});
    await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
    const result = await mlops(workspace.dir, 'validate');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'valid: 569 records in 2 file(s), 0 violation(s); report: .mlops/validate-report.json\n',
    );
    const report = JSON.parse(
      await readFile(workspace.path('.mlops/validate-report.json'), 'utf8'),
    ) as {
      valid: boolean;
      files: { file: string; rows: number }[];
    };
    expect(report.valid).toBe(true);
    expect(report.files.map((f) => [f.file, f.rows])).toEqual([
      ['data/train.csv', 455],
      ['data/eval.csv', 114],
    ]);
  });

  it('exits 1 with each violation on its own line, 0 with --fail-on never', async () => {
    workspace = await createWorkspace({
      'schema.yml': 'columns:\n  x: {type: integer, max: 5}\n',
      'd.csv': 'x\n1\n9\nfoo\n',
    });
    const failing = await mlops(
      workspace.dir,
      'validate',
      '--schema',
      'schema.yml',
      '--data',
      'd.csv',
    );
    expect(failing.code).toBe(1);
    expect(failing.stdout).toBe(
      [
        'd.csv:3: max [x]: 9 is above the maximum 5; expected at most 5',
        'd.csv:4: type [x]: "foo" is not an integer; expected an integer',
        'invalid: 3 records in 1 file(s), 2 violation(s); report: .mlops/validate-report.json',
        '',
      ].join('\n'),
    );
    const lenient = await mlops(
      workspace.dir,
      'validate',
      '--schema',
      'schema.yml',
      '--data',
      'd.csv',
      '--fail-on',
      'never',
    );
    expect(lenient.code).toBe(0);
  });

  it('exits 2 with a located message for a configuration error, and for bad usage', async () => {
    workspace = await createWorkspace({
      'mlops.yml': 'model:\n  name: x\ndata:\n  train: [1, 2]\n',
    });
    const config = await mlops(workspace.dir, 'validate');
    expect(config.code).toBe(2);
    expect(config.stderr).toBe(
      'mlops: mlops.yml:4:11 (data.train[0]): expected string, received number\n',
    );
    const usage = await mlops(workspace.dir, 'validate', '--nope');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('unknown flag --nope for "mlops validate"');
  });
});

describe('mlops schema infer', () => {
  const datasets = ['iris.csv', 'wine.csv', 'diabetes.csv', 'seattle-weather.csv'];

  it.each(datasets)('proposes a schema that %s then passes', async (name) => {
    workspace = await createWorkspace({});
    const source = path.join(root, 'test/fixtures/datasets', name);
    await workspace.copyInto(path.dirname(source), 'data');
    const inferred = await mlops(
      workspace.dir,
      'schema',
      'infer',
      `data/${name}`,
      '--out',
      'schema.yml',
    );
    expect(inferred.code).toBe(0);
    const check = await mlops(
      workspace.dir,
      'validate',
      '--schema',
      'schema.yml',
      '--data',
      `data/${name}`,
    );
    expect(check.stdout).toMatch(/^valid: /);
    expect(check.code).toBe(0);
  });

  it('infers types, ranges, categories, nullability and id columns', async () => {
    workspace = await createWorkspace({
      'people.csv': [
        'user_id,age,height,member,plan,joined,comment',
        'u1,31,1.80,true,free,2024-01-05,',
        'u2,45,1.65,false,pro,2024-02-29T10:00:00Z,likes it',
        'u3,27,1.72,true,free,2023-12-31,',
        'u4,39,1.91,false,free,2024-03-01,',
      ].join('\n'),
    });
    const result = await mlops(
      workspace.dir,
      'schema',
      'infer',
      'people.csv',
      '--target',
      'member',
    );
    expect(result.code).toBe(0);
    // Worked out from the five lines above: u1-u4 are distinct and the column is named *_id; the
    // comment column has one value and three empty fields.
    expect(result.stdout.split('\n').slice(2).join('\n')).toBe(
      [
        'version: 1',
        'columns:',
        '  user_id:',
        '    type: string',
        '    role: id',
        '    unique: true',
        '  age:',
        '    type: integer',
        '    min: 27',
        '    max: 45',
        '  height:',
        '    type: number',
        '    min: 1.65',
        '    max: 1.91',
        '  member:',
        '    type: boolean',
        '    role: target',
        '  plan:',
        '    type: category',
        '    values:',
        '      - free',
        '      - pro',
        '  joined:',
        '    type: datetime',
        '    min: 2023-12-31',
        '    max: 2024-03-01',
        '  comment:',
        '    type: string',
        '    nullable: true',
        'rows:',
        '  min: 1',
        '',
      ].join('\n'),
    );
  });
});
