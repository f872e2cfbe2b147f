import type { ApprovalInput } from './approval.js';

/** What a promotion pull request changed, and what the default branch says now (GitHub only). */
export interface PromotionEvidence {
  /** Paths the pull request changes (`GET /pulls/{n}/files`). */
  readonly changedFiles: readonly string[];
  /** The commit the pull request merged as (its test merge while open); null when unknown. */
  readonly mergeCommit: string | null;
  /** The promotion file's text at that commit; null when absent there. */
  readonly fileAtMerge: string | null;
  readonly defaultBranch: string;
  /** The promotion file's text at the default branch's head now; null when absent there. */
  readonly fileOnDefaultBranch: string | null;
}

/** The pull request's reviews and its reviewers' permissions (GitHub only). */
export interface ReviewSource {
  approvalInput(pullRequest: number): Promise<ApprovalInput>;
  /** The evidence `promote-model` checks the promoted version against (`file`: repo path). */
  promotionEvidence(request: {
    readonly pullRequest: number | null;
    readonly file: string;
  }): Promise<PromotionEvidence>;
}
