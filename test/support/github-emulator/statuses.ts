/** Commit statuses: create on a SHA, list newest first for a ref. */
import { unprocessable, validationFailed } from './api-error.js';
import { paginate } from './pagination.js';
import { nullableString, optionalString } from './request-body.js';
import { repoRoute, type Route } from './router.js';
import type { CommitState, RepoState, StatusRecord } from './state.js';
import type { Urls } from './urls.js';
import { nodeId, userJson } from './users.js';

const STATES: readonly CommitState[] = ['error', 'failure', 'pending', 'success'];

export function statusJson(
  status: StatusRecord,
  repo: RepoState,
  urls: Urls,
): Record<string, unknown> {
  const creator = repo.world.user(status.creator);
  return {
    url: `${urls.repoApi(repo)}/statuses/${status.sha}`,
    avatar_url: creator
      ? `https://avatars.githubusercontent.com/${creator.type === 'Bot' ? 'in' : 'u'}/${creator.id}?v=4`
      : null,
    id: status.id,
    node_id: nodeId('SC', status.id),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.createdAt,
    creator: userJson(status.creator, repo, urls),
  };
}

export const statusRoutes: readonly Route[] = [
  repoRoute(
    'POST',
    '/repos/{owner}/{repo}/statuses/{sha}',
    'commits/statuses#create-a-commit-status',
    (ctx) => {
      const sha = ctx.params['sha'] ?? '';
      if (!ctx.repo.commits.has(sha)) throw unprocessable(`No commit found for SHA: ${sha}`);
      const body = ctx.body();
      const state = body['state'];
      if (typeof state !== 'string' || !(STATES as readonly string[]).includes(state)) {
        throw validationFailed({
          resource: 'Status',
          code: 'custom',
          field: 'state',
          message: 'state is not included in the list',
        });
      }
      const status: StatusRecord = {
        id: ctx.state.nextId(),
        sha,
        state: state as CommitState,
        targetUrl: nullableString(body, 'target_url') ?? null,
        description: nullableString(body, 'description') ?? null,
        context: optionalString(body, 'context') ?? 'default',
        creator: ctx.actor.login,
        createdAt: ctx.state.timestamp(),
      };
      ctx.repo.statuses.push(status);
      const json = statusJson(status, ctx.repo, ctx.urls);
      return { status: 201, headers: { location: String(json['url']) }, body: json };
    },
  ),

  repoRoute(
    'GET',
    '/repos/{owner}/{repo}/commits/{ref}/statuses',
    'commits/statuses#list-commit-statuses-for-a-reference',
    (ctx) => {
      const sha = ctx.repo.resolveCommitish(ctx.params['ref'] ?? '');
      const statuses =
        sha === undefined
          ? []
          : ctx.repo.statuses.filter((s) => s.sha === sha).sort((a, b) => b.id - a.id);
      const page = paginate(statuses, ctx.req, ctx);
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map((s) => statusJson(s, ctx.repo, ctx.urls)),
      };
    },
  ),
];
