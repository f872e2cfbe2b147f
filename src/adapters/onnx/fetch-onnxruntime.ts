/**
 * Puts the pinned onnxruntime packages into a local folder where the release tree has no binary
 * for this platform: from that folder when an earlier run left them complete, else from the
 * tarball cache (the Actions cache), else from the fetch port (the npm registry). Every tarball is
 * checked against the sha512 integrity package-lock.json recorded before it is unpacked, whether
 * it came from the registry or from a cache another run could have written.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  RuntimeUnavailableError,
  type OnnxRuntimePin,
  type PackageFetchPort,
  type PinnedPackage,
  type TarballCachePort,
} from '../../core/onnx/onnxruntime-package-port.js';
import { extractTarball } from './onnxruntime-sources.js';

export interface InstallFetchedRuntimeOptions {
  readonly pin: OnnxRuntimePin;
  readonly fetcher: PackageFetchPort;
  /** Absent outside GitHub Actions. */
  readonly cache?: TarballCachePort | undefined;
  /** Folder owned by this loader: tarballs and unpacked packages go under it. */
  readonly cacheDir: string;
  /** `os/arch`, such as `darwin/arm64`. */
  readonly platform: string;
  /** Progress for the log ("fetching …"); default: nothing. */
  readonly log?: (line: string) => void;
}

/** Where an unpacked copy lives, and the file that says it is complete. */
export function runtimeFolder(cacheDir: string, pin: OnnxRuntimePin): string {
  const main = pin.packages[0] as PinnedPackage;
  return path.join(cacheDir, `${main.name}-${main.version}`);
}

const completeMarker = '.mlops-complete';

/** The marker file holds the pinned integrities: a copy unpacked for another pin never counts. */
const stampOf = (pin: OnnxRuntimePin) => pin.packages.map((p) => p.integrity).join('\n');

/** Whether `folder` holds a complete copy of exactly these pinned packages. */
export async function isCompleteRuntime(folder: string, pin: OnnxRuntimePin): Promise<boolean> {
  return (
    (await readFile(path.join(folder, completeMarker), 'utf8').catch(() => null)) === stampOf(pin)
  );
}

/**
 * Returns the folder whose `node_modules/` holds the pinned packages, unpacked and checked; throws
 * `RuntimeUnavailableError` when they cannot be had.
 */
export async function installFetchedRuntime(
  options: InstallFetchedRuntimeOptions,
): Promise<string> {
  const { pin, cacheDir, platform } = options;
  const log = options.log ?? (() => undefined);
  const folder = runtimeFolder(cacheDir, pin);
  const stamp = stampOf(pin);
  if (await isCompleteRuntime(folder, pin)) return folder;
  const tarballs = path.join(cacheDir, 'tarballs');
  await mkdir(tarballs, { recursive: true });
  const key = cacheKey(pin, platform);
  const present = async () =>
    (await Promise.all(pin.packages.map((p) => isFile(tarballPath(tarballs, p))))).every(Boolean);
  let restored = false;
  if (!(await present()) && options.cache) {
    restored = await options.cache.restore(tarballs, key).catch((error: unknown) => {
      log(`The Actions cache could not be read (${oneLine(error)}); fetching instead.`);
      return false;
    });
  }
  let fetched = false;
  for (const pkg of pin.packages) {
    const file = tarballPath(tarballs, pkg);
    if (await isFile(file)) {
      if ((await sha512Integrity(file)) === pkg.integrity) continue;
      // A cache entry that does not match the lock is never used: fetch it again.
      log(`${pkg.name}@${pkg.version} from the cache does not match its integrity; fetching it.`);
      await rm(file, { force: true });
    }
    log(`Fetching ${pkg.name}@${pkg.version}: ${options.fetcher.describe(pkg)}`);
    let got;
    try {
      got = await options.fetcher.fetch(pkg, { destination: file });
    } catch (error) {
      throw unavailable(
        platform,
        pin,
        `fetching ${pkg.name}@${pkg.version} (${options.fetcher.describe(pkg)}) failed: ${oneLine(error)}`,
      );
    }
    const integrity = await sha512Integrity(got.path);
    if (integrity !== pkg.integrity) {
      await rm(got.path, { force: true });
      throw unavailable(
        platform,
        pin,
        `the ${pkg.name}@${pkg.version} tarball from ${got.source} does not match the integrity package-lock.json pins (expected ${pkg.integrity}, got ${integrity}); it was not used`,
      );
    }
    if (got.path !== file) await rename(got.path, file);
    fetched = true;
  }

  // Unpack next to the final folder, then move it in place: a run killed half-way leaves no
  // folder that looks complete.
  const staging = `${folder}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  for (const pkg of pin.packages) {
    const unpacked = path.join(staging, 'unpack', pkg.name);
    await mkdir(unpacked, { recursive: true });
    await extractTarball(tarballPath(tarballs, pkg), unpacked);
    // npm tarballs hold one top folder, `package/` by convention (not always by that name).
    const [top] = await readdir(unpacked);
    if (top === undefined) {
      throw unavailable(platform, pin, `the ${pkg.name}@${pkg.version} tarball is empty`);
    }
    const target = path.join(staging, 'node_modules', pkg.name);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(path.join(unpacked, top), target);
  }
  await rm(path.join(staging, 'unpack'), { recursive: true, force: true });
  await writeFile(path.join(staging, completeMarker), stamp);
  if (await isCompleteRuntime(folder, pin)) {
    // Another job on this runner finished first (and may have loaded it): keep its copy.
    await rm(staging, { recursive: true, force: true });
  } else {
    await rm(folder, { recursive: true, force: true });
    await rename(staging, folder);
  }

  if (fetched && !restored && options.cache) {
    await options.cache.save(tarballs, key).catch((error: unknown) => {
      // Another job may have saved the same key first; the next run fetches again at worst.
      log(`The Actions cache could not be written (${oneLine(error)}).`);
    });
  }
  return folder;
}

/** The cache key: the pinned integrities decide it, so a new lock never reads an old entry. */
export function cacheKey(pin: OnnxRuntimePin, platform: string): string {
  const digest = createHash('sha256')
    .update(pin.packages.map((p) => `${p.name}@${p.version} ${p.integrity}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const main = pin.packages[0] as PinnedPackage;
  return `mlops-${main.name}-${main.version}-${platform.replace('/', '-')}-${digest}`;
}

/** The `sha512-<base64>` integrity of a file, as npm computes it for a tarball. */
export async function sha512Integrity(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha512-${hash.digest('base64')}`;
}

/** The one line shown when the pinned packages could not be had. */
export function unavailable(
  platform: string,
  pin: OnnxRuntimePin | null,
  why: string,
): RuntimeUnavailableError {
  const main = pin?.packages[0];
  const name = main ? `${main.name} ${main.version}` : 'onnxruntime-node';
  return new RuntimeUnavailableError(
    `${name} for ${platform} is not installed here and could not be fetched: ${why}. Let the runner reach the npm registry (or set MLOPS_NPM_REGISTRY to a mirror), or run this step on a linux x64 or arm64 runner, whose binaries ship with the action`,
  );
}

function tarballPath(folder: string, pkg: PinnedPackage): string {
  return path.join(folder, `${pkg.name.replace('/', '+')}-${pkg.version}.tgz`);
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim();
}
