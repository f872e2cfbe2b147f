/**
 * The registry in a local folder, the CLI's embedded default (as MLflow's `./mlruns` is):
 *
 * ```
 * <root>/<model>/v<version>/model.onnx
 * <root>/<model>/v<version>/manifest.json
 * <root>/<model>/stages.json          the stage history, append-only
 * ```
 *
 * `stages.json` holds the same events as GTO's stage tags, with the same counter: the event with
 * the greatest `n` for a stage decides who holds it, and an `unassign` event clears it. Read side
 * only, plus `seedLocalRegistry` for tests; writing versions and promotions comes with publish.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { DataError } from '../../core/errors.js';
import type { Manifest } from '../../core/manifest/manifest.js';
import {
  DEFAULT_STAGE,
  MANIFEST_FILE,
  MODEL_FILE,
  assertModelName,
  assertStageName,
  formatStageTag,
  formatVersionTag,
  isSemver,
  isValidName,
  latestStageEvent,
  normalizeVersion,
  type DownloadedModel,
  type ModelVersion,
  type RegistryAsset,
  type RegistryReader,
  type StageAssignment,
} from '../../core/registry/registry-port.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { intoDestination, parseManifestFor, writeVerifiedFile } from './verified-file.js';

/** Where the CLI keeps its registry, relative to the repository root. */
export const DEFAULT_LOCAL_REGISTRY_ROOT = '.mlops/registry';
export const STAGES_FILE = 'stages.json';

const semverString = z.string().refine((v) => isSemver(v), { message: 'expected a semver' });

export const localStageEventSchema = z.strictObject({
  stage: z.string().refine((s) => isValidName(s), { message: 'not a valid stage name' }),
  action: z.enum(['assign', 'unassign']),
  /** GTO's counter, shared by every stage event of the model. */
  n: z.int().min(1),
  /** The version assigned, without `v`; on `unassign`, the version that held the stage. */
  version: semverString.nullable(),
  commit: z.string().nullable().default(null),
  pullRequest: z.int().nullable().default(null),
  approvedBy: z.array(z.string()).default([]),
  run: z.string().nullable().default(null),
  at: z.iso.datetime().nullable().default(null),
});

export const localStagesSchema = z.strictObject({
  events: z.array(localStageEventSchema),
});

export type LocalStageEvent = z.input<typeof localStageEventSchema>;
type StageEventRecord = z.output<typeof localStageEventSchema>;

export class LocalRegistry implements RegistryReader {
  readonly root: string;

  constructor(root: string = DEFAULT_LOCAL_REGISTRY_ROOT) {
    this.root = path.resolve(root);
  }

  private modelDir(model: string): string {
    assertModelName(model);
    return path.join(this.root, ...model.split('/'));
  }

  private versionDir(model: string, version: string): string {
    return path.join(this.modelDir(model), `v${normalizeVersion(version)}`);
  }

  async findStage(model: string, stage: string = DEFAULT_STAGE): Promise<StageAssignment | null> {
    assertStageName(stage);
    const file = path.join(this.modelDir(model), STAGES_FILE);
    const events = (await readStages(file)).filter((e) => e.stage === stage);
    const latest = latestStageEvent(events);
    if (latest === undefined || latest.action === 'unassign') return null;
    if (latest.version === null) {
      throw new DataError(`event n=${latest.n} assigns ${stage} but names no version`, {
        location: { file, field: 'events' },
      });
    }
    return {
      model,
      stage,
      version: latest.version,
      tag: formatStageTag(model, stage, latest.n),
      n: latest.n,
      commit: latest.commit,
      pullRequest: latest.pullRequest,
      approvedBy: latest.approvedBy,
      run: latest.run,
    };
  }

