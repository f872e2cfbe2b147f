/**
 * When each starter workflow runs: its triggers, and its calling job's `if:` evaluated with
 * GitHub's expression engine against the event payloads of the situations it must tell apart.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  evaluateIf,
  events,
  jobs,
  loadWorkflow,
  repoRoot,
  type Workflow,
} from './workflow-rules.js';

const starter = (name: string): Promise<Workflow> =>
  loadWorkflow(path.join(repoRoot, 'workflows', name));

const REPOSITORY = 'octo/models';

/** The `github` context of a pull_request event. */
function pullRequest(options: {
  action: string;
  merged?: boolean;
  base?: string;
  labels?: string[];
  label?: string;
  fork?: boolean;
}): Record<string, unknown> {
  return {
    event_name: 'pull_request',
    repository: REPOSITORY,
    event: {
      action: options.action,
      ...(options.label === undefined ? {} : { label: { name: options.label } }),
      pull_request: {
        number: 12,
        merged: options.merged ?? false,
        labels: (options.labels ?? []).map((name) => ({ name })),
        base: { ref: options.base ?? 'main' },
        head: { ref: 'feature', repo: { full_name: options.fork ? 'fork/models' : REPOSITORY } },
      },
      repository: { full_name: REPOSITORY, default_branch: 'main' },
    },
  };
}

function callingJob(workflow: Workflow, id: string): Record<string, unknown> {
  const job = jobs(workflow).find((j) => j.id === id)?.job;
  if (job === undefined) throw new Error(`${workflow.file} has no job ${id}`);
  return job;
}

describe('workflows/mlops-pull-request.yml', async () => {
  const workflow = await starter('mlops-pull-request.yml');
  const job = callingJob(workflow, 'mlops');

  it('runs on pull requests, including the labeled event', () => {
    expect(Object.keys(events(workflow))).toEqual(['pull_request']);
    expect(events(workflow)['pull_request']).toMatchObject({
      types: ['opened', 'synchronize', 'reopened', 'labeled'],
    });
    expect(job['uses']).toBe(
      'mlops-actions/mlops-actions/.github/workflows/mlops-pull-request.yml@v1',
    );
  });

  it.each([
    ['a push to the pull request', pullRequest({ action: 'synchronize' }), true],
    ['a new pull request', pullRequest({ action: 'opened' }), true],
    ['the safe-to-train label', pullRequest({ action: 'labeled', label: 'safe-to-train' }), true],
    ['any other label', pullRequest({ action: 'labeled', label: 'documentation' }), false],
  ])('%s → runs: %s', (_name, github, runs) => {
    expect(evaluateIf(job['if'], { github })).toBe(runs);
  });
});

describe('workflows/mlops-publish.yml', async () => {
  const workflow = await starter('mlops-publish.yml');
  const job = callingJob(workflow, 'publish');

  it('runs when a pull request is closed', () => {
    expect(events(workflow)).toEqual({ pull_request: { types: ['closed'] } });
  });

  it.each([
    ['merged into the default branch', pullRequest({ action: 'closed', merged: true }), true],
    ['closed without merging', pullRequest({ action: 'closed', merged: false }), false],
    [
      'merged into another branch',
      pullRequest({ action: 'closed', merged: true, base: 'release-1.x' }),
      false,
    ],
    [
      'a merged promotion pull request',
      pullRequest({ action: 'closed', merged: true, labels: ['mlops:promotion'] }),
      false,
    ],
    [
      'merged with other labels',
      pullRequest({ action: 'closed', merged: true, labels: ['data', 'model'] }),
      true,
    ],
  ])('%s → publishes: %s', (_name, github, runs) => {
    expect(evaluateIf(job['if'], { github })).toBe(runs);
  });
});

describe('workflows/mlops-promote.yml', async () => {
  const workflow = await starter('mlops-promote.yml');
  const job = callingJob(workflow, 'promote');

  it('runs when a pull request changing .mlops-stages/** is closed', () => {
    expect(events(workflow)).toEqual({
      pull_request: { types: ['closed'], paths: ['.mlops-stages/**'] },
    });
  });

  it.each([
    [
      'a merged promotion pull request',
      pullRequest({ action: 'closed', merged: true, labels: ['mlops:promotion'] }),
      true,
    ],
    [
      'a promotion pull request closed without merging',
      pullRequest({ action: 'closed', merged: false, labels: ['mlops:promotion'] }),
      false,
    ],
    [
      'a merged pull request without the label',
      pullRequest({ action: 'closed', merged: true }),
      false,
    ],
    [
      'a promotion merged into another branch',
      pullRequest({ action: 'closed', merged: true, base: 'x', labels: ['mlops:promotion'] }),
      false,
    ],
  ])('%s → promotes: %s', (_name, github, runs) => {
    expect(evaluateIf(job['if'], { github })).toBe(runs);
  });

  it('publish and promote never both run for one pull request', async () => {
    const publish = callingJob(await starter('mlops-publish.yml'), 'publish');
    for (const labels of [[], ['mlops:promotion'], ['mlops:promotion', 'x']]) {
      const github = pullRequest({ action: 'closed', merged: true, labels });
      expect(evaluateIf(publish['if'], { github }) && evaluateIf(job['if'], { github })).toBe(
        false,
      );
    }
  });
});

