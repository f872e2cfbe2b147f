import type { EvaluationReport } from '../evaluate/report.js';
import type { StageAssignment } from './registry-port.js';

/** Opens or updates the promotion pull request (GitHub only). */
export interface PromotionRequests {
  open(request: {
    readonly model: string;
    readonly version: string;
    readonly stage: string;
    readonly releaseUrl: string;
    readonly current: StageAssignment | null;
    readonly report: EvaluationReport | null;
  }): Promise<{ readonly url: string; readonly number: number; readonly action: string }>;
}
