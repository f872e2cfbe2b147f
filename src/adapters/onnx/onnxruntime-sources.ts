/**
 * The real sources of the onnxruntime packages where the release tree ships no binary: the npm
 * registry (or the mirror `MLOPS_NPM_REGISTRY` names) and, between jobs, the Actions cache.
 * Inside Actions, `@actions/tool-cache` downloads (with its retries) and unpacks (it knows the
 * Windows runners' tar quirks); from the CLI the same is done quietly, since tool-cache writes its
 * `::debug::` lines to standard output, where a terminal shows them.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { promisify } from 'node:util';
import type {
  PackageFetchPort,
  PinnedPackage,
  TarballCachePort,
} from '../../core/onnx/onnxruntime-package-port.js';

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org';

const insideActions = () => process.env.GITHUB_ACTIONS === 'true';

/** The tarball URL npm itself uses: `<registry>/<name>/-/<basename>-<version>.tgz`. */
export function tarballUrl(registry: string, pkg: PinnedPackage): string {
  const base = pkg.name.split('/').pop() as string;
  return `${registry.replace(/\/+$/, '')}/${pkg.name}/-/${base}-${pkg.version}.tgz`;
}

export function npmRegistryFetcher(registry = DEFAULT_NPM_REGISTRY): PackageFetchPort {
  return {
    describe: (pkg) => tarballUrl(registry, pkg),
    async fetch(pkg, { destination }) {
      // Failures say only what went wrong ("Unexpected HTTP response: 404"): the loader's
      // message already names the URL, from `describe`.
      const url = tarballUrl(registry, pkg);
      if (insideActions()) {
        const { downloadTool } = await import('@actions/tool-cache');
        await downloadTool(url, destination);
      } else {
        await download(url, destination);
      }
      return { path: destination, source: url };
    },
  };
}

/** A GET streamed to a file; any status but 200 is an error, and no partial file is left. */
async function download(url: string, destination: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow' });
  } catch (error) {
    // Node's fetch says "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND) as cause.
    const cause = (error as Error).cause;
    throw new Error(
      `${(error as Error).message}${cause instanceof Error ? ` (${cause.message})` : ''}`,
      { cause: error },
    );
  }
  if (response.status !== 200 || response.body === null) {
    throw new Error(`Unexpected HTTP response: ${response.status}`);
  }
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      createWriteStream(destination),
    );
  } catch (error) {
    await rm(destination, { force: true });
    throw error;
  }
}

/** Unpacks a .tgz into `destination` (which exists). */
export async function extractTarball(file: string, destination: string): Promise<void> {
  if (insideActions()) {
    const { extractTar } = await import('@actions/tool-cache');
    await extractTar(file, destination);
    return;
  }
  // GNU tar on Linux, bsdtar on macOS and Windows 10+ (tar.exe) all take these.
  await promisify(execFile)('tar', ['-xzf', file, '-C', destination]);
}

/** `@actions/cache` where the run offers it (`undefined` elsewhere: nothing to keep between runs). */
export async function actionsTarballCache(): Promise<TarballCachePort | undefined> {
  if (!insideActions()) return undefined;
  const cache = await import('@actions/cache');
  if (!cache.isFeatureAvailable()) return undefined;
  return {
    async restore(directory, key) {
      return (await cache.restoreCache([directory], key)) !== undefined;
    },
    async save(directory, key) {
      await cache.saveCache([directory], key);
    },
  };
}