describe('workflows/mlops-drift.yml', async () => {
  const workflow = await starter('mlops-drift.yml');

  it('runs on a schedule and by hand, and dispatches mlops-retrain.yml', () => {
    const on = events(workflow);
    expect(Object.keys(on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(on['schedule']).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) }]);
    expect(callingJob(workflow, 'drift')['with']).toMatchObject({
      'retrain-workflow': 'mlops-retrain.yml',
    });
  });
});

describe('workflows/mlops-monitor.yml', async () => {
  const workflow = await starter('mlops-monitor.yml');

  it('runs on a schedule and by hand, and dispatches mlops-retrain.yml', () => {
    const on = events(workflow);
    expect(Object.keys(on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(on['schedule']).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) }]);
    expect(callingJob(workflow, 'monitor')['with']).toMatchObject({
      'retrain-workflow': 'mlops-retrain.yml',
    });
  });
});

describe('workflows/mlops-retrain.yml', async () => {
  const workflow = await starter('mlops-retrain.yml');

  it('takes the inputs check-drift dispatches it with: model, reason, report', () => {
    const dispatch = events(workflow)['workflow_dispatch'] as { inputs: Record<string, unknown> };
    expect(Object.keys(events(workflow))).toEqual(['workflow_dispatch']);
    expect(Object.keys(dispatch.inputs).sort()).toEqual(['model', 'reason', 'report']);
  });

  it('trains through the reusable pull request workflow, whose train job runs on dispatch', async () => {
    const retrain = callingJob(workflow, 'retrain');
    expect(retrain['uses']).toBe(
      'mlops-actions/mlops-actions/.github/workflows/mlops-pull-request.yml@v1',
    );
    const reusable = await loadWorkflow(
      path.join(repoRoot, '.github/workflows/mlops-pull-request.yml'),
    );
    const train = callingJob(reusable, 'train');
    const github = { event_name: 'workflow_dispatch', repository: REPOSITORY, event: {} };
    const needs = {
      validate: { result: 'success' },
      authorize: { result: 'skipped' },
      doctor: { result: 'success' },
    };
    expect(evaluateIf(train['if'], { github, needs })).toBe(true);
  });
});

describe('.github/workflows/mlops-pull-request.yml: the GPU gate', async () => {
  const workflow = await loadWorkflow(
    path.join(repoRoot, '.github/workflows/mlops-pull-request.yml'),
  );
  const authorize = callingJob(workflow, 'authorize');
  const train = callingJob(workflow, 'train');
  const evaluate = callingJob(workflow, 'evaluate');
  const needs = (validate: string, auth: string, doctor = 'success') => ({
    validate: { result: validate },
    authorize: { result: auth },
    doctor: { result: doctor },
  });
  const labelled = pullRequest({
    action: 'labeled',
    label: 'safe-to-train',
    labels: ['safe-to-train'],
    fork: true,
  });

  it('checks who added the label only on the label path of a fork', () => {
    expect(evaluateIf(authorize['if'], { github: labelled })).toBe(true);
    const sameRepo = pullRequest({ action: 'labeled', label: 'safe-to-train' });
    expect(evaluateIf(authorize['if'], { github: sameRepo })).toBe(false);
    const push = pullRequest({ action: 'synchronize', fork: true, labels: ['safe-to-train'] });
    expect(evaluateIf(authorize['if'], { github: push })).toBe(false);
  });

  it.each([
    ['a fork labelled by someone with write access', labelled, needs('success', 'success'), true],
    ['a fork labelled by someone without', labelled, needs('success', 'failure'), false],
    ['a fork labelled, data invalid', labelled, needs('failure', 'success'), false],
    [
      'a branch of this repository (authorize skipped)',
      pullRequest({ action: 'synchronize' }),
      needs('success', 'skipped'),
      true,
    ],
    [
      // mlops doctor found a required setting missing (the training environment, say).
      'a branch of this repository, repository settings missing',
      pullRequest({ action: 'synchronize' }),
      needs('success', 'skipped', 'failure'),
      false,
    ],
    [
      'a branch of this repository, data invalid',
      pullRequest({ action: 'synchronize' }),
      needs('failure', 'skipped'),
      false,
    ],
  ])('%s → trains: %s', (_name, github, needsContext, runs) => {
    expect(evaluateIf(train['if'], { github, needs: needsContext })).toBe(runs);
  });

  it('evaluates only a model that was trained', () => {
    const github = pullRequest({ action: 'synchronize' });
    expect(evaluateIf(evaluate['if'], { github, needs: { train: { result: 'success' } } })).toBe(
      true,
    );
    expect(evaluateIf(evaluate['if'], { github, needs: { train: { result: 'skipped' } } })).toBe(
      false,
    );
  });
});
