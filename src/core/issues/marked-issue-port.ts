/**
 * One issue per model and kind (drift, performance), found again by a hidden marker: opened when
 * the check grades a problem, updated and relabelled by later runs, closed when it resolves. The
 * GitHub adapter (`adapters/github/drift-issue.ts`, `createGitHubMarkedIssues`) implements it for
 * every kind.
 */
export interface MarkedIssueTracker<S extends string> {
  /** Opens the model's issue, or updates the open one (body, labels) and comments on it. */
  open(input: {
    readonly model: string;
    readonly title: string;
    readonly body: string;
    /** The comment on an existing issue, given the severity its body showed. */
    readonly comment: (previous: S | null) => string;
    readonly labels: readonly string[];
    readonly removeLabels: readonly string[];
  }): Promise<{ number: number; url: string; created: boolean }>;
  /** Comments on and closes the open issue; null when there is none. */
  resolve(input: {
    readonly model: string;
    readonly comment: string;
  }): Promise<{ number: number; url: string } | null>;
}

/** Starts the retraining workflow (`workflow_dispatch`) with its inputs. */
export interface RetrainDispatcher {
  dispatch(workflow: string, inputs: Record<string, string>): Promise<void>;
}
