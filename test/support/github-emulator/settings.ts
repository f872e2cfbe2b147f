/**
 * Repository and organization settings `mlops doctor` reads: the fork pull request approval
 * policy, environments, rulesets, runner groups and the default workflow permissions. Tests set
 * them through `repoSettings(repo)` and `orgRunnerGroups(state, org)`; a name in `forbidden`
 * makes its endpoints answer 403 as they do for a token without the Administration permission.
 * GitHub's defaults: approval for first-time contributors only, no environment, no ruleset,
 * read-only `GITHUB_TOKEN` that cannot approve pull requests.
 */
import { ApiError, notFound } from './api-error.js';
import { paginate } from './pagination.js';
import { repoRoute, route, type RepoContext, type Route } from './router.js';
import type { EmulatorState, RepoState } from './state.js';
import type { Urls } from './urls.js';
import { nodeId, simpleUser } from './users.js';

export type SettingsArea =
  'fork-approval' | 'environments' | 'rulesets' | 'workflow-permissions' | 'runner-groups';

export interface EnvironmentRecord {
  readonly id: number;
  readonly name: string;
  /** Logins of the required reviewers (users of the emulator); empty: no such rule. */
  reviewers: string[];
  preventSelfReview: boolean;
  waitTimer: number;
  createdAt: string;
}

export interface RulesetRecord {
  readonly id: number;
  name: string;
  target: 'branch' | 'tag' | 'push' | 'repository';
  enforcement: 'disabled' | 'active' | 'evaluate';
  include: string[];
  exclude: string[];
  /** Rule types without parameters: creation, update, deletion, non_fast_forward... */
  rules: string[];
  bypassActors: { actorId: number; actorType: 'Integration' | 'RepositoryRole' | 'Team' }[];
  createdAt: string;
}

export interface RunnerRecord {
  readonly id: number;
  name: string;
  labels: string[];
  ephemeral: boolean;
}

export interface RunnerGroupRecord {
  readonly id: number;
  name: string;
  visibility: 'all' | 'selected' | 'private';
  /** Names of the repositories a `selected` group is visible to. */
  repositories: string[];
  restrictedToWorkflows: boolean;
  selectedWorkflows: string[];
  allowsPublicRepositories: boolean;
  runners: RunnerRecord[];
}

export class RepoSettings {
  forkApprovalPolicy:
    | 'first_time_contributors_new_to_github'
    | 'first_time_contributors'
    | 'all_external_contributors' = 'first_time_contributors';
  defaultWorkflowPermissions: 'read' | 'write' = 'read';
  canApprovePullRequestReviews = false;
  readonly environments = new Map<string, EnvironmentRecord>();
  readonly rulesets = new Map<number, RulesetRecord>();
  /** Areas whose endpoints answer 403. */
  readonly forbidden = new Set<SettingsArea>();
  private nextId = 1;

  constructor(private readonly repo: RepoState) {}

  addEnvironment(
    name: string,
    options: { reviewers?: string[]; preventSelfReview?: boolean; waitTimer?: number } = {},
  ): EnvironmentRecord {
    const record: EnvironmentRecord = {
      id: 161088068 + this.nextId++,
      name,
      reviewers: options.reviewers ?? [],
      preventSelfReview: options.preventSelfReview ?? false,
      waitTimer: options.waitTimer ?? 0,
      createdAt: this.repo.world.timestamp(),
    };
    this.environments.set(name.toLowerCase(), record);
    return record;
  }

  addRuleset(
    options: Partial<Omit<RulesetRecord, 'id' | 'createdAt'>> & { include: string[] },
  ): RulesetRecord {
    const record: RulesetRecord = {
      id: 42 + this.nextId++,
      name: options.name ?? `ruleset ${this.nextId}`,
      target: options.target ?? 'tag',
      enforcement: options.enforcement ?? 'active',
      include: options.include,
      exclude: options.exclude ?? [],
      rules: options.rules ?? ['update', 'deletion'],
      bypassActors: options.bypassActors ?? [],
      createdAt: this.repo.world.timestamp(),
    };
    this.rulesets.set(record.id, record);
    return record;
  }
}

const repoSettingsOf = new WeakMap<RepoState, RepoSettings>();
const runnerGroupsOf = new WeakMap<EmulatorState, Map<string, RunnerGroupRecord[]>>();

/** The settings of a repository, created with GitHub's defaults on first use. */
export function repoSettings(repo: RepoState): RepoSettings {
  let settings = repoSettingsOf.get(repo);
  if (settings === undefined) {
    settings = new RepoSettings(repo);
    repoSettingsOf.set(repo, settings);
  }
  return settings;
}

