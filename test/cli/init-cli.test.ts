/**
 * `mlops init` in a fresh folder holding the breast-cancer data: mlops.yml (valid, built-in
 * baseline, the task from the target), schema.yml inferred with the target's role, the starter
 * workflows copied byte for byte, next steps naming the check, labels and permissions; and the
 * refusals: an existing mlops.yml or schema.yml without --force is a user error (exit 2) that
 * writes nothing, an existing workflow is kept. Runs the built command (`npm run build` first).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMlopsConfig } from '../../src/core/config/mlops-config.js';
import { mlops } from '../support/run-cli.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const starters = path.join(root, 'workflows');

let ws: Workspace | undefined;
afterEach(async () => {
  await ws?.cleanup();
  ws = undefined;
});

async function withData(files: Record<string, string> = {}): Promise<Workspace> {
  ws = await createWorkspace(files);
  await ws.copyInto(path.join(root, 'examples/breast-cancer/data'), 'data');
  return ws;
}

interface SchemaFile {
  columns: Record<string, { type: string; role?: string; values?: string[] }>;
}

describe('mlops init', { timeout: 60_000 }, () => {
  it('writes mlops.yml, schema.yml and the starter workflows, then the next steps', async () => {
    const w = await withData();
    const result = await mlops(w.dir, 'init', '--name', 'bc', '--target', 'diagnosis');
    expect(result.code, result.stderr).toBe(0);

    const config = parseMlopsConfig(await w.read('mlops.yml'), 'mlops.yml');
    expect(config.model).toMatchObject({ name: 'bc', task: 'binary-classification' });
    expect(config.data).toMatchObject({
      schema: 'schema.yml',
      train: ['data/train.csv'],
      eval: ['data/eval.csv'],
    });
    expect(config.train?.builtin).toBe('logistic-regression');
    expect(config.train?.command).toBeUndefined();
    expect(config.evaluate?.gates).toEqual([{ metric: 'roc_auc', 'max-drop': 0.01 }]);
    const text = await w.read('mlops.yml');
    expect(text).toContain('# command: python3 train.py');
    expect(text).toMatch(/^# drift:\n#\s+current: /m);

    const schema = parseYaml(await w.read('schema.yml')) as SchemaFile;
    expect(Object.keys(schema.columns)).toHaveLength(31);
    expect(schema.columns['diagnosis']).toEqual({
      type: 'category',
      role: 'target',
      values: ['benign', 'malignant'],
    });
    expect(schema.columns['mean radius']).toMatchObject({ type: 'number' });
    expect(schema.columns['mean radius']?.role).toBeUndefined();

    const names = (await readdir(starters)).filter((f) => f.endsWith('.yml')).sort();
    expect(names.length).toBeGreaterThan(0);
    expect((await readdir(w.path('.github/workflows'))).sort()).toEqual(names);
    for (const name of names) {
      expect(await w.read(`.github/workflows/${name}`)).toBe(
        await readFile(path.join(starters, name), 'utf8'),
      );
    }

    expect(result.stdout).toContain('wrote mlops.yml: model bc, binary-classification');
    expect(result.stdout).toContain('target "diagnosis"');
    expect(result.stdout).toContain('"mlops/evaluate (bc)"');
    expect(result.stdout).toContain('"safe-to-train"');
    expect(result.stdout).toContain('gpu-runner-labels');
    expect(result.stdout).toContain('"gpu-training"');
    expect(result.stdout).toMatch(
      /mlops-pull-request\.yml: .*contents: read.*pull-requests: write.*checks: write/,
    );
    expect(result.stdout).toMatch(/mlops-publish\.yml: .*contents: write/);

    // What init wrote is a working setup: the data satisfies the inferred schema.
    const validated = await mlops(w.dir, 'validate');
    expect(validated.code, validated.stdout + validated.stderr).toBe(0);
  });

  it('refuses to overwrite without --force and writes nothing; --force overwrites', async () => {
    const w = await withData();
    expect((await mlops(w.dir, 'init', '--name', 'bc', '--target', 'diagnosis')).code).toBe(0);
    const before = {
      config: await w.read('mlops.yml'),
      schema: await w.read('schema.yml'),
    };
    await w.write('.github/workflows/mlops-drift.yml', '# mine\n');

    const refused = await mlops(w.dir, 'init', '--name', 'other', '--target', 'mean radius');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('mlops.yml and schema.yml already exist');
    expect(refused.stderr).toContain('--force');
    expect(refused.stdout).toBe('');
    expect(await w.read('mlops.yml')).toBe(before.config);
    expect(await w.read('schema.yml')).toBe(before.schema);
    expect(await w.read('.github/workflows/mlops-drift.yml')).toBe('# mine\n');

    const forced = await mlops(
      w.dir,
      'init',
      '--name',
      'other',
      '--target',
      'mean radius',
      '--task',
      'regression',
      '--force',
    );
    expect(forced.code, forced.stderr).toBe(0);
    const config = parseMlopsConfig(await w.read('mlops.yml'), 'mlops.yml');
    expect(config.model).toMatchObject({ name: 'other', task: 'regression' });
    expect(config.train?.builtin).toBe('linear-regression');
    const schema = parseYaml(await w.read('schema.yml')) as SchemaFile;
    expect(schema.columns['mean radius']?.role).toBe('target');
    expect(await w.read('.github/workflows/mlops-drift.yml')).toBe(
      await readFile(path.join(starters, 'mlops-drift.yml'), 'utf8'),
    );
  });

  it('an existing mlops.yml alone is refused before anything is written', async () => {
    const w = await withData({ 'mlops.yml': 'version: 1\n' });
    const result = await mlops(w.dir, 'init', '--target', 'diagnosis');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('mlops.yml already exists');
    expect(result.stderr).toContain('nothing was written');
    expect(await w.read('mlops.yml')).toBe('version: 1\n');
    expect(existsSync(w.path('schema.yml'))).toBe(false);
    expect(existsSync(w.path('.github'))).toBe(false);
  });

  it('keeps an existing workflow file without --force', async () => {
    const w = await withData({ '.github/workflows/mlops-publish.yml': '# mine\n' });
    const result = await mlops(w.dir, 'init', '--name', 'bc', '--target', 'diagnosis');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('kept .github/workflows/mlops-publish.yml');
    expect(await w.read('.github/workflows/mlops-publish.yml')).toBe('# mine\n');
    expect(existsSync(w.path('.github/workflows/mlops-pull-request.yml'))).toBe(true);
  });

  it('sets up another folder with --dir, with data paths relative to it', async () => {
    const w = await withData();
    const result = await mlops(
      path.dirname(w.dir),
      'init',
      '--dir',
      w.dir,
      '--name',
      'bc',
      '--data',
      w.path('data/train.csv'),
      '--target',
      'diagnosis',
    );
    expect(result.code, result.stderr).toBe(0);
    const config = parseMlopsConfig(await w.read('mlops.yml'), 'mlops.yml');
    expect(config.data.train).toEqual(['data/train.csv']);
    expect(config.data.eval).toEqual(['data/eval.csv']);
  });

  it('user errors exit 2 and write nothing: unknown target, no target, bad name, no data', async () => {
    const w = await withData();
    const cases: [string[], string][] = [
      [['--name', 'bc', '--target', 'nope'], '--target "nope" is not a column'],
      [['--name', 'bc'], 'give --target <column>'],
      [['--name', 'Not A Name', '--target', 'diagnosis'], 'is not a model name'],
      [['--name', 'bc', '--data', 'missing.csv', '--target', 'diagnosis'], 'no such file'],
      [['--name', 'bc', '--target', 'diagnosis', '--task', 'ranking'], '--task must be one of'],
    ];
    for (const [args, message] of cases) {
      const result = await mlops(w.dir, 'init', ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }
    expect((await readdir(w.dir)).sort()).toEqual(['data']);
  });
});
