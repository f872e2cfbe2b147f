/**
 * The registry's write side: registering a version and assigning a stage, as `publish-model` and
 * `promote-model` need them. Two backends implement it: GitHub releases and annotated tags
 * (`adapters/github/github-registry.ts`) and a local folder (`adapters/registry/local-registry.ts`).
 * Pure: the port's types, version numbering and the hidden marker that makes publishing idempotent.
 */
import { ConfigError } from '../errors.js';
import type { Manifest } from '../manifest/manifest.js';
import type {
  ModelVersion,
  RegistryAsset,
  RegistryReader,
  StageAssignment,
} from './registry-port.js';
import {
  compareSemver,
  isValidName,
  maxSemver,
  normalizeVersion,
  parseSemver,
} from './registry-port.js';

/** What `version:` may say: a semantic version, or how to bump the newest one. */
export type VersionRequest = 'auto' | 'major' | 'minor' | 'patch' | (string & {});

/** The first version of a model when nothing is registered yet. */
export const FIRST_VERSION = '1.0.0';

/**
 * The version to register. `auto` is a minor bump: a retrained model is a new minor version, as a
 * compatible change of behaviour; `major`/`patch` say otherwise; an explicit version must be newer
 * than every registered one, so versions only ever move forward.
 */
export function nextVersion(request: VersionRequest, existing: readonly string[]): string {
  const newest = maxSemver(existing);
  if (request === 'auto' || request === 'major' || request === 'minor' || request === 'patch') {
    if (newest === undefined) return FIRST_VERSION;
    const parsed = parseSemver(newest);
    if (parsed === null) throw new TypeError(`not a semantic version: ${newest}`);
    const major = BigInt(parsed.major);
    const minor = BigInt(parsed.minor);
    const patch = BigInt(parsed.patch);
    // A prerelease (1.3.0-rc.1) is followed by its release for the part it was heading to.
    const pre = parsed.prerelease.length > 0;
    if (request === 'major')
      return pre && minor === 0n && patch === 0n ? `${major}.0.0` : `${major + 1n}.0.0`;
    if (request === 'patch')
      return pre ? `${major}.${minor}.${patch}` : `${major}.${minor}.${patch + 1n}`;
    return pre && patch === 0n ? `${major}.${minor}.0` : `${major}.${minor + 1n}.0`;
  }
  const wanted = normalizeVersion(request);
  if (newest !== undefined && compareSemver(wanted, newest) <= 0) {
    throw new ConfigError(
      `version ${JSON.stringify(request)} is not newer than the newest registered version v${newest}: versions only move forward (use a higher version, or "auto").`,
    );
  }
  return wanted;
}

/** The next version after `version` for the same request, when another run took it meanwhile. */
export function versionAfter(version: string): string {
  return nextVersion('patch', [version]);
}

/** A file to register with a version. */
export interface PublishFile {
  /** Asset name: `model.onnx`, `manifest.json`, ... */
  readonly name: string;
  readonly path: string;
  /** `sha256:<hex>` of the file's bytes. */
  readonly digest: string;
  readonly bytes: number;
  readonly contentType: string;
}

export interface PublishRequest {
  readonly model: string;
  readonly version: VersionRequest;
  /** The commit the version is made from (the merge commit); null locally outside git. */
  readonly commit: string | null;
  /**
   * `sha256:<hex>` of model.onnx: what makes a re-run find its version. A version that already
   * holds these bytes is returned whatever commit it was made from (`holdsSameModel`).
   */
  readonly modelDigest: string;
  /**
   * The files for a chosen version (the manifest records the version, so it is written once the
   * number is known, and again if another run took that number meanwhile).
   */
  prepare(version: string): Promise<readonly PublishFile[]>;
  /** Release notes for the chosen version (markdown). */
  notes(version: string): string;
}

export interface PublishResult {
  readonly version: string;
  readonly tag: string;
  readonly releaseUrl: string;
  /** False when these bytes were registered already (a re-run, or the same model again): nothing was written. */
  readonly created: boolean;
  readonly assets: readonly RegistryAsset[];
}

