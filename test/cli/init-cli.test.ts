/**
 * `mlops init` in a fresh folder holding the breast-cancer data: mlops.yml (valid, built-in
 * baseline, the task from the target), schema.yml inferred with the target's role, the starter
 * workflows copied byte for byte, next steps naming the check, labels and permissions; and the
 * refusals: an existing mlops.yml or schema.yml without --force is a user error (exit 2) that
 * writes nothing, an existing workflow is kept. Runs the built command (`npm run build` first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMlopsConfig } from '../../src/core/config/mlops-config.js';
import { mlops } from '../support/run-cli.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const starters = path.join(root, 'workflows');
// The built command pins our reusable workflows to its own release tag (package.json's version).
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  version: string;
};
/** A starter as init writes it: `@v1` of our workflows pinned to `@v<version>`, nothing else. */
async function starter(name: string): Promise<string> {
  const text = await readFile(path.join(starters, name), 'utf8');
  return text.replaceAll(/(uses: mlops-actions\/mlops-actions\/\S+)@v1\n/g, `$1@v${version}\n`);
}

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
      expect(await w.read(`.github/workflows/${name}`)).toBe(await starter(name));
    }
    // Pinned: the reusable workflow of this very version, not the moving major tag.
    expect(await w.read('.github/workflows/mlops-drift.yml')).toContain(
      `.github/workflows/mlops-drift.yml@v${version}\n`,
    );

    expect(result.stdout).toContain('wrote mlops.yml: model bc, binary-classification');
    expect(result.stdout).toContain('target "diagnosis"');
    expect(result.stdout).toContain('"mlops/evaluate (bc)"');
    expect(result.stdout).toContain('"safe-to-train"');
    expect(result.stdout).toContain('gpu-runner-labels');
    // Training on GitHub-hosted runners needs no environment; with --gpu-runner-labels the
    // environment "gpu-training" is named (the test of that flag).
    expect(result.stdout).toContain('.gitignore');
    expect(result.stdout).toMatch(
      /mlops-pull-request\.yml: .*contents: read.*pull-requests: write.*checks: write/,
    );
    expect(result.stdout).toMatch(/mlops-publish\.yml: .*contents: write/);

    // What init wrote is a working setup: the data satisfies the inferred schema.
    const validated = await mlops(w.dir, 'validate');
    expect(validated.code, validated.stdout + validated.stderr).toBe(0);
  });

  it('trains on GitHub-hosted ubuntu-latest without --gpu-runner-labels, and says how to move to GPU runners safely', async () => {
    const w = await withData();
    const result = await mlops(w.dir, 'init', '--name', 'bc', '--target', 'diagnosis');
    expect(result.code, result.stderr).toBe(0);
    for (const name of ['mlops-pull-request.yml', 'mlops-retrain.yml']) {
      const workflow = parseYaml(await w.read(`.github/workflows/${name}`)) as {
        jobs: Record<string, { with?: Record<string, unknown> }>;
      };
      const labels = Object.values(workflow.jobs)
        .map((job) => job.with?.['gpu-runner-labels'])
        .filter((v) => v !== undefined);
      // runs-on: fromJSON('"ubuntu-latest"') is the string ubuntu-latest.
      expect(
        labels.map((l) => JSON.parse(String(l)) as unknown),
        name,
      ).toEqual(['ubuntu-latest']);
    }
    expect(result.stdout).toContain('Training runs on GitHub-hosted ubuntu-latest (CPU)');
    // Finding 2: no file or label is "the gate a fork cannot edit away".
    expect(result.stdout).not.toMatch(/cannot edit away|only then does fork code/);
    // Finding 7: an App token minted in the job, no stored personal token.
    expect(result.stdout).toContain('actions/create-github-app-token');
    expect(result.stdout).toContain('MLOPS_APP_PRIVATE_KEY');
    expect(result.stdout).not.toContain('MLOPS_TOKEN');
    expect(result.stdout).toContain('mlops doctor --repo');
  });

  it('--gpu-runner-labels puts the train job on those runners and lists what keeps forks off them', async () => {
    const w = await withData();
    const result = await mlops(
      w.dir,
      'init',
      '--name',
      'bc',
      '--target',
      'diagnosis',
      '--gpu-runner-labels',
      'self-hosted, linux,x64,gpu',
    );
    expect(result.code, result.stderr).toBe(0);
    const expected = `'["self-hosted","linux","x64","gpu"]'`;
    for (const name of ['mlops-pull-request.yml', 'mlops-retrain.yml']) {
      const written = await w.read(`.github/workflows/${name}`);
      const pinned = await starter(name);
      // Only the one value differs from the (pinned) starter.
      expect(written).toBe(
        pinned.replace(/(gpu-runner-labels: )'"ubuntu-latest"'/, `$1${expected}`),
      );
      expect(written).not.toBe(pinned);
    }
    for (const name of ['mlops-drift.yml', 'mlops-publish.yml', 'mlops-promote.yml']) {
      expect(await w.read(`.github/workflows/${name}`)).toBe(await starter(name));
    }
    expect(result.stdout).toContain('"Require approval for all external contributors"');
    expect(result.stdout).toContain('runner group');
    expect(result.stdout).toContain('ephemeral runners');
    expect(result.stdout).toContain('GitHub creates a');
    expect(result.stdout).toContain('"gpu-training"');
    expect(result.stdout).toContain('--gpu-runner-labels self-hosted,linux,x64,gpu');

    // A JSON array and a scale set's name (JSON string) are taken as the workflow input takes them.
    const scaleSet = await mlops(
      w.dir,
      'init',
      '--force',
      '--name',
      'bc',
      '--target',
      'diagnosis',
      '--gpu-runner-labels',
      '"arc-gpu"',
    );
    expect(scaleSet.code, scaleSet.stderr).toBe(0);
    expect(await w.read('.github/workflows/mlops-pull-request.yml')).toContain(
      `gpu-runner-labels: '["arc-gpu"]'`,
    );
    const bad = await mlops(
      w.dir,
      'init',
      '--force',
      '--target',
      'diagnosis',
      '--gpu-runner-labels',
      '[gpu',
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--gpu-runner-labels: [gpu is not valid JSON');
  });

  it('ignores .mlops/ in .gitignore: created, appended to, never twice', async () => {
    const fresh = await withData();
    expect((await mlops(fresh.dir, 'init', '--name', 'bc', '--target', 'diagnosis')).code).toBe(0);
    expect(await fresh.read('.gitignore')).toBe(
      '# mlops-actions: local models, reports and the local registry\n.mlops/\n',
    );
    const again = await mlops(
      fresh.dir,
      'init',
      '--force',
      '--name',
      'bc',
      '--target',
      'diagnosis',
    );
    expect(again.stdout).toContain('kept .gitignore (it already ignores .mlops/)');
    expect((await fresh.read('.gitignore')).match(/^\.mlops\/$/gm)).toHaveLength(1);
    await fresh.cleanup();

    const w = await withData({ '.gitignore': 'node_modules/\n*.log' });
    const result = await mlops(w.dir, 'init', '--name', 'bc', '--target', 'diagnosis');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('added .mlops/ to .gitignore');
    expect(await w.read('.gitignore')).toBe(
      'node_modules/\n*.log\n# mlops-actions: local models, reports and the local registry\n.mlops/\n',
    );
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
      await starter('mlops-drift.yml'),
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
      [
        ['--name', 'bc', '--target', 'diagnosis', '--task', 'ranking'],
        '--task: expected one of binary-classification',
      ],
    ];
    for (const [args, message] of cases) {
      const result = await mlops(w.dir, 'init', ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }
    expect((await readdir(w.dir)).sort()).toEqual(['data']);
  });
});
