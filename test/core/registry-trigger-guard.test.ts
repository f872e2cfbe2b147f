/**
 * Which events may write to the registry (issue 13, finding 12): a pull request merged into the
 * default branch, or a push or dispatch on the default branch; nothing else, however the calling
 * workflow's `if:` reads.
 */
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../src/core/errors.js';
import {
  checkRegistryTrigger,
  type TriggerFacts,
} from '../../src/core/provenance/trigger-guard.js';

const base: TriggerFacts = {
  action: 'publish-model',
  eventName: 'pull_request',
  ref: 'refs/pull/7/merge',
  defaultBranch: 'main',
  pullRequest: { number: 7, action: 'closed', merged: true, baseRef: 'main' },
};
const refusal = (facts: Partial<TriggerFacts>): string => {
  try {
    checkRegistryTrigger({ ...base, ...facts });
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('checkRegistryTrigger', () => {
  it('accepts a pull request merged into the default branch', () => {
    expect(checkRegistryTrigger(base)).toEqual({ kind: 'merged-pull-request', number: 7 });
  });

  it('accepts a push or a dispatch on the default branch', () => {
    for (const eventName of ['push', 'workflow_dispatch'] as const) {
      expect(
        checkRegistryTrigger({ ...base, eventName, ref: 'refs/heads/main', pullRequest: null }),
      ).toEqual({ kind: 'default-branch', event: eventName });
    }
  });

  it('refuses a pull request closed without merging', () => {
    expect(
      refusal({ pullRequest: { number: 7, action: 'closed', merged: false, baseRef: 'main' } }),
    ).toBe(
      'publish-model refuses to run on pull request #7, which was closed without being merged: it writes to the registry only for a pull request merged into main, or a push or workflow_dispatch on main. Nothing was written.',
    );
  });

  it('refuses a pull request merged into another branch', () => {
    expect(
      refusal({ pullRequest: { number: 7, action: 'closed', merged: true, baseRef: 'release' } }),
    ).toContain('pull request #7, merged into release, not the default branch');
  });

  it('refuses other events and other branches', () => {
    expect(refusal({ eventName: 'pull_request_target' })).toContain(
      'refuses to run on a pull_request_target event',
    );
    expect(refusal({ eventName: 'schedule', pullRequest: null })).toContain('a schedule event');
    expect(refusal({ eventName: 'push', ref: 'refs/heads/feature', pullRequest: null })).toContain(
      'a push on refs/heads/feature',
    );
    expect(
      refusal({ eventName: 'workflow_dispatch', ref: 'refs/tags/v1', pullRequest: null }),
    ).toContain('a workflow_dispatch on refs/tags/v1');
    expect(refusal({ eventName: null, pullRequest: null })).toContain('a (no event) event');
  });
});
