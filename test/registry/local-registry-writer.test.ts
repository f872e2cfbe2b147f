/**
 * The local registry's write side: versions appear whole or not at all, a re-run of the same
 * commit finds its version, racing runs end with distinct numbers, and stage counters follow GTO
 * (one counter per model, shared by every stage). Expected numbers are worked out by hand from the
 * rules in registry-writer.ts: `auto` is a minor bump from 1.0.0, a run that loses a race takes
 * the patch after the number it lost.
 */
import { mkdir, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  RELEASE_NOTES_FILE,
  createLocalRegistry,
  seedLocalRegistry,
} from '../../src/adapters/registry/local-registry.js';
import { ConfigError, DataError } from '../../src/core/errors.js';
import { parseReleaseMarker } from '../../src/core/registry/registry-writer.js';
import type { StageRequest } from '../../src/core/registry/registry-writer.js';
import { makeManifest, modelBytes, sha256 } from '../github/registry-fixtures.js';
import { barrier, commit, publishRequest, scratch, snapshot } from './publish-fixtures.js';

function promotion(
  stage: string,
  version: string,
  extra: Partial<Omit<StageRequest, 'stage' | 'version'>> = {},
): StageRequest {
  return {
    model: 'iris',
    stage,
    version,
    pullRequest: null,
    approvedBy: [],
    run: null,
    ...extra,
  };
}

