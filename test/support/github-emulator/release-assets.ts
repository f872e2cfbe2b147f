/**
 * Release assets: upload at the release's `upload_url` (raw body, `?name=&label=`), list, get,
 * rename, delete, and download. A download asked with `Accept: application/octet-stream` answers
 * 302 to a storage URL, as GitHub's does, here a path on the same server.
 */
import { randomBytes } from 'node:crypto';
import { ApiError, notFound, validationFailed } from './api-error.js';
import { paginate } from './pagination.js';
import { optionalString } from './request-body.js';
import { repoRoute, route, type RepoContext, type Route } from './router.js';
import { sha256Digest, type AssetRecord, type ReleaseRecord, type RepoState } from './state.js';
import { refPath, segment, type Urls } from './urls.js';
import { nodeId, userJson } from './users.js';
import { visibleRelease } from './releases.js';

export function assetJson(
  asset: AssetRecord,
  release: ReleaseRecord,
  repo: RepoState,
  urls: Urls,
): Record<string, unknown> {
  const tag = release.draft ? release.untaggedName : release.tagName;
  return {
    url: `${urls.repoApi(repo)}/releases/assets/${asset.id}`,
    id: asset.id,
    node_id: nodeId('RA', asset.id),
    name: asset.name,
    label: asset.label,
    uploader: userJson(asset.uploader, repo, urls),
    content_type: asset.contentType,
    state: 'uploaded',
    size: asset.data.length,
    digest: asset.digest,
    download_count: asset.downloadCount,
    created_at: asset.createdAt,
    updated_at: asset.updatedAt,
    browser_download_url: `${urls.repoHtml(repo)}/releases/download/${refPath(tag)}/${segment(asset.name)}`,
  };
}

/**
 * GitHub renames names it does not accept; the documented cases are spaces and leading or
 * trailing periods. Other characters pass through here.
 */
function assetName(raw: string): string {
  return raw.replace(/\s+/g, '.').replace(/^\.+|\.+$/g, '');
}

function findAsset(ctx: RepoContext): { asset: AssetRecord; release: ReleaseRecord } {
  const asset = ctx.repo.assets.get(Number(ctx.params['asset_id']));
  if (asset === undefined) throw notFound();
  return { asset, release: visibleRelease(ctx, asset.releaseId) };
}

function storageUrl(asset: AssetRecord, urls: Urls): string {
  return `${urls.origin}/_storage/release-assets/${asset.id}/${asset.downloadKey}/${segment(asset.name)}`;
}

const ASSETS = '/repos/{owner}/{repo}/releases/{release_id}/assets';
const ASSET = '/repos/{owner}/{repo}/releases/assets/{asset_id}';

export const releaseAssetRoutes: readonly Route[] = [
  repoRoute('POST', ASSETS, 'releases/assets#upload-a-release-asset', (ctx) => {
    const release = visibleRelease(ctx, Number(ctx.params['release_id']));
    const rawName = ctx.query.get('name');
    if (rawName === null || rawName === '') {
      throw validationFailed({ resource: 'ReleaseAsset', code: 'missing_field', field: 'name' });
    }
    const name = assetName(rawName);
    const taken = [...ctx.repo.assets.values()].some(
      (a) => a.releaseId === release.id && a.name === name,
    );
    if (taken) {
      throw validationFailed({ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' });
    }
    const contentType = ctx.req.headers['content-type'];
    if (contentType === undefined) {
      throw new ApiError(422, 'Bad Content-Type header value');
    }
    const now = ctx.state.timestamp();
    const data = Buffer.from(ctx.req.body);
    const asset: AssetRecord = {
      id: ctx.state.nextId(),
      releaseId: release.id,
      name,
      label: ctx.query.get('label') ?? '',
      contentType,
      data,
      digest: sha256Digest(data),
      uploader: ctx.actor.login,
      downloadCount: 0,
      createdAt: now,
      updatedAt: now,
      downloadKey: randomBytes(12).toString('hex'),
    };
    ctx.repo.assets.set(asset.id, asset);
    return { status: 201, body: assetJson(asset, release, ctx.repo, ctx.urls) };
  }),

  repoRoute('GET', ASSETS, 'releases/assets#list-release-assets', (ctx) => {
    const release = visibleRelease(ctx, Number(ctx.params['release_id']));
    const assets = [...ctx.repo.assets.values()]
      .filter((a) => a.releaseId === release.id)
      .sort((a, b) => a.id - b.id);
    const page = paginate(assets, ctx.req, ctx);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((a) => assetJson(a, release, ctx.repo, ctx.urls)),
    };
  }),

  repoRoute('GET', ASSET, 'releases/assets#get-a-release-asset', (ctx) => {
    const { asset, release } = findAsset(ctx);
    const accept = ctx.req.headers['accept'] ?? '';
    if (accept.includes('application/octet-stream')) {
      return { status: 302, headers: { location: storageUrl(asset, ctx.urls) } };
    }
    return { status: 200, body: assetJson(asset, release, ctx.repo, ctx.urls) };
  }),

  repoRoute('PATCH', ASSET, 'releases/assets#update-a-release-asset', (ctx) => {
    const { asset, release } = findAsset(ctx);
    const body = ctx.body();
    const name = optionalString(body, 'name');
    const label = optionalString(body, 'label');
    if (name !== undefined) asset.name = assetName(name);
    if (label !== undefined) asset.label = label;
    asset.updatedAt = ctx.state.timestamp();
    return { status: 200, body: assetJson(asset, release, ctx.repo, ctx.urls) };
  }),

  repoRoute('DELETE', ASSET, 'releases/assets#delete-a-release-asset', (ctx) => {
    const { asset } = findAsset(ctx);
    ctx.repo.assets.delete(asset.id);
    return { status: 204 };
  }),

  // github.com's download link: a redirect to storage, like the API's.
  repoRoute(
    'GET',
    '/{owner}/{repo}/releases/download/{tag}/{name}',
    '',
    (ctx) => {
      const tag = ctx.params['tag'] ?? '';
      const release = [...ctx.repo.releases.values()].find((r) =>
        r.draft ? r.untaggedName === tag : r.tagName === tag,
      );
      const asset = [...ctx.repo.assets.values()].find(
        (a) => a.releaseId === release?.id && a.name === ctx.params['name'],
      );
      if (asset === undefined) throw notFound();
      return { status: 302, headers: { location: storageUrl(asset, ctx.urls) } };
    },
    { public: true },
  ),

  // The storage a redirect points at: no token needed, the key in the URL is the credential.
  route(
    'GET',
    '/_storage/release-assets/{asset_id}/{key}/{name}',
    undefined,
    (ctx) => {
      const id = Number(ctx.params['asset_id']);
      for (const repo of ctx.state.repos.values()) {
        const asset = repo.assets.get(id);
        if (asset === undefined || asset.downloadKey !== ctx.params['key']) continue;
        asset.downloadCount += 1;
        return {
          status: 200,
          raw: asset.data,
          headers: {
            'content-type': 'application/octet-stream',
            'content-disposition': `attachment; filename=${asset.name}`,
          },
        };
      }
      throw notFound();
    },
    { public: true },
  ),
];
