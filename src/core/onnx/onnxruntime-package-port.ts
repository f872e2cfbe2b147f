/**
 * What the onnxruntime loader needs from the outside world where the release tree ships no
 * onnxruntime binary for the runner's platform (macOS, Windows): the pinned npm packages, fetched
 * once and checked against the integrity hashes our package-lock records, and a cache that keeps
 * them between jobs. Tests hand a local tarball; the real adapters talk to the npm registry and
 * to the Actions cache.
 */
import { UserError } from '../errors.js';

/** A package exactly as package-lock.json pins it. */
export interface PinnedPackage {
  readonly name: string;
  readonly version: string;
  /** Subresource-integrity string from the lock, `sha512-<base64>`. */
  readonly integrity: string;
}

/** The onnxruntime packages a build was made with, recorded at build time. */
export interface OnnxRuntimePin {
  /** onnxruntime-node first, then what it requires at run time (onnxruntime-common). */
  readonly packages: readonly PinnedPackage[];
  /** The N-API folder its binaries sit in (`napi-v6`). */
  readonly napi: string;
  /** `os/arch` pairs the npm package ships a binary for, such as `darwin/arm64`. */
  readonly platforms: readonly string[];
}

export interface FetchedTarball {
  /** Where the tarball now lies on this machine. */
  readonly path: string;
  /** Where it came from, for messages (a URL or a file). */
  readonly source: string;
}

/** Gets a package's npm tarball; throws with a one-line reason when it cannot. */
export interface PackageFetchPort {
  /** What this fetcher would try, for the message shown when nothing could be had. */
  describe(pkg: PinnedPackage): string;
  fetch(pkg: PinnedPackage, options: { readonly destination: string }): Promise<FetchedTarball>;
}

/** Keeps fetched tarballs between jobs (the Actions cache); absent on a developer's machine. */
export interface TarballCachePort {
  /** Puts the cached files back into `directory`; false when the cache holds nothing for `key`. */
  restore(directory: string, key: string): Promise<boolean>;
  save(directory: string, key: string): Promise<void>;
}

/**
 * No onnxruntime binary can be had on this platform: shown as one line (no stack trace), naming
 * the platform, what was tried and what to do.
 */
export class RuntimeUnavailableError extends UserError {
  override readonly name = 'RuntimeUnavailableError';
}
