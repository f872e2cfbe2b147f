/**
 * The bundled check-performance action against the GitHub emulator. The prediction log (written
 * with mlops serve's own line format) holds ten predictions of 2026-12-01 (p10 sent without an
 * id) and three of 2026-12-02; labels arrived for p1..p6 (accuracy 4/6 by hand: p2 and p4 are
 * wrong), p5's and p6's after the window closed, one for p99 that was never predicted, and for
 * q1..q3 (right, but too few to grade their window). The released accuracy moves between runs:
 * - 0.9: a drop of 0.233 (moderate from 0.1): one mlops:performance issue, retraining dispatched;
 *   the scrape's p95 of 84.7 ms breaks the 50 ms objective, and the issue says so;
 * - 0.99: a drop of 0.323 (severe from 0.3): the same issue updated and relabelled, a comment;
 * - min-labels 100 (objectives met): insufficient labels, the issue left as it is;
 * - 0.6 with the 50 ms objective still broken: no drop, but the issue stays open (label
 *   slo-broken, severity labels gone); with a 100 ms objective, met: the issue is closed;
 * - a marked issue opened by another user is never taken over.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLogLine } from '../../src/core/serve/prediction-log-record.js';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
let emulator: GitHubEmulator;
let workspace: Workspace;

const SCHEMA = `version: 1
columns:
  id: { type: string, role: id }
  x: { type: number }
  churn: { type: category, role: target, values: ['no', 'yes'] }
`;

function config(model: string, minLabels = 5, p95 = 50): string {
  return `version: 1
model:
  name: ${model}
  task: binary-classification
data:
  schema: schema.yml
monitoring:
  logs: logs/*.jsonl
  labels: labels.csv
  prometheus: metrics.txt
  performance:
    window: 1d
    min-labels: ${minLabels}
    metrics:
      accuracy: { moderate: 0.1, severe: 0.3 }
  latency:
    p95-ms: ${p95}
    error-rate: 0.1
`;
}

const predictions: [string, string | null, string, number][] = [
  ['2026-12-01T01:00:00Z', 'p1', 'yes', 0.8],
  ['2026-12-01T02:00:00Z', 'p2', 'yes', 0.6],
  ['2026-12-01T03:00:00Z', 'p3', 'no', 0.3],
  ['2026-12-01T04:00:00Z', 'p4', 'no', 0.4],
  ['2026-12-01T05:00:00Z', 'p5', 'yes', 0.9],
  ['2026-12-01T06:00:00Z', 'p6', 'no', 0.2],
  ['2026-12-01T07:00:00Z', 'p7', 'yes', 0.7],
  ['2026-12-01T08:00:00Z', 'p8', 'no', 0.1],
  ['2026-12-01T09:00:00Z', 'p9', 'yes', 0.95],
  ['2026-12-01T10:00:00Z', null, 'no', 0.05],
  ['2026-12-02T01:00:00Z', 'q1', 'yes', 0.9],
  ['2026-12-02T02:00:00Z', 'q2', 'no', 0.1],
  ['2026-12-02T03:00:00Z', 'q3', 'yes', 0.8],
];

const LABELS = `id,label,time
p1,yes,2026-12-01T20:00:00Z
p2,no,2026-12-01T20:00:00Z
p3,no,2026-12-01T20:00:00Z
p4,yes,2026-12-01T20:00:00Z
p5,yes,2026-12-02T00:00:00Z
p6,no,2026-12-03T00:00:00Z
p99,yes,2026-12-01T20:00:00Z
q1,yes,
q2,no,
q3,yes,
`;

// Summed over the inference routes: 60, 130, 148, 150 → p95 = 0.05 + 0.05 × 12.5 / 18 s.
const SCRAPE = `mlops_serve_requests_total{route="/v2/models/:name/infer",status="200"} 145
mlops_serve_requests_total{route="/v2/models/:name/infer",status="400"} 5
mlops_serve_request_duration_seconds_bucket{le="0.01",route="/v2/models/:name/infer"} 60
mlops_serve_request_duration_seconds_bucket{le="0.05",route="/v2/models/:name/infer"} 130
mlops_serve_request_duration_seconds_bucket{le="0.1",route="/v2/models/:name/infer"} 148
mlops_serve_request_duration_seconds_bucket{le="+Inf",route="/v2/models/:name/infer"} 150
`;

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  emulator.repo.addWorkflow('train.yml', 'train');
  emulator.repo.addCollaborator('mallory', 'triage');
  workspace = await createWorkspace({});
  await workspace.write('schema.yml', SCHEMA);
  const lines = predictions.map(([time, id, prediction, pYes], i) =>
    formatLogLine(['id', 'x'], [id, i], {
      time,
      request: `req-${i}`,
      record: 0,
      id,
      model: 'churn',
      version: '1.0.0',
      digest: 'sha256:00',
      prediction,
      probabilities: { no: 1 - pYes, yes: pYes },
    }),
  );
  await workspace.write('logs/predictions-20261201-1.jsonl', `${lines.join('\n')}\n`);
  await workspace.write('labels.csv', LABELS);
  await workspace.write('metrics.txt', SCRAPE);
});

afterAll(async () => {
  await workspace.cleanup();
  await emulator.close();
});

async function check(
  model: string,
  released: number,
  runId: number,
  extra: Record<string, string> = {},
): Promise<ActionRun> {
  await workspace.write('released.json', JSON.stringify({ accuracy: released }));
  return runAction({
    action: path.join(root, 'actions/check-performance'),
    cwd: workspace.dir,
    inputs: {
      'github-token': emulator.token,
      'released-metrics': 'released.json',
      'fail-on': 'never',
      'retrain-workflow': 'train.yml',
      report: 'out/performance.json',
      ...extra,
    },
    github: { apiUrl: emulator.url, repository: emulator.repo.fullName, runId },
    timeoutMs: 60_000,
  });
}

const marker = (model: string) => `<!-- mlops-actions:performance:${model} -->`;
const issuesOf = (model: string) =>
  [...emulator.repo.issues.values()].filter((i) => (i.body ?? '').includes(marker(model)));
const commentsOn = (issue: number) =>
  [...emulator.repo.comments.values()].filter((c) => c.issueNumber === issue);

describe('check-performance: the issue lifecycle', () => {
  const MODEL = 'churn';
  let issueNumber: number;

  it('opens one issue on a moderate drop, with coverage and the broken objective, and dispatches retraining', async () => {
    await workspace.write('mlops.yml', config(MODEL));
    const run = await check(MODEL, 0.9, 800);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['severity']).toBe('moderate');
    expect(run.outputs['labelled']).toBe('9');
    expect(run.outputs['slo-broken']).toBe('true');
    const report = JSON.parse(await workspace.read('out/performance.json')) as {
      coverage: Record<string, number>;
      windows: { labelled: number; metrics: Record<string, number>; severity: string }[];
      health: { scrape: { p95_ms: number; error_rate: number } };
    };
    expect(report.coverage).toEqual({
      predictions: 13,
      labelled: 9,
      never_labelled: 3,
      without_key: 1,
      unmatched_labels: 1,
      duplicate_labels: 0,
      late_labels: 2,
    });
    expect(report.windows[0]?.metrics['accuracy']).toBeCloseTo(4 / 6, 12);
    expect(report.windows[1]?.severity).toBe('insufficient-labels');
    expect(report.health.scrape.p95_ms).toBeCloseTo((0.05 + (0.05 * 12.5) / 18) * 1000, 9);
    expect(report.health.scrape.error_rate).toBeCloseTo(5 / 150, 12);

    const issues = issuesOf(MODEL);
    expect(issues).toHaveLength(1);
    const issue = issues[0]!;
    issueNumber = issue.number;
    expect(run.outputs['issue-number']).toBe(String(issueNumber));
    expect(issue.title).toBe(
      `Model performance of ${MODEL}: moderate, service-level objective broken`,
    );
    expect([...issue.labels].sort()).toEqual(['mlops:performance', 'retrain', 'slo-broken']);
    expect(issue.body).toContain('**Severity: moderate**');
    expect(issue.body).toContain('accuracy 0.6667 (released 0.9000)');
    expect(issue.body).toContain(
      '**Service-level objective broken:** p95 latency 84.7 ms > 50.0 ms',
    );
    expect(run.summary).toContain('Label coverage');
    expect(run.summary).toContain('Service-level objective broken');

    expect(emulator.repo.dispatches).toHaveLength(1);
    expect(emulator.repo.dispatches[0]).toMatchObject({
      workflowPath: '.github/workflows/train.yml',
      ref: 'main',
    });
    expect(String(emulator.repo.dispatches[0]!.inputs['reason'])).toContain(
      'moderate performance drop: accuracy 0.6667 (released 0.9000)',
    );
    expect(emulator.crashes).toEqual([]);
  });

  it('updates the same issue on a severe drop, moving the label, and fails at fail-on severe', async () => {
    const run = await check(MODEL, 0.99, 801, { 'fail-on': 'severe' });
    expect(run.outputs['severity']).toBe('severe');
    expect(run.exitCode).not.toBe(0);
    expect(
      run.annotations
        .filter((a) => a.level === 'error')
        .map((a) => a.message)
        .join('\n'),
    ).toMatch(/performance dropped \(severe\)/);
    const issues = issuesOf(MODEL);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.number).toBe(issueNumber);
    expect([...issues[0]!.labels].sort()).toEqual([
      'mlops:performance',
      'needs-investigation',
      'slo-broken',
    ]);
    const comments = commentsOn(issueNumber);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('**severe** (was moderate)');
    expect(emulator.repo.dispatches).toHaveLength(1);
  });

  it('leaves the issue alone when too few labels arrived and the objectives are met', async () => {
    await workspace.write('mlops.yml', config(MODEL, 100, 100));
    const run = await check(MODEL, 0.6, 802);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['severity']).toBe('insufficient-labels');
    expect(run.outputs['issue-number']).toBe('');
    expect(emulator.repo.issues.get(issueNumber)!.state).toBe('open');
    expect(commentsOn(issueNumber)).toHaveLength(1);
  });

  it('keeps the issue open while an objective is broken, though the model recovered', async () => {
    await workspace.write('mlops.yml', config(MODEL));
    const run = await check(MODEL, 0.6, 803);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['severity']).toBe('none');
    expect(run.outputs['slo-broken']).toBe('true');
    const issue = emulator.repo.issues.get(issueNumber)!;
    expect(issue.state).toBe('open');
    expect(issue.title).toBe(`Model performance of ${MODEL}: none, service-level objective broken`);
    expect([...issue.labels].sort()).toEqual(['mlops:performance', 'slo-broken']);
    expect(commentsOn(issueNumber)).toHaveLength(2);
  });

  it('closes the issue with a comment once the model has recovered and the objectives are met', async () => {
    await workspace.write('mlops.yml', config(MODEL, 5, 100));
    const run = await check(MODEL, 0.6, 804);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['severity']).toBe('none');
    expect(run.outputs['slo-broken']).toBe('false');
    expect(run.outputs['issue-number']).toBe(String(issueNumber));
    expect(emulator.repo.issues.get(issueNumber)!.state).toBe('closed');
    const comments = commentsOn(issueNumber);
    expect(comments).toHaveLength(3);
    expect(comments[2]!.body).toMatch(/The model has recovered/);
    expect(emulator.repo.dispatches).toHaveLength(1);
  });
});

describe('check-performance: a marked issue by someone else', () => {
  it('is ignored and left as it was; ours is opened beside it', async () => {
    const MODEL = 'churn-b';
    await workspace.write('mlops.yml', config(MODEL));
    const theirs = emulator.repo.addIssue({
      title: 'Notes',
      body: `${marker(MODEL)}\nMallory's notes.`,
      user: 'mallory',
      labels: ['mlops:performance'],
    });
    const before = structuredClone(theirs);
    const run = await check(MODEL, 0.9, 810);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(emulator.repo.issues.get(theirs.number)).toEqual(before);
    expect(commentsOn(theirs.number)).toEqual([]);
    const ours = issuesOf(MODEL).filter((i) => i.number !== theirs.number);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.user).toBe('github-actions[bot]');
    expect(
      run.annotations
        .filter((a) => a.level === 'warning')
        .map((a) => a.message)
        .join('\n'),
    ).toContain(
      `Ignoring #${theirs.number}: it carries the performance marker of ${MODEL} but was opened by @mallory`,
    );
  });
});

describe('check-performance: bad input', () => {
  it('names the label file and the column it lacks', async () => {
    await workspace.write('mlops.yml', config('churn-c'));
    await workspace.write('bad-labels.csv', 'key,label\np1,yes\n');
    const run = await check('churn-c', 0.9, 820, { labels: 'bad-labels.csv' });
    expect(run.exitCode).not.toBe(0);
    const errors = run.annotations
      .filter((a) => a.level === 'error')
      .map((a) => a.message)
      .join('\n');
    expect(errors).toContain('the labels have no "id" column (monitoring.performance.id-column)');
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
  });
});