export interface StageRequest {
  readonly model: string;
  readonly stage: string;
  readonly version: string;
  readonly pullRequest: number | null;
  readonly approvedBy: readonly string[];
  readonly run: string | null;
}

export interface StageResult {
  /** `<model>#<stage>#<n>` */
  readonly tag: string;
  readonly n: number;
  /** Who held the stage before, null when nobody did. */
  readonly previous: StageAssignment | null;
  readonly url: string | null;
}

/** One event of a model's stage history, newest first when listed. */
export interface StageHistoryEntry {
  readonly stage: string;
  readonly action: 'assign' | 'unassign';
  readonly n: number;
  readonly version: string | null;
  readonly pullRequest: number | null;
  readonly approvedBy: readonly string[];
  readonly run: string | null;
  readonly tag: string;
}

export interface RegistryWriter extends RegistryReader {
  /** Published versions of `model`, newest first. */
  listVersions(model: string): Promise<readonly ModelVersion[]>;
  /** Models that have at least one version. */
  listModels(): Promise<readonly string[]>;
  /** Every stage event of `model`, newest first. */
  stageHistory(model: string): Promise<readonly StageHistoryEntry[]>;
  /** Registers a version atomically and idempotently (see each backend). */
  publish(request: PublishRequest): Promise<PublishResult>;
  /** Appends a stage assignment: `<model>#<stage>#<n+1>`. */
  assignStage(request: StageRequest): Promise<StageResult>;
  /** A registered version's manifest, validated; a DataError when it is missing or invalid. */
  readManifest(model: string, version: string): Promise<Manifest>;
  /** Appends `text` to a version's notes (the release body; a file locally). */
  annotateVersion(model: string, version: string, text: string): Promise<void>;
}

/**
 * The hidden marker in a release body that names what the release holds, so a re-run (or a run
 * racing this one) finds it: `<!-- mlops:release model=<m> commit=<sha> digest=sha256:<hex> -->`.
 */
export interface ReleaseMarker {
  readonly model: string;
  readonly commit: string | null;
  readonly digest: string;
}

export function formatReleaseMarker(marker: ReleaseMarker): string {
  // A marker that does not read back would make every re-run publish again.
  if (
    !isValidName(marker.model) ||
    (marker.commit !== null && !/^[0-9a-f]{7,64}$/.test(marker.commit)) ||
    !/^sha256:[0-9a-f]{64}$/.test(marker.digest)
  ) {
    throw new TypeError(`Not a release marker: ${JSON.stringify(marker)}`);
  }
  return `<!-- mlops:release model=${marker.model} commit=${marker.commit ?? 'none'} digest=${marker.digest} -->`;
}

const MARKER_RE =
  /<!-- mlops:release model=([a-z0-9/-]+) commit=([0-9a-f]{7,64}|none) digest=(sha256:[0-9a-f]{64}) -->/;

export function parseReleaseMarker(body: string | null | undefined): ReleaseMarker | null {
  const match = MARKER_RE.exec(body ?? '');
  if (match === null) return null;
  const [, model, commit, digest] = match as unknown as [string, string, string, string];
  return { model, commit: commit === 'none' ? null : commit, digest };
}

/**
 * Whether a published version already holds the model of a request: same model, same bytes,
 * whatever commit it was made from. Publishing bytes that are already a version returns that
 * version and creates nothing: after an unrelated commit, the same model.onnx would otherwise
 * become v1.2.0 = v1.1.0, two numbers for one model.
 */
export function holdsSameModel(marker: ReleaseMarker | null, wanted: ReleaseMarker): boolean {
  return marker !== null && marker.model === wanted.model && marker.digest === wanted.digest;
}

/**
 * Whether a release (a draft included) was made by the same request: same commit and bytes.
 * A run resumes only its own drafts, and settles races between runs of one commit by this.
 */
export function sameRelease(marker: ReleaseMarker | null, wanted: ReleaseMarker): boolean {
  return (
    marker !== null &&
    marker.model === wanted.model &&
    marker.digest === wanted.digest &&
    marker.commit === wanted.commit
  );
}

/** Newest first, by semantic-version precedence. */
export function byVersionDescending(a: { version: string }, b: { version: string }): number {
  return compareSemver(b.version, a.version);
}
