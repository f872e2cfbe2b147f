/**
 * The bundled validate-data action on files with many violations, against the GitHub emulator:
 * at most 10 error annotations in the step (GitHub drops the rest silently), the check run
 * `mlops/validate` carrying up to 1,000 more in requests of at most 50, exact counts in the outputs,
 * the summary and the report. Expected counts and lines come from how the files were built.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitHubEmulator } from '../support/github-emulator/index.js';
import { useGitHubEmulator } from '../support/github-emulator/harness.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { breastCancerDir, writeDirtyBreastCancer, type DirtyFile } from '../support/dirty-data.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const action = path.join(root, 'actions/validate-data');
const RECORDS = 150_000;

// Every answer the emulator gives here is also checked against GitHub's OpenAPI description.
const gh = useGitHubEmulator();
let emulator: GitHubEmulator;
let workspace: Workspace;
let headSha: string;
let dirty: DirtyFile;

beforeAll(async () => {
  emulator = gh.emulator;
  emulator.state.addToken('ghs_readonly', 'github-actions[bot]', 'read');
  workspace = await createWorkspace({
    'schema.yml': await readFile(path.join(breastCancerDir, 'schema.yml'), 'utf8'),
  });
  dirty = await writeDirtyBreastCancer(workspace.path('big.csv'), RECORDS);
  const rows = Array.from({ length: 60 }, (_, i) => `${i},2`).join('\n');
  await workspace.write('many.csv', `id,score\n${rows}\n`);
  await workspace.write(
    'small.schema.yml',
    'columns:\n  id: {type: integer}\n  score: {type: number, max: 1}\n',
  );
  headSha = emulator.repo.refs.get('refs/heads/main') as string;
}, 60_000);

afterAll(async () => {
  await workspace.cleanup();
});

function validateRun(inputs: Record<string, string>, token = emulator.token): Promise<ActionRun> {
  return runAction({
    action,
    cwd: workspace.dir,
    inputs: { 'github-token': token, ...inputs },
    event: { name: 'push', payload: {} },
    github: { apiUrl: emulator.url, repository: emulator.repo.fullName, sha: headSha },
    timeoutMs: 120_000,
  });
}

const errorCommands = (run: ActionRun) => run.stdout.match(/^::error[ :]/gm)?.length ?? 0;
const checkRunRequests = (id: number) =>
  emulator.exchanges.filter(
    (e) =>
      (e.method === 'POST' && e.path.endsWith('/check-runs')) ||
      (e.method === 'PATCH' && e.path.endsWith(`/check-runs/${id}`)),
  );

describe('validate-data on 150,000 records with 85,066 violations', () => {
  let run: ActionRun;
  let checkRunId: number;
  beforeAll(async () => {
    run = await validateRun({ schema: 'schema.yml', data: 'big.csv', report: 'big.json' });
    const runs = [...emulator.repo.checkRuns.values()].filter((r) => r.name === 'mlops/validate');
    checkRunId = runs.at(-1)?.id ?? -1;
  }, 180_000);

  it('counts every violation exactly, without a crash', async () => {
    // Records 0, 3, 6, … (50,000), 0, 11, … (13,637) and 0, 7, … (21,429) of 0..149,999.
    expect(dirty.counts).toEqual({
      'schema: type (mean radius)': 50_000,
      'schema: min (mean area)': 13_637,
      'schema: values (diagnosis)': 21_429,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).not.toMatch(/RangeError|\n\s+at /);
    expect(run.outputs).toMatchObject({ valid: 'false', rows: '150000', violations: '85066' });
    const report = JSON.parse(await readFile(workspace.path('big.json'), 'utf8')) as {
      violationCount: number;
      counts: { rule: string; column: string; count: number }[];
      files: { violations: number; counts: unknown[] }[];
      violations: { line: number; rule: string; column: string }[];
      omitted: number;
    };
    expect(report.violationCount).toBe(dirty.total);
    expect(
      Object.fromEntries(report.counts.map((c) => [`schema: ${c.rule} (${c.column})`, c.count])),
    ).toEqual(dirty.counts);
    expect(report.files[0]?.violations).toBe(dirty.total);
    // Listed: the first 1,000 by line, and the first 100 of each rule (within those 1,000 here).
    expect(report.violations).toHaveLength(1000);
    expect(report.omitted).toBe(dirty.total - 1000);
    expect(report.violations.slice(0, 4).map((v) => `${v.line} ${v.rule} ${v.column}`)).toEqual([
      '2 type mean radius',
      '2 min mean area',
      '2 values diagnosis',
      '5 type mean radius',
    ]);
  });

  it('writes at most 10 error annotations, the 10th saying how many more and where', () => {
    expect(errorCommands(run)).toBe(10);
    const errors = run.annotations.filter((a) => a.level === 'error');
    expect(errors.slice(0, 9).map((a) => ({ line: a.line, title: a.title }))).toEqual(
      dirty.first.slice(0, 9),
    );
    expect(errors[9]?.message).toBe(
      '85,066 schema violation(s) in 1 file(s); see the annotations and .mlops/validate-report.json; '.replace(
        '.mlops/validate-report.json',
        'big.json',
      ) +
        '85,057 more violation(s) not annotated here (GitHub shows 10 per step): the check run "mlops/validate" marks the first 1,000 in "Files changed"; the step summary counts them all by rule and column; examples in big.json',
    );
  });

  it('marks the first 1,000 violation lines through one check run, 50 per request', async () => {
    const checkRun = emulator.repo.checkRuns.get(checkRunId);
    expect(checkRun).toMatchObject({
      name: 'mlops/validate',
      headSha,
      conclusion: 'failure',
    });
    const requests = checkRunRequests(checkRunId);
    // 1 create and 19 updates of 50: every one accepted.
    expect(requests.map((e) => [e.method, e.status])).toEqual([
      ['POST', 201],
      ...Array.from({ length: 19 }, () => ['PATCH', 200]),
    ]);
    for (const request of requests) {
      const body = JSON.parse(request.requestBody.toString('utf8')) as {
        output: { title: string; summary: string; annotations: unknown[] };
      };
      expect(body.output.annotations.length).toBeLessThanOrEqual(50);
      expect(body.output.title).toBe('85,066 schema violation(s) in 150,000 records');
      expect(body.output.summary).toContain('❌ Data invalid');
    }
    // Read back as a client would: paged, 100 at a time.
    const { octokit, repo } = gh;
    const firstPage = await octokit.rest.checks.listAnnotations({
      ...repo,
      check_run_id: checkRunId,
      per_page: 100,
    });
    expect(firstPage.headers.link).toContain('rel="last"');
    const listed = await octokit.paginate(octokit.rest.checks.listAnnotations, {
      ...repo,
      check_run_id: checkRunId,
      per_page: 100,
    });
    expect(listed.map((a) => ({ line: a.start_line, title: `schema: ${a.title ?? ''}` }))).toEqual(
      dirty.first,
    );
    expect(listed.every((a) => a.path === 'big.csv' && a.annotation_level === 'failure')).toBe(
      true,
    );
  });

  it('puts the full counts in the summary and says what was left out', () => {
    expect(run.summary).toContain('150,000 records in 1 file(s)');
    expect(run.summary).toContain(': 85,066 violation(s).');
    expect(run.summary).toMatch(/\| type +\| mean radius +\| +50,000 \|/);
    expect(run.summary).toMatch(/\| min +\| mean area +\| +13,637 \|/);
    expect(run.summary).toMatch(/\| values +\| diagnosis +\| +21,429 \|/);
    expect(run.summary).toContain('the other 84,066 are counted above but not listed');
    expect(run.summary).toContain(
      'The first 9 are annotated in this step\'s log; the first 1,000 on the lines of "Files changed" through the check run [mlops/validate]',
    );
  });
});

describe('validate-data annotation limits on a small file', () => {
  it('with fail-on never: 9 annotations, a 10th for the rest, and a neutral check run', async () => {
    const before = emulator.repo.checkRuns.size;
    const run = await validateRun({
      schema: 'small.schema.yml',
      data: 'many.csv',
      'fail-on': 'never',
    });
    expect(run.exitCode).toBe(0);
    expect(errorCommands(run)).toBe(10);
    const errors = run.annotations.filter((a) => a.level === 'error');
    expect(errors.slice(0, 9).map((a) => a.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(errors[9]?.message).toMatch(/^51 more violation\(s\) not annotated here/);
    expect(emulator.repo.checkRuns.size).toBe(before + 1);
    const checkRun = [...emulator.repo.checkRuns.values()].at(-1);
    expect(checkRun?.conclusion).toBe('neutral');
    expect(checkRun?.annotations.map((a) => a.start_line)).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 2),
    );
  });

  it('caps the check run at max-annotations', async () => {
    const run = await validateRun({
      schema: 'small.schema.yml',
      data: 'many.csv',
      'max-annotations': '25',
    });
    expect(errorCommands(run)).toBe(10);
    const checkRun = [...emulator.repo.checkRuns.values()].at(-1);
    expect(checkRun?.annotations).toHaveLength(25);
  });

  it('skips the check run with a notice when the token may not write checks (a fork)', async () => {
    const before = emulator.repo.checkRuns.size;
    const run = await validateRun({ schema: 'small.schema.yml', data: 'many.csv' }, 'ghs_readonly');
    expect(run.exitCode).toBe(1);
    expect(emulator.repo.checkRuns.size).toBe(before);
    expect(errorCommands(run)).toBe(10);
    expect(run.annotations.filter((a) => a.level === 'notice').map((a) => a.title)).toEqual([
      'mlops/validate skipped',
    ]);
    const last = run.annotations.filter((a) => a.level === 'error').at(-1);
    expect(last?.message).toBe(
      '60 schema violation(s) in 1 file(s); see the annotations and .mlops/validate-report.json; 51 more violation(s) not annotated here (GitHub shows 10 per step): the step summary counts them all by rule and column; examples in .mlops/validate-report.json',
    );
  });

  it('needs no check run when every violation fits in the step', async () => {
    const before = emulator.exchanges.length;
    await workspace.write('few.csv', 'id,score\n1,2\n2,0.5\nx,0\n');
    const run = await validateRun({ schema: 'small.schema.yml', data: 'few.csv' });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.filter((a) => a.level === 'error').map((a) => a.line)).toEqual([
      2,
      4,
      undefined,
    ]);
    expect(emulator.exchanges.length).toBe(before);
  });
});
