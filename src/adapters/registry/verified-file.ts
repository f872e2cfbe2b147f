/**
 * Writing a model file only once its bytes are known to be the ones recorded: the bytes stream into
 * a temporary file beside the target while they are hashed, and the file takes the target's name
 * only when every expected digest matched. A mismatch removes the temporary file, so nothing
 * unverified is ever left under the target's name. Shared by the GitHub and local registries.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZodError } from 'zod';
import { DataError } from '../../core/errors.js';
import { manifestSchema, type Manifest } from '../../core/manifest/manifest.js';
import { normalizeVersion } from '../../core/registry/registry-port.js';

/** A digest the bytes must have, and who says so (shown when they differ). */
export interface ExpectedDigest {
  /** `sha256:<hex>`. */
  readonly digest: string;
  /** E.g. `the manifest (model.file.digest)` or `GitHub's asset digest`. */
  readonly source: string;
}

export interface VerifiedFile {
  readonly digest: string;
  readonly bytes: number;
}

export interface WriteVerifiedFileOptions {
  readonly source: Readable | AsyncIterable<Uint8Array>;
  readonly target: string;
  readonly expected: readonly ExpectedDigest[];
  /** The size the manifest records, checked too when given. */
  readonly expectedBytes?: number | undefined;
  /** What is being written and from where, for error messages: `iris@v1.2.0 model.onnx (URL)`. */
  readonly what: string;
}

function sameDigest(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Streams `source` to `target`, verifying it; a `DataError` naming both digests on mismatch. */
export async function writeVerifiedFile(options: WriteVerifiedFileOptions): Promise<VerifiedFile> {
  const { target, what } = options;
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  const hash = createHash('sha256');
  let bytes = 0;
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    await pipeline(options.source, hasher, createWriteStream(temporary));
    const digest = `sha256:${hash.digest('hex')}`;
    for (const expected of options.expected) {
      if (!sameDigest(expected.digest, digest)) {
        throw new DataError(
          `${what}: the downloaded bytes have digest ${digest}, but ${expected.source} records ` +
            `${expected.digest}. The file was discarded: the stored model is not the one that ` +
            `was recorded (corrupted or replaced).`,
        );
      }
    }
    if (options.expectedBytes !== undefined && options.expectedBytes !== bytes) {
      throw new DataError(
        `${what}: the downloaded file has ${bytes} bytes, but the manifest records ` +
          `${options.expectedBytes}. The file was discarded.`,
      );
    }
    await rename(temporary, target);
    return { digest, bytes };
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Runs `fn`, which writes into `destDir`; when it fails and `destDir` (or a parent) did not exist
 * before, the folders created for it are removed again, so a failed download leaves no trace.
 */
export async function intoDestination<T>(destDir: string, fn: () => Promise<T>): Promise<T> {
  const created = await mkdir(destDir, { recursive: true });
  try {
    return await fn();
  } catch (error) {
    if (created !== undefined) await rm(created, { recursive: true, force: true });
    throw error;
  }
}

/** Parses and validates a downloaded manifest, checking it belongs to `model` at `version`. */
export function parseManifestFor(
  text: string,
  options: { model: string; version: string; where: string },
): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DataError(`${options.where}: manifest.json is not JSON (${String(error)})`, {
      cause: error,
    });
  }
  let manifest: Manifest;
  try {
    manifest = manifestSchema.parse(json);
  } catch (error) {
    const detail =
      error instanceof ZodError
        ? error.issues
            .slice(0, 5)
            .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
            .join('; ')
        : String(error);
    throw new DataError(`${options.where}: manifest.json is not a valid manifest: ${detail}`, {
      cause: error,
    });
  }
  if (manifest.model.name !== options.model) {
    throw new DataError(
      `${options.where}: manifest.json describes model ${JSON.stringify(manifest.model.name)}, ` +
        `not ${JSON.stringify(options.model)}.`,
    );
  }
  const recorded = manifest.model.version;
  if (recorded !== null) {
    let same = false;
    try {
      same = normalizeVersion(recorded) === options.version;
    } catch {
      same = false;
    }
    if (!same) {
      throw new DataError(
        `${options.where}: manifest.json records version ${JSON.stringify(recorded)}, ` +
          `not ${options.version}.`,
      );
    }
  }
  return manifest;
}
