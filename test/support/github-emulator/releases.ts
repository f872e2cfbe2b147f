/**
 * Releases. Drafts are seen only by those who can push, are never found by tag, and create no tag;
 * publishing creates the tag at `target_commitish` when it does not exist yet, as GitHub does.
 */
import { randomBytes } from 'node:crypto';
import { characterCount, notFound, validationFailed } from './api-error.js';
import { paginate } from './pagination.js';
import { assetJson } from './release-assets.js';
import { nullableString, optionalBoolean, optionalString, requiredString } from './request-body.js';
import { repoRoute, type RepoContext, type Route } from './router.js';
import type { ReleaseRecord, RepoState } from './state.js';
import { refPath, type Urls } from './urls.js';
import { canPush, nodeId, userJson } from './users.js';

/** GitHub's limit on a release body, which is larger than the one on issues. */
const MAX_RELEASE_BODY = 125_000;

export function releaseJson(
  release: ReleaseRecord,
  repo: RepoState,
  urls: Urls,
): Record<string, unknown> {
  const api = `${urls.repoApi(repo)}/releases/${release.id}`;
  const tagForUrls = release.draft ? release.untaggedName : release.tagName;
  const assets = [...repo.assets.values()]
    .filter((a) => a.releaseId === release.id)
    .sort((a, b) => a.id - b.id);
  return {
    url: api,
    assets_url: `${api}/assets`,
    upload_url: `${urls.origin}/repos/${repo.owner.login}/${repo.name}/releases/${release.id}/assets{?name,label}`,
    html_url: `${urls.repoHtml(repo)}/releases/tag/${refPath(tagForUrls)}`,
    id: release.id,
    author: userJson(release.author, repo, urls),
    node_id: nodeId('RE', release.id),
    tag_name: release.tagName,
    target_commitish: release.targetCommitish,
    name: release.name,
    draft: release.draft,
    immutable: false,
    prerelease: release.prerelease,
    created_at: release.createdAt,
    updated_at: release.updatedAt,
    published_at: release.publishedAt,
    assets: assets.map((a) => assetJson(a, release, repo, urls)),
    tarball_url: release.draft ? null : `${urls.repoApi(repo)}/tarball/${refPath(release.tagName)}`,
    zipball_url: release.draft ? null : `${urls.repoApi(repo)}/zipball/${refPath(release.tagName)}`,
    body: release.body,
  };
}

/** A release the caller may see, or 404. */
export function visibleRelease(ctx: RepoContext, id: number): ReleaseRecord {
  const release = ctx.repo.releases.get(id);
  if (release === undefined) throw notFound();
  if (release.draft && !canPush(ctx.repo, ctx.actor, ctx.token)) throw notFound();
  return release;
}

function checkReleaseBody(body: string | null | undefined): void {
  if (body != null && characterCount(body) > MAX_RELEASE_BODY) {
    throw validationFailed({
      resource: 'Release',
      code: 'custom',
      field: 'body',
      message: `body is too long (maximum is ${MAX_RELEASE_BODY} characters)`,
    });
  }
}

function checkTagFree(repo: RepoState, tag: string, except?: number): void {
  for (const other of repo.releases.values()) {
    if (other.id !== except && other.tagName === tag) {
      throw validationFailed({ resource: 'Release', code: 'already_exists', field: 'tag_name' });
    }
  }
}

/** Creates the release's tag when it is published and the tag does not exist yet. */
function ensureTag(repo: RepoState, release: ReleaseRecord): void {
  const ref = `refs/tags/${release.tagName}`;
  if (repo.refs.has(ref)) return;
  const sha = repo.resolveCommitish(release.targetCommitish);
  if (sha === undefined) {
    throw validationFailed({ resource: 'Release', code: 'invalid', field: 'target_commitish' });
  }
  repo.refs.set(ref, sha);
}

const RELEASES = '/repos/{owner}/{repo}/releases';
const RELEASE = `${RELEASES}/{release_id}`;

