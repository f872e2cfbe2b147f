/**
 * Repository contents: read a file or a directory at a branch, tag or SHA; create, update and
 * delete a file, each a commit on a branch (so a pull request can carry the change); the raw file
 * behind `download_url`; and the pull requests associated with a commit. Files live in the
 * commits' trees (`CommitRecord.files`); `sha` in these bodies is git's blob SHA of the content.
 */
import { ApiError, fieldInvalid, fieldMissing, notFound, unprocessable } from './api-error.js';
import { UNSIGNED } from './git.js';
import { paginate } from './pagination.js';
import { pullJson } from './pulls.js';
import { optionalString, requiredString } from './request-body.js';
import { repoRoute, type RepoContext, type Route } from './router.js';
import {
  blobSha,
  treeSha,
  type CommitRecord,
  type FileTree,
  type GitActor,
  type IssueRecord,
  type RepoState,
} from './state.js';
import { refPath, type Urls } from './urls.js';
import { canPush } from './users.js';

/** Above this size GitHub leaves `content` empty and says `encoding: none` (1 MB to 100 MB). */
const MAX_INLINE_CONTENT = 1024 * 1024;

/** Base64 as Ruby's `Base64.encode64` writes it, as GitHub sends it: a newline after every 60. */
function base64Lines(content: Buffer): string {
  return content.toString('base64').replace(/.{1,60}/g, '$&\n');
}

/** The path as a tree key: no leading, trailing or doubled slashes. */
function treePath(raw: string): string {
  return raw.split('/').filter(Boolean).join('/');
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

type EntryType = 'file' | 'dir';

/** The fields every contents entry has: a file or directory as a directory listing shows it. */
function entryJson(
  repo: RepoState,
  urls: Urls,
  ref: string,
  path: string,
  type: EntryType,
  sha: string,
  size: number,
): Record<string, unknown> {
  const api = urls.repoApi(repo);
  const html = urls.repoHtml(repo);
  const url = `${api}/contents/${refPath(path)}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${api}/git/${type === 'dir' ? 'trees' : 'blobs'}/${sha}`;
  const htmlUrl = `${html}/${type === 'dir' ? 'tree' : 'blob'}/${refPath(ref)}/${refPath(path)}`;
  return {
    type,
    size,
    name: baseName(path),
    path,
    sha,
    url,
    git_url: gitUrl,
    html_url: htmlUrl,
    download_url: type === 'file' ? `${html}/raw/${refPath(ref)}/${refPath(path)}` : null,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}

function fileEntryJson(
  repo: RepoState,
  urls: Urls,
  ref: string,
  path: string,
  content: Buffer,
): Record<string, unknown> {
  return entryJson(repo, urls, ref, path, 'file', blobSha(content), content.length);
}

/** `content-file`: the entry with its content. */
function fileJson(
  repo: RepoState,
  urls: Urls,
  ref: string,
  path: string,
  content: Buffer,
): Record<string, unknown> {
  const inline = content.length <= MAX_INLINE_CONTENT;
  return {
    ...fileEntryJson(repo, urls, ref, path, content),
    content: inline ? base64Lines(content) : '',
    encoding: inline ? 'base64' : 'none',
  };
}

/** `content-directory`: the directory's immediate entries, sorted by name; undefined if none. */
function directoryJson(
  repo: RepoState,
  urls: Urls,
  ref: string,
  files: FileTree,
  path: string,
): Record<string, unknown>[] | undefined {
  const prefix = path === '' ? '' : `${path}/`;
  const entries = new Map<string, Record<string, unknown>>();
  for (const [filePath, content] of files) {
    if (!filePath.startsWith(prefix)) continue;
    const rest = filePath.slice(prefix.length);
    const slash = rest.indexOf('/');
    const name = slash < 0 ? rest : rest.slice(0, slash);
    if (entries.has(name)) continue;
    const entryPath = `${prefix}${name}`;
    entries.set(
      name,
      slash < 0
        ? fileEntryJson(repo, urls, ref, entryPath, content)
        : entryJson(repo, urls, ref, entryPath, 'dir', treeSha(files, `${entryPath}/`), 0),
    );
  }
  if (entries.size === 0) return undefined;
  return [...entries.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, entry]) => entry);
}

