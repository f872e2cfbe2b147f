/**
 * Git data: references (`refs/heads/*`, `refs/tags/*`), annotated tag objects, and commits as the
 * commits API shows them. Refs in paths may keep their slashes or arrive percent-encoded
 * (`tags%2Fname`), which is how octokit sends them; both route the same.
 */
import { ApiError, notFound, unprocessable, validationFailed } from './api-error.js';
import { paginate } from './pagination.js';
import { optionalBoolean, requiredString } from './request-body.js';
import { repoRoute, type RepoContext, type Route } from './router.js';
import {
  blobSha,
  type CommitRecord,
  type GitActor,
  type RepoState,
  type TagObjectRecord,
} from './state.js';
import { refPath, type Urls } from './urls.js';
import { nodeId } from './users.js';

function objectJson(repo: RepoState, urls: Urls, sha: string): Record<string, unknown> {
  const type = repo.tagObjects.has(sha) ? 'tag' : 'commit';
  return {
    sha,
    type,
    url: `${urls.repoApi(repo)}/git/${type === 'tag' ? 'tags' : 'commits'}/${sha}`,
  };
}

export function refJson(
  repo: RepoState,
  urls: Urls,
  ref: string,
  sha: string,
): Record<string, unknown> {
  return {
    ref,
    node_id: `REF_${Buffer.from(`${repo.id}:${ref}`).toString('base64url')}`,
    url: `${urls.repoApi(repo)}/git/${refPath(ref)}`,
    object: objectJson(repo, urls, sha),
  };
}

export const UNSIGNED = {
  verified: false,
  reason: 'unsigned',
  signature: null,
  payload: null,
  verified_at: null,
};

export function tagJson(
  tag: TagObjectRecord,
  repo: RepoState,
  urls: Urls,
): Record<string, unknown> {
  const url = `${urls.repoApi(repo)}/git/tags/${tag.sha}`;
  return {
    node_id: `TAG_${Buffer.from(tag.sha).toString('base64url').slice(0, 24)}`,
    sha: tag.sha,
    url,
    tagger: tag.tagger,
    object: {
      sha: tag.objectSha,
      type: tag.objectType,
      url: `${urls.repoApi(repo)}/git/${tag.objectType}s/${tag.objectSha}`,
    },
    tag: tag.tag,
    message: tag.message,
    verification: UNSIGNED,
  };
}