describe('LocalRegistry.publish', () => {
  it('creates the version folder with verified copies and the notes', async () => {
    const root = await scratch();
    const registry = createLocalRegistry(root);
    const request = await publishRequest({ seed: 'iris one', commit: commit('a') });
    const result = await registry.publish(request);

    const folder = path.join(root, 'iris', 'v1.0.0');
    expect(result).toEqual({
      version: '1.0.0',
      tag: 'iris@v1.0.0',
      releaseUrl: pathToFileURL(folder).href,
      created: true,
      assets: [
        { name: 'manifest.json', size: expect.any(Number), digest: expect.any(String) },
        { name: 'model.onnx', size: 4096, digest: sha256(request.bytes) },
      ],
    });
    expect(request.prepared).toEqual(['1.0.0']);
    // Nothing else in the model folder: no temporary folder left over.
    expect(await readdir(path.join(root, 'iris'))).toEqual(['v1.0.0']);
    expect((await readdir(folder)).sort()).toEqual(['RELEASE.md', 'manifest.json', 'model.onnx']);
    expect(await readFile(path.join(folder, 'model.onnx'))).toEqual(request.bytes);
    const notes = await readFile(path.join(folder, RELEASE_NOTES_FILE), 'utf8');
    expect(notes).toBe(request.notes('1.0.0'));
    expect(parseReleaseMarker(notes)).toEqual({
      model: 'iris',
      commit: commit('a'),
      digest: sha256(request.bytes),
    });

    // The read side sees it, and the manifest written for 1.0.0 verifies the model.
    const version = await registry.getVersion('iris', '1.0.0');
    expect(version?.assets.map((a) => a.name)).toEqual(['manifest.json', 'model.onnx']);
    const downloaded = await registry.downloadModel('iris', '1.0.0', await scratch('dl-'));
    expect(downloaded.digest).toBe(sha256(request.bytes));
    expect(downloaded.manifest.model.version).toBe('1.0.0');
  });

  it('numbers versions by the request: auto and minor bump, patch and major as named', async () => {
    const root = await scratch();
    const registry = createLocalRegistry(root);
    const steps: [string, string][] = [
      ['auto', '1.0.0'], // nothing registered yet
      ['auto', '1.1.0'],
      ['patch', '1.1.1'],
      ['minor', '1.2.0'],
      ['major', '2.0.0'],
      ['v2.0.5', '2.0.5'], // explicit, newer than 2.0.0
    ];
    for (const [index, [version, expected]] of steps.entries()) {
      const request = await publishRequest({
        seed: `m${index}`,
        commit: commit(`${index}`),
        version,
      });
      expect((await registry.publish(request)).version).toBe(expected);
    }
    expect((await registry.listVersions('iris')).map((v) => v.version)).toEqual([
      '2.0.5',
      '2.0.0',
      '1.2.0',
      '1.1.1',
      '1.1.0',
      '1.0.0',
    ]);
  });

  it('finds the version of a re-run by its marker and writes nothing', async () => {
    const root = await scratch();
    const registry = createLocalRegistry(root);
    const first = await registry.publish(await publishRequest({ seed: 'same', commit: null }));
    await registry.publish(await publishRequest({ seed: 'other', commit: commit('b') }));
    const before = await snapshot(root);
    // Let any mtime a write would set differ from the recorded ones.
    await new Promise((resolve) => setTimeout(resolve, 20));

    const rerun = await publishRequest({ seed: 'same', commit: null });
    const again = await registry.publish(rerun);
    expect(again).toEqual({ ...first, created: false, assets: expect.any(Array) });
    expect(again.version).toBe('1.0.0');
    expect(again.assets.map((a) => a.name)).toEqual(['manifest.json', 'model.onnx']);
    expect(rerun.prepared).toEqual([]);
    expect(await snapshot(root)).toEqual(before);

    // Asking for an explicit version with the same commit and bytes finds it too.
    const explicit = await registry.publish(
      await publishRequest({ seed: 'same', commit: null, version: '1.0.0' }),
    );
    expect(explicit).toMatchObject({ version: '1.0.0', created: false });
    expect(await snapshot(root)).toEqual(before);
  });

  it('leaves no version folder and no temporary folder when a digest does not match', async () => {
    const root = await scratch();
    const registry = createLocalRegistry(root);
    const request = await publishRequest({
      seed: 'recorded',
      commit: commit('c'),
      onDisk: modelBytes('changed after recording'),
    });
    const error = await registry.publish(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toContain(sha256(modelBytes('changed after recording')));
    expect((error as Error).message).toContain(sha256(modelBytes('recorded')));
    expect((error as Error).message).toContain('iris@v1.0.0');
    expect(await readdir(path.join(root, 'iris'))).toEqual([]);
    expect(await registry.listVersions('iris')).toEqual([]);
    expect(await registry.listModels()).toEqual([]);
  });

  it('ends two concurrent publishes of the same commit with one version', async () => {
    const root = await scratch();
    const registry = createLocalRegistry(root);
    // Both runs choose their number before either renames its folder into place.
    const wait = barrier(2);
    const requests = await Promise.all(
      [1, 2].map(() =>
        publishRequest({ seed: 'shared', commit: commit('d'), beforeFirstPrepare: wait }),
      ),
    );
    const results = await Promise.all(requests.map((r) => registry.publish(r)));
    expect(results.map((r) => r.version)).toEqual(['1.0.0', '1.0.0']);
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    expect(await readdir(path.join(root, 'iris'))).toEqual(['v1.0.0']);
  });

  it('ends two concurrent publishes of different commits with consecutive versions', async () => {
    const root = await scratch();
    const bytes = modelBytes('seeded 1.2.0');
    const registry = await seedLocalRegistry(root, 'iris', {
      versions: [
        { version: '1.2.0', model: bytes, manifest: makeManifest('iris', '1.2.0', bytes) },
      ],
    });
    const wait = barrier(2);
    const requests = await Promise.all(
      ['e', 'f'].map((digit) =>
        publishRequest({ seed: `model ${digit}`, commit: commit(digit), beforeFirstPrepare: wait }),
      ),
    );
    const results = await Promise.all(requests.map((r) => registry.publish(r)));
    // Both choose 1.3.0 (auto: minor bump of 1.2.0); the one that loses takes 1.3.1.
    expect(results.map((r) => r.version).sort()).toEqual(['1.3.0', '1.3.1']);
    expect(results.every((r) => r.created)).toBe(true);
    const loser = requests.find((r) => r.prepared.length === 2);
    expect(loser?.prepared).toEqual(['1.3.0', '1.3.1']);
    expect((await readdir(path.join(root, 'iris'))).sort()).toEqual(['v1.2.0', 'v1.3.0', 'v1.3.1']);
    // Each folder holds its own run's model, and a manifest recording its own number.
    for (const result of results) {
      const manifest = await registry.readManifest('iris', result.version);
      expect(manifest.model.version).toBe(result.version);
      const marker = parseReleaseMarker(
        await readFile(path.join(root, 'iris', `v${result.version}`, RELEASE_NOTES_FILE), 'utf8'),
      );
      expect(marker?.digest).toBe(manifest.model.file.digest);
    }
  });

  it('finds a concurrent re-run that registered the same commit under another number', async () => {
    const root = await scratch();
    const registry = createLocalRegistry(root);
    let reached: () => void = () => undefined;
    const atPrepare = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    // Run A (commit x) chooses 1.0.0 and is held before writing anything.
    const slow = await publishRequest({
      seed: 'x',
      commit: commit('a'),
      beforeFirstPrepare: async () => {
        reached();
        await gate;
      },
    });
    const pending = registry.publish(slow);
    await atPrepare;
    // Meanwhile commit y takes 1.0.0, and a re-run of commit x sees it and takes 1.1.0.
    await registry.publish(await publishRequest({ seed: 'y', commit: commit('b') }));
    const rerun = await registry.publish(await publishRequest({ seed: 'x', commit: commit('a') }));
    expect(rerun).toMatchObject({ version: '1.1.0', created: true });
    open();
    // A loses 1.0.0 to y, then finds its commit registered as 1.1.0 instead of adding 1.0.1.
    expect(await pending).toMatchObject({ version: '1.1.0', created: false });
    expect(slow.prepared).toEqual(['1.0.0']);
    expect((await readdir(path.join(root, 'iris'))).sort()).toEqual(['v1.0.0', 'v1.1.0']);
  });

  it('refuses an explicit version that is not newer than the newest, or taken meanwhile', async () => {
    const root = await scratch();
    const registry = createLocalRegistry(root);
    await registry.publish(
      await publishRequest({ seed: 'a', commit: commit('a'), version: '1.4.0' }),
    );
    for (const version of ['1.3.9', '1.4.0', 'v0.1.0']) {
      const request = await publishRequest({ seed: `b ${version}`, commit: commit('b'), version });
      await expect(registry.publish(request)).rejects.toBeInstanceOf(ConfigError);
      expect(request.prepared).toEqual([]);
    }
    expect(await readdir(path.join(root, 'iris'))).toEqual(['v1.4.0']);

    const wait = barrier(2);
    const racing = await Promise.all(
      ['c', 'd'].map((digit) =>
        publishRequest({
          seed: digit,
          commit: commit(digit),
          version: '2.0.0',
          beforeFirstPrepare: wait,
        }),
      ),
    );
    const settled = await Promise.allSettled(racing.map((r) => registry.publish(r)));
    const won = settled.filter((s) => s.status === 'fulfilled');
    const lost = settled.filter((s) => s.status === 'rejected');
    expect(won.map((s) => s.value.version)).toEqual(['2.0.0']);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(ConfigError);
    expect((await readdir(path.join(root, 'iris'))).sort()).toEqual(['v1.4.0', 'v2.0.0']);
  });
});

describe('LocalRegistry stages', () => {
  async function withTwoVersions() {
    const root = await scratch();
    const registry = createLocalRegistry(root);
    await registry.publish(await publishRequest({ seed: 'one', commit: commit('1') }));
    await registry.publish(await publishRequest({ seed: 'two', commit: commit('2') }));
    return { root, registry };
  }

  it('counts across stages, reports the previous holder, and rolls back with a new event', async () => {
    const { root, registry } = await withTwoVersions();
    const staging = await registry.assignStage(promotion('staging', '1.1.0'));
    expect(staging).toEqual({
      tag: 'iris#staging#1',
      n: 1,
      previous: null,
      url: pathToFileURL(path.join(root, 'iris', 'stages.json')).href,
    });
    const first = await registry.assignStage(promotion('production', 'v1.0.0'));
    expect(first).toMatchObject({ tag: 'iris#production#2', n: 2, previous: null });
    const second = await registry.assignStage(
      promotion('production', '1.1.0', {
        pullRequest: 12,
        approvedBy: ['alice', 'bob'],
        run: 'https://github.com/o/r/actions/runs/7',
      }),
    );
    expect(second.tag).toBe('iris#production#3');
    expect(second.previous).toMatchObject({ version: '1.0.0', n: 2, tag: 'iris#production#2' });
    expect(await registry.findStage('iris')).toEqual({
      model: 'iris',
      stage: 'production',
      version: '1.1.0',
      tag: 'iris#production#3',
      n: 3,
      commit: commit('2'),
      pullRequest: 12,
      approvedBy: ['alice', 'bob'],
      run: 'https://github.com/o/r/actions/runs/7',
    });

    // Rollback: production goes back to 1.0.0 as a new event, n = 3 + 1.
    const rollback = await registry.assignStage(promotion('production', '1.0.0'));
    expect(rollback.tag).toBe('iris#production#4');
    expect(rollback.previous).toMatchObject({ version: '1.1.0', n: 3 });
    expect(await registry.findStage('iris')).toMatchObject({
      version: '1.0.0',
      tag: 'iris#production#4',
      commit: commit('1'),
    });
    expect(await registry.findStage('iris', 'staging')).toMatchObject({ version: '1.1.0', n: 1 });

    expect(
      (await registry.stageHistory('iris')).map((e) => [e.n, e.stage, e.version, e.tag]),
    ).toEqual([
      [4, 'production', '1.0.0', 'iris#production#4'],
      [3, 'production', '1.1.0', 'iris#production#3'],
      [2, 'production', '1.0.0', 'iris#production#2'],
      [1, 'staging', '1.1.0', 'iris#staging#1'],
    ]);
    const file = JSON.parse(await readFile(path.join(root, 'iris', 'stages.json'), 'utf8')) as {
      events: { n: number; at: string | null }[];
    };
    expect(file.events.map((e) => e.n)).toEqual([1, 2, 3, 4]);
    expect(file.events.every((e) => e.at !== null && !Number.isNaN(Date.parse(e.at)))).toBe(true);
  });

  it('continues the counter of an existing history, unassignments included', async () => {
    const root = await scratch();
    const bytes = modelBytes('seeded');
    const registry = await seedLocalRegistry(root, 'iris', {
      versions: [
        { version: '1.0.0', model: bytes, manifest: makeManifest('iris', '1.0.0', bytes) },
      ],
      stages: [
        { stage: 'production', action: 'assign', n: 5, version: '1.0.0' },
        { stage: 'staging', action: 'unassign', n: 9, version: '1.0.0' },
      ],
    });
    const result = await registry.assignStage(promotion('staging', '1.0.0'));
    expect(result).toMatchObject({ tag: 'iris#staging#10', n: 10, previous: null });
  });

  it('gives concurrent promotions distinct counters and loses none', async () => {
    const { root, registry } = await withTwoVersions();
    const stages = ['production', 'staging', 'production', 'canary', 'staging', 'production'];
    const results = await Promise.all(
      stages.map((stage, i) => registry.assignStage(promotion(stage, i % 2 ? '1.0.0' : '1.1.0'))),
    );
    expect(results.map((r) => r.n).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await registry.stageHistory('iris')).toHaveLength(6);
    expect(await readdir(path.join(root, 'iris'))).not.toContain('stages.json.lock');
  });

  it('refuses a version that is not registered, naming the model, version and folder', async () => {
    const { root, registry } = await withTwoVersions();
    const error = await registry
      .assignStage(promotion('production', '9.9.9'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toContain('iris v9.9.9');
    expect((error as Error).message).toContain(root);
    expect(await readdir(path.join(root, 'iris'))).not.toContain('stages.json');
  });

  it('breaks a stale lock and waits for a live one', async () => {
    const { root, registry } = await withTwoVersions();
    const lock = path.join(root, 'iris', 'stages.json.lock');
    await writeFile(lock, 'crashed\n');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    expect((await registry.assignStage(promotion('production', '1.0.0'))).n).toBe(1);
    await expect(stat(lock)).rejects.toThrow();

    await writeFile(lock, 'busy\n');
    let done = false;
    const waiting = registry.assignStage(promotion('production', '1.1.0')).then((r) => {
      done = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(done).toBe(false);
    await rm(lock);
    expect((await waiting).n).toBe(2);
  });
});

describe('LocalRegistry listing and notes', () => {
  it('lists models, nested ones and those with only a stage history', async () => {
    const root = await scratch();
    const registry = createLocalRegistry(root);
    await registry.publish(await publishRequest({ model: 'nlp/iris', seed: 'n', commit: null }));
    await registry.publish(await publishRequest({ model: 'iris', seed: 'i', commit: null }));
    await seedLocalRegistry(root, 'rose', { stages: [] });
    // Neither a model nor part of one: a hidden folder and an empty one.
    await writeFile(path.join(root, 'README'), 'not a model');
    await mkdir(path.join(root, '.cache', 'v1.0.0'), { recursive: true });
    await mkdir(path.join(root, 'empty'));
    expect(await registry.listModels()).toEqual(['iris', 'nlp/iris', 'rose']);
    expect(await registry.listVersions('rose')).toEqual([]);
    expect(await registry.listVersions('tulip')).toEqual([]);
    expect(await registry.stageHistory('tulip')).toEqual([]);
    expect(await createLocalRegistry(path.join(root, 'missing')).listModels()).toEqual([]);
  });

  it('appends to the notes, keeping the marker a re-run looks for', async () => {
    const root = await scratch();
    const registry = createLocalRegistry(root);
    const request = await publishRequest({ seed: 'noted', commit: commit('e') });
    await registry.publish(request);
    await registry.annotateVersion('iris', 'v1.0.0', 'Promoted to production by #12.');
    await registry.annotateVersion('iris', '1.0.0', 'Rolled back.\n');
    const notes = await readFile(path.join(root, 'iris', 'v1.0.0', RELEASE_NOTES_FILE), 'utf8');
    expect(notes).toBe(
      `${request.notes('1.0.0')}\nPromoted to production by #12.\n\nRolled back.\n`,
    );
    const again = await registry.publish(
      await publishRequest({ seed: 'noted', commit: commit('e') }),
    );
    expect(again).toMatchObject({ version: '1.0.0', created: false });
    await expect(registry.annotateVersion('iris', '2.0.0', 'x')).rejects.toBeInstanceOf(DataError);
    expect((await readdir(path.join(root, 'iris'))).sort()).toEqual(['v1.0.0']);
  });
});
