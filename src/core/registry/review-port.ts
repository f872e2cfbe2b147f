import type { ApprovalInput } from './approval.js';

/** The pull request's reviews and its reviewers' permissions (GitHub only). */
export interface ReviewSource {
  approvalInput(pullRequest: number): Promise<ApprovalInput>;
}