export const releaseRoutes: readonly Route[] = [
  repoRoute('GET', RELEASES, 'releases/releases#list-releases', (ctx) => {
    const showDrafts = canPush(ctx.repo, ctx.actor, ctx.token);
    const releases = [...ctx.repo.releases.values()]
      .filter((r) => showDrafts || !r.draft)
      .sort((a, b) => b.id - a.id);
    const page = paginate(releases, ctx.req, ctx);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((r) => releaseJson(r, ctx.repo, ctx.urls)),
    };
  }),

  repoRoute('POST', RELEASES, 'releases/releases#create-a-release', (ctx) => {
    const body = ctx.body();
    const tagName = requiredString(body, 'tag_name');
    const text = optionalString(body, 'body') ?? null;
    checkReleaseBody(text);
    checkTagFree(ctx.repo, tagName);
    const now = ctx.state.timestamp();
    const draft = optionalBoolean(body, 'draft') ?? false;
    const release: ReleaseRecord = {
      id: ctx.state.nextId(),
      tagName,
      targetCommitish: optionalString(body, 'target_commitish') ?? ctx.repo.defaultBranch,
      name: optionalString(body, 'name') ?? null,
      body: text,
      draft,
      prerelease: optionalBoolean(body, 'prerelease') ?? false,
      author: ctx.actor.login,
      createdAt: now,
      updatedAt: now,
      publishedAt: draft ? null : now,
      untaggedName: `untagged-${randomBytes(10).toString('hex')}`,
    };
    if (!draft) ensureTag(ctx.repo, release);
    ctx.repo.releases.set(release.id, release);
    const json = releaseJson(release, ctx.repo, ctx.urls);
    return { status: 201, headers: { location: String(json['url']) }, body: json };
  }),

  repoRoute('GET', `${RELEASES}/latest`, 'releases/releases#get-the-latest-release', (ctx) => {
    const latest = [...ctx.repo.releases.values()]
      .filter((r) => !r.draft && !r.prerelease)
      .sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? '') || b.id - a.id)[0];
    if (latest === undefined) throw notFound();
    return { status: 200, body: releaseJson(latest, ctx.repo, ctx.urls) };
  }),

  repoRoute(
    'GET',
    `${RELEASES}/tags/{tag}`,
    'releases/releases#get-a-release-by-tag-name',
    (ctx) => {
      const tag = ctx.params['tag'] ?? '';
      const release = [...ctx.repo.releases.values()].find((r) => !r.draft && r.tagName === tag);
      if (release === undefined) throw notFound();
      return { status: 200, body: releaseJson(release, ctx.repo, ctx.urls) };
    },
  ),

  repoRoute('GET', RELEASE, 'releases/releases#get-a-release', (ctx) => ({
    status: 200,
    body: releaseJson(visibleRelease(ctx, Number(ctx.params['release_id'])), ctx.repo, ctx.urls),
  })),

  repoRoute('PATCH', RELEASE, 'releases/releases#update-a-release', (ctx) => {
    const release = visibleRelease(ctx, Number(ctx.params['release_id']));
    const body = ctx.body();
    const tagName = optionalString(body, 'tag_name');
    const target = optionalString(body, 'target_commitish');
    const name = nullableString(body, 'name');
    const text = nullableString(body, 'body');
    const draft = optionalBoolean(body, 'draft');
    const prerelease = optionalBoolean(body, 'prerelease');
    checkReleaseBody(text);
    if (tagName !== undefined) checkTagFree(ctx.repo, tagName, release.id);
    const now = ctx.state.timestamp();
    const next: ReleaseRecord = {
      ...release,
      ...(tagName !== undefined && { tagName }),
      ...(target !== undefined && { targetCommitish: target }),
      ...(name !== undefined && { name }),
      ...(text !== undefined && { body: text }),
      ...(prerelease !== undefined && { prerelease }),
      draft: draft ?? release.draft,
      updatedAt: now,
    };
    if (release.draft && !next.draft) {
      ensureTag(ctx.repo, next);
      next.publishedAt = now;
    }
    ctx.repo.releases.set(release.id, next);
    return { status: 200, body: releaseJson(next, ctx.repo, ctx.urls) };
  }),

  repoRoute('DELETE', RELEASE, 'releases/releases#delete-a-release', (ctx) => {
    const release = visibleRelease(ctx, Number(ctx.params['release_id']));
    ctx.repo.releases.delete(release.id);
    for (const asset of [...ctx.repo.assets.values()]) {
      if (asset.releaseId === release.id) ctx.repo.assets.delete(asset.id);
    }
    return { status: 204 };
  }),
];
