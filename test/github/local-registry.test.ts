import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LOCAL_REGISTRY_ROOT,
  createLocalRegistry,
  seedLocalRegistry,
} from '../../src/adapters/registry/local-registry.js';
import { DataError } from '../../src/core/errors.js';
import { makeManifest, modelBytes, sha256 } from './registry-fixtures.js';

async function scratch(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'local-registry-'));
}

describe('local registry (read side)', () => {
  it('keeps the MLflow-like embedded default root', () => {
    expect(DEFAULT_LOCAL_REGISTRY_ROOT).toBe('.mlops/registry');
    expect(createLocalRegistry().root).toBe(path.resolve('.mlops/registry'));
  });

  it('finds the stage holder by the greatest counter and honours unassignment', async () => {
    const root = await scratch();
    const registry = await seedLocalRegistry(root, 'iris', {
      stages: [
        { stage: 'production', action: 'assign', n: 2, version: '1.1.0', pullRequest: 4 },
        { stage: 'production', action: 'assign', n: 10, version: '1.2.0', approvedBy: ['alice'] },
        { stage: 'production', action: 'assign', n: 1, version: '1.0.0' },
        { stage: 'staging', action: 'assign', n: 11, version: '1.3.0-rc.1' },
      ],
    });
    expect(await registry.findStage('iris')).toEqual({
      model: 'iris',
      stage: 'production',
      version: '1.2.0',
      tag: 'iris#production#10',
      n: 10,
      commit: null,
      pullRequest: null,
      approvedBy: ['alice'],
      run: null,
    });
    expect((await registry.findStage('iris', 'staging'))?.version).toBe('1.3.0-rc.1');
    expect(await registry.findStage('iris', 'canary')).toBeNull();
    expect(await registry.findStage('rose')).toBeNull();

    await seedLocalRegistry(root, 'iris', {
      stages: [
        { stage: 'production', action: 'assign', n: 1, version: '1.0.0' },
        { stage: 'production', action: 'unassign', n: 2, version: '1.0.0' },
      ],
    });
    expect(await registry.findStage('iris')).toBeNull();
  });

  it('reports a broken stage history with its file', async () => {
    const root = await scratch();
    await seedLocalRegistry(root, 'iris', { stages: [] });
    const file = path.join(root, 'iris', 'stages.json');
    await writeFile(file, JSON.stringify({ events: [{ stage: 'production', action: 'promote' }] }));
    const error = await createLocalRegistry(root)
      .findStage('iris')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).location?.file).toBe(file);
    await writeFile(file, '{');
    await expect(createLocalRegistry(root).findStage('iris')).rejects.toThrow(/not JSON/);
  });

  it('describes a version folder and downloads a verified copy', async () => {
    const root = await scratch();
    const bytes = modelBytes('local iris 1.2.0');
    const registry = await seedLocalRegistry(root, 'nlp/iris', {
      versions: [
        { version: '1.2.0', model: bytes, manifest: makeManifest('nlp/iris', '1.2.0', bytes) },
      ],
    });
    const folder = path.join(root, 'nlp', 'iris', 'v1.2.0');
    expect(await registry.getVersion('nlp/iris', 'v1.2.0')).toEqual({
      model: 'nlp/iris',
      version: '1.2.0',
      tag: 'nlp/iris@v1.2.0',
      releaseUrl: pathToFileURL(folder).href,
      assets: [
        { name: 'manifest.json', size: expect.any(Number), digest: null },
        { name: 'model.onnx', size: bytes.length, digest: null },
      ],
    });
    expect(await registry.getVersion('nlp/iris', '9.0.0')).toBeNull();

    const dest = path.join(await scratch(), 'baseline');
    const downloaded = await registry.downloadModel('nlp/iris', '1.2.0', dest);
    expect(downloaded).toMatchObject({
      path: path.join(dest, 'model.onnx'),
      digest: sha256(bytes),
      releaseUrl: pathToFileURL(folder).href,
    });
    expect(await readFile(downloaded.path)).toEqual(bytes);
    expect(JSON.parse(await readFile(downloaded.manifestPath, 'utf8'))).toEqual(
      downloaded.manifest,
    );
  });

  it('refuses a model that does not match its manifest and leaves nothing behind', async () => {
    const root = await scratch();
    const bytes = modelBytes('tampered');
    const recorded = modelBytes('original');
    const registry = await seedLocalRegistry(root, 'iris', {
      versions: [
        { version: '2.0.0', model: bytes, manifest: makeManifest('iris', '2.0.0', recorded) },
      ],
    });
    const parent = await scratch();
    const error = await registry
      .downloadModel('iris', '2.0.0', path.join(parent, 'deep', 'baseline'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toContain(sha256(bytes));
    expect((error as Error).message).toContain(sha256(recorded));
    expect((error as Error).message).toContain('iris@v2.0.0 in the local registry');
    expect(await readdir(parent)).toEqual([]);
    await expect(registry.downloadModel('iris', '3.0.0', parent)).rejects.toThrow(
      /iris v3\.0\.0 is not registered/,
    );
  });
});
