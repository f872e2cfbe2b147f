/**
 * What `checkApproval` needs from GitHub: the pull request's author and head, its reviews, each
 * reviewer's permission (`GET /collaborators/{user}/permission`, whose `role_name` tells
 * maintain and triage apart where the legacy `permission` field cannot), and who authored and
 * committed its commits (`GET /pulls/{n}/commits`: `author`/`committer` are the accounts GitHub
 * matches to the commit's e-mail addresses, null when none).
 *
 * And what `promote-model` checks the version against: the files the pull request changes
 * (`GET /pulls/{n}/files`), the promotion file at its merge commit and at the default branch's
 * head now (the contents API).
 */
import type {
  ApprovalInput,
  Permission,
  PullCommit,
  Review,
  ReviewState,
} from '../../core/registry/approval.js';
import type { PromotionEvidence, ReviewSource } from '../../core/registry/review-port.js';
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
      // GitHub lists at most 250 commits of a pull request; a promotion pull request has one.
      const listedCommits = await withGitHubErrors(() =>
        octokit.paginate(octokit.rest.pulls.listCommits, {
          owner,
          repo,
          pull_number: pullRequest,
          per_page: 100,
        }),
      );
      const commits: PullCommit[] = listedCommits.map((c) => ({
        sha: c.sha,
        author: c.author?.login ?? null,
        committer: c.committer?.login ?? null,
        authorIdentity: `${c.commit.author?.name ?? 'unknown'} <${c.commit.author?.email ?? ''}>`,
      }));
      return { author: pull.user.login, headSha: pull.head.sha, reviews, permissions, commits };
    },

    async promotionEvidence({ pullRequest, file }): Promise<PromotionEvidence> {
      const { data: repository } = await withGitHubErrors(() =>
        octokit.rest.repos.get({ owner, repo }),
      );
      const defaultBranch = repository.default_branch;
      const fileOnDefaultBranch = await fileAt(octokit, owner, repo, file, defaultBranch);
      if (pullRequest === null) {
        return {
          changedFiles: [],
          mergeCommit: null,
          fileAtMerge: null,
          defaultBranch,
          fileOnDefaultBranch,
        };
      }
      const { data: pull } = await withGitHubErrors(() =>
        octokit.rest.pulls.get({ owner, repo, pull_number: pullRequest }),
      );
      const files = await withGitHubErrors(() =>
        octokit.paginate(octokit.rest.pulls.listFiles, {
          owner,
          repo,
          pull_number: pullRequest,
          per_page: 100,
        }),
      );
      const mergeCommit = pull.merge_commit_sha ?? null;
      return {
        changedFiles: files.map((f) => f.filename),
        mergeCommit,
        fileAtMerge:
          mergeCommit === null ? null : await fileAt(octokit, owner, repo, file, mergeCommit),
        defaultBranch,
        fileOnDefaultBranch,
      };
    },
  };
}

/** A file's text at a ref (`GET /contents/{path}?ref=`), or null when it is not there. */
async function fileAt(
  octokit: Octokit,
  owner: string,
  repo: string,
  file: string,
  ref: string,
): Promise<string | null> {
  try {
    const { data } = await withGitHubErrors(() =>
      octokit.rest.repos.getContent({ owner, repo, path: file, ref }),
    );
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return null;
    return Buffer.from(data.content, 'base64').toString('utf8');
  } catch (error) {
    if (error instanceof GitHubApiError && error.status === 404) return null;
    throw error;
  }
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
