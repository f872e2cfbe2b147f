/**
 * `mlops publish` and `mlops promote` against the local registry, on a copy of the breast-cancer
 * example in a git repository: the version folder holds what publish-model publishes (model,
 * manifest recording the version and the commit, metrics, model card, profile), a re-run writes
 * nothing, a stale evaluation report is not published with another model, promotion and rollback
 * show in `mlops registry show`. Runs the built command (`npm run build` first, as `npm test` does).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryShowJson } from '../../src/cli/commands/registry.js';
import { mlops } from '../support/run-cli.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');

async function sha256(file: string): Promise<string> {
  return `sha256:${createHash('sha256')
    .update(await readFile(file))
    .digest('hex')}`;
}

let ws: Workspace;
let head: string;
const versionDir = (version: string) => ws.path(`.mlops/registry/breast-cancer/v${version}`);

async function show(): Promise<RegistryShowJson> {
  const result = await mlops(ws.dir, 'registry', 'show', 'breast-cancer', '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as RegistryShowJson;
}

beforeAll(async () => {
  ws = await createWorkspace();
  await ws.copyInto(path.join(root, 'examples/breast-cancer'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
      cwd: ws.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  git('init', '-q');
  git('add', 'mlops.yml', 'schema.yml', 'data');
  git('commit', '-q', '-m', 'model');
  head = git('rev-parse', 'HEAD');
  const trained = await mlops(ws.dir, 'train', '--builtin', 'logistic-regression');
  expect(trained.code, trained.stderr).toBe(0);
  const evaluated = await mlops(ws.dir, 'evaluate', '--baseline', 'none');
  expect(evaluated.code, evaluated.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await ws.cleanup();
});

describe('mlops publish and promote (local registry)', { timeout: 60_000 }, () => {
  it('publishes the trained model with its manifest, metrics, model card and profile', async () => {
    const result = await mlops(ws.dir, 'publish');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'published breast-cancer@v1.0.0: .mlops/registry/breast-cancer/v1.0.0',
    );
    expect(result.stdout).toContain('report: .mlops/evaluate-report.json');
    expect(result.stdout).toContain(`commit: ${head}`);

    const dir = versionDir('1.0.0');
    expect((await readdir(dir)).sort()).toEqual([
      'RELEASE.md',
      'manifest.json',
      'metrics.json',
      'model-card.md',
      'model.onnx',
      'profile.json',
    ]);
    expect(await sha256(path.join(dir, 'model.onnx'))).toBe(
      await sha256(ws.path('.mlops/train/model.onnx')),
    );
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
      model: { name: string; version: string; file: { digest: string } };
      publication: {
        commit: string | null;
        evaluation: { passed: boolean; baselineVersion: string | null } | null;
        assets: { path: string; digest: string }[];
      };
    };
    expect(manifest.model.name).toBe('breast-cancer');
    expect(manifest.model.version).toBe('1.0.0');
    expect(manifest.model.file.digest).toBe(await sha256(path.join(dir, 'model.onnx')));
    expect(manifest.publication.commit).toBe(head);
    expect(manifest.publication.evaluation).toMatchObject({ passed: true, baselineVersion: null });
    for (const asset of manifest.publication.assets) {
      expect(await sha256(path.join(dir, asset.path))).toBe(asset.digest);
    }
    expect(manifest.publication.assets.map((a) => a.path).sort()).toEqual([
      'metrics.json',
      'model-card.md',
      'profile.json',
    ]);
    // The metrics are the evaluation's (the report was found and matched), not training's.
    const report = JSON.parse(await ws.read('.mlops/evaluate-report.json')) as {
      candidate: { metrics: { values: Record<string, number> } };
    };
    expect(JSON.parse(await readFile(path.join(dir, 'metrics.json'), 'utf8'))).toEqual(
      report.candidate.metrics.values,
    );
    expect(await readFile(path.join(dir, 'model-card.md'), 'utf8')).toContain('breast-cancer');
    const profile = JSON.parse(await readFile(path.join(dir, 'profile.json'), 'utf8')) as {
      rows: number;
      predictions?: { model: string; column: { values: string[]; counts: number[] } };
    };
    expect(profile.rows).toBe(455); // data/train.csv: 455 records
    // The model's predictions on the same records, for prediction drift without the data.
    expect(profile.predictions?.model).toBe(await sha256(path.join(dir, 'model.onnx')));
    expect([...(profile.predictions?.column.values ?? [])].sort()).toEqual(['benign', 'malignant']);
    expect(profile.predictions?.column.counts.reduce((a, b) => a + b, 0)).toBe(455);
  });

  it('a re-run finds its version and writes nothing', async () => {
    const before = await stat(path.join(versionDir('1.0.0'), 'manifest.json'));
    const result = await mlops(ws.dir, 'publish');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('breast-cancer@v1.0.0 already holds this model');
    expect(result.stdout).toContain('nothing written');
    expect(await readdir(ws.path('.mlops/registry/breast-cancer'))).toEqual(['v1.0.0']);
    const after = await stat(path.join(versionDir('1.0.0'), 'manifest.json'));
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('promote needs --version (usage error, exit 2)', async () => {
    const result = await mlops(ws.dir, 'promote');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('promote needs --version');
  });

  it('refuses a version that is not registered (exit 2), writing no stage', async () => {
    const result = await mlops(ws.dir, 'promote', '--version', '9.9.9');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('breast-cancer v9.9.9 is not registered');
    expect((await show()).history).toEqual([]);
  });

  it('promotes v1.0.0 to production, saying no review is checked locally', async () => {
    const result = await mlops(ws.dir, 'promote', '--version', 'v1.0.0');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'promoted breast-cancer v1.0.0 to production (breast-cancer#production#1)',
    );
    expect(result.stdout).toContain('review: not checked locally');
    const shown = await show();
    expect(shown.stages).toEqual([
      { stage: 'production', version: '1.0.0', n: 1, tag: 'breast-cancer#production#1' },
    ]);
    const table = await mlops(ws.dir, 'registry', 'show', 'breast-cancer');
    expect(table.stdout).toMatch(/^v1\.0\.0 .* production$/m);
    const again = await mlops(ws.dir, 'promote', '--version', '1.0.0');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already holds production');
    expect((await show()).history).toHaveLength(1);
  });

  it('does not publish a stale report with another model; auto picks the next version', async () => {
    const trained = await mlops(ws.dir, 'train', '--builtin', 'softmax-regression');
    expect(trained.code, trained.stderr).toBe(0);
    // The report on disk is v1's: left out, with a note, not an error.
    const stale = await mlops(ws.dir, 'publish');
    expect(stale.code, stale.stderr).toBe(0);
    expect(stale.stdout).toContain('is not for this model');
    expect(stale.stdout).toContain('published breast-cancer@v1.1.0');
    const manifest = JSON.parse(
      await readFile(path.join(versionDir('1.1.0'), 'manifest.json'), 'utf8'),
    ) as { model: { version: string }; parent: string | null; publication: { evaluation: null } };
    expect(manifest.model.version).toBe('1.1.0');
    expect(manifest.parent).toBe('1.0.0');
    expect(manifest.publication.evaluation).toBeNull();
  });

  it('an explicit report for other bytes is refused (exit 2)', async () => {
    const result = await mlops(
      ws.dir,
      'publish',
      '--report',
      '.mlops/evaluate-report.json',
      '--version',
      '2.0.0',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the evaluation report is for the model');
    expect(await readdir(ws.path('.mlops/registry/breast-cancer'))).not.toContain('v2.0.0');
  });

  it('promotes v1.1.0, then rolls back to v1.0.0', async () => {
    const up = await mlops(ws.dir, 'promote', '--version', '1.1.0');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('replacing v1.0.0');
    const back = await mlops(ws.dir, 'promote', '--version', '1.0.0', '--stage', 'production');
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain(
      'promoted breast-cancer v1.0.0 to production (breast-cancer#production#3), replacing v1.1.0',
    );
    const shown = await show();
    expect(shown.stages).toEqual([
      { stage: 'production', version: '1.0.0', n: 3, tag: 'breast-cancer#production#3' },
    ]);
    expect(shown.history.map((e) => [e.version, e.current])).toEqual([
      ['1.0.0', true],
      ['1.1.0', false],
      ['1.0.0', false],
    ]);
    const table = await mlops(ws.dir, 'registry', 'show', 'breast-cancer');
    expect(table.stdout).toMatch(/^v1\.1\.0 .*sha256:\w+\s*$/m);
    expect(table.stdout).toMatch(/^v1\.0\.0 .* production$/m);
  });
});
