/** Pull requests and their reviews. A pull request is also an issue, sharing its number. */
import { notFound, unprocessableEntity, validationFailed } from './api-error.js';
import { checkBodyLength, issueLabels, updateIssueState } from './issues.js';
import { labelJson } from './labels.js';
import { paginate } from './pagination.js';
import { repositoryJson } from './repos.js';
import {
  nullableString,
  optionalBoolean,
  optionalEnum,
  optionalString,
  requiredString,
} from './request-body.js';
import { repoRoute, type RepoContext, type Route } from './router.js';
import type {
  CommitRecord,
  IssueRecord,
  PullRecord,
  RepoState,
  ReviewRecord,
  ReviewState,
} from './state.js';
import type { Urls } from './urls.js';
import { authorAssociation, nodeId, userJson } from './users.js';
import { accountOf, commitJson, treeDiff } from './git.js';

function branchJson(
  repo: RepoState,
  urls: Urls,
  ref: string,
  sha: string,
): Record<string, unknown> {
  return {
    label: `${repo.owner.login}:${ref}`,
    ref,
    sha,
    user: userJson(repo.owner.login, repo, urls),
    repo: repositoryJson(repo, urls),
  };
}

/** `pull-request` (detail = true) or `pull-request-simple`, as lists give it. */
export function pullJson(
  pull: PullRecord,
  issue: IssueRecord,
  repo: RepoState,
  urls: Urls,
  detail: boolean,
): Record<string, unknown> {
  const api = `${urls.repoApi(repo)}/pulls/${pull.number}`;
  const issueApi = `${urls.repoApi(repo)}/issues/${pull.number}`;
  const html = `${urls.repoHtml(repo)}/pull/${pull.number}`;
  const statuses = `${urls.repoApi(repo)}/statuses/${pull.headSha}`;
  const json: Record<string, unknown> = {
    url: api,
    id: pull.id,
    node_id: nodeId('PR', pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueApi,
    number: pull.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    user: userJson(issue.user, repo, urls),
    body: issue.body,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: issueLabels(issue, repo).map((l) => labelJson(l, repo, urls)),
    milestone: null,
    draft: pull.draft,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${urls.repoApi(repo)}/pulls/comments{/number}`,
    comments_url: `${issueApi}/comments`,
    statuses_url: statuses,
    head: branchJson(repo, urls, pull.headRef, pull.headSha),
    base: branchJson(repo, urls, pull.baseRef, pull.baseSha),
    _links: {
      self: { href: api },
      html: { href: html },
      issue: { href: issueApi },
      comments: { href: `${issueApi}/comments` },
      review_comments: { href: `${api}/comments` },
      review_comment: { href: `${urls.repoApi(repo)}/pulls/comments{/number}` },
      commits: { href: `${api}/commits` },
      statuses: { href: statuses },
    },
    author_association: authorAssociation(repo, issue.user),
    auto_merge: null,
    active_lock_reason: null,
  };
  if (!detail) return json;
  const comments = [...repo.comments.values()].filter((c) => c.issueNumber === pull.number);
  return {
    ...json,
    merged: pull.merged,
    mergeable: issue.state === 'open' ? true : null,
    rebaseable: issue.state === 'open' ? true : null,
    mergeable_state: issue.state === 'open' ? 'clean' : 'unknown',
    merged_by: pull.mergedBy !== null ? userJson(pull.mergedBy, repo, urls) : null,
    comments: comments.length,
    review_comments: 0,
    maintainer_can_modify: pull.maintainerCanModify,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

export function reviewJson(
  review: ReviewRecord,
  repo: RepoState,
  urls: Urls,
): Record<string, unknown> {
  const pullApi = `${urls.repoApi(repo)}/pulls/${review.pullNumber}`;
  const html = `${urls.repoHtml(repo)}/pull/${review.pullNumber}#pullrequestreview-${review.id}`;
  return {
    id: review.id,
    node_id: nodeId('PRR', review.id),
    user: userJson(review.user, repo, urls),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: pullApi,
    author_association: authorAssociation(repo, review.user),
    _links: { html: { href: html }, pull_request: { href: pullApi } },
    ...(review.submittedAt !== null && { submitted_at: review.submittedAt }),
    commit_id: review.commitId,
  };
}

/** Commits reachable from the head and not from the base the pull request was opened on. */
function pullCommits(repo: RepoState, pull: PullRecord): CommitRecord[] {
  const inBase = new Set<string>();
  const stack = [pull.baseSha];
  while (stack.length > 0) {
    const sha = stack.pop() as string;
    if (inBase.has(sha)) continue;
    inBase.add(sha);
    stack.push(...(repo.commits.get(sha)?.parents ?? []));
  }
  const found: CommitRecord[] = [];
  const seen = new Set<string>();
  const queue = [pull.headSha];
  while (queue.length > 0) {
    const sha = queue.pop() as string;
    if (seen.has(sha) || inBase.has(sha)) continue;
    seen.add(sha);
    const commit = repo.commits.get(sha);
    if (commit === undefined) continue;
    found.push(commit);
    queue.push(...commit.parents);
  }
  // Parents before children: reverse of the walk from the head for a linear history.
  return found.reverse();
}

function findPull(ctx: RepoContext): { pull: PullRecord; issue: IssueRecord } {
  const number = Number(ctx.params['pull_number']);
  const pull = ctx.repo.pulls.get(number);
  const issue = ctx.repo.issue(number);
  if (pull === undefined || issue === undefined) throw notFound();
  return { pull, issue };
}

/** `owner:branch` or `branch`, as `head` is given; the branch name alone. */
function branchName(value: string): string {
  const colon = value.indexOf(':');
  return colon >= 0 ? value.slice(colon + 1) : value;
}

const PULLS = '/repos/{owner}/{repo}/pulls';
const PULL = `${PULLS}/{pull_number}`;
const REVIEW_EVENTS = ['APPROVE', 'REQUEST_CHANGES', 'COMMENT'] as const;
const REVIEW_STATES: Record<(typeof REVIEW_EVENTS)[number], ReviewState> = {
  APPROVE: 'APPROVED',
  REQUEST_CHANGES: 'CHANGES_REQUESTED',
  COMMENT: 'COMMENTED',
};

export const pullRoutes: readonly Route[] = [
  repoRoute('GET', PULLS, 'pulls/pulls#list-pull-requests', (ctx) => {
    const q = ctx.query;
    const state = q.get('state') ?? 'open';
    const head = q.get('head');
    const base = q.get('base');
    const direction = q.get('direction') ?? 'desc';
    const pulls = [...ctx.repo.pulls.values()]
      .map((pull) => ({ pull, issue: ctx.repo.issue(pull.number) as IssueRecord }))
      .filter(({ issue }) => state === 'all' || issue.state === state)
      .filter(
        ({ pull }) =>
          head === null ||
          `${ctx.repo.owner.login}:${pull.headRef}`.toLowerCase() === head.toLowerCase(),
      )
      .filter(({ pull }) => base === null || pull.baseRef === base)
      .sort((a, b) => (direction === 'asc' ? 1 : -1) * (a.pull.number - b.pull.number));
    const page = paginate(pulls, ctx.req, ctx);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map(({ pull, issue }) => pullJson(pull, issue, ctx.repo, ctx.urls, false)),
    };
  }),

  repoRoute('POST', PULLS, 'pulls/pulls#create-a-pull-request', (ctx) => {
    const body = ctx.body();
    const title = requiredString(body, 'title');
    const headRef = branchName(requiredString(body, 'head'));
    const baseRef = requiredString(body, 'base');
    const text = optionalString(body, 'body') ?? null;
    checkBodyLength(text, 'PullRequest');
    const headSha = ctx.repo.refs.get(`refs/heads/${headRef}`);
    const baseSha = ctx.repo.refs.get(`refs/heads/${baseRef}`);
    if (headSha === undefined) {
      throw validationFailed({ resource: 'PullRequest', field: 'head', code: 'invalid' });
    }
    if (baseSha === undefined) {
      throw validationFailed({ resource: 'PullRequest', field: 'base', code: 'invalid' });
    }
    if (headSha === baseSha) {
      throw validationFailed({
        resource: 'PullRequest',
        code: 'custom',
        message: `No commits between ${baseRef} and ${headRef}`,
      });
    }
    const open = [...ctx.repo.pulls.values()].find(
      (p) =>
        p.headRef === headRef &&
        p.baseRef === baseRef &&
        ctx.repo.issue(p.number)?.state === 'open',
    );
    if (open !== undefined) {
      throw validationFailed({
        resource: 'PullRequest',
        code: 'custom',
        message: `A pull request already exists for ${ctx.repo.owner.login}:${headRef}.`,
      });
    }
    const now = ctx.state.timestamp();
    const number = ctx.repo.nextNumber++;
    const issue: IssueRecord = {
      id: ctx.state.nextId(),
      number,
      title,
      body: text,
      state: 'open',
      stateReason: null,
      user: ctx.actor.login,
      labels: [],
      locked: false,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      closedBy: null,
      isPullRequest: true,
    };
    const pull: PullRecord = {
      id: ctx.state.nextId(),
      number,
      headRef,
      headSha,
      baseRef,
      baseSha,
      draft: optionalBoolean(body, 'draft') ?? false,
      merged: false,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
      maintainerCanModify: optionalBoolean(body, 'maintainer_can_modify') ?? false,
    };
    ctx.repo.issues.set(number, issue);
    ctx.repo.pulls.set(number, pull);
    return {
      status: 201,
      headers: { location: `${ctx.urls.repoApi(ctx.repo)}/pulls/${number}` },
      body: pullJson(pull, issue, ctx.repo, ctx.urls, true),
    };
  }),

  repoRoute('GET', PULL, 'pulls/pulls#get-a-pull-request', (ctx) => {
    const { pull, issue } = findPull(ctx);
    return { status: 200, body: pullJson(pull, issue, ctx.repo, ctx.urls, true) };
  }),

  repoRoute('PATCH', PULL, 'pulls/pulls#update-a-pull-request', (ctx) => {
    const { pull, issue } = findPull(ctx);
    const body = ctx.body();
    const title = optionalString(body, 'title');
    const text = nullableString(body, 'body');
    checkBodyLength(text, 'PullRequest');
    const state = optionalEnum(body, 'state', ['open', 'closed'] as const);
    const base = optionalString(body, 'base');
    const canModify = optionalBoolean(body, 'maintainer_can_modify');
    if (base !== undefined) {
      const baseSha = ctx.repo.refs.get(`refs/heads/${base}`);
      if (baseSha === undefined) {
        throw validationFailed({ resource: 'PullRequest', field: 'base', code: 'invalid' });
      }
      pull.baseRef = base;
      pull.baseSha = baseSha;
    }
    if (pull.merged && state === 'open') {
      throw validationFailed({
        resource: 'PullRequest',
        code: 'custom',
        message: 'state cannot be changed. The pull request has already been merged.',
      });
    }
    const now = ctx.state.timestamp();
    if (title !== undefined) issue.title = title;
    if (text !== undefined) issue.body = text;
    if (canModify !== undefined) pull.maintainerCanModify = canModify;
    updateIssueState(issue, state, undefined, ctx.actor.login, now);
    issue.updatedAt = now;
    return { status: 200, body: pullJson(pull, issue, ctx.repo, ctx.urls, true) };
  }),

  repoRoute('GET', `${PULL}/commits`, 'pulls/pulls#list-commits-on-a-pull-request', (ctx) => {
    const { pull } = findPull(ctx);
    // The commits the head has and the base had not, oldest first, as GitHub lists them.
    const commits = pullCommits(ctx.repo, pull);
    const page = paginate(commits, ctx.req, ctx);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((commit) => {
        const { files: _files, stats: _stats, ...json } = commitJson(commit, ctx.repo, ctx.urls);
        const author = accountOf(ctx.repo, commit.author);
        const committer = accountOf(ctx.repo, commit.committer);
        return {
          ...json,
          author: author === null ? null : userJson(author, ctx.repo, ctx.urls),
          committer: committer === null ? null : userJson(committer, ctx.repo, ctx.urls),
        };
      }),
    };
  }),

  repoRoute('GET', `${PULL}/files`, 'pulls/pulls#list-pull-requests-files', (ctx) => {
    const { pull } = findPull(ctx);
    const head = ctx.repo.commits.get(pull.headSha);
    if (head === undefined) throw notFound();
    // Against the merge base, as GitHub's three-dot diff shows it.
    const base = ctx.repo.mergeBase(pull.baseSha, pull.headSha);
    const before =
      (base !== undefined ? ctx.repo.commits.get(base)?.files : undefined) ?? new Map();
    const page = paginate(treeDiff(before, head, ctx.repo, ctx.urls), ctx.req, ctx);
    return { status: 200, headers: page.headers, body: page.items };
  }),

  repoRoute('GET', `${PULL}/reviews`, 'pulls/reviews#list-reviews-for-a-pull-request', (ctx) => {
    const { pull } = findPull(ctx);
    const reviews = [...ctx.repo.reviews.values()]
      .filter((r) => r.pullNumber === pull.number)
      .sort((a, b) => a.id - b.id);
    const page = paginate(reviews, ctx.req, ctx);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((r) => reviewJson(r, ctx.repo, ctx.urls)),
    };
  }),

  repoRoute(
    'POST',
    `${PULL}/reviews`,
    'pulls/reviews#create-a-review-for-a-pull-request',
    (ctx) => {
      const { pull, issue } = findPull(ctx);
      const body = ctx.body();
      const event = optionalEnum(body, 'event', REVIEW_EVENTS);
      const text = optionalString(body, 'body') ?? '';
      const commitId = optionalString(body, 'commit_id') ?? pull.headSha;
      if (!ctx.repo.commits.has(commitId)) {
        throw unprocessableEntity('Commit ID is not part of the pull request');
      }
      if (event === 'APPROVE' && issue.user.toLowerCase() === ctx.actor.login.toLowerCase()) {
        throw unprocessableEntity('Can not approve your own pull request');
      }
      if ((event === 'REQUEST_CHANGES' || event === 'COMMENT') && text.trim() === '') {
        // GitHub requires a body for these events; the exact wording of its refusal is a guess.
        throw unprocessableEntity(`Body is required for a ${event} review`);
      }
      const review: ReviewRecord = {
        id: ctx.state.nextId(),
        pullNumber: pull.number,
        user: ctx.actor.login,
        body: text,
        state: event !== undefined ? REVIEW_STATES[event] : 'PENDING',
        commitId,
        submittedAt: event !== undefined ? ctx.state.timestamp() : null,
      };
      ctx.repo.reviews.set(review.id, review);
      return { status: 200, body: reviewJson(review, ctx.repo, ctx.urls) };
    },
  ),
];
