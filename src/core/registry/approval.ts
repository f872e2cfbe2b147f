/**
 * Whether a promotion pull request was approved by someone entitled to approve it, decided from
 * its reviews alone (pure, so each refusal is tested without a server).
 *
 * The rules, stricter than a branch protection rule can be made (which a repository may lack):
 * - an approval counts only when its reviewer is not the pull request's author, has write,
 *   maintain or admin permission, and approved the head commit (an approval of an older commit
 *   approved other changes);
 * - a reviewer's standing is their latest review that is an approval or a change request, as
 *   GitHub shows it ("COMMENTED" reviews do not change it; dismissed reviews count for nothing);
 * - any such reviewer whose standing is "changes requested" blocks the promotion, even after
 *   another reviewer's approval;
 * - two people: an approval by anyone who authored or committed a commit of the pull request does
 *   not count (the bot opens promotion pull requests, so "not the author" alone would let a writer
 *   push another version onto the branch and approve it), and a commit GitHub cannot attribute
 *   to an account (an e-mail address of nobody's) makes every approval void, since who changed
 *   the pull request cannot be told.
 */

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface Review {
  readonly user: string;
  readonly state: ReviewState;
  /** The commit the review was submitted on. */
  readonly commitId: string;
  /** Submission order: GitHub lists reviews oldest first; ids grow with time. */
  readonly id: number;
}

export interface ApprovalInput {
  readonly author: string;
  readonly headSha: string;
  readonly reviews: readonly Review[];
  /** Each reviewer's permission on the repository. */
  readonly permissions: ReadonlyMap<string, Permission>;
  /** The pull request's commits: who authored and committed each, as GitHub attributes them. */
  readonly commits?: readonly PullCommit[];
}

export interface PullCommit {
  readonly sha: string;
  /** Logins of the commit's author and committer; null where GitHub matches no account. */
  readonly author: string | null;
  readonly committer: string | null;
  /** `Name <email>` of the author, for the message when GitHub matches no account. */
  readonly authorIdentity: string;
}

export interface ApprovalVerdict {
  readonly approved: boolean;
  /** Logins whose approval counts. */
  readonly approvers: readonly string[];
  /** Why it is not approved, one sentence per reason; empty when approved. */
  readonly problems: readonly string[];
}

const ENTITLED: ReadonlySet<Permission> = new Set(['admin', 'maintain', 'write']);

export function checkApproval(input: ApprovalInput): ApprovalVerdict {
  const standing = new Map<string, Review>();
  for (const review of [...input.reviews].sort((a, b) => a.id - b.id)) {
    if (review.state === 'APPROVED' || review.state === 'CHANGES_REQUESTED') {
      standing.set(review.user, review);
    } else if (review.state === 'DISMISSED') {
      standing.delete(review.user);
    }
  }

  const approvers: string[] = [];
  const problems: string[] = [];
  const blockers: string[] = [];
  const short = (sha: string) => sha.slice(0, 7);
  const commits = input.commits ?? [];
  /** Each login that changed the pull request, with its first commit. */
  const changedBy = new Map<string, string>();
  for (const commit of commits) {
    for (const login of [commit.author, commit.committer]) {
      if (login !== null && !changedBy.has(login.toLowerCase())) {
        changedBy.set(login.toLowerCase(), commit.sha);
      }
    }
  }
  const unattributed = commits.filter((c) => c.author === null || c.committer === null);
  for (const [user, review] of standing) {
    const permission = input.permissions.get(user) ?? 'none';
    const entitled = ENTITLED.has(permission) && user !== input.author;
    if (review.state === 'CHANGES_REQUESTED') {
      if (entitled) blockers.push(user);
      continue;
    }
    if (user === input.author) {
      problems.push(
        `@${user} approved their own pull request; the author's approval does not count.`,
      );
    } else if (!ENTITLED.has(permission)) {
      problems.push(
        `@${user} approved, but has ${permission} permission; an approval needs write, maintain or admin.`,
      );
    } else if (changedBy.has(user.toLowerCase())) {
      problems.push(
        `@${user} approved, but also pushed commit ${short(changedBy.get(user.toLowerCase()) ?? '')} to this pull request; an approval must come from someone who did not change it.`,
      );
    } else if (review.commitId !== input.headSha) {
      problems.push(
        `@${user} approved commit ${short(review.commitId)}, not the head commit ${short(input.headSha)}; the changes since were not approved.`,
      );
    } else {
      approvers.push(user);
    }
  }
  for (const commit of unattributed) {
    problems.push(
      `commit ${short(commit.sha)} is by ${commit.authorIdentity}, whom GitHub matches to no account, so who changed this pull request cannot be told and no approval counts; push the promotion again from the workflow (mlops promote).`,
    );
  }
  for (const user of blockers) {
    problems.push(`@${user} requested changes; their review must be an approval or dismissed.`);
  }
  if (standing.size === 0) problems.unshift('the pull request has no approving review.');
  else if (approvers.length === 0 && blockers.length === 0 && problems.length === 0) {
    problems.push('the pull request has no approving review.');
  }
  const approved = approvers.length > 0 && blockers.length === 0 && unattributed.length === 0;
  return {
    approved,
    approvers: approved ? approvers.sort() : [],
    problems: approved ? [] : problems,
  };
}
