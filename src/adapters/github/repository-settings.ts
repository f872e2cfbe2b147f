/**
 * Reads a repository's settings for `mlops doctor` through GitHub's REST API. Most of these
 * endpoints need the Administration (read) permission, or for runner groups the organization's;
 * a token without it gets 403 (or 404, GitHub's answer that hides a resource), which is reported
 * as "could not read", never as "missing".
 */
import type {
  EnvironmentSettings,
  ForkApprovalPolicy,
  RepositorySettingsPort,
  RunnerGroup,
  SettingRead,
  TagRuleset,
  WorkflowPermissions,
} from '../../core/doctor/settings-port.js';
import { GitHubApiError } from '../../core/errors.js';
import { toGitHubApiError, type Octokit } from './octokit.js';

type Dict = Record<string, unknown>;
const PER_PAGE = 100;

const asDict = (value: unknown): Dict =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Dict) : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const strings = (value: unknown): string[] =>
  asArray(value).filter((v): v is string => typeof v === 'string');

/** Statuses that mean "this token may not read it" rather than a failure. */
const UNREADABLE = new Set([401, 403, 404]);

export class GitHubRepositorySettings implements RepositorySettingsPort {
  private readonly octokit: Octokit;
  private readonly owner: string;
  private readonly repo: string;

  constructor(options: { octokit: Octokit; owner: string; repo: string }) {
    this.octokit = options.octokit;
    this.owner = options.owner;
    this.repo = options.repo;
  }

  get repository(): string {
    return `${this.owner}/${this.repo}`;
  }

  private async get(route: string, params: Dict = {}): Promise<unknown> {
    try {
      const response = await this.octokit.request(route, {
        owner: this.owner,
        repo: this.repo,
        ...params,
      });
      return response.data;
    } catch (error) {
      throw toGitHubApiError(error);
    }
  }

  /** The value, or `unreadable` for the statuses in `unreadable`; other errors are thrown. */
  private async read<T>(
    fn: () => Promise<T>,
    unreadable: ReadonlySet<number> = UNREADABLE,
  ): Promise<SettingRead<T>> {
    try {
      return { kind: 'read', value: await fn() };
    } catch (error) {
      if (error instanceof GitHubApiError && unreadable.has(error.status)) {
        return { kind: 'unreadable', status: error.status, reason: error.message };
      }
      throw error;
    }
  }

  forkApprovalPolicy(): Promise<SettingRead<ForkApprovalPolicy>> {
    return this.read(async () => {
      const data = asDict(
        await this.get(
          'GET /repos/{owner}/{repo}/actions/permissions/fork-pr-contributor-approval',
        ),
      );
      return data['approval_policy'] as ForkApprovalPolicy;
    });
  }

  environment(name: string): Promise<SettingRead<EnvironmentSettings | null>> {
    // Anyone with read access can read an environment: 404 means it does not exist.
    return this.read(
      async () => {
        let data: Dict;
        try {
          data = asDict(
            await this.get('GET /repos/{owner}/{repo}/environments/{environment_name}', {
              environment_name: name,
            }),
          );
        } catch (error) {
          if (error instanceof GitHubApiError && error.status === 404) return null;
          throw error;
        }
        const rules = asArray(data['protection_rules']).map(asDict);
        const reviewersRule = rules.find((rule) => rule['type'] === 'required_reviewers');
        const timer = rules.find((rule) => rule['type'] === 'wait_timer');
        return {
          name,
          reviewers: asArray(reviewersRule?.['reviewers']).map((entry) => {
            const reviewer = asDict(asDict(entry)['reviewer']);
            const label = reviewer['login'] ?? reviewer['slug'] ?? reviewer['name'];
            return typeof label === 'string' ? label : String(reviewer['id'] ?? '?');
          }),
          preventSelfReview: reviewersRule?.['prevent_self_review'] === true,
          waitTimerMinutes: typeof timer?.['wait_timer'] === 'number' ? timer['wait_timer'] : 0,
          branchPolicy:
            data['deployment_branch_policy'] !== null &&
            data['deployment_branch_policy'] !== undefined,
        };
      },
      new Set([401, 403]),
    );
  }

