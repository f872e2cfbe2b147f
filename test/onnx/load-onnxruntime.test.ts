/**
 * The fetch path of the onnxruntime loader, with tarballs built here from the installed packages
 * (this platform's binary only) and served over loopback HTTP as the npm registry serves them:
 * a tarball whose sha512 matches the pin is unpacked, loaded and scores a model; one that does
 * not is refused with one line and never unpacked; a cache entry that does not match is fetched
 * again; a platform the package ships no binary for is refused before any download.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmRegistryFetcher } from '../../src/adapters/onnx/onnxruntime-sources.js';
import { loadOnnxRuntimeWith } from '../../src/adapters/onnx/load-onnxruntime.js';
import {
  RuntimeUnavailableError,
  type OnnxRuntimePin,
  type PackageFetchPort,
  type TarballCachePort,
} from '../../src/core/onnx/onnxruntime-package-port.js';
import { buildBaselineModel } from '../../src/core/onnx/build-baseline-model.js';

const root = path.resolve(import.meta.dirname, '../..');
const platform = `${process.platform}/${process.arch}`;
const run = promisify(execFile);

let dir: string;
let server: Server;
let registry: string;
const requests: string[] = [];
let pin: OnnxRuntimePin;
const tarballs: Record<string, string> = {};

/** npm's integrity of a file, computed here with node:crypto's sha512. */
async function integrityOf(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha512-${hash.digest('base64')}`;
}

/** An npm-style tarball (one `package/` folder) of the chosen files of an installed package. */
async function pack(name: string, parts: readonly string[]): Promise<string> {
  const staging = path.join(dir, 'staging', name, 'package');
  for (const part of parts) {
    await cp(path.join(root, 'node_modules', name, part), path.join(staging, part), {
      recursive: true,
    });
  }
  const version = (
    JSON.parse(await readFile(path.join(staging, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const file = path.join(dir, 'served', `${name}-${version}.tgz`);
  await mkdir(path.dirname(file), { recursive: true });
  await run('tar', ['-czf', file, '-C', path.dirname(staging), 'package']);
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mlops-ort-fetch-'));
  const [system, arch] = [process.platform, process.arch];
  tarballs['onnxruntime-node'] = await pack('onnxruntime-node', [
    'package.json',
    'dist',
    `bin/napi-v6/${system}/${arch}`,
  ]);
  tarballs['onnxruntime-common'] = await pack('onnxruntime-common', ['package.json', 'dist']);
  const version = (name: string) =>
    path.basename(tarballs[name] as string, '.tgz').slice(name.length + 1);
  pin = {
    packages: await Promise.all(
      ['onnxruntime-node', 'onnxruntime-common'].map(async (name) => ({
        name,
        version: version(name),
        integrity: await integrityOf(tarballs[name] as string),
      })),
    ),
    napi: 'napi-v6',
    platforms: [platform, 'win32/x64'],
  };
  // The registry's URL layout: /<name>/-/<name>-<version>.tgz.
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const match = /^\/([^/]+)\/-\/([^/]+\.tgz)$/.exec(request.url ?? '');
    const file = match && tarballs[match[1] as string];
    if (!file || path.basename(file) !== match?.[2]) {
      response.statusCode = 404;
      response.end();
      return;
    }
    response.setHeader('content-type', 'application/octet-stream');
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** A fetcher that must not be called. */
const noFetch: PackageFetchPort = {
  describe: () => 'nowhere',
  fetch: () => Promise.reject(new Error('fetched although a complete copy was there')),
};

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => new Error('expected a failure'),
    (error: unknown) => error as Error,
  );
}

describe('loading onnxruntime fetched from a registry', () => {
  it('fetches the pinned tarballs, checks them, unpacks and loads them, then reuses the copy', async () => {
    const cacheDir = path.join(dir, 'cache-good');
    const lines: string[] = [];
    requests.length = 0;
    const loaded = await loadOnnxRuntimeWith({
      pin,
      useInstalled: false,
      fetcher: npmRegistryFetcher(registry),
      cacheDir,
      log: (line) => lines.push(line),
    });
    expect(loaded.source).toBe('fetched');
    expect(loaded.version).toBe(pin.packages[0]?.version);
    expect(requests.sort()).toEqual(
      pin.packages.map((p) => `/${p.name}/-/${p.name}-${p.version}.tgz`).sort(),
    );
    expect(lines[0]).toBe(
      `Fetching onnxruntime-node@${pin.packages[0]?.version}: ${registry}/onnxruntime-node/-/onnxruntime-node-${pin.packages[0]?.version}.tgz`,
    );
    // It really is onnxruntime: a model with weights 2 and -1, bias 0.5, mean 0 and scale 1
    // predicts 2·3 − 1·4 + 0.5 = 2.5 for the record (3, 4).
    const model = buildBaselineModel({
      kind: 'linear-regression',
      task: 'regression',
      featureNames: ['a', 'b'],
      targetName: 'y',
      parameters: {
        means: new Float64Array([0, 0]),
        scales: new Float64Array([1, 1]),
        weights: new Float64Array([2, -1]),
        bias: new Float64Array([0.5]),
      },
      seed: 1,
    });
    const { ort } = loaded;
    const session = await ort.InferenceSession.create(model);
    const out = await session.run({
      features: new ort.Tensor('float32', new Float32Array([3, 4]), [1, 2]),
    });
    expect(Array.from(out.prediction?.data as Float32Array)).toEqual([2.5]);
    await session.release();

    // The next run finds the complete copy and fetches nothing.
    const again = await loadOnnxRuntimeWith({
      pin,
      useInstalled: false,
      fetcher: noFetch,
      cacheDir,
    });
    expect(again.source).toBe('fetched');
    const binary = path.join(
      cacheDir,
      `onnxruntime-node-${pin.packages[0]?.version}`,
      'node_modules/onnxruntime-node/bin/napi-v6',
      process.platform,
      process.arch,
      'onnxruntime_binding.node',
    );
    expect((await stat(binary)).isFile()).toBe(true);
  });

  it('inside Actions, downloads and unpacks with @actions/tool-cache', async () => {
    const saved = { actions: process.env.GITHUB_ACTIONS, temp: process.env.RUNNER_TEMP };
    process.env.GITHUB_ACTIONS = 'true';
    process.env.RUNNER_TEMP = path.join(dir, 'runner-temp');
    try {
      requests.length = 0;
      const loaded = await loadOnnxRuntimeWith({
        pin,
        useInstalled: false,
        fetcher: npmRegistryFetcher(registry),
        cacheDir: path.join(dir, 'cache-actions'),
      });
      expect(loaded.source).toBe('fetched');
      expect(requests).toHaveLength(2);
    } finally {
      for (const [name, value] of [
        ['GITHUB_ACTIONS', saved.actions],
        ['RUNNER_TEMP', saved.temp],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('refuses a tarball whose integrity does not match the pin, and unpacks nothing', async () => {
    const cacheDir = path.join(dir, 'cache-bad');
    // The same bytes with one pinned hash changed: the sha512 of something else.
    const wrong = `sha512-${createHash('sha512').update('not the tarball').digest('base64')}`;
    const bad: OnnxRuntimePin = {
      ...pin,
      packages: pin.packages.map((p, i) => (i === 0 ? { ...p, integrity: wrong } : p)),
    };
    const error = await failure(
      loadOnnxRuntimeWith({
        pin: bad,
        useInstalled: false,
        fetcher: npmRegistryFetcher(registry),
        cacheDir,
      }),
    );
    expect(error).toBeInstanceOf(RuntimeUnavailableError);
    const version = pin.packages[0]?.version ?? '';
    expect(error.message).toBe(
      `onnxruntime-node ${version} for ${platform} is not installed here and could not be fetched: the onnxruntime-node@${version} tarball from ${registry}/onnxruntime-node/-/onnxruntime-node-${version}.tgz does not match the integrity package-lock.json pins (expected ${wrong}, got ${pin.packages[0]?.integrity}); it was not used. Let the runner reach the npm registry (or set MLOPS_NPM_REGISTRY to a mirror), or run this step on a linux x64 or arm64 runner, whose binaries ship with the action`,
    );
    expect(await readdir(cacheDir)).toEqual(['tarballs']);
    expect(await readdir(path.join(cacheDir, 'tarballs'))).toEqual([]);
  });

  it('fetches again when the tarball cache hands back bytes that do not match', async () => {
    const cacheDir = path.join(dir, 'cache-poisoned');
    const saved: string[] = [];
    const cache: TarballCachePort = {
      async restore(directory) {
        // A cache entry another run wrote: the right names, other bytes.
        for (const p of pin.packages) {
          await writeFile(path.join(directory, `${p.name}-${p.version}.tgz`), 'tampered');
        }
        return true;
      },
      async save(directory, key) {
        saved.push(key);
        await Promise.resolve(directory);
      },
    };
    const lines: string[] = [];
    const loaded = await loadOnnxRuntimeWith({
      pin,
      useInstalled: false,
      fetcher: npmRegistryFetcher(registry),
      cache,
      cacheDir,
      log: (line) => lines.push(line),
    });
    expect(loaded.source).toBe('fetched');
    expect(lines).toContain(
      `onnxruntime-node@${pin.packages[0]?.version} from the cache does not match its integrity; fetching it.`,
    );
    // Restored entries are not saved back (the key exists); the fresh tarballs are only local.
    expect(saved).toEqual([]);
  });

  it('refuses a platform the package ships no binary for, before any download', async () => {
    requests.length = 0;
    const error = await failure(
      loadOnnxRuntimeWith({
        pin,
        platform: 'freebsd/riscv64',
        fetcher: npmRegistryFetcher(registry),
        cacheDir: path.join(dir, 'cache-none'),
      }),
    );
    expect(error).toBeInstanceOf(RuntimeUnavailableError);
    expect(error.message).toBe(
      `onnxruntime-node ${pin.packages[0]?.version} has no binary for freebsd/riscv64 (it ships ${platform}, win32/x64): run the steps that score a model (evaluate, check-drift with a model) on one of those platforms`,
    );
    expect(requests).toEqual([]);
  });

  it('says so when fetching is turned off', async () => {
    const error = await failure(
      loadOnnxRuntimeWith({
        pin,
        useInstalled: false,
        fetcher: null,
        cacheDir: path.join(dir, 'cache-off'),
      }),
    );
    expect(error).toBeInstanceOf(RuntimeUnavailableError);
    expect(error.message).toContain(
      `for ${platform} is not installed here and could not be fetched: fetching is turned off (MLOPS_ONNXRUNTIME_FETCH=false).`,
    );
  });
});
