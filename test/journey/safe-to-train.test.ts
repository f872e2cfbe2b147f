/**
 * Issue 13, finding 8: the `safe-to-train` label approves the head commit it was added on, not
 * whatever the head is when the job runs. The PR workflow's authorize job runs for real (bash,
 * `gh` answered by the emulator): a push after the label (the payload's head.sha is no longer
 * the pull request's head) is refused with a message naming both commits and no SHA output, so
 * the train job (which checks out `needs.authorize.outputs.sha`) does not run; a label by
 * someone without write access is refused; the labelled head itself is approved.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorOctokit } from '../support/github-emulator/harness.js';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';
import { repoRoot } from '../workflows/workflow-rules.js';
import { runBashStep } from './bash-step.js';

let emulator: GitHubEmulator;
let workspace: Workspace;
let steps: { name?: string; run?: string }[];

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  workspace = await createWorkspace({});
  const workflow = parseYaml(
    await readFile(path.join(repoRoot, '.github/workflows/mlops-pull-request.yml'), 'utf8'),
  ) as { jobs: { authorize: { steps: { name?: string; run?: string }[] } } };
  steps = workflow.jobs.authorize.steps;
});

afterAll(async () => {
  await workspace?.cleanup();
  await emulator?.close();
});

function step(name: string): string {
  const found = steps.find((s) => s.name === name)?.run;
  if (found === undefined) throw new Error(`the authorize job has no step "${name}"`);
  return found;
}

async function pullRequest(branch: string) {
  const head = emulator.repo.commitOnBranch(branch, `work on ${branch}`);
  const octokit = emulatorOctokit(emulator);
  const owner = emulator.repo.owner.login;
  const repo = emulator.repo.name;
  const created = await octokit.rest.pulls.create({
    owner,
    repo,
    title: branch,
    head: branch,
    base: 'main',
  });
  return { number: created.data.number, labelled: head.sha };
}

async function checkHead(number: number, labelledSha: string) {
  return runBashStep({
    script: step('Check that the head is still the labelled commit'),
    env: {
      GH_TOKEN: emulator.token,
      REPOSITORY: emulator.repo.fullName,
      NUMBER: String(number),
      LABELLED_SHA: labelledSha,
    },
    cwd: workspace.dir,
    apiUrl: emulator.url,
  });
}

describe('safe-to-train approves the labelled commit only', () => {
  it('approves the head the label was added on and hands its SHA to the train job', async () => {
    const pull = await pullRequest('fork-ok');
    const result = await checkHead(pull.number, pull.labelled);
    expect(result.outputs).toEqual({ sha: pull.labelled });
  }, 60_000);

  it('refuses when a commit was pushed after the label: no SHA, an error naming both commits', async () => {
    const pull = await pullRequest('fork-moved');
    const later = emulator.repo.commitOnBranch('fork-moved', 'pushed after the label');
    emulator.repo.pulls.get(pull.number)!.headSha = later.sha;
    const refused = await checkHead(pull.number, pull.labelled).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stdout).toContain(
      `::error title=safe-to-train::safe-to-train was added on ${pull.labelled}; the pull request's head is now ${later.sha}.`,
    );
  }, 60_000);

  it('refuses a label added by someone without write access', async () => {
    emulator.repo.addCollaborator('triager', 'triage');
    const refused = await runBashStep({
      script: step("Check that the label's author has write access"),
      env: { GH_TOKEN: emulator.token, REPOSITORY: emulator.repo.fullName, SENDER: 'triager' },
      cwd: workspace.dir,
      apiUrl: emulator.url,
    }).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stdout).toContain(
      '::error title=safe-to-train::the label was added by triager, who has no write access',
    );
  }, 60_000);
});
