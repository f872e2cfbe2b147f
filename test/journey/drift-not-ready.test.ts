/**
 * Day one of the scheduled drift starter (workflows/mlops-drift.yml): before a version is in
 * production, or before fresh data lands, the run ends green with a `::notice::` and the check
 * is skipped, instead of failing every day. The readiness step runs for real (bash, with `gh`
 * answered by the emulator and `yq` reading mlops.yml); the positive control shows the same
 * step lets the check run once both exist.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAnnotatedTag } from '../github/registry-fixtures.js';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';
import { repoRoot } from '../workflows/workflow-rules.js';
import { runBashStep } from './bash-step.js';
import { runStarterWorkflow, type WorkflowEvent } from './workflow-interpreter.js';

const MODEL = 'breast-cancer';
let emulator: GitHubEmulator;
let workspace: Workspace;

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  workspace = await createWorkspace({});
  const example = path.join(repoRoot, 'examples/breast-cancer');
  for (const file of ['mlops.yml', 'schema.yml']) {
    await workspace.write(file, await readFile(path.join(example, file), 'utf8'));
  }
  emulator.repo.writeFiles(
    'main',
    { 'mlops.yml': await readFile(path.join(example, 'mlops.yml')) },
    'The breast-cancer model',
  );
});

afterAll(async () => {
  await workspace?.cleanup();
  await emulator?.close();
});

function schedule(): WorkflowEvent {
  return {
    name: 'schedule',
    payload: { schedule: '17 6 * * *' },
    sha: emulator.repo.refs.get('refs/heads/main') as string,
    ref: 'refs/heads/main',
  };
}

async function runDrift() {
  return runStarterWorkflow('workflows/mlops-drift.yml', schedule(), { emulator, workspace });
}

describe('the drift starter before there is anything to compare', () => {
  it('with no fresh data yet: a notice, the check skipped, the run green, no issue', async () => {
    const result = await runDrift();
    const log = result.log.join('\n');
    expect(result.jobs.get('drift/drift')?.result).toBe('success');
    expect(log).toContain(
      '::notice title=mlops drift::Nothing to compare: no fresh data matches data/current/*.csv yet. The check runs once there is.',
    );
    expect(log).toMatch(
      /step 4 \(mlops-actions\/mlops-actions\/actions\/check-drift@v1\): skipped/,
    );
    expect(result.ownSteps).toEqual([]);
    expect(emulator.repo.issues.size).toBe(0);
  }, 60_000);

  it('with fresh data but no production version: a notice naming the model', async () => {
    await workspace.write('data/current/today.csv', 'mean radius\n1\n');
    const result = await runDrift();
    expect(result.jobs.get('drift/drift')?.result).toBe('success');
    expect(result.log.join('\n')).toContain(
      `Nothing to compare: ${MODEL} has no production version yet (no ${MODEL}#production#<n> tag)`,
    );
    expect(result.ownSteps).toEqual([]);
  }, 60_000);

  it('positive control: the same step lets the check run once a production version exists', async () => {
    const workflow = parseYaml(
      await readFile(path.join(repoRoot, '.github/workflows/mlops-drift.yml'), 'utf8'),
    ) as { jobs: { drift: { steps: { name?: string; run?: string }[] } } };
    const step = workflow.jobs.drift.steps.find(
      (s) => s.name === 'Check that there is something to compare',
    );
    if (step?.run === undefined) throw new Error('the readiness step is gone');
    const main = emulator.repo.refs.get('refs/heads/main') as string;
    seedAnnotatedTag(emulator.repo, `${MODEL}#production#1`, main, 'promoted');
    const env = {
      GH_TOKEN: emulator.token,
      REPOSITORY: emulator.repo.fullName,
      CONFIG: 'mlops.yml',
      CURRENT: 'data/current/*.csv',
      REFERENCE: 'production',
      MODEL_INPUT: 'production',
    };
    const ready = await runBashStep({
      script: step.run,
      env,
      cwd: workspace.dir,
      apiUrl: emulator.url,
    });
    expect(ready.outputs).toEqual({ ready: 'true' });
    expect(ready.commands).toEqual([]);
    // A comma-separated list where one pattern matches is enough.
    const list = await runBashStep({
      script: step.run,
      env: { ...env, CURRENT: 'data/missing/*.csv, data/current/**/*.csv' },
      cwd: workspace.dir,
      apiUrl: emulator.url,
    });
    expect(list.outputs).toEqual({ ready: 'true' });
  }, 60_000);
});
