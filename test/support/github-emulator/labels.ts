/** Repository labels: list, get, create, delete. */
import { notFound, validationFailed } from './api-error.js';
import { paginate } from './pagination.js';
import { optionalString, requiredString } from './request-body.js';
import { repoRoute, type Route } from './router.js';
import type { LabelRecord, RepoState } from './state.js';
import { segment, type Urls } from './urls.js';
import { nodeId } from './users.js';

export function labelJson(
  label: LabelRecord,
  repo: RepoState,
  urls: Urls,
): Record<string, unknown> {
  return {
    id: label.id,
    node_id: nodeId('LA', label.id),
    url: `${urls.repoApi(repo)}/labels/${segment(label.name)}`,
    name: label.name,
    color: label.color,
    default: label.isDefault,
    description: label.description,
  };
}

/** The labels named, creating unknown ones as GitHub does when an issue is given them. */
export function ensureLabels(repo: RepoState, names: readonly string[]): string[] {
  const keys: string[] = [];
  for (const name of names) {
    const key = name.toLowerCase();
    if (!repo.labels.has(key)) repo.addLabel(name);
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

const LABELS = '/repos/{owner}/{repo}/labels';

export const labelRoutes: readonly Route[] = [
  repoRoute('GET', LABELS, 'issues/labels#list-labels-for-a-repository', (ctx) => {
    const page = paginate([...ctx.repo.labels.values()], ctx.req, ctx);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((l) => labelJson(l, ctx.repo, ctx.urls)),
    };
  }),

  repoRoute('POST', LABELS, 'issues/labels#create-a-label', (ctx) => {
    const body = ctx.body();
    const name = requiredString(body, 'name');
    const color = (optionalString(body, 'color') ?? 'ededed').replace(/^#/, '');
    if (!/^[0-9a-fA-F]{6}$/.test(color)) {
      throw validationFailed({ resource: 'Label', code: 'invalid', field: 'color' });
    }
    if (ctx.repo.labels.has(name.toLowerCase())) {
      throw validationFailed({ resource: 'Label', code: 'already_exists', field: 'name' });
    }
    const label = ctx.repo.addLabel(name, {
      color: color.toLowerCase(),
      description: optionalString(body, 'description') ?? null,
    });
    const json = labelJson(label, ctx.repo, ctx.urls);
    return { status: 201, headers: { location: String(json['url']) }, body: json };
  }),

  repoRoute('GET', `${LABELS}/{name}`, 'issues/labels#get-a-label', (ctx) => {
    const label = ctx.repo.labels.get((ctx.params['name'] ?? '').toLowerCase());
    if (label === undefined) throw notFound();
    return { status: 200, body: labelJson(label, ctx.repo, ctx.urls) };
  }),

  repoRoute('DELETE', `${LABELS}/{name}`, 'issues/labels#delete-a-label', (ctx) => {
    const key = (ctx.params['name'] ?? '').toLowerCase();
    if (!ctx.repo.labels.delete(key)) throw notFound();
    for (const issue of ctx.repo.issues.values()) {
      issue.labels = issue.labels.filter((l) => l !== key);
    }
    return { status: 204 };
  }),
];
