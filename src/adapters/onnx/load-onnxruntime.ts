/**
 * The one place onnxruntime-node is loaded, and only when a model is about to be scored: a native
 * addon with binaries per platform, so importing it at module load made every step (validating
 * data, a drift check without a model, training with the user's own command) die with a raw
 * "Cannot find module …onnxruntime_binding.node" on platforms the release does not ship.
 *
 * Where the installed copy (the release tree's `dist/node_modules/`, or `node_modules/` in a
 * checkout) has this platform's binary, that copy is used. Otherwise the onnxruntime packages
 * package-lock.json pins are fetched from the npm registry, checked against the lock's sha512
 * integrity (recorded at build time by scripts/build.mjs), kept in the Actions cache or a local
 * cache folder, and loaded from there. Where none of this works the step fails with one line
 * (`RuntimeUnavailableError`) naming the platform, what was tried and what to do.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Ort from 'onnxruntime-node';
import {
  RuntimeUnavailableError,
  type OnnxRuntimePin,
  type PackageFetchPort,
  type TarballCachePort,
} from '../../core/onnx/onnxruntime-package-port.js';
import {
  installFetchedRuntime,
  isCompleteRuntime,
  runtimeFolder,
  unavailable,
} from './fetch-onnxruntime.js';
import {
  actionsTarballCache,
  DEFAULT_NPM_REGISTRY,
  npmRegistryFetcher,
} from './onnxruntime-sources.js';

export type OnnxRuntime = typeof Ort;

/** Replaced by scripts/build.mjs with the packages package-lock.json pins; absent unbundled. */
declare const __MLOPS_ONNXRUNTIME_PIN__: OnnxRuntimePin | undefined;

/** The pin this build carries, or null when running from source (tests pass their own). */
export const builtPin: OnnxRuntimePin | null =
  typeof __MLOPS_ONNXRUNTIME_PIN__ === 'undefined' ? null : __MLOPS_ONNXRUNTIME_PIN__;

export interface OnnxRuntimeLoaderOptions {
  readonly pin: OnnxRuntimePin | null;
  /** `os/arch`; default this process's. */
  readonly platform?: string;
  /** Whether to use the installed copy when it has this platform's binary (default true). */
  readonly useInstalled?: boolean;
  /** Where to get the pinned tarballs from; null: fetching is turned off. */
  readonly fetcher: PackageFetchPort | null;
  readonly cache?: TarballCachePort | undefined;
  readonly cacheDir: string;
  readonly log?: (line: string) => void;
}

export interface LoadedOnnxRuntime {
  readonly ort: OnnxRuntime;
  /** The onnxruntime-node version that was loaded. */
  readonly version: string;
  /** Where it was loaded from: `installed` or `fetched`. */
  readonly source: 'installed' | 'fetched';
}

/** Loads onnxruntime as the options say; throws `RuntimeUnavailableError` when it cannot. */
export async function loadOnnxRuntimeWith(
  options: OnnxRuntimeLoaderOptions,
): Promise<LoadedOnnxRuntime> {
  const platform = options.platform ?? currentPlatform();
  const local = await findLocalRuntime(options, platform);
  if (local) return local;
  const { pin } = options;
  if (pin && !pin.platforms.includes(platform)) {
    const main = pin.packages[0];
    throw new RuntimeUnavailableError(
      `${main?.name ?? 'onnxruntime-node'} ${main?.version ?? ''} has no binary for ${platform} (it ships ${pin.platforms.join(', ')}): run the steps that score a model (evaluate, check-drift with a model) on one of those platforms`,
    );
  }
  if (pin === null) {
    throw unavailable(platform, pin, 'this build records no pinned onnxruntime-node to fetch');
  }
  if (options.fetcher === null) {
    throw unavailable(platform, pin, 'fetching is turned off (MLOPS_ONNXRUNTIME_FETCH=false)');
  }
  const folder = await installFetchedRuntime({
    pin,
    fetcher: options.fetcher,
    cache: options.cache,
    cacheDir: options.cacheDir,
    platform,
    ...(options.log ? { log: options.log } : {}),
  });
  const fetched = await fromFolder(folder, pin, platform);
  if (fetched) return fetched;
  throw unavailable(
    platform,
    pin,
    `the fetched package has no binary for ${platform} under ${path.join(folder, 'node_modules')}`,
  );
}

/**
 * onnxruntime where it can be had without the network (installed, or fetched by an earlier
 * run), else null. The train step checks a model with it where it can, and otherwise reads the
 * model's structure alone: training with the user's own command scores nothing.
 */
