/**
 * The model registry port, read side, and the names it uses. Pure: no I/O here.
 *
 * Names follow GTO (iterative/gto), so that `gto show` reads our registry and we read GTO's:
 * - `<model>@v<semver>` registers a version (our GitHub release carries that tag);
 *   `<model>@v<semver>!` deregisters it.
 * - `<model>#<stage>#<n>` assigns a stage (an annotated tag on the commit of the version it
 *   assigns); `<model>#<stage>!#<n>` unassigns it. GTO counts `n` per model across every tag that
 *   carries a counter, so the event with the greatest `n` is the newest, whatever the tag order.
 *
 * Our promotion tags carry a message of `key: value` lines (see `formatStageTagMessage`); the
 * version comes from it, else from the version tag on the same commit, as GTO itself reads it.
 */
import { ConfigError } from '../errors.js';
import type { Manifest } from '../manifest/manifest.js';
import { isSemver } from './semver.js';

export * from './semver.js';

/** The stage `evaluate` compares against when none is named. */
export const DEFAULT_STAGE = 'production';
/** The release assets, and the files of a local version folder. */
export const MODEL_FILE = 'model.onnx';
export const MANIFEST_FILE = 'manifest.json';

/** GTO's name rule for artifacts and stages: lower-case letters, digits, `-` and `/`. */
const NAME = '[a-z0-9](?:[a-z0-9/-]*[a-z0-9])?';
const NAME_RE = new RegExp(`^${NAME}$`);
// The version part is checked by `isSemver`; `!` and `#` never occur in one.
const VERSION_TAG_RE = new RegExp(`^(${NAME})@v([^!#@]+)(!?)(?:#(\\d+))?$`);
const STAGE_TAG_RE = new RegExp(`^(${NAME})#(${NAME})(!?)(?:#(\\d+))?$`);

/** Whether `name` is a valid model or stage name (GTO's rule, without `//`). */
export function isValidName(name: string): boolean {
  return NAME_RE.test(name) && !name.includes('//');
}

function assertName(name: string, what: 'model' | 'stage'): void {
  if (!isValidName(name)) {
    throw new ConfigError(
      `${JSON.stringify(name)} is not a valid ${what} name: use lower-case letters, digits, '-' ` +
        `and '/', starting and ending with a letter or digit (GTO's naming rule).`,
    );
  }
}

export function assertModelName(model: string): void {
  assertName(model, 'model');
}

export function assertStageName(stage: string): void {
  assertName(stage, 'stage');
}

/** `1.2.0` from `1.2.0` or `v1.2.0`; a `ConfigError` when it is not a semantic version. */
export function normalizeVersion(version: string): string {
  const bare = version.startsWith('v') ? version.slice(1) : version;
  if (!isSemver(bare)) {
    throw new ConfigError(
      `${JSON.stringify(version)} is not a semantic version (expected MAJOR.MINOR.PATCH, such as 1.2.0).`,
    );
  }
  return bare;
}

export interface VersionTag {
  readonly model: string;
  /** Without the leading `v`. */
  readonly version: string;
  /** `<model>@v<version>!`: GTO's deregistration. */
  readonly deregistered: boolean;
  /** GTO's optional counter (`#<n>`), null when absent. */
  readonly counter: number | null;
}

export interface StageTag {
  readonly model: string;
  readonly stage: string;
  /** `assign` for `<model>#<stage>#<n>`, `unassign` for `<model>#<stage>!#<n>`. */
  readonly action: 'assign' | 'unassign';
  /** Null for GTO's counterless ("simple") stage tags. */
  readonly n: number | null;
}

/** `iris@v1.2.0`; the version may be given with or without its `v`. */
export function formatVersionTag(model: string, version: string): string {
  assertModelName(model);
  return `${model}@v${normalizeVersion(version)}`;
}

/** `iris#production#3`, or `iris#production!#3` for an unassignment. */
export function formatStageTag(
  model: string,
  stage: string,
  n: number,
  action: StageTag['action'] = 'assign',
): string {
  assertModelName(model);
  assertStageName(stage);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`A stage tag counter is a positive integer, got ${n}`);
  }
  return `${model}#${stage}${action === 'unassign' ? '!' : ''}#${n}`;
}