  async getVersion(model: string, version: string): Promise<ModelVersion | null> {
    const bare = normalizeVersion(version);
    const dir = this.versionDir(model, bare);
    let entries: string[];
    try {
      entries = (await readdir(dir)).sort();
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    const assets: RegistryAsset[] = [];
    for (const name of entries) {
      const info = await stat(path.join(dir, name));
      if (info.isFile()) assets.push({ name, size: info.size, digest: null });
    }
    return {
      model,
      version: bare,
      tag: formatVersionTag(model, bare),
      releaseUrl: pathToFileURL(dir).href,
      assets,
    };
  }

  async downloadModel(model: string, version: string, destDir: string): Promise<DownloadedModel> {
    const bare = normalizeVersion(version);
    const dir = this.versionDir(model, bare);
    const where = `${formatVersionTag(model, bare)} in the local registry (${dir})`;
    let manifestBytes: Buffer;
    try {
      manifestBytes = await readFile(path.join(dir, MANIFEST_FILE));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      const exists = await stat(dir).then(
        () => true,
        () => false,
      );
      throw new DataError(
        exists
          ? `${where} has no ${MANIFEST_FILE}.`
          : `${model} v${bare} is not registered: ${dir} does not exist.`,
        { cause: error },
      );
    }
    const manifest = parseManifestFor(manifestBytes.toString('utf8'), {
      model,
      version: bare,
      where,
    });
    const source = path.join(dir, MODEL_FILE);
    await stat(source).catch((error: unknown) => {
      throw new DataError(`${where} has no ${MODEL_FILE}.`, { cause: error });
    });
    const target = path.resolve(destDir, MODEL_FILE);
    const manifestPath = path.resolve(destDir, MANIFEST_FILE);
    if (target === source) {
      throw new DataError(`${where}: the destination is the version folder itself.`);
    }
    return intoDestination(destDir, async () => {
      const written = await writeVerifiedFile({
        source: createReadStream(source),
        target,
        expected: [
          { digest: manifest.model.file.digest, source: 'its manifest (model.file.digest)' },
        ],
        expectedBytes: manifest.model.file.bytes,
        what: `${where} ${MODEL_FILE}`,
      });
      try {
        await writeFileAtomic(manifestPath, manifestBytes);
      } catch (error) {
        await rm(target, { force: true });
        throw error;
      }
      return {
        path: target,
        manifestPath,
        digest: written.digest,
        manifest,
        releaseUrl: pathToFileURL(dir).href,
      };
    });
  }
}

export function createLocalRegistry(root: string = DEFAULT_LOCAL_REGISTRY_ROOT): LocalRegistry {
  return new LocalRegistry(root);
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT';
}

async function readStages(file: string): Promise<StageEventRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DataError(`not JSON: ${String(error)}`, { location: { file }, cause: error });
  }
  const parsed = localStagesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(issue?.message ?? 'not a stage history', {
      location: { file, field: issue?.path.join('.') ?? '' },
      cause: parsed.error,
    });
  }
  return parsed.data.events;
}

export interface SeedVersion {
  readonly version: string;
  readonly model: Uint8Array;
  /** Written as given, so a test can seed a manifest that does not match the model. */
  readonly manifest: Manifest | string;
}

/**
 * Writes versions and stage events for `model` under `root`, for tests and demos. Versions are
 * (re)written; the stage events replace the history when given.
 */
export async function seedLocalRegistry(
  root: string,
  model: string,
  seed: {
    readonly versions?: readonly SeedVersion[];
    readonly stages?: readonly LocalStageEvent[];
  },
): Promise<LocalRegistry> {
  const registry = new LocalRegistry(root);
  const modelDir = path.join(registry.root, ...model.split('/'));
  assertModelName(model);
  for (const version of seed.versions ?? []) {
    const dir = path.join(modelDir, `v${normalizeVersion(version.version)}`);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, MODEL_FILE), version.model);
    const manifest =
      typeof version.manifest === 'string'
        ? version.manifest
        : `${JSON.stringify(version.manifest, null, 2)}\n`;
    await writeFile(path.join(dir, MANIFEST_FILE), manifest);
  }
  if (seed.stages !== undefined) {
    const events = seed.stages.map((event) => localStageEventSchema.parse(event));
    await writeFileAtomic(
      path.join(modelDir, STAGES_FILE),
      `${JSON.stringify({ events }, null, 2)}\n`,
    );
  }
  return registry;
}