export async function loadLocalOnnxRuntime(): Promise<LoadedOnnxRuntime | null> {
  return findLocalRuntime(defaultOptions(), currentPlatform());
}

let loading: Promise<LoadedOnnxRuntime> | undefined;

/** onnxruntime for this process, loaded once, configured from the environment (see README). */
export function loadOnnxRuntime(): Promise<LoadedOnnxRuntime> {
  loading ??= (async () =>
    loadOnnxRuntimeWith({ ...defaultOptions(), cache: await actionsTarballCache() }))();
  return loading;
}

function defaultOptions(): OnnxRuntimeLoaderOptions {
  const env = process.env;
  const fetching = !['false', '0', 'no'].includes(
    (env.MLOPS_ONNXRUNTIME_FETCH ?? '').toLowerCase(),
  );
  return {
    pin: builtPin,
    fetcher: fetching ? npmRegistryFetcher(env.MLOPS_NPM_REGISTRY || DEFAULT_NPM_REGISTRY) : null,
    cacheDir: defaultCacheDir(env),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

/**
 * `MLOPS_CACHE_DIR`, else the runner's tool cache inside Actions (kept on self-hosted runners),
 * else the user's cache folder.
 */
function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.MLOPS_CACHE_DIR) return path.resolve(env.MLOPS_CACHE_DIR);
  if (env.GITHUB_ACTIONS === 'true' && env.RUNNER_TOOL_CACHE) {
    return path.join(env.RUNNER_TOOL_CACHE, 'mlops-actions');
  }
  const base =
    process.platform === 'win32'
      ? (env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local'))
      : process.platform === 'darwin'
        ? path.join(os.homedir(), 'Library', 'Caches')
        : (env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'));
  return path.join(base, 'mlops-actions');
}

function currentPlatform(): string {
  return `${process.platform}/${process.arch}`;
}

async function findLocalRuntime(
  options: OnnxRuntimeLoaderOptions,
  platform: string,
): Promise<LoadedOnnxRuntime | null> {
  const napi = options.pin?.napi ?? 'napi-v6';
  if (options.useInstalled ?? true) {
    const main = installedMain();
    if (main && existsSync(bindingPath(path.dirname(main), napi, platform))) {
      const ort = await importRuntime(platform, () => import('onnxruntime-node'));
      return { ort, version: await packageVersion(main), source: 'installed' };
    }
  }
  return options.pin
    ? fromFolder(runtimeFolder(options.cacheDir, options.pin), options.pin, platform)
    : null;
}

/** The fetched copy in `folder`, when it is complete and has this platform's binary. */
async function fromFolder(
  folder: string,
  pin: OnnxRuntimePin,
  platform: string,
): Promise<LoadedOnnxRuntime | null> {
  const packageDir = path.join(folder, 'node_modules', pin.packages[0]?.name ?? 'onnxruntime-node');
  if (!(await isCompleteRuntime(folder, pin))) return null;
  const manifest = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as {
    main?: string;
    version?: string;
  };
  const main = path.join(packageDir, manifest.main ?? 'index.js');
  if (!existsSync(bindingPath(path.dirname(main), pin.napi, platform))) return null;
  const ort = await importRuntime(platform, () => import(pathToFileURL(main).href));
  return { ort, version: manifest.version ?? '', source: 'fetched' };
}

/** onnxruntime-node's own binding.js requires `../bin/<napi>/<os>/<arch>/…` from its dist/. */
function bindingPath(distDir: string, napi: string, platform: string): string {
  const [system = '', arch = ''] = platform.split('/');
  return path.join(distDir, '..', 'bin', napi, system, arch, 'onnxruntime_binding.node');
}

function installedMain(): string | null {
  try {
    return createRequire(import.meta.url).resolve('onnxruntime-node');
  } catch {
    return null;
  }
}

async function packageVersion(main: string): Promise<string> {
  const file = path.join(path.dirname(main), '..', 'package.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as { version?: string };
  return manifest.version ?? '';
}

/** The binary is there but may still fail to load (an older glibc, a missing system library). */
async function importRuntime(platform: string, load: () => Promise<unknown>): Promise<OnnxRuntime> {
  try {
    const module = (await load()) as OnnxRuntime & { default?: OnnxRuntime };
    return module.default ?? module;
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error))
      .replace(/\s+/g, ' ')
      .trim();
    throw new RuntimeUnavailableError(
      `onnxruntime-node's binary for ${platform} is present but cannot be loaded (${message}); run this step on a linux x64 or arm64 runner, or install the system libraries it names`,
      { cause: error },
    );
  }
}