/** Lines of a text file, for diff counts; a final newline does not start another line. */
function lines(content: Buffer): string[] {
  const text = content.toString('utf8');
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

/**
 * Added and deleted line counts of a change: the lines left once the common leading and trailing
 * lines are cut off. Exact for one changed region, an upper bound for several (git's diff would
 * find the common lines between regions). Binary content (a NUL byte) counts no lines, as on GitHub.
 */
function lineCounts(
  before: Buffer | undefined,
  after: Buffer | undefined,
): { additions: number; deletions: number } {
  if (before?.includes(0) === true || after?.includes(0) === true) {
    return { additions: 0, deletions: 0 };
  }
  const old = before !== undefined ? lines(before) : [];
  const now = after !== undefined ? lines(after) : [];
  let start = 0;
  while (start < old.length && start < now.length && old[start] === now[start]) start += 1;
  let end = 0;
  while (
    end < old.length - start &&
    end < now.length - start &&
    old[old.length - 1 - end] === now[now.length - 1 - end]
  ) {
    end += 1;
  }
  return { additions: now.length - start - end, deletions: old.length - start - end };
}

/** The `diff-entry` list of a commit against its first parent (all files added for a root). */
export function commitFiles(
  commit: CommitRecord,
  repo: RepoState,
  urls: Urls,
): Record<string, unknown>[] {
  const parent = commit.parents[0] !== undefined ? repo.commits.get(commit.parents[0]) : undefined;
  return treeDiff(parent?.files ?? new Map<string, Buffer>(), commit, repo, urls);
}

/** The `diff-entry` list from the tree `before` to `commit`'s tree (a pull request's files). */
export function treeDiff(
  before: ReadonlyMap<string, Buffer>,
  commit: CommitRecord,
  repo: RepoState,
  urls: Urls,
): Record<string, unknown>[] {
  const after = commit.files;
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const entries: Record<string, unknown>[] = [];
  for (const path of paths) {
    const old = before.get(path);
    const now = after.get(path);
    if (old !== undefined && now !== undefined && old.equals(now)) continue;
    const { additions, deletions } = lineCounts(old, now);
    const at = `${commit.sha}/${refPath(path)}`;
    entries.push({
      sha: blobSha((now ?? old) as Buffer),
      filename: path,
      status: old === undefined ? 'added' : now === undefined ? 'removed' : 'modified',
      additions,
      deletions,
      changes: additions + deletions,
      blob_url: `${urls.repoHtml(repo)}/blob/${at}`,
      raw_url: `${urls.repoHtml(repo)}/raw/${at}`,
      contents_url: `${urls.repoApi(repo)}/contents/${refPath(path)}?ref=${commit.sha}`,
    });
  }
  return entries;
}

/**
 * The account GitHub attributes a commit's author or committer to: the user whose e-mail address
 * (or `<id>+<login>@users.noreply.github.com`) it is; null when it is nobody's.
 */
export function accountOf(repo: RepoState, actor: GitActor): string | null {
  const email = actor.email.toLowerCase();
  for (const user of repo.world.users.values()) {
    const noreply = `${user.id}+${user.login}@users.noreply.github.com`.toLowerCase();
    if (email === noreply || (user.email !== null && email === user.email.toLowerCase())) {
      return user.login;
    }
  }
  return null;
}

export function commitJson(
  commit: CommitRecord,
  repo: RepoState,
  urls: Urls,
): Record<string, unknown> {
  const api = urls.repoApi(repo);
  const files = commitFiles(commit, repo, urls);
  const additions = files.reduce((sum, f) => sum + (f['additions'] as number), 0);
  const deletions = files.reduce((sum, f) => sum + (f['deletions'] as number), 0);
  return {
    sha: commit.sha,
    node_id: nodeId('C', Number.parseInt(commit.sha.slice(0, 8), 16)),
    commit: {
      author: commit.author,
      committer: commit.committer,
      message: commit.message,
      tree: { sha: commit.treeSha, url: `${api}/git/trees/${commit.treeSha}` },
      url: `${api}/git/commits/${commit.sha}`,
      comment_count: 0,
      verification: UNSIGNED,
    },
    url: `${api}/commits/${commit.sha}`,
    html_url: `${urls.repoHtml(repo)}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    // GitHub gives null when the commit's email matches no account, as seeded commits' do.
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${api}/commits/${sha}`,
      html_url: `${urls.repoHtml(repo)}/commit/${sha}`,
    })),
    stats: { total: additions + deletions, additions, deletions },
    files,
  };
}

