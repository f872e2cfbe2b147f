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
 *   another reviewer's approval.
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
    } else if (review.commitId !== input.headSha) {
      problems.push(
        `@${user} approved commit ${short(review.commitId)}, not the head commit ${short(input.headSha)}; the changes since were not approved.`,
      );
    } else {
      approvers.push(user);
    }
  }
  for (const user of blockers) {
    problems.push(`@${user} requested changes; their review must be an approval or dismissed.`);
  }
  if (standing.size === 0) problems.unshift('the pull request has no approving review.');
  else if (approvers.length === 0 && blockers.length === 0 && problems.length === 0) {
    problems.push('the pull request has no approving review.');
  }
  const approved = approvers.length > 0 && blockers.length === 0;
  return {
    approved,
    approvers: approved ? approvers.sort() : [],
    problems: approved ? [] : problems,
  };
}
