/**
 * Which events may write to the registry. `publish-model` and `promote-model` write releases and
 * stage tags; the starter workflows call them only for a merged pull request, but a workflow's
 * `if:` is the caller's, and `pull_request: types: [closed]` also fires for a pull request closed
 * WITHOUT merging (`merged: false`, yet `merge_commit_sha` names GitHub's test-merge commit, which
 * never landed). So the actions decide for themselves, whatever the caller:
 *
 * - `pull_request` (`closed`, `merged: true`, into the default branch): the starters'
 *   mlops-publish.yml and mlops-promote.yml;
 * - `push` or `workflow_dispatch` on the default branch: a team that publishes a model committed
 *   on the default branch, or promotes (rolls back) by hand; only writers can push there or
 *   dispatch, and the run uses the default branch's own workflow file;
 * - anything else (a pull request closed unmerged or merged elsewhere, `pull_request_target`,
 *   `issue_comment`, `schedule`, a push or dispatch on another branch or a tag) is refused.
 */
import { PolicyError } from '../errors.js';

export interface TriggerFacts {
  readonly action: 'publish-model' | 'promote-model';
  /** `GITHUB_EVENT_NAME`. */
  readonly eventName: string | null;
  /** `GITHUB_REF`. */
  readonly ref: string | null;
  /** The repository's default branch (from the payload, or the API when the payload has none). */
  readonly defaultBranch: string;
  /** For pull_request events: what the payload (and the API) say of the pull request. */
  readonly pullRequest: {
    readonly number: number | null;
    readonly action: string | null;
    readonly merged: boolean;
    readonly baseRef: string | null;
  } | null;
}

export type Trigger =
  | { readonly kind: 'merged-pull-request'; readonly number: number }
  | { readonly kind: 'default-branch'; readonly event: 'push' | 'workflow_dispatch' };

/** The trigger when it may write to the registry; a PolicyError saying why not otherwise. */
export function checkRegistryTrigger(facts: TriggerFacts): Trigger {
  const { action, defaultBranch } = facts;
  const refuse = (why: string): never => {
    throw new PolicyError(
      `${action} refuses to run on ${why}: it writes to the registry only for a pull request merged into ${defaultBranch}, ` +
        `or a push or workflow_dispatch on ${defaultBranch}. Nothing was written.`,
    );
  };
  const event = facts.eventName ?? '(no event)';
  if (event === 'pull_request') {
    const pull = facts.pullRequest;
    if (pull === null || pull.number === null)
      return refuse('a pull_request event without its pull request');
    if (!pull.merged) {
      return refuse(
        `pull request #${pull.number}, which was ${pull.action === 'closed' ? 'closed without being merged' : `not merged (action "${pull.action ?? '?'}")`}`,
      );
    }
    if (pull.baseRef !== defaultBranch) {
      return refuse(
        `pull request #${pull.number}, merged into ${pull.baseRef ?? 'an unknown branch'}, not the default branch`,
      );
    }
    return { kind: 'merged-pull-request', number: pull.number };
  }
  if (event === 'push' || event === 'workflow_dispatch') {
    if (facts.ref !== `refs/heads/${defaultBranch}`) {
      return refuse(`a ${event} on ${facts.ref ?? 'an unknown ref'}`);
    }
    return { kind: 'default-branch', event };
  }
  return refuse(`a ${event} event`);
}
