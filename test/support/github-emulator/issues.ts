/** Issues (pull requests included, as GitHub lists them) and the labels on an issue. */
import {
  ApiError,
  MAX_BODY_LENGTH,
  characterCount,
  fieldInvalid,
  notFound,
  validationFailed,
} from './api-error.js';
import { ensureLabels, labelJson } from './labels.js';
import { paginate } from './pagination.js';
import {
  nullableString,
  optionalEnum,
  optionalString,
  optionalStringArray,
} from './request-body.js';
import { repoRoute, type RepoContext, type Route } from './router.js';
import type { IssueRecord, LabelRecord, RepoState } from './state.js';
import type { Urls } from './urls.js';
import { authorAssociation, nodeId, userJson } from './users.js';

export function reactionsJson(url: string): Record<string, unknown> {
  return {
    url,
    total_count: 0,
    '+1': 0,
    '-1': 0,
    laugh: 0,
    hooray: 0,
    confused: 0,
    heart: 0,
    rocket: 0,
    eyes: 0,
  };
}

/** The 422 GitHub gives an issue or pull request body over the limit. */
export function checkBodyLength(body: string | null | undefined, resource: string): void {
  if (body != null && characterCount(body) > MAX_BODY_LENGTH) {
    throw validationFailed({
      resource,
      code: 'custom',
      field: 'body',
      message: `body is too long (maximum is ${MAX_BODY_LENGTH} characters)`,
    });
  }
}

export function issueLabels(issue: IssueRecord, repo: RepoState): LabelRecord[] {
  return issue.labels
    .map((key) => repo.labels.get(key))
    .filter((l): l is LabelRecord => l !== undefined);
}

export function issueHtmlUrl(issue: IssueRecord, repo: RepoState, urls: Urls): string {
  return `${urls.repoHtml(repo)}/${issue.isPullRequest ? 'pull' : 'issues'}/${issue.number}`;
}

export function issueJson(
  issue: IssueRecord,
  repo: RepoState,
  urls: Urls,
): Record<string, unknown> {
  const api = `${urls.repoApi(repo)}/issues/${issue.number}`;
  const comments = [...repo.comments.values()].filter((c) => c.issueNumber === issue.number);
  const pull = issue.isPullRequest ? repo.pulls.get(issue.number) : undefined;
  const html = issueHtmlUrl(issue, repo, urls);
  return {
    url: api,
    repository_url: urls.repoApi(repo),
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: html,
    id: issue.id,
    node_id: nodeId(issue.isPullRequest ? 'PR' : 'I', issue.id),
    number: issue.number,
    title: issue.title,
    user: userJson(issue.user, repo, urls),
    labels: issueLabels(issue, repo).map((l) => labelJson(l, repo, urls)),
    state: issue.state,
    locked: issue.locked,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: comments.length,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: authorAssociation(repo, issue.user),
    active_lock_reason: null,
    ...(pull !== undefined && {
      draft: pull.draft,
      pull_request: {
        url: `${urls.repoApi(repo)}/pulls/${issue.number}`,
        html_url: html,
        diff_url: `${html}.diff`,
        patch_url: `${html}.patch`,
        merged_at: pull.mergedAt,
      },
    }),
    body: issue.body,
    closed_by: issue.closedBy !== null ? userJson(issue.closedBy, repo, urls) : null,
    reactions: reactionsJson(`${api}/reactions`),
    timeline_url: `${api}/timeline`,
    performed_via_github_app: null,
    state_reason: issue.stateReason,
  };
}

function findIssue(ctx: RepoContext): IssueRecord {
  const number = Number(ctx.params['issue_number']);
  const issue = ctx.repo.issue(number);
  if (issue === undefined) throw notFound();
  return issue;
}