/** The commit as the git data API shows it, which is how `file-commit` embeds it. */
function gitCommitJson(commit: CommitRecord, repo: RepoState, urls: Urls): Record<string, unknown> {
  const api = urls.repoApi(repo);
  const html = urls.repoHtml(repo);
  return {
    sha: commit.sha,
    node_id: `C_${Buffer.from(commit.sha).toString('base64url').slice(0, 24)}`,
    url: `${api}/git/commits/${commit.sha}`,
    html_url: `${html}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer,
    message: commit.message,
    tree: { sha: commit.treeSha, url: `${api}/git/trees/${commit.treeSha}` },
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${api}/git/commits/${sha}`,
      html_url: `${html}/commit/${sha}`,
    })),
    verification: UNSIGNED,
  };
}

/** `author` or `committer` of a write: `name` and `email` required, `date` defaulting to now. */
function optionalActor(
  body: Record<string, unknown>,
  field: string,
  now: string,
): GitActor | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw fieldInvalid(field, value, 'object');
  }
  const actor = value as Record<string, unknown>;
  return {
    name: requiredString(actor, 'name'),
    email: requiredString(actor, 'email'),
    date: optionalString(actor, 'date') ?? now,
  };
}

/**
 * Who a write is by, as GitHub decides: the committer given, else the authenticated user; the
 * author given, else the committer.
 */
function writeActors(
  ctx: RepoContext,
  body: Record<string, unknown>,
): { author: GitActor; committer: GitActor } {
  const now = ctx.state.timestamp();
  const user = ctx.actor;
  const committer = optionalActor(body, 'committer', now) ?? {
    name: user.name ?? user.login,
    email: user.email ?? `${user.id}+${user.login}@users.noreply.github.com`,
    date: now,
  };
  return { committer, author: optionalActor(body, 'author', now) ?? committer };
}

/** Strict base64 (line breaks allowed, as GitHub's own bodies have them). */
function decodeContent(encoded: string): Buffer {
  const compact = encoded.replace(/\s+/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) {
    throw unprocessable('content is not valid Base64');
  }
  return Buffer.from(compact, 'base64');
}

