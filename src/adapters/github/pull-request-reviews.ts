/**
 * What `checkApproval` needs from GitHub: the pull request's author and head, its reviews, and
 * each reviewer's permission (`GET /collaborators/{user}/permission`, whose `role_name` tells
 * maintain and triage apart where the legacy `permission` field cannot).
 */
import type {
  ApprovalInput,
  Permission,
  Review,
  ReviewState,
} from '../../core/registry/approval.js';
import type { ReviewSource } from '../../core/registry/review-port.js';
import { GitHubApiError } from '../../core/errors.js';
import { withGitHubErrors, type Octokit } from './octokit.js';

const PERMISSIONS: ReadonlySet<string> = new Set(['admin', 'maintain', 'write', 'triage', 'read']);

export function createReviewSource(options: {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
}): ReviewSource {
  const { octokit, owner, repo } = options;
  return {
    async approvalInput(pullRequest: number): Promise<ApprovalInput> {
      const { data: pull } = await withGitHubErrors(() =>
        octokit.rest.pulls.get({ owner, repo, pull_number: pullRequest }),
      );
      const listed = await withGitHubErrors(() =>
        octokit.paginate(octokit.rest.pulls.listReviews, {
          owner,
          repo,
          pull_number: pullRequest,
          per_page: 100,
        }),
      );
      const reviews: Review[] = listed
        .filter((r) => r.user !== null && r.commit_id !== null)
        .map((r) => ({
          user: r.user?.login ?? '',
          state: r.state as ReviewState,
          commitId: r.commit_id ?? '',
          id: r.id,
        }));
      const permissions = new Map<string, Permission>();
      for (const login of new Set(reviews.map((r) => r.user))) {
        permissions.set(login, await permissionOf(octokit, owner, repo, login));
      }
      return { author: pull.user.login, headSha: pull.head.sha, reviews, permissions };
    },
  };
}

async function permissionOf(
  octokit: Octokit,
  owner: string,
  repo: string,
  username: string,
): Promise<Permission> {
  try {
    const { data } = await withGitHubErrors(() =>
      octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username }),
    );
    const role = (data as { role_name?: string }).role_name ?? data.permission;
    return PERMISSIONS.has(role) ? (role as Permission) : 'none';
  } catch (error) {
    // Not a collaborator (404): no permission at all.
    if (error instanceof GitHubApiError && error.status === 404) return 'none';
    throw error;
  }
}
