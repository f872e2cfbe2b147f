/**
 * What check-drift needs from the outside world: the production version's profile and model, the
 * model's drift issue, and the retraining workflow. GitHub adapters implement them
 * (`adapters/github/drift-issue.ts`, the registries); the CLI hands local ones or none.
 */
import type { MarkedIssueTracker, RetrainDispatcher } from '../issues/marked-issue-port.js';
import type { DownloadedModel, StageAssignment } from '../registry/registry-port.js';
import type { DriftSeverity } from './report.js';

/** Where the production version's profile and model come from. */
export interface DriftRegistry {
  findStage(model: string, stage?: string): Promise<StageAssignment | null>;
  downloadModel(model: string, version: string, destDir: string): Promise<DownloadedModel>;
  /** One verified asset of a version, written into `destDir`; its path. */
  downloadAsset(model: string, version: string, name: string, destDir: string): Promise<string>;
}

/** The model's drift issue. */
export type DriftIssueTracker = MarkedIssueTracker<DriftSeverity>;

export type { RetrainDispatcher };