function labelList(body: unknown): string[] {
  // GitHub takes `{"labels": [...]}`, a bare array, or `{"labels": [{"name": ...}]}`.
  const wrapped = Array.isArray(body) ? { labels: body } : (body as Record<string, unknown>);
  const names = optionalStringArray(wrapped, 'labels');
  if (names === undefined)
    throw validationFailed({ resource: 'Label', code: 'missing_field', field: 'labels' });
  return names;
}

/** Applies the fields of an issue update shared by issues and pull requests. */
export function updateIssueState(
  issue: IssueRecord,
  state: 'open' | 'closed' | undefined,
  stateReason: IssueRecord['stateReason'] | undefined,
  actor: string,
  now: string,
): void {
  if (state === 'closed' && issue.state === 'open') {
    issue.state = 'closed';
    issue.closedAt = now;
    issue.closedBy = actor;
    issue.stateReason = stateReason ?? 'completed';
  } else if (state === 'open' && issue.state === 'closed') {
    issue.state = 'open';
    issue.closedAt = null;
    issue.closedBy = null;
    issue.stateReason = 'reopened';
  } else if (stateReason !== undefined && issue.state === 'closed') {
    issue.stateReason = stateReason;
  }
}

const ISSUES = '/repos/{owner}/{repo}/issues';
const ISSUE = `${ISSUES}/{issue_number}`;
const STATE_REASONS = ['completed', 'not_planned', 'reopened', 'duplicate'] as const;

