/**
 * `mlops publish` and `mlops promote` with a model that failed its gates, and publishing the same
 * bytes again, on a copy of the breast-cancer example in a git repository:
 * - a failed evaluation is refused by both (nothing written) unless --allow-failed-gates is given;
 *   the model card and the release notes then say so in their first line;
 * - the same model.onnx published again after an unrelated commit returns its version and
 *   writes nothing (it used to become v1.1.0 = v1.0.0).
 * Runs the built command (`npm run build` first).
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlops } from '../support/run-cli.js';
import { snapshotFiles } from '../support/snapshot-files.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');

async function repository(extraConfig: string): Promise<{
  ws: Workspace;
  git: (...args: string[]) => string;
}> {
  const ws = await createWorkspace();
  await ws.copyInto(path.join(root, 'examples/breast-cancer'));
  // An extra evaluate section replaces the example's own (a YAML key may appear once).
  const example = await ws.read('mlops.yml');
  const base = extraConfig.includes('evaluate:')
    ? example.replace(/^evaluate:[\s\S]*$/m, '')
    : example;
  await ws.write('mlops.yml', `${base}${extraConfig}`);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
      cwd: ws.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  git('init', '-q');
  git('add', 'mlops.yml', 'schema.yml', 'data');
  git('commit', '-q', '-m', 'model');
  const trained = await mlops(ws.dir, 'train', '--builtin', 'logistic-regression');
  expect(trained.code, trained.stderr).toBe(0);
  return { ws, git };
}

const firstLine = (text: string) => text.split('\n')[0];

describe('a model that failed its gates', { timeout: 120_000 }, () => {
  let ws: Workspace;
  const registry = () => ws.path('.mlops/registry');
  const versionFile = (file: string) => ws.path(`.mlops/registry/breast-cancer/v1.0.0/${file}`);

  beforeAll(async () => {
    // No model gets every one of the 114 evaluation records right: this gate fails.
    ({ ws } = await repository('evaluate:\n  gates:\n    - metric: accuracy\n      min: 0.9999\n'));
    const evaluated = await mlops(ws.dir, 'evaluate', '--baseline', 'none');
    const report = JSON.parse(await ws.read('.mlops/evaluate-report.json')) as {
      passed: boolean;
      gates: { metric: string; status: string }[];
    };
    expect(evaluated.code).not.toBe(0);
    expect(report.passed).toBe(false);
    expect(report.gates).toEqual([
      expect.objectContaining({ metric: 'accuracy', status: 'failed' }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await ws.cleanup();
  });

  it('publish refuses it and writes nothing', async () => {
    const before = await snapshotFiles(ws.dir);
    const result = await mlops(ws.dir, 'publish');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /refusing to publish breast-cancer: its evaluation failed its gates \(accuracy ≥ 0\.9999: 0\.\d+ < 0\.9999\)/,
    );
    expect(result.stderr).toContain('publish it anyway with --allow-failed-gates');
    expect(await snapshotFiles(ws.dir)).toEqual(before);
    expect(await snapshotFiles(registry())).toEqual({});
  });

  it('--allow-failed-gates publishes it; the card and the notes say so in their first line', async () => {
    const result = await mlops(ws.dir, 'publish', '--allow-failed-gates');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('published breast-cancer@v1.0.0');
    const card = await readFile(versionFile('model-card.md'), 'utf8');
    const notes = await readFile(versionFile('RELEASE.md'), 'utf8');
    for (const text of [card, notes]) {
      expect(firstLine(text)).toMatch(
        /^> ⚠️ \*\*This version FAILED its evaluation gates\*\* and was published anyway \(allow-failed-gates\): accuracy ≥ 0\.9999: 0\.\d+ &lt; 0\.9999\.$/,
      );
    }
    expect(card.split('\n')[2]).toBe('# Model card: breast-cancer v1.0.0');
    const manifest = JSON.parse(await readFile(versionFile('manifest.json'), 'utf8')) as {
      publication: { evaluation: { passed: boolean } };
    };
    expect(manifest.publication.evaluation.passed).toBe(false);
  });

  it('promote refuses it and records no stage', async () => {
    const before = await snapshotFiles(ws.dir);
    const result = await mlops(ws.dir, 'promote', '--version', '1.0.0');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'refusing to promote breast-cancer v1.0.0 to production: its evaluation failed its gates',
    );
    expect(result.stderr).toContain('--allow-failed-gates');
    expect(await snapshotFiles(ws.dir)).toEqual(before);
  });

  it('promote --allow-failed-gates promotes it, and its notes say it failed', async () => {
    const result = await mlops(ws.dir, 'promote', '--version', '1.0.0', '--allow-failed-gates');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('promoted breast-cancer v1.0.0 to production');
    const notes = await readFile(versionFile('RELEASE.md'), 'utf8');
    expect(notes).toMatch(
      /promoted to \*\*production\*\* as `breast-cancer#production#1`, although its evaluation FAILED its gates \(allow-failed-gates\)\.$/m,
    );
  });
});

describe('publishing the same bytes again', { timeout: 120_000 }, () => {
  let ws: Workspace;
  let git: (...args: string[]) => string;

  beforeAll(async () => {
    ({ ws, git } = await repository(''));
    const evaluated = await mlops(ws.dir, 'evaluate', '--baseline', 'none');
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const first = await mlops(ws.dir, 'publish');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('published breast-cancer@v1.0.0');
  }, 120_000);

  afterAll(async () => {
    await ws.cleanup();
  });

  it('after an unrelated commit returns the version that holds them and writes nothing', async () => {
    await ws.write('docs/notes.md', 'Unrelated to the model.\n');
    git('add', 'docs/notes.md');
    git('commit', '-q', '-m', 'docs');
    const before = await snapshotFiles(ws.dir);
    const again = await mlops(ws.dir, 'publish');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(
      'breast-cancer@v1.0.0 already holds this model (.mlops/registry/breast-cancer/v1.0.0): nothing written',
    );
    expect(await snapshotFiles(ws.dir)).toEqual(before);
    // Asking for a version bump does not make a second number for the same model either.
    const bumped = await mlops(ws.dir, 'publish', '--version', 'major');
    expect(bumped.code, bumped.stderr).toBe(0);
    expect(bumped.stdout).toContain('breast-cancer@v1.0.0 already holds this model');
    expect(await snapshotFiles(ws.dir)).toEqual(before);
  });

  it('other bytes still make the next version', async () => {
    const retrained = await mlops(ws.dir, 'train', '--builtin', 'softmax-regression');
    expect(retrained.code, retrained.stderr).toBe(0);
    const result = await mlops(ws.dir, 'publish');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('published breast-cancer@v1.1.0');
  });
});
