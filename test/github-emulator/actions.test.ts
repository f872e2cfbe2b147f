import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toGitHubApiError } from '../../src/adapters/github/octokit.js';
import { useGitHubEmulator } from '../support/github-emulator/harness.js';

const gh = useGitHubEmulator();

const python = spawnSync('python3', ['--version']).status === 0;

/** What Python's zipfile (an independent reader) finds in a zip: its test result and contents. */
function readWithPython(zip: Buffer): { bad: string | null; files: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-zip-'));
  try {
    const file = join(dir, 'artifact.zip');
    writeFileSync(file, zip);
    const script = [
      'import json, sys, zipfile',
      'with zipfile.ZipFile(sys.argv[1]) as z:',
      '    print(json.dumps({"bad": z.testzip(), "files": {n: z.read(n).decode() for n in z.namelist()}}))',
    ].join('\n');
    const result = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout) as { bad: string | null; files: Record<string, string> };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('workflow dispatches and runs', () => {
  it('records a dispatch by workflow file name and starts a queued run', async () => {
    const { octokit, repo } = gh;
    const workflow = gh.emulator.repo.addWorkflow('train.yml', 'Train');
    const dispatched = await octokit.rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: 'train.yml',
      ref: 'main',
      inputs: { reason: 'drift', severity: 'moderate' },
    });
    expect(dispatched.status).toBe(204);
    const [dispatch] = gh.emulator.repo.dispatches;
    expect(dispatch).toMatchObject({
      workflowId: workflow.id,
      workflowPath: '.github/workflows/train.yml',
      ref: 'main',
      inputs: { reason: 'drift', severity: 'moderate' },
      actor: 'github-actions[bot]',
    });

    const run = await octokit.rest.actions.getWorkflowRun({
      ...repo,
      run_id: dispatch?.runId as number,
    });
    expect(run.data).toMatchObject({
      event: 'workflow_dispatch',
      status: 'queued',
      conclusion: null,
      head_branch: 'main',
      workflow_id: workflow.id,
      path: '.github/workflows/train.yml',
    });

    const detailed = await octokit.rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: workflow.id,
      ref: 'main',
      return_run_details: true,
    });
    expect(detailed.status).toBe(200);
    const runId = (detailed.data as unknown as { workflow_run_id: number }).workflow_run_id;
    expect(gh.emulator.repo.runs.get(runId)?.status).toBe('queued');

    const runs = await octokit.rest.actions.listWorkflowRuns({
      ...repo,
      workflow_id: 'train.yml',
      event: 'workflow_dispatch',
    });
    expect(runs.data.total_count).toBe(2);
    expect(runs.data.workflow_runs.map((r) => r.id)).toEqual([runId, dispatch?.runId]);

    const unknown = await octokit.rest.actions
      .createWorkflowDispatch({ ...repo, workflow_id: 'nope.yml', ref: 'main' })
      .catch((e: unknown) => toGitHubApiError(e));
    expect(unknown).toMatchObject({ status: 404 });
    const badRef = await octokit.rest.actions
      .createWorkflowDispatch({ ...repo, workflow_id: 'train.yml', ref: 'no-branch' })
      .catch((e: unknown) => toGitHubApiError(e));
    expect(badRef).toMatchObject({ status: 422 });
    expect((badRef as Error).message).toContain('No ref found for: no-branch');
  });
});

describe('artifacts', () => {
  it('lists a run’s artifacts and downloads one as a zip a real unzipper opens', async () => {
    const { octokit, repo } = gh;
    const seeded = gh.emulator.repo;
    const workflow = seeded.addWorkflow('profile.yml');
    const run = seeded.addWorkflowRun(workflow, { event: 'schedule' });
    const profile = JSON.stringify({ rows: 569, columns: { age: { mean: 41.2 } } });
    const artifact = seeded.addArtifact(run, 'profile', {
      'profile.json': profile,
      'nested/notes.txt': 'é ünïcode\n'.repeat(50),
    });
    seeded.addArtifact(run, 'other', { 'a.txt': 'a' });

    const listed = await octokit.rest.actions.listWorkflowRunArtifacts({ ...repo, run_id: run.id });
    expect(listed.data.total_count).toBe(2);
    const byName = await octokit.rest.actions.listWorkflowRunArtifacts({
      ...repo,
      run_id: run.id,
      name: 'profile',
    });
    expect(byName.data.artifacts).toHaveLength(1);
    expect(byName.data.artifacts[0]).toMatchObject({
      id: artifact.id,
      name: 'profile',
      expired: false,
      size_in_bytes: artifact.zip.length,
      workflow_run: { id: run.id },
    });

    const single = await octokit.rest.actions.getArtifact({ ...repo, artifact_id: artifact.id });
    expect(single.data.archive_download_url).toBe(
      `${gh.emulator.url}/repos/octo-org/models/actions/artifacts/${artifact.id}/zip`,
    );
    expect(single.data.digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const download = await octokit.rest.actions.downloadArtifact({
      ...repo,
      artifact_id: artifact.id,
      archive_format: 'zip',
    });
    const zip = Buffer.from(download.data as ArrayBuffer);
    expect(zip.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
    if (python) {
      expect(readWithPython(zip)).toEqual({
        bad: null,
        files: { 'profile.json': profile, 'nested/notes.txt': 'é ünïcode\n'.repeat(50) },
      });
    }

    artifact.expired = true;
    const expired = await octokit.rest.actions
      .downloadArtifact({ ...repo, artifact_id: artifact.id, archive_format: 'zip' })
      .catch((e: unknown) => toGitHubApiError(e));
    expect(expired).toMatchObject({ status: 410 });
  });

  it.skipIf(!python)('has Python available to check zips independently', () => {
    expect(python).toBe(true);
  });
});
