/**
 * The bundled `actions/doctor` (the step the pull request workflow runs before training) against
 * the emulator's settings endpoints: with self-hosted labels a missing training environment fails
 * the step with an error annotation naming the fix (GitHub would otherwise create it unprotected
 * on the train job's first run); with the environment protected it passes, the settings a
 * GITHUB_TOKEN may not read (403) listed as unknown in the summary; training on GitHub-hosted
 * runners never fails on them.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoSettings } from '../support/github-emulator/index.js';
import { useGitHubEmulator } from '../support/github-emulator/harness.js';
import { runAction } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const gh = useGitHubEmulator();
let workspace: Workspace | undefined;

afterEach(async () => {
  await workspace?.cleanup();
  workspace = undefined;
});

async function doctor(inputs: Record<string, string>) {
  const { emulator } = gh;
  workspace = await createWorkspace({});
  return runAction({
    action: path.join(root, 'actions/doctor'),
    cwd: workspace.dir,
    inputs: { 'github-token': emulator.token, ...inputs },
    github: { apiUrl: emulator.url, repository: emulator.repo.fullName },
    timeoutMs: 60_000,
  });
}

const GPU = '["self-hosted", "linux", "x64", "gpu"]';

describe('actions/doctor', () => {
  it('fails before training when the environment does not exist (self-hosted labels)', async () => {
    const settings = repoSettings(gh.emulator.repo);
    // As for GITHUB_TOKEN: the administration settings answer 403.
    settings.forbidden.add('fork-approval');
    settings.forbidden.add('rulesets');
    settings.forbidden.add('workflow-permissions');
    const run = await doctor({ 'gpu-runner-labels': GPU });
    expect(run.conclusion).toBe('failure');
    const errors = run.annotations.filter((a) => a.level === 'error');
    expect(errors[0]?.title).toBe('Environment "gpu-training" has required reviewers');
    expect(errors[0]?.message).toContain('GitHub creates it on the train job');
    expect(errors[0]?.message).toContain('Fix: Settings → Environments → New environment');
    expect(run.outputs['failed']).toBe('true');
    expect(run.summary).toContain(
      '| MISSING | Environment "gpu-training" has required reviewers |',
    );
    expect(run.summary).toContain('| unknown | Fork pull requests wait for approval |');
    // Unknown and advice are not annotated: only what fails the step.
    expect(run.annotations.filter((a) => a.level !== 'error')).toEqual([]);
    expect(run.stderr + run.stdout).not.toMatch(/\n\s+at /);
  });

  it('passes once the environment has required reviewers', async () => {
    gh.emulator.repo.world.addUser('maintainer');
    repoSettings(gh.emulator.repo).addEnvironment('gpu-training', { reviewers: ['maintainer'] });
    const run = await doctor({ 'gpu-runner-labels': GPU });
    expect(run.conclusion, run.stdout).toBe('success');
    expect(run.outputs['failed']).toBe('false');
    expect(run.summary).toContain('| ok | Environment "gpu-training" has required reviewers |');
  });

  it('on GitHub-hosted runners reports without failing, and checks no environment', async () => {
    repoSettings(gh.emulator.repo).environments.clear();
    repoSettings(gh.emulator.repo).forbidden.clear();
    const run = await doctor({
      'gpu-runner-labels': '"ubuntu-latest"',
      environment: 'gpu-training',
    });
    expect(run.conclusion, run.stdout).toBe('success');
    expect(run.summary).not.toContain('Environment "gpu-training"');
    expect(run.summary).toContain(
      '| MISSING | Fork pull requests wait for approval (recommended) |',
    );
  });
});