  tagRulesets(): Promise<SettingRead<readonly TagRuleset[]>> {
    return this.read(async () => {
      const summaries: Dict[] = [];
      for (let page = 1; ; page += 1) {
        const batch = asArray(
          await this.get('GET /repos/{owner}/{repo}/rulesets', {
            targets: 'tag',
            includes_parents: true,
            per_page: PER_PAGE,
            page,
          }),
        ).map(asDict);
        summaries.push(...batch);
        if (batch.length < PER_PAGE) break;
      }
      const rulesets: TagRuleset[] = [];
      // The list leaves out conditions and rules: each ruleset is read on its own.
      for (const summary of summaries.filter(
        (s) => s['target'] === undefined || s['target'] === 'tag',
      )) {
        const full = asDict(
          await this.get('GET /repos/{owner}/{repo}/rulesets/{ruleset_id}', {
            ruleset_id: summary['id'],
            includes_parents: true,
          }),
        );
        if (full['target'] !== 'tag') continue;
        const refName = asDict(asDict(full['conditions'])['ref_name']);
        rulesets.push({
          id: Number(full['id']),
          name: String(full['name']),
          enforcement: full['enforcement'] as TagRuleset['enforcement'],
          include: strings(refName['include']),
          exclude: strings(refName['exclude']),
          rules: asArray(full['rules'])
            .map((rule) => asDict(rule)['type'])
            .filter((type): type is string => typeof type === 'string'),
          bypassActors: asArray(full['bypass_actors']).length,
        });
      }
      return rulesets;
    });
  }

  runnerGroups(): Promise<SettingRead<readonly RunnerGroup[] | null>> {
    return this.read(async () => {
      const repository = asDict(await this.get('GET /repos/{owner}/{repo}'));
      if (asDict(repository['owner'])['type'] !== 'Organization') return null;
      const groups: Dict[] = [];
      for (let page = 1; ; page += 1) {
        const batch = asArray(
          asDict(
            await this.get('GET /orgs/{org}/actions/runner-groups', {
              org: this.owner,
              visible_to_repository: this.repo,
              per_page: PER_PAGE,
              page,
            }),
          )['runner_groups'],
        ).map(asDict);
        groups.push(...batch);
        if (batch.length < PER_PAGE) break;
      }
      const result: RunnerGroup[] = [];
      for (const group of groups) {
        const runners: RunnerGroup['runners'][number][] = [];
        for (let page = 1; ; page += 1) {
          const batch = asArray(
            asDict(
              await this.get('GET /orgs/{org}/actions/runner-groups/{runner_group_id}/runners', {
                org: this.owner,
                runner_group_id: group['id'],
                per_page: PER_PAGE,
                page,
              }),
            )['runners'],
          ).map(asDict);
          runners.push(
            ...batch.map((runner) => ({
              name: String(runner['name']),
              labels: asArray(runner['labels'])
                .map((label) => asDict(label)['name'])
                .filter((n): n is string => typeof n === 'string'),
              ephemeral: runner['ephemeral'] === true,
            })),
          );
          if (batch.length < PER_PAGE) break;
        }
        result.push({
          id: Number(group['id']),
          name: String(group['name']),
          visibility: String(group['visibility']),
          restrictedToWorkflows: group['restricted_to_workflows'] === true,
          selectedWorkflows: strings(group['selected_workflows']),
          allowsPublicRepositories: group['allows_public_repositories'] === true,
          runners,
        });
      }
      return result;
    });
  }

  workflowPermissions(): Promise<SettingRead<WorkflowPermissions>> {
    return this.read(async () => {
      const data = asDict(await this.get('GET /repos/{owner}/{repo}/actions/permissions/workflow'));
      return {
        defaultWorkflowPermissions:
          data['default_workflow_permissions'] === 'write' ? 'write' : 'read',
        canApprovePullRequestReviews: data['can_approve_pull_request_reviews'] === true,
      };
    });
  }
}
