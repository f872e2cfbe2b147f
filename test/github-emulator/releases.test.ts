import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Octokit } from '../../src/adapters/github/octokit.js';
import {
  emulatorOctokit,
  useGitHubEmulator,
  githubError,
} from '../support/github-emulator/harness.js';

const gh = useGitHubEmulator();

/** Uploads through the release's `upload_url` template, as a client given only the release does. */
async function upload(octokit: Octokit, uploadUrl: string, name: string, data: Buffer) {
  return octokit.request({
    method: 'POST',
    url: uploadUrl,
    name,
    data,
    headers: { 'content-type': 'application/octet-stream' },
  });
}

describe('releases', () => {
  it('publishes a draft atomically: draft, assets with digests, then publish', async () => {
    const { octokit, repo } = gh;
    const main = gh.emulator.repo.refs.get('refs/heads/main');

    const draft = await octokit.rest.repos.createRelease({
      ...repo,
      tag_name: 'iris@v1.0.0',
      name: 'iris v1.0.0',
      body: 'Metrics',
      draft: true,
    });
    expect(draft.status).toBe(201);
    expect(draft.data).toMatchObject({
      draft: true,
      published_at: null,
      tarball_url: null,
      assets: [],
    });
    expect(draft.data.upload_url).toBe(
      `${gh.emulator.url}/repos/octo-org/models/releases/${draft.data.id}/assets{?name,label}`,
    );
    expect(draft.data.html_url).toMatch(/\/releases\/tag\/untagged-[0-9a-f]{20}$/);
    // Drafts create no tag and are not found by tag.
    expect(gh.emulator.repo.refs.has('refs/tags/iris@v1.0.0')).toBe(false);
    expect(
      (await githubError(octokit.rest.repos.getReleaseByTag({ ...repo, tag: 'iris@v1.0.0' })))
        .status,
    ).toBe(404);

    const model = Buffer.from([0x08, 0x07, 0x12, 0x00, 0xff, 0x10]);
    const manifest = Buffer.from(JSON.stringify({ name: 'iris', version: '1.0.0' }));
    const asset = await upload(octokit, draft.data.upload_url, 'model.onnx', model);
    expect(asset.status).toBe(201);
    const sha = createHash('sha256').update(model).digest('hex');
    expect(asset.data).toMatchObject({
      name: 'model.onnx',
      size: model.length,
      state: 'uploaded',
      digest: `sha256:${sha}`,
      content_type: 'application/octet-stream',
      uploader: { login: 'github-actions[bot]' },
    });
    await upload(octokit, draft.data.upload_url, 'manifest.json', manifest);

    const duplicate = await githubError(
      upload(octokit, draft.data.upload_url, 'model.onnx', model),
    );
    expect(duplicate.status).toBe(422);
    expect(duplicate.message).toContain('ReleaseAsset.name already_exists');

    const listed = await octokit.rest.repos.listReleaseAssets({
      ...repo,
      release_id: draft.data.id,
    });
    expect(listed.data.map((a) => a.name)).toEqual(['model.onnx', 'manifest.json']);

    const bytes = await octokit.rest.repos.getReleaseAsset({
      ...repo,
      asset_id: asset.data.id,
      headers: { accept: 'application/octet-stream' },
    });
    expect(Buffer.from(bytes.data as unknown as ArrayBuffer)).toEqual(model);
    // The redirect was followed to storage on the same server.
    const redirect = gh.emulator.exchanges.find(
      (e) =>
        e.path === `/repos/octo-org/models/releases/assets/${asset.data.id}` && e.status === 302,
    );
    expect(redirect?.responseHeaders['location']).toMatch(/\/_storage\/release-assets\//);

    const published = await octokit.rest.repos.updateRelease({
      ...repo,
      release_id: draft.data.id,
      draft: false,
    });
    expect(published.data.draft).toBe(false);
    expect(published.data.published_at).not.toBeNull();
    expect(published.data.assets.map((a) => a.digest)).toEqual([
      `sha256:${sha}`,
      `sha256:${createHash('sha256').update(manifest).digest('hex')}`,
    ]);
    expect(gh.emulator.repo.refs.get('refs/tags/iris@v1.0.0')).toBe(main);

    const byTag = await octokit.rest.repos.getReleaseByTag({ ...repo, tag: 'iris@v1.0.0' });
    expect(byTag.data.id).toBe(draft.data.id);
    const latest = await octokit.rest.repos.getLatestRelease(repo);
    expect(latest.data.tag_name).toBe('iris@v1.0.0');

    // github.com's download link works without a token for a public repository.
    const browser = await fetch(published.data.assets[0]?.browser_download_url ?? '');
    expect(browser.status).toBe(200);
    expect(Buffer.from(await browser.arrayBuffer())).toEqual(model);
    expect(
      (await octokit.rest.repos.getReleaseAsset({ ...repo, asset_id: asset.data.id })).data
        .download_count,
    ).toBe(2);
  });

  it('hides drafts from a token that cannot push and refuses a reused tag', async () => {
    const { octokit, repo } = gh;
    const draft = await octokit.rest.repos.createRelease({
      ...repo,
      tag_name: 'hidden@v0.1.0',
      draft: true,
    });
    gh.emulator.state.addToken('ghp_reader', 'reader', 'read');
    gh.emulator.repo.addCollaborator('reader', 'read');
    const reader = emulatorOctokit(gh.emulator, { token: 'ghp_reader' });

    const asReader = await reader.rest.repos.listReleases(repo);
    expect(asReader.data.map((r) => r.tag_name)).not.toContain('hidden@v0.1.0');
    expect(
      (await githubError(reader.rest.repos.getRelease({ ...repo, release_id: draft.data.id })))
        .status,
    ).toBe(404);
    const asWriter = await octokit.rest.repos.listReleases(repo);
    expect(asWriter.data.map((r) => r.tag_name)).toContain('hidden@v0.1.0');

    const reused = await githubError(
      octokit.rest.repos.createRelease({ ...repo, tag_name: 'hidden@v0.1.0' }),
    );
    expect(reused.status).toBe(422);
    expect(reused.message).toContain('Release.tag_name already_exists');
  });

  it('lists releases newest first across pages and deletes assets and releases', async () => {
    const { octokit, repo } = gh;
    const ids: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push(
        (await octokit.rest.repos.createRelease({ ...repo, tag_name: `page@v${i}.0.0` })).data.id,
      );
    }
    const all = await octokit.paginate(octokit.rest.repos.listReleases, { ...repo, per_page: 2 });
    const pageTags = all.map((r) => r.tag_name).filter((t) => t.startsWith('page@'));
    expect(pageTags).toEqual([
      'page@v4.0.0',
      'page@v3.0.0',
      'page@v2.0.0',
      'page@v1.0.0',
      'page@v0.0.0',
    ]);

    const release = ids[0] as number;
    const { data: url } = await octokit.rest.repos.getRelease({ ...repo, release_id: release });
    const asset = await upload(octokit, url.upload_url, 'old model.onnx', Buffer.from('x'));
    // GitHub renames spaces in asset names to periods.
    expect(asset.data.name).toBe('old.model.onnx');
    const renamed = await octokit.rest.repos.updateReleaseAsset({
      ...repo,
      asset_id: asset.data.id,
      name: 'older.onnx',
      label: 'Superseded',
    });
    expect(renamed.data).toMatchObject({ name: 'older.onnx', label: 'Superseded' });
    const removed = await octokit.rest.repos.deleteReleaseAsset({
      ...repo,
      asset_id: asset.data.id,
    });
    expect(removed.status).toBe(204);
    expect(
      (await githubError(octokit.rest.repos.getReleaseAsset({ ...repo, asset_id: asset.data.id })))
        .status,
    ).toBe(404);

    expect((await octokit.rest.repos.deleteRelease({ ...repo, release_id: release })).status).toBe(
      204,
    );
    expect(
      (await githubError(octokit.rest.repos.getRelease({ ...repo, release_id: release }))).status,
    ).toBe(404);
    // Deleting a release keeps its tag, as on GitHub.
    expect(gh.emulator.repo.refs.has('refs/tags/page@v0.0.0')).toBe(true);
  });
});
