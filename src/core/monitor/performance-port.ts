/**
 * What check-performance needs from the outside world: the production version's recorded
 * metrics, the model's one performance issue, and the retraining dispatch. The GitHub adapters
 * (`adapters/github/performance-issue.ts`, the registries) implement them; the CLI hands local
 * ones or none.
 */
import type { MarkedIssueTracker, RetrainDispatcher } from '../issues/marked-issue-port.js';
import type { StageAssignment } from '../registry/registry-port.js';
import type { CommandRunner } from '../train/train-port.js';
import type { PerformanceSeverity } from './performance-report.js';

export type { RetrainDispatcher };

/** Where the production version and its `metrics.json` come from. */
export interface PerformanceRegistry {
  findStage(model: string, stage?: string): Promise<StageAssignment | null>;
  /** One verified asset of a version, written into `destDir`; its path. */
  downloadAsset(model: string, version: string, name: string, destDir: string): Promise<string>;
}

/** Runs the user's labels command (`monitoring.labels-command`), as train runs its command. */
export type LabelsCommandRunner = CommandRunner;

/** The model's one performance issue (the drift issue's mechanics, another label and marker). */
export type PerformanceIssueTracker = MarkedIssueTracker<PerformanceSeverity>;