/** The branch a write goes to and the commit at its tip; 404 when the branch does not exist. */
function targetBranch(
  ctx: RepoContext,
  body: Record<string, unknown>,
): { branch: string; tip: CommitRecord } {
  const given = optionalString(body, 'branch');
  const branch =
    given === undefined || given === ''
      ? ctx.repo.defaultBranch
      : given.replace(/^refs\/heads\//, '');
  const sha = ctx.repo.refs.get(`refs/heads/${branch}`);
  const tip = sha !== undefined ? ctx.repo.commits.get(sha) : undefined;
  if (tip === undefined) throw new ApiError(404, `Branch ${branch} not found`);
  return { branch, tip };
}

/** Writes need push access; GitHub hides the repository's contents API from others with 404. */
function requirePush(ctx: RepoContext): void {
  if (!canPush(ctx.repo, ctx.actor, ctx.token)) throw notFound();
}

function contentPath(ctx: RepoContext): string {
  const path = treePath(ctx.params['path'] ?? '');
  if (path === '') throw notFound();
  return path;
}

const CONTENTS = '/repos/{owner}/{repo}/contents/{path}';

export const contentRoutes: readonly Route[] = [
  repoRoute(
    'GET',
    CONTENTS,
    'repos/contents#get-repository-content',
    (ctx) => {
      const path = contentPath(ctx);
      const ref = ctx.query.get('ref') || ctx.repo.defaultBranch;
      const sha = ctx.repo.resolveCommitish(ref);
      const commit = sha !== undefined ? ctx.repo.commits.get(sha) : undefined;
      if (commit === undefined) throw new ApiError(404, `No commit found for the ref ${ref}`);
      const content = commit.files.get(path);
      if (content !== undefined) {
        return { status: 200, body: fileJson(ctx.repo, ctx.urls, ref, path, content) };
      }
      const listing = directoryJson(ctx.repo, ctx.urls, ref, commit.files, path);
      if (listing === undefined) throw notFound();
      return { status: 200, body: listing };
    },
    { greedy: true },
  ),

  repoRoute(
    'PUT',
    CONTENTS,
    'repos/contents#create-or-update-file-contents',
    (ctx) => {
      requirePush(ctx);
      const path = contentPath(ctx);
      const body = ctx.body();
      const message = requiredString(body, 'message');
      const content = decodeContent(requiredString(body, 'content'));
      const given = optionalString(body, 'sha');
      const actors = writeActors(ctx, body);
      const { branch, tip } = targetBranch(ctx, body);
      const existing = tip.files.get(path);
      if (existing !== undefined) {
        if (given === undefined) throw fieldMissing('sha');
        if (given !== blobSha(existing)) throw new ApiError(409, `${path} does not match ${given}`);
      } else if (given !== undefined) {
        // A SHA for a file that is not there is a stale view too; GitHub's wording here is a guess.
        throw new ApiError(409, `${path} does not match ${given}`);
      }
      const clash = [...tip.files.keys()].find(
        (p) => p.startsWith(`${path}/`) || path.startsWith(`${p}/`),
      );
      if (clash !== undefined) {
        // A file where a directory is, or under a file; GitHub's wording here is a guess.
        throw unprocessable(`path ${path} conflicts with ${clash}`);
      }
      const commit = ctx.repo.commitOnBranch(branch, message, { [path]: content }, actors);
      return {
        status: existing === undefined ? 201 : 200,
        body: {
          content: fileEntryJson(ctx.repo, ctx.urls, branch, path, content),
          commit: gitCommitJson(commit, ctx.repo, ctx.urls),
        },
      };
    },
    { greedy: true },
  ),

  repoRoute(
    'DELETE',
    CONTENTS,
    'repos/contents#delete-a-file',
    (ctx) => {
      requirePush(ctx);
      const path = contentPath(ctx);
      const body = ctx.body();
      const message = requiredString(body, 'message');
      const given = requiredString(body, 'sha');
      const actors = writeActors(ctx, body);
      const { branch, tip } = targetBranch(ctx, body);
      const existing = tip.files.get(path);
      if (existing === undefined) throw notFound();
      if (given !== blobSha(existing)) throw new ApiError(409, `${path} does not match ${given}`);
      const commit = ctx.repo.commitOnBranch(branch, message, { [path]: null }, actors);
      return {
        status: 200,
        body: { content: null, commit: gitCommitJson(commit, ctx.repo, ctx.urls) },
      };
    },
    { greedy: true },
  ),

  repoRoute(
    'GET',
    '/repos/{owner}/{repo}/commits/{commit_sha}/pulls',
    'commits/commits#list-pull-requests-associated-with-a-commit',
    (ctx) => {
      const ref = ctx.params['commit_sha'] ?? '';
      const sha = ctx.repo.resolveCommitish(ref);
      if (sha === undefined) throw unprocessable(`No commit found for SHA: ${ref}`);
      const repo = ctx.repo;
      // Open or merged pull requests that merged the commit or carry it: its head, or a commit
      // reachable from the head that the base did not have when the pull request was opened.
      const pulls = [...repo.pulls.values()]
        .map((pull) => ({ pull, issue: repo.issue(pull.number) as IssueRecord }))
        .filter(({ pull, issue }) => pull.merged || issue.state === 'open')
        .filter(
          ({ pull }) =>
            pull.mergeCommitSha === sha ||
            pull.headSha === sha ||
            (repo.isAncestor(sha, pull.headSha) && !repo.isAncestor(sha, pull.baseSha)),
        )
        .sort((a, b) => b.pull.number - a.pull.number);
      const page = paginate(pulls, ctx.req, ctx);
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map(({ pull, issue }) => pullJson(pull, issue, repo, ctx.urls, false)),
      };
    },
  ),

  // github.com's `/raw/{ref}/{path}`, where `download_url` points; the ref may contain slashes,
  // so the longest path that names a file under a resolvable ref wins. Not an API operation.
  repoRoute(
    'GET',
    '/{owner}/{repo}/raw/{path}',
    '',
    (ctx) => {
      const segments = (ctx.params['path'] ?? '').split('/');
      for (let i = 1; i < segments.length; i += 1) {
        const sha = ctx.repo.resolveCommitish(segments.slice(0, i).join('/'));
        const content =
          sha !== undefined
            ? ctx.repo.commits.get(sha)?.files.get(segments.slice(i).join('/'))
            : undefined;
        if (content !== undefined) {
          return {
            status: 200,
            raw: content,
            headers: { 'content-type': 'text/plain; charset=utf-8' },
          };
        }
      }
      throw notFound();
    },
    { greedy: true, public: true },
  ),
];
