/** Publish requests for the local registry tests: a candidate model and its manifest per version. */
import { mkdir, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MANIFEST_FILE, MODEL_FILE } from '../../src/core/registry/registry-port.js';
import {
  formatReleaseMarker,
  type PublishFile,
  type PublishRequest,
  type VersionRequest,
} from '../../src/core/registry/registry-writer.js';
import { makeManifest, modelBytes, sha256 } from '../github/registry-fixtures.js';

export async function scratch(prefix = 'registry-writer-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** A 40-digit commit made of one hex digit, such as `commit('a')`. */
export function commit(digit: string): string {
  return digit.repeat(40);
}

export interface TestRequest extends PublishRequest {
  /** The versions `prepare` was called with, in order. */
  readonly prepared: string[];
  /** The candidate's bytes. */
  readonly bytes: Buffer;
}

export interface RequestOptions {
  readonly model?: string;
  readonly commit?: string | null;
  /** Seed of the model's bytes: the same seed is the same model. */
  readonly seed: string;
  readonly version?: VersionRequest;
  /** Awaited by the first `prepare` call, to hold the run once it has chosen its number. */
  readonly beforeFirstPrepare?: () => Promise<void>;
  /** What `prepare` says model.onnx's digest is (default: its real digest). */
  readonly recordedDigest?: string;
  /** Bytes written as model.onnx instead of the candidate's (a file changed after recording). */
  readonly onDisk?: Buffer;
  /** The created time recorded in the manifest. */
  readonly createdAt?: string;
}

/**
 * A publish request for a candidate trained in its own scratch folder: `prepare(version)` writes
 * the manifest for that version next to the model and returns both files with their digests.
 */
export async function publishRequest(options: RequestOptions): Promise<TestRequest> {
  const model = options.model ?? 'iris';
  const dir = await scratch('candidate-');
  const bytes = modelBytes(options.seed);
  const modelPath = path.join(dir, MODEL_FILE);
  await writeFile(modelPath, options.onDisk ?? bytes);
  const digest = options.recordedDigest ?? sha256(bytes);
  const marker = formatReleaseMarker({
    model,
    commit: options.commit === undefined ? commit('a') : options.commit,
    digest,
  });
  const prepared: string[] = [];
  return {
    model,
    version: options.version ?? 'auto',
    commit: options.commit === undefined ? commit('a') : options.commit,
    modelDigest: digest,
    prepared,
    bytes,
    async prepare(version: string): Promise<readonly PublishFile[]> {
      prepared.push(version);
      if (prepared.length === 1) await options.beforeFirstPrepare?.();
      const manifest = {
        ...makeManifest(model, version, bytes, { digest }),
        ...(options.createdAt === undefined ? {} : { createdAt: options.createdAt }),
      };
      const text = `${JSON.stringify(manifest, null, 2)}\n`;
      const manifestDir = path.join(dir, `v${version}`);
      await mkdir(manifestDir, { recursive: true });
      const manifestPath = path.join(manifestDir, MANIFEST_FILE);
      await writeFile(manifestPath, text);
      return [
        {
          name: MODEL_FILE,
          path: modelPath,
          digest,
          bytes: bytes.length,
          contentType: 'application/octet-stream',
        },
        {
          name: MANIFEST_FILE,
          path: manifestPath,
          digest: sha256(Buffer.from(text)),
          bytes: Buffer.byteLength(text),
          contentType: 'application/json',
        },
      ];
    },
    notes(version: string): string {
      return `## ${model} v${version}\n\nTrained and evaluated in CI.\n\n${marker}\n`;
    },
  };
}

/** Resolves every waiter once `parties` of them are waiting. */
export function barrier(parties: number): () => Promise<void> {
  let waiting = 0;
  let release: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return async () => {
    waiting += 1;
    if (waiting >= parties) release();
    await all;
  };
}

/** Every file under `dir` (relative path → mtime and content), and every folder. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const rel = path.relative(dir, full);
      if (entry.isDirectory()) {
        out.set(`${rel}/`, String((await stat(full)).mtimeMs));
        await walk(full);
      } else {
        const info = await stat(full);
        out.set(rel, `${info.mtimeMs} ${sha256(await readFile(full))}`);
      }
    }
  };
  await walk(dir);
  return out;
}