/** An organization's runner groups (add to the array); none by default. */
export function orgRunnerGroups(state: EmulatorState, org: string): RunnerGroupRecord[] {
  let byOrg = runnerGroupsOf.get(state);
  if (byOrg === undefined) {
    byOrg = new Map();
    runnerGroupsOf.set(state, byOrg);
  }
  let groups = byOrg.get(org.toLowerCase());
  if (groups === undefined) {
    groups = [];
    byOrg.set(org.toLowerCase(), groups);
  }
  return groups;
}

/** Which organizations' runner groups answer 403. */
const forbiddenOrgs = new WeakMap<EmulatorState, Set<string>>();

export function forbidRunnerGroups(state: EmulatorState, org: string): void {
  const set = forbiddenOrgs.get(state) ?? new Set<string>();
  set.add(org.toLowerCase());
  forbiddenOrgs.set(state, set);
}

function guard(ctx: RepoContext, area: SettingsArea): RepoSettings {
  const settings = repoSettings(ctx.repo);
  if (settings.forbidden.has(area)) {
    throw new ApiError(403, 'Resource not accessible by integration');
  }
  return settings;
}

function environmentJson(
  env: EnvironmentRecord,
  repo: RepoState,
  ctx: { urls: Urls; state: EmulatorState },
): Record<string, unknown> {
  const rules: Record<string, unknown>[] = [];
  if (env.waitTimer > 0) {
    rules.push({
      id: env.id * 10 + 1,
      node_id: nodeId('GA', env.id * 10 + 1),
      type: 'wait_timer',
      wait_timer: env.waitTimer,
    });
  }
  if (env.reviewers.length > 0) {
    rules.push({
      id: env.id * 10 + 2,
      node_id: nodeId('GA', env.id * 10 + 2),
      type: 'required_reviewers',
      prevent_self_review: env.preventSelfReview,
      reviewers: env.reviewers.map((login) => {
        const user = ctx.state.user(login);
        if (user === undefined) throw new Error(`emulator: no user ${login} to review`);
        return { type: 'User', reviewer: simpleUser(user, ctx.urls) };
      }),
    });
  }
  return {
    id: env.id,
    node_id: nodeId('EN', env.id),
    name: env.name,
    url: `${ctx.urls.repoApi(repo)}/environments/${encodeURIComponent(env.name)}`,
    html_url: `${ctx.urls.repoHtml(repo)}/deployments/activity_log?environments_filter=${encodeURIComponent(env.name)}`,
    created_at: env.createdAt,
    updated_at: env.createdAt,
    protection_rules: rules,
    deployment_branch_policy: null,
  };
}

function rulesetJson(
  ruleset: RulesetRecord,
  repo: RepoState,
  urls: Urls,
  full: boolean,
): Record<string, unknown> {
  const self = `${urls.repoApi(repo)}/rulesets/${ruleset.id}`;
  return {
    id: ruleset.id,
    name: ruleset.name,
    target: ruleset.target,
    source_type: 'Repository',
    source: repo.fullName,
    enforcement: ruleset.enforcement,
    node_id: nodeId('RRS', ruleset.id),
    _links: {
      self: { href: self },
      html: { href: `${urls.repoHtml(repo)}/rules/${ruleset.id}` },
    },
    created_at: ruleset.createdAt,
    updated_at: ruleset.createdAt,
    ...(full
      ? {
          bypass_actors: ruleset.bypassActors.map((a) => ({
            actor_id: a.actorId,
            actor_type: a.actorType,
            bypass_mode: 'always',
          })),
          current_user_can_bypass: 'never',
          conditions: { ref_name: { include: ruleset.include, exclude: ruleset.exclude } },
          rules: ruleset.rules.map((type) => ({ type })),
        }
      : {}),
  };
}

function runnerGroupJson(
  group: RunnerGroupRecord,
  org: string,
  urls: Urls,
): Record<string, unknown> {
  const base = urls.api(`/orgs/${org}/actions/runner-groups/${group.id}`);
  return {
    id: group.id,
    name: group.name,
    visibility: group.visibility,
    default: group.id === 1,
    ...(group.visibility === 'selected'
      ? { selected_repositories_url: `${base}/repositories` }
      : {}),
    runners_url: `${base}/runners`,
    hosted_runners_url: `${base}/hosted-runners`,
    inherited: false,
    allows_public_repositories: group.allowsPublicRepositories,
    restricted_to_workflows: group.restrictedToWorkflows,
    selected_workflows: group.selectedWorkflows,
    workflow_restrictions_read_only: false,
  };
}

