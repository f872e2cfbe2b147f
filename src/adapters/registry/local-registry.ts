/**
 * The registry in a local folder, the CLI's embedded default (as MLflow's `./mlruns` is):
 *
 * ```
 * <root>/<model>/v<version>/model.onnx
 * <root>/<model>/v<version>/manifest.json
 * <root>/<model>/v<version>/RELEASE.md   the release notes, with the hidden release marker
 * <root>/<model>/stages.json          the stage history, append-only
 * ```
 *
 * `stages.json` holds the same events as GTO's stage tags, with the same counter: the event with
 * the greatest `n` for a model decides, per stage, who holds it, and an `unassign` event clears it.
 *
 * Writing follows the GitHub backend's guarantees with what a file system offers:
 * - a version is assembled in a hidden sibling folder (`.v<version>.tmp-<random>`), its files are
 *   verified against their digests, and one `rename` puts it in place, so a version folder is
 *   always complete; `rename` onto an existing (non-empty) folder fails, which is how two runs
 *   racing for one number find out;
 * - `RELEASE.md` carries the release marker (model, commit, model digest), so a re-run of the same
 *   commit finds its version and writes nothing;
 * - `stages.json` is rewritten (write, then rename) under an exclusive lock file, so concurrent
 *   promotions get distinct counters and none is lost.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ConfigError, DataError } from '../../core/errors.js';
import type { Manifest } from '../../core/manifest/manifest.js';
import {
  DEFAULT_STAGE,
  MANIFEST_FILE,
  MODEL_FILE,
  assertModelName,
  assertStageName,
  compareSemver,
  formatStageTag,
  formatStageTagMessage,
  formatVersionTag,
  isSemver,
  isValidName,
  latestStageEvent,
  maxSemver,
  normalizeVersion,
  type DownloadedModel,
  type ModelVersion,
  type RegistryAsset,
  type StageAssignment,
} from '../../core/registry/registry-port.js';
import {
  byVersionDescending,
  formatReleaseMarker,
  nextVersion,
  holdsSameModel,
  parseReleaseMarker,
  sameRelease,
  versionAfter,
  type PublishFile,
  type PublishRequest,
  type PublishResult,
  type RegistryWriter,
  type ReleaseMarker,
  type StageHistoryEntry,
  type StageRequest,
  type StageResult,
} from '../../core/registry/registry-writer.js';
import { fileDigest } from '../fs/file-digest.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { intoDestination, parseManifestFor, writeVerifiedFile } from './verified-file.js';

/** Where the CLI keeps its registry, relative to the repository root. */
export const DEFAULT_LOCAL_REGISTRY_ROOT = '.mlops/registry';
export const STAGES_FILE = 'stages.json';
/** A version's release notes; the release body of the GitHub backend. Not listed as an asset. */
export const RELEASE_NOTES_FILE = 'RELEASE.md';
/** A lock file older than this is taken to be left by a process that died holding it. */
export const STALE_LOCK_MS = 30_000;
/** How long to wait for a lock: long enough for a dead holder's lock to turn stale. */
const LOCK_WAIT_MS = STALE_LOCK_MS + 5_000;
/** How many numbers `publish` tries when other runs keep taking the one it chose. */
const PUBLISH_ATTEMPTS = 10;

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

/** `v1.2.0` → `1.2.0`; null for any other folder name. */
function versionOfFolder(name: string): string | null {
  return name.startsWith('v') && isSemver(name.slice(1)) ? name.slice(1) : null;
}

export class LocalRegistry implements RegistryWriter {
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

  private stagesFile(model: string): string {
    return path.join(this.modelDir(model), STAGES_FILE);
  }

  /** The folder of a version (whether or not it exists). */
  versionFolder(model: string, version: string): string {
    return this.versionDir(model, version);
  }

  async findStage(model: string, stage: string = DEFAULT_STAGE): Promise<StageAssignment | null> {
    assertStageName(stage);
    const file = this.stagesFile(model);
    return holderOf(model, stage, await readStages(file), file);
  }

