/**
 * The workflow file of a run, from its `path`. GitHub's OpenAPI description gives both shapes:
 * the schema's example `octocat/octo-repo/.github/workflows/ci.yml@main` and the workflow-run
 * example's `.github/workflows/build.yml@main`; runs of older records carry the bare path.
 */
import { describe, expect, it } from 'vitest';
import { workflowFileOfRun } from '../../src/adapters/github/evaluated-candidate.js';

describe('workflowFileOfRun', () => {
  it.each([
    ['.github/workflows/build.yml@main', '.github/workflows/build.yml'],
    ['octocat/octo-repo/.github/workflows/ci.yml@main', '.github/workflows/ci.yml'],
    ['.github/workflows/ci.yml', '.github/workflows/ci.yml'],
    ['.github/workflows/ci.yml@refs/pull/3/merge', '.github/workflows/ci.yml'],
    // Another repository's file never reads as this repository's.
    ['mallory/models/.github/workflows/ci.yml@main', 'mallory/models/.github/workflows/ci.yml'],
  ])('%s → %s', (runPath, file) => {
    expect(workflowFileOfRun(runPath, 'octocat/octo-repo')).toBe(file);
  });
});