function orgGroups(ctx: { state: EmulatorState; params: Readonly<Record<string, string>> }): {
  org: string;
  groups: RunnerGroupRecord[];
} {
  const org = ctx.params['org'] ?? '';
  const user = ctx.state.user(org);
  if (user === undefined || user.type !== 'Organization') throw notFound();
  if (forbiddenOrgs.get(ctx.state)?.has(org.toLowerCase())) {
    throw new ApiError(403, 'Resource not accessible by integration');
  }
  return { org: user.login, groups: orgRunnerGroups(ctx.state, user.login) };
}

const REPO_ACTIONS = '/repos/{owner}/{repo}/actions/permissions';

export const settingsRoutes: readonly Route[] = [
  repoRoute(
    'GET',
    `${REPO_ACTIONS}/fork-pr-contributor-approval`,
    'actions/permissions#get-fork-pr-contributor-approval-permissions-for-a-repository',
    (ctx) => ({
      status: 200,
      body: { approval_policy: guard(ctx, 'fork-approval').forkApprovalPolicy },
    }),
  ),

  repoRoute(
    'GET',
    `${REPO_ACTIONS}/workflow`,
    'actions/permissions#get-default-workflow-permissions-for-a-repository',
    (ctx) => {
      const settings = guard(ctx, 'workflow-permissions');
      return {
        status: 200,
        body: {
          default_workflow_permissions: settings.defaultWorkflowPermissions,
          can_approve_pull_request_reviews: settings.canApprovePullRequestReviews,
        },
      };
    },
  ),

  repoRoute(
    'GET',
    '/repos/{owner}/{repo}/environments/{environment_name}',
    'deployments/environments#get-an-environment',
    (ctx) => {
      const settings = guard(ctx, 'environments');
      const env = settings.environments.get((ctx.params['environment_name'] ?? '').toLowerCase());
      if (env === undefined) throw notFound();
      return { status: 200, body: environmentJson(env, ctx.repo, ctx) };
    },
  ),

  repoRoute(
    'GET',
    '/repos/{owner}/{repo}/rulesets',
    'repos/rules#get-all-repository-rulesets',
    (ctx) => {
      const settings = guard(ctx, 'rulesets');
      const targets = (ctx.query.get('targets') ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '');
      const all = [...settings.rulesets.values()].filter(
        (r) => targets.length === 0 || targets.includes(r.target),
      );
      const page = paginate(all, ctx.req, ctx);
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map((r) => rulesetJson(r, ctx.repo, ctx.urls, false)),
      };
    },
  ),

  repoRoute(
    'GET',
    '/repos/{owner}/{repo}/rulesets/{ruleset_id}',
    'repos/rules#get-a-repository-ruleset',
    (ctx) => {
      const settings = guard(ctx, 'rulesets');
      const ruleset = settings.rulesets.get(Number(ctx.params['ruleset_id']));
      if (ruleset === undefined) throw notFound();
      return { status: 200, body: rulesetJson(ruleset, ctx.repo, ctx.urls, true) };
    },
  ),

  route(
    'GET',
    '/orgs/{org}/actions/runner-groups',
    'actions/self-hosted-runner-groups#list-self-hosted-runner-groups-for-an-organization',
    (ctx) => {
      const { org, groups } = orgGroups(ctx);
      const repository = ctx.query.get('visible_to_repository');
      const visible = groups.filter(
        (g) =>
          repository === null ||
          g.visibility === 'all' ||
          g.repositories.some((r) => r.toLowerCase() === repository.toLowerCase()),
      );
      const page = paginate(visible, ctx.req, ctx);
      return {
        status: 200,
        headers: page.headers,
        body: {
          total_count: visible.length,
          runner_groups: page.items.map((g) => runnerGroupJson(g, org, ctx.urls)),
        },
      };
    },
  ),

  route(
    'GET',
    '/orgs/{org}/actions/runner-groups/{runner_group_id}/runners',
    'actions/self-hosted-runner-groups#list-self-hosted-runners-in-a-group-for-an-organization',
    (ctx) => {
      const { groups } = orgGroups(ctx);
      const group = groups.find((g) => g.id === Number(ctx.params['runner_group_id']));
      if (group === undefined) throw notFound();
      const page = paginate(group.runners, ctx.req, ctx);
      return {
        status: 200,
        headers: page.headers,
        body: {
          total_count: group.runners.length,
          runners: page.items.map((runner) => ({
            id: runner.id,
            runner_group_id: group.id,
            name: runner.name,
            os: 'linux',
            status: 'online',
            busy: false,
            ephemeral: runner.ephemeral,
            labels: runner.labels.map((name, index) => ({
              id: runner.id * 100 + index,
              name,
              type: ['self-hosted', 'linux', 'x64'].includes(name) ? 'read-only' : 'custom',
            })),
          })),
        },
      };
    },
  ),
];