  async getVersion(model: string, version: string): Promise<ModelVersion | null> {
    const bare = normalizeVersion(version);
    const dir = this.versionDir(model, bare);
    let entries: string[];
    try {
      entries = (await readdir(dir)).sort();
    } catch (error) {
      if (isNotFound(error) || isNotDirectory(error)) return null;
      throw error;
    }
    const assets: RegistryAsset[] = [];
    for (const name of entries) {
      // The notes are the release body, not an asset; `.tmp` files are writes in flight.
      if (name === RELEASE_NOTES_FILE || name.endsWith('.tmp')) continue;
      const info = await stat(path.join(dir, name)).catch(() => null);
      if (info?.isFile()) assets.push({ name, size: info.size, digest: null });
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
      const exists = await pathExists(dir);
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

  /** A version's `manifest.json`, validated and checked to belong to it; a `DataError` if not. */
  async readManifest(model: string, version: string): Promise<Manifest> {
    const bare = normalizeVersion(version);
    const dir = this.versionDir(model, bare);
    const where = `${formatVersionTag(model, bare)} in the local registry (${dir})`;
    let text: string;
    try {
      text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8');
    } catch (error) {
      if (!isNotFound(error)) throw error;
      throw new DataError(`${where} has no ${MANIFEST_FILE}.`, { cause: error });
    }
    return parseManifestFor(text, { model, version: bare, where });
  }

  /** Version numbers of `model` (without `v`), in no particular order. */
  private async versionNames(model: string): Promise<string[]> {
    const dir = this.modelDir(model);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error) || isNotDirectory(error)) return [];
      throw error;
    }
    return entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => versionOfFolder(entry.name))
      .filter((version): version is string => version !== null);
  }

  async listVersions(model: string): Promise<readonly ModelVersion[]> {
    const versions: ModelVersion[] = [];
    for (const version of await this.versionNames(model)) {
      const found = await this.getVersion(model, version);
      if (found !== null) versions.push(found);
    }
    return versions.sort(byVersionDescending);
  }

  /**
   * Every model under the root, sorted by name: a folder holding `v<semver>` folders or a
   * `stages.json`. Names with `/` are nested folders, so the walk goes down every folder whose
   * name could be part of a model name (hidden and version folders are not).
   */
  async listModels(): Promise<readonly string[]> {
    const models: string[] = [];
    const walk = async (dir: string, segments: readonly string[]): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isNotFound(error) || isNotDirectory(error)) return;
        throw error;
      }
      const isModel =
        segments.length > 0 &&
        entries.some(
          (entry) =>
            (entry.isDirectory() && versionOfFolder(entry.name) !== null) ||
            (entry.isFile() && entry.name === STAGES_FILE),
        );
      if (isModel && isValidName(segments.join('/'))) models.push(segments.join('/'));
      for (const entry of entries) {
        if (!entry.isDirectory() || versionOfFolder(entry.name) !== null) continue;
        if (!isValidName(entry.name)) continue;
        await walk(path.join(dir, entry.name), [...segments, entry.name]);
      }
    };
    await walk(this.root, []);
    return models.sort();
  }

  async stageHistory(model: string): Promise<readonly StageHistoryEntry[]> {
    const events = await readStages(this.stagesFile(model));
    return events
      .map((event) => ({
        stage: event.stage,
        action: event.action,
        n: event.n,
        version: event.version,
        pullRequest: event.pullRequest,
        approvedBy: event.approvedBy,
        run: event.run,
        tag: formatStageTag(model, event.stage, event.n, event.action),
      }))
      .sort((a, b) => b.n - a.n || (a.action === b.action ? 0 : a.action === 'unassign' ? -1 : 1));
  }

  /** The release marker in a version's notes, null when it has none (or no notes). */
  private async markerOf(model: string, version: string): Promise<ReleaseMarker | null> {
    const file = path.join(this.versionDir(model, version), RELEASE_NOTES_FILE);
    try {
      return parseReleaseMarker(await readFile(file, 'utf8'));
    } catch (error) {
      if (isNotFound(error) || isNotDirectory(error)) return null;
      throw error;
    }
  }

  /**
   * The registered version holding `wanted`'s bytes (same model and model digest, whatever the
   * commit), if any; the oldest when several do (versions registered before this rule).
   */
  private async findRelease(model: string, wanted: ReleaseMarker): Promise<ModelVersion | null> {
    const versions = (await this.versionNames(model)).sort(compareSemver);
    for (const version of versions) {
      if (holdsSameModel(await this.markerOf(model, version), wanted)) {
        return this.getVersion(model, version);
      }
    }
    return null;
  }

  /**
   * Registers `request` as a new version folder, or finds the version that already holds the
   * same bytes (a re-run, or the same model from another commit: the content decides, not the
   * number or the commit).
   */
  async publish(request: PublishRequest): Promise<PublishResult> {
    const { model } = request;
    const modelDir = this.modelDir(model);
    const wanted: ReleaseMarker = {
      model,
      commit: request.commit,
      digest: request.modelDigest,
    };
    if (!sameRelease(parseReleaseMarker(formatReleaseMarker(wanted)), wanted)) {
      throw new ConfigError(
        `cannot publish ${model}: the commit ${JSON.stringify(request.commit)} and model digest ` +
          `${JSON.stringify(request.modelDigest)} do not make a release marker that reads back ` +
          `(expected a lower-case hex commit and sha256:<64 hex digits>).`,
      );
    }
    const done = (version: ModelVersion): PublishResult => ({
      version: version.version,
      tag: version.tag,
      releaseUrl: version.releaseUrl,
      created: false,
      assets: version.assets,
    });
    const existing = await this.findRelease(model, wanted);
    if (existing !== null) return done(existing);

    const explicit = !['auto', 'major', 'minor', 'patch'].includes(request.version);
    let version = nextVersion(request.version, await this.versionNames(model));
    for (let attempt = 1; ; attempt += 1) {
      const final = path.join(modelDir, `v${version}`);
      const files = await request.prepare(version);
      const notes = withMarker(request.notes(version), wanted);
      await mkdir(modelDir, { recursive: true });
      const temporary = path.join(modelDir, `.v${version}.tmp-${randomBytes(6).toString('hex')}`);
      let collided = false;
      try {
        await mkdir(temporary);
        await copyVerified(files, temporary, { model, version, modelDigest: request.modelDigest });
        await writeFile(path.join(temporary, RELEASE_NOTES_FILE), notes);
        try {
          await rename(temporary, final);
        } catch (error) {
          if (!isTaken(error) || !(await pathExists(final))) throw error;
          collided = true;
        }
      } finally {
        // After a successful rename the temporary folder is gone and this does nothing.
        await rm(temporary, { recursive: true, force: true });
      }
      if (!collided) {
        const assets: RegistryAsset[] = files
          .map((file) => ({ name: file.name, size: file.bytes, digest: file.digest }))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        return {
          version,
          tag: formatVersionTag(model, version),
          releaseUrl: pathToFileURL(final).href,
          created: true,
          assets,
        };
      }
      // Another run registered this number meanwhile: a concurrent re-run of the same commit
      // (under this number, or under another it chose after seeing more versions than we did),
      // or another commit, which leaves us the next number.
      const mine = await this.findRelease(model, wanted);
      if (mine !== null) return done(mine);
      if (explicit) {
        throw new ConfigError(
          `version v${version} of ${model} was registered by another run meanwhile (${final}): ` +
            `choose a higher version, or "auto".`,
        );
      }
      if (attempt >= PUBLISH_ATTEMPTS) {
        throw new DataError(
          `could not register ${model}: other runs took ${PUBLISH_ATTEMPTS} version numbers in ` +
            `a row, the last v${version} (${modelDir}). Publish again.`,
        );
      }
      // Forward only: past the taken number, and past anything registered since we looked.
      const after = versionAfter(version);
      const newest = maxSemver(await this.versionNames(model));
      version =
        newest !== undefined && compareSemver(newest, after) >= 0 ? versionAfter(newest) : after;
    }
  }

  async assignStage(request: StageRequest): Promise<StageResult> {
    const { model, stage } = request;
    assertModelName(model);
    assertStageName(stage);
    const version = normalizeVersion(request.version);
    // Checks the fields as the GitHub backend's tag message does (one-word logins, PR > 0).
    formatStageTagMessage({ ...request, version });
    const registered = await this.getVersion(model, version);
    if (registered === null) {
      throw new DataError(
        `cannot assign ${stage} to ${model} v${version}: that version is not registered in the ` +
          `local registry ${this.root} (${this.versionDir(model, version)} does not exist).`,
      );
    }
    const commit = (await this.markerOf(model, version))?.commit ?? null;
    const file = this.stagesFile(model);
    return withLock(`${file}.lock`, async () => {
      const events = await readStages(file);
      const previous = holderOf(model, stage, events, file);
      const n = events.reduce((max, event) => Math.max(max, event.n), 0) + 1;
      const event: StageEventRecord = {
        stage,
        action: 'assign',
        n,
        version,
        commit,
        pullRequest: request.pullRequest,
        approvedBy: [...request.approvedBy],
        run: request.run,
        at: new Date().toISOString(),
      };
      await writeFileAtomic(file, `${JSON.stringify({ events: [...events, event] }, null, 2)}\n`);
      return {
        tag: formatStageTag(model, stage, n),
        n,
        previous,
        url: pathToFileURL(file).href,
      };
    });
  }

  async annotateVersion(model: string, version: string, text: string): Promise<void> {
    const bare = normalizeVersion(version);
    const dir = this.versionDir(model, bare);
    if (!(await pathExists(dir))) {
      throw new DataError(
        `cannot annotate ${model} v${bare}: that version is not registered in the local ` +
          `registry ${this.root} (${dir} does not exist).`,
      );
    }
    const file = path.join(dir, RELEASE_NOTES_FILE);
    await withLock(path.join(this.modelDir(model), `.v${bare}.notes.lock`), async () => {
      let notes = '';
      try {
        notes = await readFile(file, 'utf8');
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      const before = notes === '' ? '' : notes.replace(/\n*$/, '\n\n');
      await writeFileAtomic(file, `${before}${text.replace(/\n*$/, '\n')}`);
    });
  }
}

