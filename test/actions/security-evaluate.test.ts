/**
 * Issue 13, findings 13 and 6 (evaluate's side), through the bundled evaluate action against the
 * GitHub emulator:
 * - on a fork's pull request the token is read-only: every write answers 403 "Resource not
 *   accessible by integration". Evaluate still succeeds, writes its job summary, writes nothing
 *   to GitHub, and says with a notice where the result is and why;
 * - when only the check run (and the commit status it falls back to) is refused, the comment is
 *   still written and a notice says the verdict is in the summary;
 * - the report artifact is uploaded before the check run is written, and the check run records
 *   the sha256 of that report (which publish verifies).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { OpenApiConformance } from '../support/github-emulator/openapi-conformance.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const READ_ONLY = 'ghs_fork_read_only';

let emulator: GitHubEmulator;
let workspace: Workspace;
let prNumber: number;
let headSha: string;

const sha256 = (data: Uint8Array) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  // A fork's pull request: the same bot identity, a read-only token.
  emulator.state.addToken(READ_ONLY, 'github-actions[bot]', 'read');
  workspace = await createWorkspace({});
  await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
  const schema = parseDatasetSchema(
    await readFile(workspace.path('schema.yml'), 'utf8'),
    'schema.yml',
  );
  const matrix = await loadFeatureMatrix([workspace.path('data/train.csv')], schema);
  await workspace.write(
    '.mlops/train/model.onnx',
    Buffer.from(trainBaseline({ kind: 'logistic-regression', matrix, seed: 42 }).onnx),
  );
  headSha = emulator.repo.refs.get('refs/heads/main') as string;
  prNumber = emulator.repo.addIssue({ title: 'Retrain from a fork' }).number;
});

afterAll(async () => {
  try {
    expect(emulator.crashes).toEqual([]);
    expect(OpenApiConformance.load().check(emulator.exchanges).problems).toEqual([]);
  } finally {
    await workspace.cleanup();
    await emulator.close();
  }
});

function evaluate(token: string): Promise<ActionRun> {
  return runAction({
    action: path.join(root, 'actions/evaluate'),
    cwd: workspace.dir,
    inputs: { 'github-token': token, baseline: 'none' },
    event: {
      name: 'pull_request',
      payload: { number: prNumber, pull_request: { number: prNumber, head: { sha: headSha } } },
    },
    github: { apiUrl: emulator.url, repository: emulator.repo.fullName, runId: 321 },
    timeoutMs: 60_000,
  });
}

const written = () => ({
  comments: emulator.repo.comments.size,
  checkRuns: emulator.repo.checkRuns.size,
  statuses: emulator.repo.statuses.length,
});
const notices = (run: ActionRun) =>
  run.annotations.filter((a) => a.level === 'notice').map((a) => `${a.title}: ${a.message}`);

describe('evaluate on a read-only token', () => {
  it("falls back to the job summary with a notice on a fork's pull request, writing nothing", async () => {
    const before = written();
    const run = await evaluate(READ_ONLY);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(run.outputs['comment-url']).toBe('');
    expect(run.summary).toContain('breast-cancer');
    expect(run.summary).toContain('accuracy');
    expect(notices(run)).toEqual([
      expect.stringMatching(
        /^mlops evaluate: no comment: The evaluation is in this job's summary, not in a pull request comment: the token may not write comments \(.*Resource not accessible by integration.*\)\. A fork's pull request gets a read-only GITHUB_TOKEN/,
      ),
      expect.stringMatching(
        /^mlops evaluate: no check run: The verdict is in this job's summary only: the token may write neither a check run nor a commit status/,
      ),
    ]);
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(written()).toEqual(before);
  });

  it('writes the comment and notes the missing check run when only checks and statuses are refused', async () => {
    const denied = { message: 'Resource not accessible by integration', status: '403' };
    emulator.faults.push({ method: 'POST', path: /\/check-runs$/, status: 403, body: denied });
    emulator.faults.push({
      method: 'POST',
      path: /\/statuses\/[0-9a-f]+$/,
      status: 403,
      body: denied,
    });
    const run = await evaluate(emulator.token);
    emulator.faults.clear();
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['comment-url']).toContain(`#issuecomment-`);
    expect(notices(run)).toEqual([
      expect.stringMatching(
        /^mlops evaluate: no check run: The verdict is in this job's summary only/,
      ),
    ]);
    expect(emulator.repo.checkRuns.size).toBe(0);
  });

  it('uploads the report before it writes the check run, and records the report sha256 there', async () => {
    const run = await evaluate(emulator.token);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const upload = run.stdout.indexOf('skipping the upload of artifact "evaluation-breast-cancer"');
    const check = run.stdout.indexOf('Check run "mlops/evaluate (breast-cancer)" created');
    expect(upload).toBeGreaterThan(-1);
    expect(check).toBeGreaterThan(upload);
    const report = await readFile(workspace.path(run.outputs.report ?? ''));
    const [checkRun] = [...emulator.repo.checkRuns.values()];
    const model = await readFile(workspace.path('.mlops/train/model.onnx'));
    expect(checkRun?.externalId).toBe(sha256(model));
    expect(checkRun?.output.summary?.split('\n')[0]).toBe(
      `<!-- mlops-actions:evaluation model=${sha256(model)} report=${sha256(report)} -->`,
    );
  });
});
