/**
 * What `mlops doctor` reads of a repository's settings, behind a port so that the checks stay
 * pure (`diagnose.ts`) and the reading (the REST API, `adapters/github/repository-settings.ts`)
 * can be replaced in tests. Each reading says whether it could be read: most of these settings
 * need the administration permission, which `GITHUB_TOKEN` never has.
 */

/** A setting as read: its value, or why it could not be read (403/404 of a settings endpoint). */
export type SettingRead<T> =
  | { readonly kind: 'read'; readonly value: T }
  | { readonly kind: 'unreadable'; readonly status: number; readonly reason: string };

/** GitHub's fork pull request approval policy (`actions/permissions/fork-pr-contributor-approval`). */
export type ForkApprovalPolicy =
  'first_time_contributors_new_to_github' | 'first_time_contributors' | 'all_external_contributors';

export interface EnvironmentSettings {
  readonly name: string;
  /** Users and teams of the `required_reviewers` protection rule (empty: no such rule). */
  readonly reviewers: readonly string[];
  readonly preventSelfReview: boolean;
  /** Minutes of the `wait_timer` rule (0: none). */
  readonly waitTimerMinutes: number;
  /** Whether a deployment branch policy limits which branches may use the environment. */
  readonly branchPolicy: boolean;
}

export interface TagRuleset {
  readonly id: number;
  readonly name: string;
  readonly enforcement: 'active' | 'disabled' | 'evaluate';
  /** `conditions.ref_name.include`, e.g. `refs/tags/*@v*` or `~ALL`. */
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  /** Rule types: creation, update, deletion, non_fast_forward, ... */
  readonly rules: readonly string[];
  /** How many actors can bypass it (the identity that publishes must be one). */
  readonly bypassActors: number;
}

export interface RunnerGroup {
  readonly id: number;
  readonly name: string;
  /** all, selected or private (GitHub's `visibility`). */
  readonly visibility: string;
  readonly restrictedToWorkflows: boolean;
  readonly selectedWorkflows: readonly string[];
  readonly allowsPublicRepositories: boolean;
  readonly runners: readonly { name: string; labels: readonly string[]; ephemeral: boolean }[];
}

export interface WorkflowPermissions {
  readonly defaultWorkflowPermissions: 'read' | 'write';
  /** "Allow GitHub Actions to create and approve pull requests". */
  readonly canApprovePullRequestReviews: boolean;
}

/** The port: one method per setting. */
export interface RepositorySettingsPort {
  /** `owner/repo`, as findings name it. */
  readonly repository: string;
  forkApprovalPolicy(): Promise<SettingRead<ForkApprovalPolicy>>;
  /** `null`: the environment does not exist (404). */
  environment(name: string): Promise<SettingRead<EnvironmentSettings | null>>;
  /** Rulesets that target tags (details included). */
  tagRulesets(): Promise<SettingRead<readonly TagRuleset[]>>;
  /** The organization's runner groups visible to this repository; `null`: a personal repository. */
  runnerGroups(): Promise<SettingRead<readonly RunnerGroup[] | null>>;
  workflowPermissions(): Promise<SettingRead<WorkflowPermissions>>;
}

/** Everything read, for `diagnose`. */
export interface RepositorySettings {
  readonly repository: string;
  readonly forkApproval: SettingRead<ForkApprovalPolicy>;
  /** Absent when no environment is used (training on GitHub-hosted runners). */
  readonly environment?: SettingRead<EnvironmentSettings | null>;
  readonly tagRulesets: SettingRead<readonly TagRuleset[]>;
  readonly runnerGroups: SettingRead<readonly RunnerGroup[] | null>;
  readonly workflowPermissions: SettingRead<WorkflowPermissions>;
}
