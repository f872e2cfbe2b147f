/**
 * Attacks through what a repository or a triager controls (issue 13, findings 9 and 10),
 * performed through the bundled actions against the GitHub emulator:
 * - a triager pastes the drift marker into an issue of their own: check-drift ignores it (a
 *   warning names it), opens its own issue, and leaves theirs untouched;
 * - a committed symlink (the data file, the config file) to a file outside the workspace:
 *   validate-data refuses it naming the field and the path, and the file's content appears in no
 *   annotation, summary, output or log line. A control run with the same content inside the
 *   workspace shows that content would otherwise be quoted.
 */
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');

const errors = (run: ActionRun) =>
  run.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n');
const warnings = (run: ActionRun) =>
  run.annotations
    .filter((a) => a.level === 'warning')
    .map((a) => a.message)
    .join('\n');

describe('the drift issue is found among our own issues only', () => {
  const MODEL = 'weather';
  const MARKER = `<!-- mlops-actions:drift:${MODEL} -->`;
  let emulator: GitHubEmulator;
  let workspace: Workspace;

  beforeAll(async () => {
    emulator = await startGitHubEmulator();
    emulator.repo.addCollaborator('mallory', 'triage');
    workspace = await createWorkspace({});
    const text = await readFile(
      path.join(root, 'test/fixtures/datasets/seattle-weather.csv'),
      'utf8',
    );
    const [header, ...rows] = text.trim().split(/\r?\n/);
    const month = (row: string) => Number(row.slice(5, 7));
    const csv = (months: number[]) =>
      `${[header, ...rows.filter((r) => months.includes(month(r)))].join('\n')}\n`;
    await workspace.write(
      'schema.yml',
      'version: 1\ncolumns:\n  date: { type: datetime }\n  precipitation: { type: number }\n' +
        '  temp_max: { type: number }\n  temp_min: { type: number }\n  wind: { type: number }\n' +
        '  weather: { type: category, role: target }\n',
    );
    await workspace.write('data/reference.csv', csv([12, 1, 2]));
    await workspace.write('data/summer.csv', csv([6, 7, 8]));
    await workspace.write(
      'mlops.yml',
      `version: 1\nmodel:\n  name: ${MODEL}\ndata:\n  schema: schema.yml\ndrift:\n  current: data/summer.csv\n`,
    );
  });

  afterAll(async () => {
    await workspace.cleanup();
    await emulator.close();
  });

  it('ignores a marked issue opened by someone else and opens its own, leaving theirs as it was', async () => {
    const theirs = emulator.repo.addIssue({
      title: 'Old discussion',
      body: `${MARKER}\nMallory's notes, which a bot must not overwrite.`,
      user: 'mallory',
      labels: ['mlops:drift'],
    });
    const before = structuredClone(theirs);
    const comments = () =>
      [...emulator.repo.comments.values()].filter((c) => c.issueNumber === theirs.number);

    const run = await runAction({
      action: path.join(root, 'actions/check-drift'),
      cwd: workspace.dir,
      inputs: {
        'github-token': emulator.token,
        model: 'none',
        'fail-on': 'never',
        current: 'data/summer.csv',
        reference: 'data/reference.csv',
      },
      github: { apiUrl: emulator.url, repository: emulator.repo.fullName, runId: 710 },
      timeoutMs: 60_000,
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['severity']).not.toBe('none');
    expect(emulator.repo.issues.get(theirs.number)).toEqual(before);
    expect(comments()).toEqual([]);
    const ours = [...emulator.repo.issues.values()].filter(
      (i) => i.number !== theirs.number && (i.body ?? '').includes(MARKER),
    );
    expect(ours).toHaveLength(1);
    expect(ours[0]?.user).toBe('github-actions[bot]');
    expect(run.outputs['issue-number']).toBe(String(ours[0]?.number));
    expect(warnings(run)).toContain(
      `Ignoring #${theirs.number}: it carries the drift marker of ${MODEL} but was opened by @mallory`,
    );
  });
});

describe('paths are confined to the workspace', () => {
  /** A line that must never reach a log: it stands for the content of /etc/passwd or a key. */
  const SECRET = 'root:x:0:0:SECRET-7f3a91:/root:/bin/bash';
  let outside: string;
  let workspace: Workspace;

  const everything = (run: ActionRun) =>
    [
      run.stdout,
      run.stderr,
      run.summary,
      JSON.stringify(run.outputs),
      JSON.stringify(run.annotations),
    ].join('\n');

  beforeAll(async () => {
    outside = await mkdtemp(path.join(os.tmpdir(), 'outside-workspace-'));
    await writeFile(path.join(outside, 'passwd'), `id,value\n${SECRET},1\n`);
    workspace = await createWorkspace({});
    await workspace.write(
      'schema.yml',
      'version: 1\ncolumns:\n  id: { type: integer }\n  value: { type: integer }\n',
    );
    await workspace.write(
      'mlops.yml',
      'version: 1\nmodel:\n  name: leak\ndata:\n  schema: schema.yml\n  train: data/train.csv\n',
    );
  });

  afterAll(async () => {
    await workspace.cleanup();
    await rm(outside, { recursive: true, force: true });
  });

  const validate = () =>
    runAction({ action: path.join(root, 'actions/validate-data'), cwd: workspace.dir });

  it('quotes a bad cell of a file inside the workspace (the channel the attack would use)', async () => {
    await workspace.write('data/train.csv', await readFile(path.join(outside, 'passwd')));
    const run = await validate();
    expect(run.exitCode).not.toBe(0);
    expect(everything(run)).toContain('SECRET-7f3a91');
    await rm(workspace.path('data/train.csv'));
  });

  it('refuses a data file that is a symlink out of the workspace, quoting none of it', async () => {
    await symlink(path.join(outside, 'passwd'), workspace.path('data/train.csv'));
    const run = await validate();
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toContain(
      `the path "data/train.csv" resolves to ${path.join(outside, 'passwd')}, which is outside the workspace`,
    );
    expect(everything(run)).not.toContain('SECRET-7f3a91');
    expect(run.outputs['valid'] ?? '').not.toBe('true');
    await rm(workspace.path('data/train.csv'));
  });

  it('refuses a config file that is a symlink out of the workspace, naming the config input', async () => {
    await writeFile(path.join(outside, 'mlops.yml'), `version: 1\n# ${SECRET}\nmodel: [\n`);
    await symlink(path.join(outside, 'mlops.yml'), workspace.path('linked.yml'));
    const run = await runAction({
      action: path.join(root, 'actions/validate-data'),
      cwd: workspace.dir,
      inputs: { config: 'linked.yml' },
    });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toContain('linked.yml (config): the path "linked.yml" resolves to');
    expect(everything(run)).not.toContain('SECRET-7f3a91');
  });
});