export const issueRoutes: readonly Route[] = [
  repoRoute('GET', ISSUES, 'issues/issues#list-repository-issues', (ctx) => {
    const q = ctx.query;
    const state = q.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) {
      throw validationFailed({ resource: 'Issue', code: 'invalid', field: 'state', value: state });
    }
    const wanted = (q.get('labels') ?? '')
      .split(',')
      .map((l) => l.trim().toLowerCase())
      .filter((l) => l !== '');
    const creator = q.get('creator')?.toLowerCase();
    const sort = q.get('sort') ?? 'created';
    const direction = q.get('direction') ?? 'desc';
    const since = q.get('since');
    const issues = [...ctx.repo.issues.values()]
      .filter((i) => state === 'all' || i.state === state)
      .filter((i) => wanted.every((l) => i.labels.includes(l)))
      .filter((i) => creator === undefined || i.user.toLowerCase() === creator)
      .filter((i) => since === null || i.updatedAt >= since)
      .sort((a, b) => {
        const key = sort === 'updated' ? 'updatedAt' : 'createdAt';
        // Equal timestamps are common within one second: fall back to the number.
        const order = a[key].localeCompare(b[key]) || a.number - b.number;
        return direction === 'asc' ? order : -order;
      });
    const page = paginate(issues, ctx.req, ctx);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((i) => issueJson(i, ctx.repo, ctx.urls)),
    };
  }),

  repoRoute('POST', ISSUES, 'issues/issues#create-an-issue', (ctx) => {
    const body = ctx.body();
    const rawTitle = body['title'];
    if (rawTitle === undefined || rawTitle === null) {
      throw new ApiError(422, 'Invalid request.\n\n"title" wasn\'t supplied.');
    }
    if (typeof rawTitle !== 'string' && typeof rawTitle !== 'number') {
      throw fieldInvalid('title', rawTitle, 'string or integer');
    }
    const text = optionalString(body, 'body') ?? null;
    checkBodyLength(text, 'Issue');
    const now = ctx.state.timestamp();
    const issue: IssueRecord = {
      id: ctx.state.nextId(),
      number: ctx.repo.nextNumber++,
      title: String(rawTitle),
      body: text,
      state: 'open',
      stateReason: null,
      user: ctx.actor.login,
      labels: ensureLabels(ctx.repo, optionalStringArray(body, 'labels') ?? []),
      locked: false,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      closedBy: null,
      isPullRequest: false,
    };
    ctx.repo.issues.set(issue.number, issue);
    return {
      status: 201,
      headers: { location: `${ctx.urls.repoApi(ctx.repo)}/issues/${issue.number}` },
      body: issueJson(issue, ctx.repo, ctx.urls),
    };
  }),

  repoRoute('GET', ISSUE, 'issues/issues#get-an-issue', (ctx) => ({
    status: 200,
    body: issueJson(findIssue(ctx), ctx.repo, ctx.urls),
  })),

  repoRoute('PATCH', ISSUE, 'issues/issues#update-an-issue', (ctx) => {
    const issue = findIssue(ctx);
    const body = ctx.body();
    const title = optionalString(body, 'title');
    const text = nullableString(body, 'body');
    checkBodyLength(text, 'Issue');
    const state = optionalEnum(body, 'state', ['open', 'closed'] as const);
    const stateReason = optionalEnum(body, 'state_reason', STATE_REASONS);
    const labels = optionalStringArray(body, 'labels');
    const now = ctx.state.timestamp();
    if (title !== undefined) issue.title = title;
    if (text !== undefined) issue.body = text;
    if (labels !== undefined) issue.labels = ensureLabels(ctx.repo, labels);
    updateIssueState(issue, state, stateReason, ctx.actor.login, now);
    issue.updatedAt = now;
    return { status: 200, body: issueJson(issue, ctx.repo, ctx.urls) };
  }),

  repoRoute('GET', `${ISSUE}/labels`, 'issues/labels#list-labels-for-an-issue', (ctx) => {
    const page = paginate(issueLabels(findIssue(ctx), ctx.repo), ctx.req, ctx);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((l) => labelJson(l, ctx.repo, ctx.urls)),
    };
  }),

  repoRoute('POST', `${ISSUE}/labels`, 'issues/labels#add-labels-to-an-issue', (ctx) => {
    const issue = findIssue(ctx);
    const added = ensureLabels(ctx.repo, labelList(parseJson(ctx)));
    issue.labels = [...issue.labels, ...added.filter((k) => !issue.labels.includes(k))];
    issue.updatedAt = ctx.state.timestamp();
    return {
      status: 200,
      body: issueLabels(issue, ctx.repo).map((l) => labelJson(l, ctx.repo, ctx.urls)),
    };
  }),

  repoRoute('PUT', `${ISSUE}/labels`, 'issues/labels#set-labels-for-an-issue', (ctx) => {
    const issue = findIssue(ctx);
    issue.labels = ensureLabels(ctx.repo, labelList(parseJson(ctx)));
    issue.updatedAt = ctx.state.timestamp();
    return {
      status: 200,
      body: issueLabels(issue, ctx.repo).map((l) => labelJson(l, ctx.repo, ctx.urls)),
    };
  }),

  repoRoute('DELETE', `${ISSUE}/labels`, 'issues/labels#remove-all-labels-from-an-issue', (ctx) => {
    const issue = findIssue(ctx);
    issue.labels = [];
    issue.updatedAt = ctx.state.timestamp();
    return { status: 204 };
  }),

  repoRoute(
    'DELETE',
    `${ISSUE}/labels/{name}`,
    'issues/labels#remove-a-label-from-an-issue',
    (ctx) => {
      const issue = findIssue(ctx);
      const key = (ctx.params['name'] ?? '').toLowerCase();
      if (!issue.labels.includes(key)) throw new ApiError(404, 'Label does not exist');
      issue.labels = issue.labels.filter((l) => l !== key);
      issue.updatedAt = ctx.state.timestamp();
      return {
        status: 200,
        body: issueLabels(issue, ctx.repo).map((l) => labelJson(l, ctx.repo, ctx.urls)),
      };
    },
  ),
];

/** The body as parsed JSON of any shape; label endpoints accept a bare array. */
function parseJson(ctx: RepoContext): unknown {
  const text = ctx.req.body.toString('utf8').trim();
  if (text.startsWith('[')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ApiError(400, 'Problems parsing JSON');
    }
  }
  return ctx.body();
}
