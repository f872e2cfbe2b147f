import { access, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGitHubRegistry } from '../../src/adapters/github/github-registry.js';
import { DataError } from '../../src/core/errors.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { formatStageTagMessage } from '../../src/core/registry/registry-port.js';
import { useGitHubEmulator } from '../support/github-emulator/harness.js';
import {
  makeManifest,
  modelBytes,
  seedAnnotatedTag,
  seedLightweightTag,
  seedRelease,
  sha256,
} from './registry-fixtures.js';

const gh = useGitHubEmulator();

function registry(logger = createMemoryLogger()) {
  return createGitHubRegistry({ octokit: gh.octokit, ...gh.repo, logger });
}

function message(version: string, pullRequest = 12): string {
  return formatStageTagMessage({
    version,
    pullRequest,
    approvedBy: ['alice'],
    run: 'https://github.com/octo-org/models/actions/runs/1',
  });
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

describe('findStage', () => {
  it('takes the newest assignment by its counter, not by tag order or creation time', async () => {
    const repo = gh.emulator.repo;
    const commits = [1, 2, 3].map((i) => repo.commitOnBranch('main', `train ${i}`).sha);
    // Created in the order 2, 10, 1: the last created and the first listed are not the newest.
    seedAnnotatedTag(repo, 'iris#production#2', commits[1] as string, message('1.1.0'));
    const newest = seedAnnotatedTag(
      repo,
      'iris#production#10',
      commits[2] as string,
      message('1.2.0', 30),
    );
    seedAnnotatedTag(repo, 'iris#production#1', commits[0] as string, message('1.0.0'));
    // Neighbours under the same prefix, or another stage's higher counters, do not count.
    seedAnnotatedTag(repo, 'iris#production-eu#50', commits[0] as string, message('0.9.0'));
    seedAnnotatedTag(repo, 'iris#staging#11', commits[0] as string, message('0.8.0'));
    seedAnnotatedTag(repo, 'iris-v2#production#99', commits[0] as string, message('9.0.0'));

    const from = gh.emulator.exchanges.length;
    const found = await registry().findStage('iris');
    expect(found).toEqual({
      model: 'iris',
      stage: 'production',
      version: '1.2.0',
      tag: 'iris#production#10',
      n: 10,
      commit: commits[2],
      pullRequest: 30,
      approvedBy: ['alice'],
      run: 'https://github.com/octo-org/models/actions/runs/1',
    });
    const urls = gh.emulator.exchanges.slice(from).map((e) => e.url);
    // `#` travels percent-encoded (a bare one would start the URL's fragment).
    expect(urls).toEqual([
      '/repos/octo-org/models/git/matching-refs/tags%2Firis%23production',
      `/repos/octo-org/models/git/tags/${newest}`,
    ]);
    expect((await registry().findStage('iris', 'staging'))?.version).toBe('0.8.0');
  });

  it('reads no production when a newer unassignment exists, and a later assignment again', async () => {
    const repo = gh.emulator.repo;
    const commit = repo.commitOnBranch('main', 'daisy').sha;
    seedAnnotatedTag(repo, 'daisy#production#1', commit, message('1.0.0'));
    seedAnnotatedTag(repo, 'daisy#production#3', commit, message('1.1.0'));
    seedAnnotatedTag(repo, 'daisy#production!#4', commit, 'Unassign production');
    const logger = createMemoryLogger();
    expect(await registry(logger).findStage('daisy')).toBeNull();
    expect(logger.messages('info')).toEqual([
      'daisy has no production version: daisy#production!#4 unassigned it.',
    ]);

    // An unassignment older than the newest assignment changes nothing.
    seedAnnotatedTag(repo, 'daisy#production#5', commit, message('1.2.0'));
    expect(await registry().findStage('daisy')).toMatchObject({ version: '1.2.0', n: 5 });
  });

  it('returns null when the model has no stage tag at all', async () => {
    expect(await registry().findStage('never-promoted')).toBeNull();
    expect(await registry().findStage('iris', 'canary')).toBeNull();
  });

  it('falls back to the version tag on the same commit when the message names no version', async () => {
    const repo = gh.emulator.repo;
    const promoted = repo.commitOnBranch('main', 'rose 1.3').sha;
    const other = repo.commitOnBranch('main', 'rose 1.4').sha;
    seedLightweightTag(repo, 'rose@v1.3.0', promoted); // as a published release creates it
    seedAnnotatedTag(repo, 'rose@v1.3.1', promoted, 'Registering');
    seedAnnotatedTag(repo, 'rose@v1.3.1!', promoted, 'Deregistering'); // GTO's deregistration
    seedAnnotatedTag(repo, 'rose@v1.4.0', other, 'Registering');
    seedAnnotatedTag(repo, 'rose#production#7', promoted, 'Assigning stage production');
    expect(await registry().findStage('rose')).toMatchObject({
      version: '1.3.0',
      commit: promoted,
      pullRequest: null,
      approvedBy: [],
    });
  });

  it('ignores a lightweight stage tag, warning about it: the registry writes annotated tags', async () => {
    const repo = gh.emulator.repo;
    const commit = repo.commitOnBranch('main', 'lily').sha;
    seedLightweightTag(repo, 'lily@v2.0.0', commit);
    seedLightweightTag(repo, 'lily#production#1', commit);
    const logger = createMemoryLogger();
    expect(await registry(logger).findStage('lily')).toBeNull();
    expect(logger.messages('warning').join('\n')).toContain(
      'Ignoring the stage tag lily#production#1 in octo-org/models: it is a lightweight tag',
    );
  });

  it('ignores a stage tag not tagged by the identity that promotes, and the older one decides', async () => {
    const repo = gh.emulator.repo;
    const commit = repo.commitOnBranch('main', 'peony').sha;
    seedAnnotatedTag(repo, 'peony#production#1', commit, message('1.0.0'));
    // A writer's own `git tag -a`, claiming in its message to be the bot's.
    const forged = `${message('9.9.9')}\ntagged-by: github-actions[bot]`;
    seedAnnotatedTag(repo, 'peony#production#99', commit, forged, {
      name: 'Mallory',
      email: 'mallory@example.com',
      date: '2026-01-03T00:00:00Z',
    });
    const logger = createMemoryLogger();
    expect(await registry(logger).findStage('peony')).toMatchObject({
      version: '1.0.0',
      tag: 'peony#production#1',
    });
    expect(logger.messages('warning').join('\n')).toContain(
      'Ignoring the stage tag peony#production#99 in octo-org/models: it was tagged by Mallory <mallory@example.com>',
    );
  });

  it('fails with a DataError when neither the message nor a version tag gives the version', async () => {
    const repo = gh.emulator.repo;
    const commit = repo.commitOnBranch('main', 'tulip').sha;
    seedAnnotatedTag(repo, 'tulip#production#1', commit, 'no version here');
    const error = await registry()
      .findStage('tulip')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toContain('tulip#production#1');
    expect((error as Error).message).toContain(commit);
  });

  it('follows pagination of matching refs', async () => {
    const repo = gh.emulator.repo;
    const commit = repo.commitOnBranch('main', 'many').sha;
    for (let n = 1; n <= 45; n += 1) {
      seedAnnotatedTag(repo, `many#production#${n}`, commit, message(`1.${n}.0`));
    }
    const from = gh.emulator.exchanges.length;
    expect(await registry().findStage('many')).toMatchObject({ n: 45, version: '1.45.0' });
    const lists = gh.emulator.exchanges.slice(from).filter((e) => e.path.includes('matching-refs'));
    expect(lists.length).toBe(2);
  });
});

describe('getVersion and downloadModel', () => {
  async function publishThroughTheApi(model: string, version: string, bytes: Buffer) {
    const { octokit, repo } = gh;
    // publish-model's annotated version tag, recording the model's digest.
    seedAnnotatedTag(
      gh.emulator.repo,
      `${model}@v${version}`,
      gh.emulator.repo.refs.get('refs/heads/main') as string,
      `Registering artifact ${model} version v${version}\n\nmodel-digest: ${sha256(bytes)}\ntagged-by: github-actions[bot]`,
    );
    const draft = await octokit.rest.repos.createRelease({
      ...repo,
      tag_name: `${model}@v${version}`,
      draft: true,
    });
    const manifest = Buffer.from(JSON.stringify(makeManifest(model, version, bytes)));
    for (const [name, data] of [
      ['model.onnx', bytes],
      ['manifest.json', manifest],
    ] as const) {
      await octokit.request({
        method: 'POST',
        url: draft.data.upload_url,
        name,
        data,
        headers: { 'content-type': 'application/octet-stream' },
      });
    }
    return (
      await octokit.rest.repos.updateRelease({ ...repo, release_id: draft.data.id, draft: false })
    ).data;
  }

  it('describes a published release and answers null for an absent one or a draft', async () => {
    const bytes = modelBytes('aster 1');
    const release = await publishThroughTheApi('aster', '1.0.0', bytes);
    expect(await registry().getVersion('aster', 'v1.0.0')).toEqual({
      model: 'aster',
      version: '1.0.0',
      tag: 'aster@v1.0.0',
      releaseUrl: release.html_url,
      assets: [
        { name: 'model.onnx', size: bytes.length, digest: sha256(bytes) },
        {
          name: 'manifest.json',
          size: expect.any(Number),
          digest: expect.stringMatching(/^sha256:/),
        },
      ],
    });
    expect(await registry().getVersion('aster', '9.9.9')).toBeNull();
    seedRelease(gh.emulator.repo, 'aster@v2.0.0', [], { draft: true });
    expect(await registry().getVersion('aster', '2.0.0')).toBeNull();
  });

  it('downloads and verifies the model, writing it and its manifest', async () => {
    const bytes = modelBytes('iris 1.2.0', 300_000);
    const release = await publishThroughTheApi('iris', '1.2.0', bytes);
    const dest = path.join(await mkdtemp(path.join(tmpdir(), 'registry-')), 'baseline');
    const from = gh.emulator.exchanges.length;
    const downloaded = await registry().downloadModel('iris', '1.2.0', dest);
    expect(downloaded).toMatchObject({
      path: path.join(dest, 'model.onnx'),
      manifestPath: path.join(dest, 'manifest.json'),
      digest: sha256(bytes),
      releaseUrl: release.html_url,
      manifest: { model: { name: 'iris', version: '1.2.0' } },
    });
    expect(await readFile(downloaded.path)).toEqual(bytes);
    expect(JSON.parse(await readFile(downloaded.manifestPath, 'utf8'))).toEqual(
      downloaded.manifest,
    );
    expect((await readdir(dest)).sort()).toEqual(['manifest.json', 'model.onnx']);
    // Asset bytes come through the API with Accept: application/octet-stream and a redirect.
    const assetCalls = gh.emulator.exchanges
      .slice(from)
      .filter((e) => /\/releases\/assets\/\d+$/.test(e.path));
    expect(assetCalls.map((e) => [e.requestHeaders['accept'], e.status])).toEqual([
      ['application/octet-stream', 302],
      ['application/octet-stream', 302],
    ]);
    expect(
      gh.emulator.exchanges.slice(from).filter((e) => e.path.startsWith('/_storage/')),
    ).toHaveLength(2);
  });

  it('refuses a model whose bytes differ from the manifest digest, leaving nothing on disk', async () => {
    const bytes = modelBytes('iris 1.3.0');
    const recorded = modelBytes('what was evaluated');
    seedRelease(gh.emulator.repo, 'iris@v1.3.0', [
      { name: 'model.onnx', data: bytes },
      {
        name: 'manifest.json',
        data: Buffer.from(JSON.stringify(makeManifest('iris', '1.3.0', recorded))),
      },
    ]);
    const parent = await mkdtemp(path.join(tmpdir(), 'registry-'));
    const dest = path.join(parent, 'new', 'baseline');
    const error = await registry()
      .downloadModel('iris', '1.3.0', dest)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    const text = (error as Error).message;
    expect(text).toContain('release iris@v1.3.0');
    expect(text).toContain(sha256(bytes));
    expect(text).toContain(sha256(recorded));
    expect(text).toContain('manifest');
    expect(await readdir(parent)).toEqual([]);

    // An existing folder keeps what it had and gains nothing, not even a temporary file.
    await mkdir(dest, { recursive: true });
    await writeFile(path.join(dest, 'notes.txt'), 'mine');
    await expect(registry().downloadModel('iris', '1.3.0', dest)).rejects.toThrow(DataError);
    expect(await readdir(dest)).toEqual(['notes.txt']);
  });

  it('refuses bytes that differ from the digest GitHub reports for the asset', async () => {
    const bytes = modelBytes('iris 1.4.0');
    const uploaded = modelBytes('the upload GitHub hashed');
    seedRelease(gh.emulator.repo, 'iris@v1.4.0', [
      { name: 'model.onnx', data: bytes, digest: sha256(uploaded) },
      {
        name: 'manifest.json',
        data: Buffer.from(JSON.stringify(makeManifest('iris', '1.4.0', bytes))),
      },
    ]);
    const dest = path.join(await mkdtemp(path.join(tmpdir(), 'registry-')), 'baseline');
    const error = await registry()
      .downloadModel('iris', '1.4.0', dest)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    const text = (error as Error).message;
    expect(text).toContain("GitHub's asset digest");
    expect(text).toContain(sha256(bytes));
    expect(text).toContain(sha256(uploaded));
    expect(await exists(dest)).toBe(false);

    // The manifest's own bytes are checked against GitHub's digest too.
    const manifest = Buffer.from(JSON.stringify(makeManifest('iris', '1.4.1', bytes)));
    seedRelease(gh.emulator.repo, 'iris@v1.4.1', [
      { name: 'model.onnx', data: bytes },
      { name: 'manifest.json', data: manifest, digest: sha256(Buffer.from('{}')) },
    ]);
    await expect(registry().downloadModel('iris', '1.4.1', dest)).rejects.toThrow(
      `manifest.json: the downloaded bytes have digest ${sha256(manifest)}, but GitHub's asset digest is ${sha256(Buffer.from('{}'))}.`,
    );
    expect(await exists(dest)).toBe(false);
  });

  it('works without GitHub digests (older assets) and checks the recorded size', async () => {
    const bytes = modelBytes('iris 1.5.0');
    const manifest = makeManifest('iris', '1.5.0', bytes);
    const release = seedRelease(gh.emulator.repo, 'iris@v1.5.0', [
      { name: 'model.onnx', data: bytes },
      { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
    ]);
    for (const asset of gh.emulator.repo.assets.values()) {
      if (asset.releaseId === release.id) Object.assign(asset, { digest: null });
    }
    const dest = await mkdtemp(path.join(tmpdir(), 'registry-'));
    expect((await registry().downloadModel('iris', '1.5.0', dest)).digest).toBe(sha256(bytes));

    seedRelease(gh.emulator.repo, 'iris@v1.6.0', [
      { name: 'model.onnx', data: bytes },
      {
        name: 'manifest.json',
        data: Buffer.from(
          JSON.stringify(makeManifest('iris', '1.6.0', bytes, { size: bytes.length + 1 })),
        ),
      },
    ]);
    await expect(registry().downloadModel('iris', '1.6.0', path.join(dest, 'x'))).rejects.toThrow(
      /has 4096 bytes, but the manifest records 4097/,
    );
  });

  it('names what is missing: the release, an asset, a valid manifest', async () => {
    const dest = path.join(await mkdtemp(path.join(tmpdir(), 'registry-')), 'baseline');
    await expect(registry().downloadModel('iris', '7.0.0', dest)).rejects.toThrow(
      'iris v7.0.0 is not registered: octo-org/models has no published release tagged iris@v7.0.0.',
    );
    const bytes = modelBytes('iris 7.1.0');
    seedRelease(gh.emulator.repo, 'iris@v7.1.0', [{ name: 'model.onnx', data: bytes }]);
    await expect(registry().downloadModel('iris', '7.1.0', dest)).rejects.toThrow(
      /release iris@v7\.1\.0 \(.*\) has no manifest\.json asset \(it has: model\.onnx\)/,
    );
    seedRelease(gh.emulator.repo, 'iris@v7.2.0', [
      { name: 'model.onnx', data: bytes },
      { name: 'manifest.json', data: Buffer.from('{"manifestVersion": 2}') },
    ]);
    await expect(registry().downloadModel('iris', '7.2.0', dest)).rejects.toThrow(
      /manifest\.json is not a valid manifest: manifestVersion/,
    );
    seedRelease(gh.emulator.repo, 'iris@v7.3.0', [
      { name: 'model.onnx', data: bytes },
      {
        name: 'manifest.json',
        data: Buffer.from(JSON.stringify(makeManifest('rose', '7.3.0', bytes))),
      },
    ]);
    await expect(registry().downloadModel('iris', '7.3.0', dest)).rejects.toThrow(
      /describes model "rose", not "iris"/,
    );
    expect(await exists(dest)).toBe(false);
  });

  it('retries a 502 on the asset download', async () => {
    const bytes = modelBytes('iris 1.7.0');
    seedRelease(gh.emulator.repo, 'iris@v1.7.0', [
      { name: 'model.onnx', data: bytes },
      {
        name: 'manifest.json',
        data: Buffer.from(JSON.stringify(makeManifest('iris', '1.7.0', bytes))),
      },
    ]);
    const fault = gh.emulator.faults.push({
      method: 'GET',
      path: /\/releases\/assets\/\d+$/,
      status: 502,
      times: 2,
    });
    const dest = await mkdtemp(path.join(tmpdir(), 'registry-'));
    expect((await registry().downloadModel('iris', '1.7.0', dest)).digest).toBe(sha256(bytes));
    expect(fault.hits).toBe(2);
  });
});