export function createLocalRegistry(root: string = DEFAULT_LOCAL_REGISTRY_ROOT): LocalRegistry {
  return new LocalRegistry(root);
}

/** The holder of `stage` decided by `events`: the greatest `n`, cleared by an unassignment. */
function holderOf(
  model: string,
  stage: string,
  events: readonly StageEventRecord[],
  file: string,
): StageAssignment | null {
  const latest = latestStageEvent(events.filter((e) => e.stage === stage));
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

/** The notes with the release marker: added when missing, refused when it names another. */
function withMarker(notes: string, wanted: ReleaseMarker): string {
  const marker = parseReleaseMarker(notes);
  if (marker === null) return `${notes.replace(/\n*$/, '\n\n')}${formatReleaseMarker(wanted)}\n`;
  if (!sameRelease(marker, wanted)) {
    throw new TypeError(
      `the release notes of ${wanted.model} carry a release marker for another release ` +
        `(${formatReleaseMarker(marker)})`,
    );
  }
  return notes;
}

/** Copies `files` into `dir` and checks each copy's sha256 and size against the request. */
async function copyVerified(
  files: readonly PublishFile[],
  dir: string,
  context: { model: string; version: string; modelDigest: string },
): Promise<void> {
  const what = `cannot publish ${formatVersionTag(context.model, context.version)}`;
  const seen = new Set<string>();
  for (const file of files) {
    if (
      file.name === '' ||
      file.name !== path.basename(file.name) ||
      file.name.startsWith('.') ||
      file.name === RELEASE_NOTES_FILE ||
      seen.has(file.name)
    ) {
      throw new TypeError(`${what}: ${JSON.stringify(file.name)} is not a usable asset name`);
    }
    seen.add(file.name);
    if (file.name === MODEL_FILE && file.digest !== context.modelDigest) {
      throw new DataError(
        `${what}: ${MODEL_FILE} (${file.path}) is recorded as ${file.digest}, but the release ` +
          `is for the model ${context.modelDigest}. Nothing was registered.`,
      );
    }
    const target = path.join(dir, file.name);
    await copyFile(file.path, target);
    const copied = await fileDigest(target);
    if (copied.digest !== file.digest.trim().toLowerCase()) {
      throw new DataError(
        `${what}: ${file.name} (${file.path}) has digest ${copied.digest}, but ${file.digest} ` +
          `was recorded for it: the file changed after it was recorded. Nothing was registered.`,
      );
    }
    if (copied.bytes !== file.bytes) {
      throw new DataError(
        `${what}: ${file.name} (${file.path}) has ${copied.bytes} bytes, but ${file.bytes} were ` +
          `recorded for it. Nothing was registered.`,
      );
    }
  }
}

/**
 * Runs `fn` holding `lock`, a file created exclusively (`wx`): other processes wait for it. A lock
 * older than `STALE_LOCK_MS` is removed as left behind by a process that died holding it.
 */
async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  const token = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  await mkdir(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      await writeFile(lock, token, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code !== 'EEXIST') throw error;
    }
    const info = await stat(lock).catch(() => null);
    if (info === null) continue; // released between our attempt and the look
    if (Date.now() - info.mtimeMs > STALE_LOCK_MS) {
      await rm(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new DataError(
        `${lock} has been held for ${Math.round((Date.now() - info.mtimeMs) / 1000)} s by another ` +
          `process; try again, or remove it if no mlops command is running.`,
      );
    }
    await sleep(5 + Math.floor(Math.random() * 20));
  }
  try {
    return await fn();
  } finally {
    // Only our own lock: a holder that outlived the stale limit may have lost it to another.
    const holder = await readFile(lock, 'utf8').catch(() => null);
    if (holder === token) await rm(lock, { force: true });
  }
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT';
}

function isNotDirectory(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOTDIR';
}

/** What `rename` onto an existing non-empty folder fails with (EPERM/EACCES on Windows). */
function isTaken(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EEXIST' || code === 'ENOTEMPTY') return true;
  return process.platform === 'win32' && (code === 'EPERM' || code === 'EACCES');
}

async function pathExists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
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
