/**
 * The facts `checkRegistryTrigger` decides on: the event payload (written by the runner from
 * GitHub's webhook; no workflow step can change it), and for a merged pull request the pull
 * request as the API reports it (head commit, branch and repository, merge commit), which
 * publish binds the evaluated candidate to.
 */
import {
  checkRegistryTrigger,
  type Trigger,
  type TriggerFacts,
} from '../../core/provenance/trigger-guard.js';
import { withGitHubErrors, type Octokit } from './octokit.js';

/** The merged pull request as the API reports it. */
export interface MergedPullRequest {
  readonly number: number;
  readonly headSha: string;
  readonly headRef: string;
  /** The head repository's id (a fork's, or this repository's). */
  readonly headRepositoryId: number | null;
  readonly baseRef: string;
  readonly mergeCommitSha: string | null;
}

export type RegistryTrigger =
  | (Trigger & { readonly kind: 'default-branch'; readonly defaultBranch: string })
  | (Trigger & {
      readonly kind: 'merged-pull-request';
      readonly defaultBranch: string;
      readonly pull: MergedPullRequest;
    });

interface EventPayload {
  readonly action?: unknown;
  readonly repository?: { readonly default_branch?: unknown } | null;
  readonly pull_request?: {
    readonly number?: unknown;
    readonly merged?: unknown;
    readonly base?: { readonly ref?: unknown } | null;
  } | null;
}

export async function readRegistryTrigger(options: {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
  readonly action: TriggerFacts['action'];
  readonly eventName: string | null;
  readonly ref: string | null;
  readonly payload: unknown;
}): Promise<RegistryTrigger> {
  const { octokit, owner, repo } = options;
  const payload = (options.payload ?? {}) as EventPayload;
  const fromPayload = payload.repository?.default_branch;
  const defaultBranch =
    typeof fromPayload === 'string' && fromPayload !== ''
      ? fromPayload
      : (await withGitHubErrors(() => octokit.rest.repos.get({ owner, repo }))).data.default_branch;

  let pullFacts: TriggerFacts['pullRequest'] = null;
  let merged: MergedPullRequest | null = null;
  const pr = payload.pull_request;
  if (options.eventName === 'pull_request' && pr != null && typeof pr.number === 'number') {
    const action = typeof payload.action === 'string' ? payload.action : null;
    const payloadBase = typeof pr.base?.ref === 'string' ? pr.base.ref : null;
    if (pr.merged === true) {
      // The head, base and merge commit as GitHub holds them, for publish to bind the candidate.
      const { data } = await withGitHubErrors(() =>
        octokit.rest.pulls.get({ owner, repo, pull_number: pr.number as number }),
      );
      merged = {
        number: data.number,
        headSha: data.head.sha,
        headRef: data.head.ref,
        headRepositoryId: data.head.repo?.id ?? null,
        baseRef: data.base.ref,
        mergeCommitSha: data.merge_commit_sha,
      };
      pullFacts = {
        number: pr.number,
        action,
        merged: true,
        baseRef: payloadBase ?? data.base.ref,
      };
    } else {
      pullFacts = { number: pr.number, action, merged: false, baseRef: payloadBase };
    }
  }
  const trigger = checkRegistryTrigger({
    action: options.action,
    eventName: options.eventName,
    ref: options.ref,
    defaultBranch,
    pullRequest: pullFacts,
  });
  if (trigger.kind === 'merged-pull-request') {
    return { ...trigger, defaultBranch, pull: merged as MergedPullRequest };
  }
  return { ...trigger, defaultBranch };
}