/** `heads/main` or `refs/heads/main` to the full name. */
function fullRef(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/${ref}`;
}

function objectExists(repo: RepoState, sha: string): boolean {
  return repo.commits.has(sha) || repo.tagObjects.has(sha);
}

function requireSha(body: Record<string, unknown>): string {
  const sha = requiredString(body, 'sha');
  if (!/^[0-9a-f]{40}$/.test(sha)) throw unprocessable('Object does not exist');
  return sha;
}

function existingRef(ctx: RepoContext): { ref: string; sha: string } {
  const ref = fullRef(ctx.params['ref'] ?? '');
  const sha = ctx.repo.refs.get(ref);
  if (sha === undefined) throw unprocessable('Reference does not exist');
  return { ref, sha };
}

function actor(value: unknown, fallbackDate: string): GitActor {
  if (typeof value !== 'object' || value === null) {
    throw validationFailed({ resource: 'Tag', code: 'missing_field', field: 'tagger' });
  }
  const v = value as Record<string, unknown>;
  if (typeof v['name'] !== 'string' || typeof v['email'] !== 'string') {
    throw validationFailed({ resource: 'Tag', code: 'invalid', field: 'tagger' });
  }
  return {
    name: v['name'],
    email: v['email'],
    date: typeof v['date'] === 'string' ? v['date'] : fallbackDate,
  };
}

const GIT = '/repos/{owner}/{repo}/git';
const OBJECT_TYPES = ['commit', 'tree', 'blob', 'tag'] as const;

export const gitRoutes: readonly Route[] = [
  repoRoute(
    'GET',
    `${GIT}/ref/{ref}`,
    'git/refs#get-a-reference',
    (ctx) => {
      const ref = fullRef(ctx.params['ref'] ?? '');
      const sha = ctx.repo.refs.get(ref);
      if (sha === undefined) throw notFound();
      return { status: 200, body: refJson(ctx.repo, ctx.urls, ref, sha) };
    },
    { greedy: true },
  ),

  repoRoute(
    'GET',
    `${GIT}/matching-refs/{ref}`,
    'git/refs#list-matching-references',
    (ctx) => {
      const prefix = fullRef(ctx.params['ref'] ?? '');
      const refs = [...ctx.repo.refs.entries()]
        .filter(([name]) => name.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const page = paginate(refs, ctx.req, ctx);
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map(([name, sha]) => refJson(ctx.repo, ctx.urls, name, sha)),
      };
    },
    { greedy: true },
  ),

  repoRoute('POST', `${GIT}/refs`, 'git/refs#create-a-reference', (ctx) => {
    const body = ctx.body();
    const ref = requiredString(body, 'ref');
    const sha = requireSha(body);
    if (!/^refs\/[^/]+\/.+/.test(ref)) {
      throw unprocessable("Reference name must start with 'refs/' and have at least two slashes.");
    }
    if (ctx.repo.refs.has(ref)) throw unprocessable('Reference already exists');
    if (!objectExists(ctx.repo, sha)) throw unprocessable('Object does not exist');
    ctx.repo.refs.set(ref, sha);
    const json = refJson(ctx.repo, ctx.urls, ref, sha);
    return { status: 201, headers: { location: String(json['url']) }, body: json };
  }),

  repoRoute(
    'PATCH',
    `${GIT}/refs/{ref}`,
    'git/refs#update-a-reference',
    (ctx) => {
      const { ref, sha: current } = existingRef(ctx);
      const body = ctx.body();
      const sha = requireSha(body);
      const force = optionalBoolean(body, 'force') ?? false;
      if (!objectExists(ctx.repo, sha)) throw unprocessable('Object does not exist');
      if (!force && ref.startsWith('refs/heads/') && !ctx.repo.isAncestor(current, sha)) {
        throw unprocessable('Update is not a fast forward');
      }
      // A branch that moves carries its open pull requests' heads along, as a push does.
      if (ref.startsWith('refs/heads/')) ctx.repo.moveBranch(ref.slice('refs/heads/'.length), sha);
      else ctx.repo.refs.set(ref, sha);
      return { status: 200, body: refJson(ctx.repo, ctx.urls, ref, sha) };
    },
    { greedy: true },
  ),

  repoRoute(
    'DELETE',
    `${GIT}/refs/{ref}`,
    'git/refs#delete-a-reference',
    (ctx) => {
      const { ref } = existingRef(ctx);
      ctx.repo.refs.delete(ref);
      return { status: 204 };
    },
    { greedy: true },
  ),

  repoRoute('POST', `${GIT}/tags`, 'git/tags#create-a-tag-object', (ctx) => {
    const body = ctx.body();
    const tag = requiredString(body, 'tag');
    const message = requiredString(body, 'message');
    const objectSha = requiredString(body, 'object');
    const type = requiredString(body, 'type');
    if (!(OBJECT_TYPES as readonly string[]).includes(type)) {
      throw validationFailed({ resource: 'Tag', code: 'invalid', field: 'type' });
    }
    if (!objectExists(ctx.repo, objectSha)) throw unprocessable('Object does not exist');
    const now = ctx.state.timestamp();
    const tagger =
      body['tagger'] === undefined
        ? {
            name: ctx.actor.login,
            email: `${ctx.actor.id}+${ctx.actor.login}@users.noreply.github.com`,
            date: now,
          }
        : actor(body['tagger'], now);
    const record = ctx.repo.createTagObject({
      tag,
      message,
      objectSha,
      objectType: type as TagObjectRecord['objectType'],
      tagger,
    });
    const json = tagJson(record, ctx.repo, ctx.urls);
    return { status: 201, headers: { location: String(json['url']) }, body: json };
  }),

  repoRoute('GET', `${GIT}/tags/{tag_sha}`, 'git/tags#get-a-tag', (ctx) => {
    const tag = ctx.repo.tagObjects.get(ctx.params['tag_sha'] ?? '');
    if (tag === undefined) throw notFound();
    return { status: 200, body: tagJson(tag, ctx.repo, ctx.urls) };
  }),

  repoRoute('GET', '/repos/{owner}/{repo}/commits/{ref}', 'commits/commits#get-a-commit', (ctx) => {
    const ref = ctx.params['ref'] ?? '';
    const sha = ctx.repo.resolveCommitish(ref);
    const commit = sha !== undefined ? ctx.repo.commits.get(sha) : undefined;
    if (commit === undefined) {
      throw new ApiError(422, `No commit found for SHA: ${ref}`);
    }
    return { status: 200, body: commitJson(commit, ctx.repo, ctx.urls) };
  }),
];
