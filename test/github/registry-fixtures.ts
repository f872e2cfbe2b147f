/** Shared seeds for the registry tests: a valid manifest for given bytes, releases, stage tags. */
import { createHash, randomBytes } from 'node:crypto';
import type { Manifest } from '../../src/core/manifest/manifest.js';
import type { AssetRecord, ReleaseRecord, RepoState } from '../support/github-emulator/index.js';

export function sha256(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Bytes standing in for an ONNX model; distinct per `seed`. */
export function modelBytes(seed: string, size = 4096): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let offset = 0; offset < size; offset += block.length) {
    block.copy(out, offset);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

export function makeManifest(
  model: string,
  version: string | null,
  bytes: Uint8Array,
  overrides: { digest?: string; size?: number } = {},
): Manifest {
  return {
    manifestVersion: 1,
    model: {
      name: model,
      version,
      task: 'binary-classification',
      file: {
        path: 'model.onnx',
        digest: overrides.digest ?? sha256(bytes),
        bytes: overrides.size ?? bytes.length,
      },
      inputs: [{ name: 'input', type: 'tensor(float)', shape: ['N', 4] }],
      outputs: [{ name: 'label', type: 'tensor(int64)', shape: ['N'] }],
      features: ['a', 'b', 'c', 'd'],
      target: 'y',
      classes: ['0', '1'],
    },
    metrics: { accuracy: 0.9 },
    data: { schema: null, train: [], eval: [] },
    training: {
      command: null,
      builtin: 'logistic',
      seed: 7,
      workingDirectory: '.',
      startedAt: '2026-01-02T03:04:05Z',
      durationSeconds: 1.5,
    },
    source: {
      repository: 'octo-org/models',
      commit: null,
      ref: null,
      pullRequest: null,
      runUrl: null,
      workflow: null,
      job: null,
      actor: null,
    },
    environment: {
      runner: { name: null, os: 'Linux', arch: 'x64' },
      gpus: [],
      node: 'v20.19.0',
      packages: {},
    },
    createdAt: '2026-01-02T03:04:07Z',
    parent: null,
  };
}

export interface SeedAsset {
  readonly name: string;
  readonly data: Buffer;
  /** What GitHub reports as the asset's digest; the bytes' own digest by default. */
  readonly digest?: string;
}

/**
 * A published release with its annotated version tag by the bot (GTO's message, and with
 * `modelDigest` the digest publish records), written straight into the emulator's state.
 */
export function seedRelease(
  repo: RepoState,
  tag: string,
  assets: readonly SeedAsset[],
  options: { draft?: boolean; commit?: string; modelDigest?: string } = {},
): ReleaseRecord {
  const world = repo.world;
  const now = world.timestamp();
  const commit = options.commit ?? (repo.refs.get('refs/heads/main') as string);
  const draft = options.draft ?? false;
  const release: ReleaseRecord = {
    id: world.nextId(),
    tagName: tag,
    targetCommitish: commit,
    name: tag,
    body: null,
    draft,
    prerelease: false,
    author: 'github-actions[bot]',
    createdAt: now,
    updatedAt: now,
    publishedAt: draft ? null : now,
    untaggedName: `untagged-${randomBytes(10).toString('hex')}`,
  };
  repo.releases.set(release.id, release);
  if (!draft) {
    const [model, version] = tag.split('@') as [string, string];
    const message =
      `Registering artifact ${model} version ${version}` +
      (options.modelDigest !== undefined
        ? `\n\nmodel-digest: ${options.modelDigest}\ntagged-by: github-actions[bot]`
        : '');
    seedAnnotatedTag(repo, tag, commit, message);
  }
  for (const asset of assets) {
    const record: AssetRecord = {
      id: world.nextId(),
      releaseId: release.id,
      name: asset.name,
      label: '',
      contentType: 'application/octet-stream',
      data: asset.data,
      digest: asset.digest ?? sha256(asset.data),
      uploader: 'github-actions[bot]',
      downloadCount: 0,
      createdAt: now,
      updatedAt: now,
      downloadKey: randomBytes(12).toString('hex'),
    };
    repo.assets.set(record.id, record);
  }
  return release;
}

/** The tagger of a tag that `GITHUB_TOKEN` creates through the API. */
export const BOT_TAGGER = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
  date: '2026-01-02T03:04:05Z',
};

/**
 * An annotated tag `name` on `commit` with `message`, and its ref, as the registry writes it
 * (tagged by the bot); `tagger` gives another, as a person's `git tag -a` would.
 */
export function seedAnnotatedTag(
  repo: RepoState,
  name: string,
  commit: string,
  message: string,
  tagger: { name: string; email: string; date: string } = BOT_TAGGER,
): string {
  const tag = repo.createTagObject({
    tag: name,
    message,
    objectSha: commit,
    objectType: 'commit',
    tagger,
  });
  repo.refs.set(`refs/tags/${name}`, tag.sha);
  return tag.sha;
}

/** A lightweight tag: the ref points straight at the commit. */
export function seedLightweightTag(repo: RepoState, name: string, commit: string): void {
  repo.refs.set(`refs/tags/${name}`, commit);
}
