/**
 * The bundled check-drift action against the GitHub emulator, on real data: the Seattle weather
 * set split by season (winter as the reference, summer as the current data).
 * - drifted data opens one issue (mlops:drift + the severity label, a Mermaid chart) and, when
 *   moderate, dispatches the retrain workflow; a re-run updates that issue (comment, same number,
 *   label moved) and opens no other; clean data closes it with a comment;
 * - a 502 on issue creation and a secondary rate limit on comments still end with one issue;
 * - bad inputs (missing column, wrong type, empty current data, unreadable profile) fail the step
 *   with a message naming the file or column.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
let emulator: GitHubEmulator;
let workspace: Workspace;
let header = '';
let winter: string[] = [];
let summer: string[] = [];

const SCHEMA = `version: 1
columns:
  date: { type: datetime }
  precipitation: { type: number }
  temp_max: { type: number }
  temp_min: { type: number }
  wind: { type: number }
  weather: { type: category, role: target }
`;

function config(model: string, extra = ''): string {
  return `version: 1
model:
  name: ${model}
data:
  schema: schema.yml
drift:
  current: data/current.csv
${extra}`;
}

const csv = (rows: readonly string[]) => `${[header, ...rows].join('\n')}\n`;

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  emulator.repo.addWorkflow('train.yml', 'train');
  workspace = await createWorkspace({});
  const text = await readFile(
    path.join(root, 'test/fixtures/datasets/seattle-weather.csv'),
    'utf8',
  );
  const [head, ...rows] = text.trim().split(/\r?\n/);
  header = head ?? '';
  const month = (row: string) => Number(row.slice(5, 7));
  winter = rows.filter((r) => [12, 1, 2].includes(month(r)));
  summer = rows.filter((r) => [6, 7, 8].includes(month(r)));
  await workspace.write('schema.yml', SCHEMA);
  await workspace.write('data/reference.csv', csv(winter));
  await workspace.write('data/summer.csv', csv(summer));
  await workspace.write('data/winter-half.csv', csv(winter.filter((_, i) => i % 2 === 0)));
});

afterAll(async () => {
  await workspace.cleanup();
  await emulator.close();
});

function check(inputs: Record<string, string>, runId = 700): Promise<ActionRun> {
  return runAction({
    action: path.join(root, 'actions/check-drift'),
    cwd: workspace.dir,
    inputs: { 'github-token': emulator.token, model: 'none', 'fail-on': 'never', ...inputs },
    github: { apiUrl: emulator.url, repository: emulator.repo.fullName, runId },
    timeoutMs: 60_000,
  });
}

const errors = (run: ActionRun) =>
  run.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n');
const driftIssues = (model: string) =>
  [...emulator.repo.issues.values()].filter((i) =>
    (i.body ?? '').includes(`<!-- mlops-actions:drift:${model} -->`),
  );
const commentsOn = (issue: number) =>
  [...emulator.repo.comments.values()].filter((c) => c.issueNumber === issue);

describe('check-drift on seasonal weather data', () => {
  const MODEL = 'weather';
  let issueNumber: number;

  it('opens one issue and dispatches retraining on moderate drift', async () => {
    await workspace.write(
      'mlops.yml',
      config(MODEL, '  thresholds: { moderate: 0.25, severe: 0.99 }\n'),
    );
    const run = await check({
      current: 'data/summer.csv',
      reference: 'data/reference.csv',
      'retrain-workflow': 'train.yml',
      report: 'out/report.json',
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['severity']).toBe('moderate');
    expect(Number(run.outputs['drifted'])).toBeGreaterThanOrEqual(3);
    const report = JSON.parse(await workspace.read('out/report.json')) as {
      severity: string;
      share: number;
      columns: {
        name: string;
        kind: string;
        test: string;
        p_value: number | null;
        drifted: boolean;
        nan: unknown;
      }[];
    };
    expect(report.severity).toBe('moderate');
    const tempMax = report.columns.find((c) => c.name === 'temp_max');
    // About 360 winter days: Evidently's small-sample choice is the K-S test.
    expect(tempMax).toMatchObject({ kind: 'numerical', test: 'ks', drifted: true });
    expect(tempMax?.p_value).toBeLessThan(1e-10);
    expect(report.columns.find((c) => c.name === 'weather')).toMatchObject({
      kind: 'categorical',
      test: 'chisquare',
    });
    expect(report.columns.find((c) => c.name === 'date:hour')).toMatchObject({ drifted: false });
    expect(Number(run.outputs['share'])).toBeCloseTo(report.share, 12);

    const issues = driftIssues(MODEL);
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    issueNumber = issue!.number;
    expect(run.outputs['issue-number']).toBe(String(issueNumber));
    expect(issue!.title).toBe(`Data drift in ${MODEL}: moderate`);
    expect(issue!.labels).toEqual(expect.arrayContaining(['mlops:drift', 'retrain']));
    expect(issue!.labels).not.toContain('needs-investigation');
    expect(issue!.body).toContain('```mermaid');
    expect(issue!.body).toContain('xychart-beta');
    expect(issue!.body).toContain('| Bin');
    expect(issue!.body).toMatch(/temp\\_max/);
    expect(emulator.repo.labels.has('mlops:drift')).toBe(true);

    expect(emulator.repo.dispatches).toHaveLength(1);
    const [dispatch] = emulator.repo.dispatches;
    expect(dispatch).toMatchObject({ workflowPath: '.github/workflows/train.yml', ref: 'main' });
    expect(dispatch!.inputs).toMatchObject({ model: MODEL });
    expect(String(dispatch!.inputs['report'])).toContain('/actions/runs/700');
    expect(String(dispatch!.inputs['reason'])).toContain('moderate');
    expect(emulator.crashes).toEqual([]);
  });

  it('updates the same issue on a re-run, moving the label to needs-investigation', async () => {
    await workspace.write('mlops.yml', config(MODEL));
    const run = await check(
      { current: 'data/summer.csv', reference: 'data/reference.csv', 'fail-on': 'severe' },
      701,
    );
    expect(run.outputs['severity']).toBe('severe');
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toMatch(/Drift is severe/);
    const issues = driftIssues(MODEL);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.number).toBe(issueNumber);
    expect(issues[0]!.title).toBe(`Data drift in ${MODEL}: severe`);
    expect(issues[0]!.labels).toEqual(
      expect.arrayContaining(['mlops:drift', 'needs-investigation']),
    );
    expect(issues[0]!.labels).not.toContain('retrain');
    const comments = commentsOn(issueNumber);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('severe** (was moderate)');
    expect(emulator.repo.dispatches).toHaveLength(1);
  });

  it('closes the issue with a comment once drift is gone', async () => {
    const run = await check(
      { current: 'data/winter-half.csv', reference: 'data/reference.csv' },
      702,
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['severity']).toBe('none');
    expect(run.outputs['drifted']).toBe('0');
    const issue = emulator.repo.issues.get(issueNumber)!;
    expect(issue.state).toBe('closed');
    const comments = commentsOn(issueNumber);
    expect(comments).toHaveLength(2);
    expect(comments[1]!.body).toMatch(/Drift is gone/);
    expect(run.outputs['issue-number']).toBe(String(issueNumber));
    expect(driftIssues(MODEL).filter((i) => i.state === 'open')).toHaveLength(0);
  });
});

describe('check-drift under GitHub faults', () => {
  it('ends with exactly one issue despite a 502 on creation and a secondary rate limit on comments', async () => {
    const MODEL = 'weather-faults';
    await workspace.write('mlops.yml', config(MODEL));
    const created = emulator.faults.push({
      method: 'POST',
      path: /\/issues$/,
      status: 502,
      times: 1,
    });
    const first = await check({ current: 'data/summer.csv', reference: 'data/reference.csv' }, 710);
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(created.hits).toBe(1);
    const limited = emulator.faults.push({
      method: 'POST',
      path: /\/issues\/\d+\/comments$/,
      rateLimit: 'secondary',
      retryAfter: 1,
      times: 1,
    });
    const second = await check(
      { current: 'data/summer.csv', reference: 'data/reference.csv' },
      711,
    );
    expect(second.exitCode, second.stdout + second.stderr).toBe(0);
    expect(limited.hits).toBe(1);
    const issues = driftIssues(MODEL);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.state).toBe('open');
    expect(commentsOn(issues[0]!.number)).toHaveLength(1);
    expect(emulator.crashes).toEqual([]);
  });
});

describe('check-drift bad inputs', () => {
  it('names the column that is missing from the current data', async () => {
    await workspace.write('mlops.yml', config('weather-bad'));
    const columns = header.split(',');
    const drop = columns.indexOf('wind');
    const rows = summer.map((r) =>
      r
        .split(',')
        .filter((_, i) => i !== drop)
        .join(','),
    );
    await workspace.write(
      'data/no-wind.csv',
      `${[columns.filter((c) => c !== 'wind').join(','), ...rows].join('\n')}\n`,
    );
    const run = await check({
      current: 'data/no-wind.csv',
      reference: 'data/reference.csv',
      'open-issue': 'false',
    });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toMatch(
      /data\/no-wind\.csv \(wind\): column "wind" \(number in the reference\) is missing/,
    );
  });

  it('names the column and both types when the current values are of another type', async () => {
    const rows = summer.map((r) =>
      r
        .split(',')
        .map((v, i) => (i === 2 ? `hot${v}` : v))
        .join(','),
    );
    await workspace.write('data/text-temp.csv', csv(rows));
    const run = await check({
      current: 'data/text-temp.csv',
      reference: 'data/reference.csv',
      'open-issue': 'false',
    });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toMatch(
      /column "temp_max" is number in the reference .* none of its \d+ values in the current data is of type number/,
    );
  });

  it('refuses empty current data', async () => {
    await workspace.write('data/empty.csv', `${header}\n`);
    const run = await check({
      current: 'data/empty.csv',
      reference: 'data/reference.csv',
      'open-issue': 'false',
    });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toMatch(/data\/empty\.csv.*no records/);
  });

  it('names the file and field of an unreadable profile', async () => {
    await workspace.write('profiles/broken.json', '{"rows": "many"}');
    const run = await check({
      current: 'data/summer.csv',
      reference: 'profiles/broken.json',
      'open-issue': 'false',
    });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toMatch(/profiles\/broken\.json \(\w+\): not a valid profile/);
    await workspace.write('profiles/not-json.json', '{ nope');
    const again = await check({
      current: 'data/summer.csv',
      reference: 'profiles/not-json.json',
      'open-issue': 'false',
    });
    expect(errors(again)).toMatch(/profiles\/not-json\.json: the reference profile is not JSON/);
  });
});
