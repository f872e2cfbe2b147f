/**
 * The bundled dashboard action against the GitHub emulator (the real octokit reads releases,
 * manifests and annotated stage tags): two versions, a promotion and a rollback, one drift report;
 * then an incremental run that extends the site it wrote with a second report; and the failures a
 * user can cause (a file that is not a drift report, an output folder that is not a dashboard).
 * Expected values are the seeded ones.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelData, SiteIndex } from '../../src/core/dashboard/site-data.js';
import { formatStageTagMessage } from '../../src/core/registry/registry-port.js';
import {
  makeManifest,
  modelBytes,
  seedAnnotatedTag,
  seedRelease,
  sha256,
} from '../github/registry-fixtures.js';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
let emulator: GitHubEmulator;
let workspace: Workspace;
const v1 = modelBytes('iris v1');
const v2 = modelBytes('iris v2');

function driftReport(checkedAt: string, drifted: boolean): string {
  return JSON.stringify({
    model: 'iris',
    reference: 'iris@v1.0.0 profile.json',
    current: 'data/current.csv',
    severity: drifted ? 'severe' : 'none',
    share: drifted ? 1 : 0,
    drifted: drifted ? 1 : 0,
    thresholds: { moderate: 0.25, severe: 0.5 },
    prediction_drift: null,
    columns: [
      {
        name: 'petal_length',
        column: 'petal_length',
        kind: 'numerical',
        test: 'ks',
        statistic: drifted ? 0.8 : 0.1,
        p_value: drifted ? 1e-9 : 0.6,
        threshold: 0.05,
        drifted,
        nan: { reference: 0, current: 0 },
        inf: { reference: 0, current: 0 },
      },
    ],
    notes: [],
    checked_at: checkedAt,
  });
}

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  const repo = emulator.repo;
  const first = repo.commitOnBranch('main', 'v1').sha;
  const manifest = (version: string, bytes: Buffer) =>
    Buffer.from(JSON.stringify(makeManifest('iris', version, bytes)));
  seedRelease(
    repo,
    'iris@v1.0.0',
    [
      { name: 'model.onnx', data: v1 },
      { name: 'manifest.json', data: manifest('1.0.0', v1) },
    ],
    { commit: first },
  );
  const second = repo.commitOnBranch('main', 'v2').sha;
  seedRelease(
    repo,
    'iris@v1.1.0',
    [
      { name: 'model.onnx', data: v2 },
      { name: 'manifest.json', data: manifest('1.1.0', v2) },
    ],
    { commit: second },
  );
  seedAnnotatedTag(
    repo,
    'iris#production#1',
    second,
    formatStageTagMessage({ version: '1.1.0', pullRequest: 4, approvedBy: ['alice'], run: null }),
  );
  seedAnnotatedTag(
    repo,
    'iris#production#2',
    first,
    formatStageTagMessage({ version: '1.0.0', pullRequest: 5, approvedBy: ['bob'], run: null }),
  );
  workspace = await createWorkspace({
    'mlops.yml': `version: 1
model:
  name: iris
data:
  schema: schema.yml
evaluate:
  gates:
    - metric: accuracy
      min: 0.85
`,
    'reports/first.json': driftReport('2026-03-01T06:00:00Z', false),
    'reports/second.json': driftReport('2026-03-02T06:00:00Z', true),
    'reports/broken.json': '{"model": "iris", "severity": "odd"}',
    'not-a-site/notes.txt': 'mine',
  });
});

afterAll(async () => {
  await workspace?.cleanup();
  await emulator?.close();
});

function dashboard(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    action: path.join(root, 'actions/dashboard'),
    cwd: workspace.dir,
    inputs: { 'github-token': emulator.token, ...inputs },
    github: { apiUrl: emulator.url, repository: emulator.repo.fullName, runId: 42 },
    timeoutMs: 60_000,
  });
}

const readJson = async <T>(file: string): Promise<T> =>
  JSON.parse(await readFile(path.join(workspace.dir, file), 'utf8')) as T;

describe('the dashboard action', () => {
  it('builds the site from the repository registry and one drift report', async () => {
    const from = emulator.exchanges.length;
    const run = await dashboard({
      'drift-reports': 'reports/first.json',
      'run-url': 'https://github.com/octo/models/actions/runs/7',
    });
    expect(run.conclusion, run.stderr + run.stdout).toBe('success');
    // The first build reads both stage tags and both manifests.
    const requests = emulator.exchanges.slice(from).map((e) => `${e.method} ${e.path}`);
    expect(requests.filter((r) => r.includes('/git/tags/')).length).toBeGreaterThanOrEqual(2);
    expect(requests.filter((r) => r.includes('/releases/assets/')).length).toBeGreaterThanOrEqual(
      2,
    );
    expect(run.outputs['models']).toBe('1');
    expect(run.outputs['site']).toBe(path.join(workspace.dir, '_site'));
    expect(run.summary).toContain('| iris | v1.0.0 | 2 | none |');
    const index = await readJson<SiteIndex>('_site/data/index.json');
    expect(index.repository).toBe(emulator.repo.fullName);
    const data = await readJson<ModelData>('_site/data/models/iris.json');
    expect(data.versions.map((v) => [v.version, v.digest])).toEqual([
      ['1.1.0', sha256(v2)],
      ['1.0.0', sha256(v1)],
    ]);
    expect(data.stages.map((s) => [s.n, s.version, s.previous, s.rollback, s.approvedBy])).toEqual([
      [2, '1.0.0', '1.1.0', true, ['bob']],
      [1, '1.1.0', null, false, ['alice']],
    ]);
    expect(data.production).toBe('1.0.0');
    expect(data.gates).toEqual([{ metric: 'accuracy', min: 0.85, max: null }]);
    expect(data.drift.map((d) => [d.id, d.checkedAt])).toEqual([
      ['https://github.com/octo/models/actions/runs/7', '2026-03-01T06:00:00.000Z'],
    ]);
    const page = await readFile(path.join(workspace.dir, '_site/models/iris/index.html'), 'utf8');
    expect(page).toContain(`${emulator.repo.fullName.replace(/^/, '/')}/pull/5`);
    expect(page).toContain('class="rollback"');
    const charts = await readFile(path.join(workspace.dir, '_site/assets/charts.js'));
    expect(charts.byteLength).toBeGreaterThan(100_000);
  });

  it('extends the site it wrote with the next check, reading no manifest and no tag', async () => {
    const from = emulator.exchanges.length;
    const run = await dashboard({ previous: '_site', 'drift-reports': 'reports/second.json' });
    expect(run.conclusion, run.stderr + run.stdout).toBe('success');
    const requests = emulator.exchanges.slice(from).map((e) => `${e.method} ${e.path}`);
    expect(requests.filter((r) => r.includes('/git/tags/'))).toEqual([]);
    expect(requests.filter((r) => r.includes('/releases/assets/'))).toEqual([]);
    const data = await readJson<ModelData>('_site/data/models/iris.json');
    expect(data.drift.map((d) => d.severity)).toEqual(['none', 'severe']);
    expect(data.stages).toHaveLength(2);
    const index = await readJson<SiteIndex>('_site/data/index.json');
    expect(index.models[0]?.drift).toMatchObject({ severity: 'severe', share: 1 });
  });

  it('reads the stage history again when a promotion was tagged since', async () => {
    const repo = emulator.repo;
    const commit = repo.refs.get('refs/heads/main') as string;
    seedAnnotatedTag(
      repo,
      'iris#production#3',
      commit,
      formatStageTagMessage({ version: '1.1.0', pullRequest: 6, approvedBy: ['carol'], run: null }),
    );
    const run = await dashboard({ previous: '_site' });
    expect(run.conclusion, run.stderr + run.stdout).toBe('success');
    const data = await readJson<ModelData>('_site/data/models/iris.json');
    expect(data.stages.map((s) => [s.n, s.version, s.previous, s.rollback])).toEqual([
      [3, '1.1.0', '1.0.0', false],
      [2, '1.0.0', '1.1.0', true],
      [1, '1.1.0', null, false],
    ]);
    expect(data.stages[0]?.firstSeen).not.toBeNull();
    expect(data.stages[1]?.firstSeen).toBeNull();
    expect(data.production).toBe('1.1.0');
  });

  it('fails naming the file and field of a report that is not a drift report', async () => {
    const run = await dashboard({ previous: '_site', 'drift-reports': 'reports/broken.json' });
    expect(run.conclusion).toBe('failure');
    expect(run.stdout).toContain(
      'reports/broken.json (reference): not a check-drift report: the field is missing',
    );
    expect(run.stdout).not.toMatch(/\n\s+at /);
  });

  it('refuses to replace a folder that is not a dashboard', async () => {
    const run = await dashboard({ out: 'not-a-site' });
    expect(run.conclusion).toBe('failure');
    expect(run.stdout).toContain('not-a-site exists and is not a dashboard built before');
    expect(await readFile(path.join(workspace.dir, 'not-a-site/notes.txt'), 'utf8')).toBe('mine');
  });
});