function counter(raw: string | undefined): number | null | undefined {
  if (raw === undefined) return null;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A version tag's parts, or null when `tag` is not one (a `refs/tags/` prefix is accepted). */
export function parseVersionTag(tag: string): VersionTag | null {
  const match = VERSION_TAG_RE.exec(tag.replace(/^refs\/tags\//, ''));
  if (match === null) return null;
  const [, model, version, bang, n] = match as unknown as [string, string, string, string, string?];
  const count = counter(n);
  if (!isValidName(model) || !isSemver(version) || count === undefined) return null;
  return { model, version, deregistered: bang === '!', counter: count };
}

/** A stage tag's parts, or null when `tag` is not one (a `refs/tags/` prefix is accepted). */
export function parseStageTag(tag: string): StageTag | null {
  const match = STAGE_TAG_RE.exec(tag.replace(/^refs\/tags\//, ''));
  if (match === null) return null;
  const [, model, stage, bang, n] = match as unknown as [string, string, string, string, string?];
  const count = counter(n);
  if (!isValidName(model) || !isValidName(stage) || count === undefined) return null;
  return { model, stage, action: bang === '!' ? 'unassign' : 'assign', n: count };
}

/** What our promotion tags record besides the tag itself. */
export interface StageTagMessage {
  /** Without the leading `v`. */
  readonly version: string;
  readonly pullRequest: number | null;
  /** Logins of the reviewers who approved the promotion. */
  readonly approvedBy: readonly string[];
  /** URL of the workflow run that recorded it. */
  readonly run: string | null;
  /** The login of the token that wrote the tag, checked against the tag's tagger on reading. */
  readonly taggedBy?: string | undefined;
}

/** The message as parsed: every field may be missing from a tag written by someone else. */
export interface ParsedStageTagMessage {
  readonly version: string | null;
  readonly pullRequest: number | null;
  readonly approvedBy: readonly string[];
  readonly run: string | null;
}

function oneLine(value: string, field: string): string {
  if (/[\r\n]/.test(value)) throw new TypeError(`The ${field} of a stage tag message spans lines`);
  return value.trim();
}

/**
 * The annotated tag's message, one `key: value` per line:
 * ```
 * version: v1.2.0
 * pull-request: 12
 * approved-by: alice, bob
 * run: https://github.com/o/r/actions/runs/1
 * tagged-by: github-actions[bot]
 * ```
 * Lines without a value are left out.
 */
export function formatStageTagMessage(message: StageTagMessage): string {
  const lines = [`version: v${normalizeVersion(message.version)}`];
  if (message.pullRequest !== null) {
    if (!Number.isSafeInteger(message.pullRequest) || message.pullRequest < 1) {
      throw new RangeError(`A pull request number is a positive integer`);
    }
    lines.push(`pull-request: ${message.pullRequest}`);
  }
  const approvers = message.approvedBy.map((login) => oneLine(login, 'approved-by'));
  if (approvers.some((login) => login === '' || /[\s,]/.test(login))) {
    throw new TypeError('An approver login is one word without commas');
  }
  if (approvers.length > 0) lines.push(`approved-by: ${approvers.join(', ')}`);
  if (message.run !== null) lines.push(`run: ${oneLine(message.run, 'run')}`);
  if (message.taggedBy !== undefined) {
    const login = oneLine(message.taggedBy, 'tagged-by');
    if (login === '' || /\s/.test(login)) throw new TypeError('A tagger login is one word');
    lines.push(`tagged-by: ${login}`);
  }
  return lines.join('\n');
}

/**
 * Reads the fields of `formatStageTagMessage` from anywhere in `text` (a title line or trailing
 * text around them is allowed); unknown keys and malformed values are ignored.
 */
export function parseStageTagMessage(text: string): ParsedStageTagMessage {
  let version: string | null = null;
  let pullRequest: number | null = null;
  let approvedBy: string[] = [];
  let run: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([a-z-]+)\s*:\s*(.*?)\s*$/i.exec(line);
    if (match === null) continue;
    const key = (match[1] as string).toLowerCase();
    const value = match[2] as string;
    if (key === 'version' && version === null) {
      const bare = value.startsWith('v') ? value.slice(1) : value;
      if (isSemver(bare)) version = bare;
    } else if (key === 'pull-request' && pullRequest === null) {
      const number = /^#?(\d+)$/.exec(value)?.[1];
      if (number !== undefined && Number.isSafeInteger(Number(number))) {
        pullRequest = Number(number);
      }
    } else if (key === 'approved-by' && approvedBy.length === 0) {
      approvedBy = value
        .split(/[\s,]+/)
        .map((login) => login.replace(/^@/, ''))
        .filter((login) => login !== '');
    } else if (key === 'run' && run === null && value !== '') {
      run = value;
    }
  }
  return { version, pullRequest, approvedBy, run };
}

/** One event of a stage's history: an assignment or an unassignment, with GTO's counter. */
export interface StageEvent {
  readonly action: StageTag['action'];
  readonly n: number;
}

/**
 * The event that decides a stage's current holder: the one with the greatest `n`. An
 * unassignment and an assignment with the same `n` (which GTO's shared counter never writes) read
 * as unassigned, the cautious answer. Undefined when there are no events.
 */
export function latestStageEvent<T extends StageEvent>(events: Iterable<T>): T | undefined {
  let latest: T | undefined;
  for (const event of events) {
    if (
      latest === undefined ||
      event.n > latest.n ||
      (event.n === latest.n && event.action === 'unassign')
    ) {
      latest = event;
    }
  }
  return latest;
}

/** A stage's current holder. */
export interface StageAssignment {
  readonly model: string;
  readonly stage: string;
  /** Without the leading `v`. */
  readonly version: string;
  /** The assignment tag, `<model>#<stage>#<n>`. */
  readonly tag: string;
  readonly n: number;
  /** The commit the tag points at; null in a local registry that has none. */
  readonly commit: string | null;
  readonly pullRequest: number | null;
  readonly approvedBy: readonly string[];
  readonly run: string | null;
}

export interface RegistryAsset {
  readonly name: string;
  readonly size: number;
  /** `sha256:<hex>` as the store reports it, null when it reports none. */
  readonly digest: string | null;
}

/** A registered version: a published GitHub release, or a local version folder. */
export interface ModelVersion {
  readonly model: string;
  /** Without the leading `v`. */
  readonly version: string;
  /** `<model>@v<version>`. */
  readonly tag: string;
  /** Where a person can look at it: the release page, or the folder's `file:` URL. */
  readonly releaseUrl: string;
  readonly assets: readonly RegistryAsset[];
}

export interface DownloadedModel {
  /** The verified `model.onnx`. */
  readonly path: string;
  /** The `manifest.json` written beside it. */
  readonly manifestPath: string;
  /** `sha256:<hex>` of the model's bytes. */
  readonly digest: string;
  readonly manifest: Manifest;
  readonly releaseUrl: string;
}

/** The read side of the registry, which `evaluate` and `check-drift` need. */
export interface RegistryReader {
  /** The current holder of `stage` (default `production`), or null when none holds it. */
  findStage(model: string, stage?: string): Promise<StageAssignment | null>;
  /** A registered version, or null when there is none by that tag. */
  getVersion(model: string, version: string): Promise<ModelVersion | null>;
  /**
   * Downloads `model.onnx` and `manifest.json` into `destDir`, verifying the model's digest
   * against the manifest (and against the store's own digest when it reports one). A mismatch is
   * a `DataError` and leaves nothing behind.
   */
  downloadModel(model: string, version: string, destDir: string): Promise<DownloadedModel>;
}

/**
 * What reading a model's history needs (its released metrics across versions): the versions, and
 * one named asset of a version verified against the digest its manifest records.
 */
export interface RegistryVersionsReader {
  /** Published versions of `model`, newest first. */
  listVersions(model: string): Promise<readonly ModelVersion[]>;
  /**
   * Writes the asset `name` of a version into `destDir` (a local registry may return the file
   * in place) after checking its bytes against the manifest's `publication.assets` digest; a
   * mismatch is a `DataError`. Returns the file's path.
   */
  downloadAsset(model: string, version: string, name: string, destDir: string): Promise<string>;
}
