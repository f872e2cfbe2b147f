/**
 * Every workflow we ship (.github/workflows/*.yml and the starters in workflows/*.yml) against
 * every rule of workflow-rules.ts, one test per rule and file, so a failure names both. Then the
 * permissions of each job, exactly: a change to them must change this table too (and the
 * permissions table of docs/workflows.md).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  jobs,
  loadWorkflow,
  repoRoot,
  resolveOwnWorkflow,
  rules,
  shippedWorkflowFiles,
  type Workflow,
} from './workflow-rules.js';

const files = await shippedWorkflowFiles();
const workflows: Workflow[] = await Promise.all(files.map((file) => loadWorkflow(file)));

describe('the shipped workflows', () => {
  it('are the ones the docs describe', () => {
    expect(workflows.map((w) => w.file)).toEqual(
      expect.arrayContaining([
        '.github/workflows/mlops-pull-request.yml',
        '.github/workflows/mlops-publish.yml',
        '.github/workflows/mlops-promote.yml',
        '.github/workflows/mlops-drift.yml',
        '.github/workflows/mlops-drift-sharded.yml',
        '.github/workflows/mlops-monitor.yml',
        '.github/workflows/mlops-dashboard.yml',
        '.github/workflows/release.yml',
        'workflows/mlops-pull-request.yml',
        'workflows/mlops-publish.yml',
        'workflows/mlops-promote.yml',
        'workflows/mlops-drift.yml',
        'workflows/mlops-monitor.yml',
        'workflows/mlops-dashboard.yml',
        'workflows/mlops-retrain.yml',
      ]),
    );
  });
});

for (const workflow of workflows) {
  describe(workflow.file, () => {
    for (const rule of rules) {
      if (!rule.appliesTo(workflow)) continue;
      it(`${rule.id}: ${rule.title}`, { timeout: 60_000 }, async () => {
        expect(await rule.check(workflow, { resolve: resolveOwnWorkflow })).toEqual([]);
      });
    }
  });
}

/** file → job → its permissions; every job of every shipped workflow is listed. */
const expectedPermissions: Record<string, Record<string, Record<string, string>>> = {
  '.github/workflows/ci.yml': { test: { contents: 'read' } },
  '.github/workflows/release.yml': {
    guard: { contents: 'read', actions: 'read' },
    build: { contents: 'read' },
    release: { contents: 'write' },
  },
  '.github/workflows/mlops-pull-request.yml': {
    validate: { contents: 'read' },
    authorize: { 'pull-requests': 'read' },
    doctor: { actions: 'read' },
    train: { contents: 'read' },
    evaluate: {
      contents: 'read',
      'pull-requests': 'write',
      checks: 'write',
      actions: 'read',
    },
  },
  '.github/workflows/mlops-publish.yml': {
    publish: {
      contents: 'write',
      'pull-requests': 'write',
      actions: 'read',
      checks: 'read',
    },
  },
  '.github/workflows/mlops-promote.yml': {
    promote: { contents: 'write', 'pull-requests': 'read' },
  },
  '.github/workflows/mlops-drift.yml': {
    drift: { contents: 'read', issues: 'write', actions: 'write' },
  },
  '.github/workflows/mlops-drift-sharded.yml': {
    plan: {},
    profile: { contents: 'read' },
    drift: { contents: 'read', issues: 'write', actions: 'write' },
  },
  '.github/workflows/mlops-monitor.yml': {
    monitor: { contents: 'read', issues: 'write', actions: 'write' },
  },
  '.github/workflows/mlops-dashboard.yml': {
    build: { contents: 'read', actions: 'read' },
    deploy: { pages: 'write', 'id-token': 'write' },
  },
  'workflows/mlops-dashboard.yml': {
    dashboard: { contents: 'read', actions: 'read', pages: 'write', 'id-token': 'write' },
  },
  'workflows/mlops-pull-request.yml': {
    mlops: { contents: 'read', 'pull-requests': 'write', checks: 'write', actions: 'read' },
  },
  'workflows/mlops-publish.yml': {
    publish: {
      contents: 'write',
      'pull-requests': 'write',
      actions: 'read',
      checks: 'read',
    },
  },
  'workflows/mlops-promote.yml': {
    promote: { contents: 'write', 'pull-requests': 'read' },
  },
  'workflows/mlops-drift.yml': {
    drift: { contents: 'read', issues: 'write', actions: 'write' },
  },
  'workflows/mlops-monitor.yml': {
    monitor: { contents: 'read', issues: 'write', actions: 'write' },
  },
  'workflows/mlops-retrain.yml': {
    why: {},
    retrain: { contents: 'read', 'pull-requests': 'write', checks: 'write', actions: 'read' },
  },
};

describe('permissions, job by job', () => {
  for (const workflow of workflows) {
    it(`${workflow.file}: every job has exactly the permissions listed here`, () => {
      const actual = Object.fromEntries(
        jobs(workflow).map(({ id, job }) => [id, job['permissions'] ?? null]),
      );
      expect(actual).toEqual(expectedPermissions[workflow.file] ?? 'not listed in this test');
    });
  }

  it('lists no workflow that does not exist', () => {
    const known = new Set(workflows.map((w) => w.file));
    expect(Object.keys(expectedPermissions).filter((file) => !known.has(file))).toEqual([]);
    expect(path.isAbsolute(repoRoot)).toBe(true);
  });
});
