/**
 * What check-drift needs from the outside world: the production version's profile and model, the
 * model's drift issue, and the retraining workflow. GitHub adapters implement them
 * (`adapters/github/drift-issue.ts`, the registries); the CLI hands local ones or none.
 */
import type { DownloadedModel, StageAssignment } from '../registry/registry-port.js';
import type { DriftSeverity } from './report.js';

/** Where the production version's profile and model come from. */
export interface DriftRegistry {
  findStage(model: string, stage?: string): Promise<StageAssignment | null>;
  downloadModel(model: string, version: string, destDir: string): Promise<DownloadedModel>;
  /** One verified asset of a version, written into `destDir`; its path. */
  downloadAsset(model: string, version: string, name: string, destDir: string): Promise<string>;
}

export interface DriftIssueTracker {
  /** Opens the model's drift issue, or updates the open one (body, labels) and comments on it. */
  open(input: {
    readonly model: string;
    readonly title: string;
    readonly body: string;
    /** The comment on an existing issue, given the severity its body showed. */
    readonly comment: (previous: DriftSeverity | null) => string;
    readonly labels: readonly string[];
    readonly removeLabels: readonly string[];
  }): Promise<{ number: number; url: string; created: boolean }>;
  /** Comments on and closes the open drift issue; null when there is none. */
  resolve(input: {
    readonly model: string;
    readonly comment: string;
  }): Promise<{ number: number; url: string } | null>;
}

export interface RetrainDispatcher {
  dispatch(workflow: string, inputs: Record<string, string>): Promise<void>;
}
