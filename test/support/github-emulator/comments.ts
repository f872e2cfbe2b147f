/** Issue comments (pull request conversation comments are issue comments too). */
import { MAX_BODY_LENGTH, characterCount, notFound, validationFailed } from './api-error.js';
import { issueHtmlUrl, reactionsJson } from './issues.js';
import { paginate } from './pagination.js';
import { requiredString } from './request-body.js';
import { repoRoute, type RepoContext, type Route } from './router.js';
import type { CommentRecord, RepoState } from './state.js';
import type { Urls } from './urls.js';
import { authorAssociation, nodeId, userJson } from './users.js';

export function commentJson(
  comment: CommentRecord,
  repo: RepoState,
  urls: Urls,
): Record<string, unknown> {
  const issue = repo.issue(comment.issueNumber);
  const url = `${urls.repoApi(repo)}/issues/comments/${comment.id}`;
  const html = issue
    ? issueHtmlUrl(issue, repo, urls)
    : `${urls.repoHtml(repo)}/issues/${comment.issueNumber}`;
  return {
    url,
    html_url: `${html}#issuecomment-${comment.id}`,
    issue_url: `${urls.repoApi(repo)}/issues/${comment.issueNumber}`,
    id: comment.id,
    node_id: nodeId('IC', comment.id),
    user: userJson(comment.user, repo, urls),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: authorAssociation(repo, comment.user),
    body: comment.body,
    reactions: reactionsJson(`${url}/reactions`),
    performed_via_github_app: null,
  };
}

/**
 * A comment body as GitHub checks it. GitHub words this 422 differently from the issue-body one
 * (resource IssueComment, code unprocessable, field data), as API users have reported since 2021.
 */
function commentBody(ctx: RepoContext): string {
  const body = requiredString(ctx.body(), 'body');
  if (characterCount(body) > MAX_BODY_LENGTH) {
    throw validationFailed({
      resource: 'IssueComment',
      code: 'unprocessable',
      field: 'data',
      message: `Body is too long (maximum is ${MAX_BODY_LENGTH} characters)`,
    });
  }
  return body;
}

function findComment(ctx: RepoContext): CommentRecord {
  const comment = ctx.repo.comments.get(Number(ctx.params['comment_id']));
  if (comment === undefined) throw notFound();
  return comment;
}

const ISSUE_COMMENTS = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
const COMMENT = '/repos/{owner}/{repo}/issues/comments/{comment_id}';

export const commentRoutes: readonly Route[] = [
  repoRoute('GET', ISSUE_COMMENTS, 'issues/comments#list-issue-comments', (ctx) => {
    const number = Number(ctx.params['issue_number']);
    if (ctx.repo.issue(number) === undefined) throw notFound();
    const since = ctx.query.get('since');
    const comments = [...ctx.repo.comments.values()]
      .filter((c) => c.issueNumber === number)
      .filter((c) => since === null || c.updatedAt >= since)
      .sort((a, b) => a.id - b.id);
    const page = paginate(comments, ctx.req, ctx);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((c) => commentJson(c, ctx.repo, ctx.urls)),
    };
  }),

  repoRoute('POST', ISSUE_COMMENTS, 'issues/comments#create-an-issue-comment', (ctx) => {
    const number = Number(ctx.params['issue_number']);
    const issue = ctx.repo.issue(number);
    if (issue === undefined) throw notFound();
    const body = commentBody(ctx);
    const now = ctx.state.timestamp();
    const comment: CommentRecord = {
      id: ctx.state.nextId(),
      issueNumber: number,
      body,
      user: ctx.actor.login,
      createdAt: now,
      updatedAt: now,
    };
    ctx.repo.comments.set(comment.id, comment);
    issue.updatedAt = now;
    const json = commentJson(comment, ctx.repo, ctx.urls);
    return { status: 201, headers: { location: String(json['url']) }, body: json };
  }),

  repoRoute('GET', COMMENT, 'issues/comments#get-an-issue-comment', (ctx) => ({
    status: 200,
    body: commentJson(findComment(ctx), ctx.repo, ctx.urls),
  })),

  repoRoute('PATCH', COMMENT, 'issues/comments#update-an-issue-comment', (ctx) => {
    const comment = findComment(ctx);
    comment.body = commentBody(ctx);
    comment.updatedAt = ctx.state.timestamp();
    return { status: 200, body: commentJson(comment, ctx.repo, ctx.urls) };
  }),

  repoRoute('DELETE', COMMENT, 'issues/comments#delete-an-issue-comment', (ctx) => {
    const comment = findComment(ctx);
    ctx.repo.comments.delete(comment.id);
    return { status: 204 };
  }),
];
