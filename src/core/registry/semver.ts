/**
 * Semantic Versioning 2.0.0 (https://semver.org): strict parsing and precedence (§11). Numeric
 * parts are kept as digit strings and compared by length, then digit by digit, so that versions
 * beyond `Number.MAX_SAFE_INTEGER` still order correctly. Build metadata is kept but takes no part
 * in precedence (§10). Pure, no dependencies: `semver` is only a transitive dependency here.
 */

/** One dot-separated prerelease identifier: numeric ones compare as numbers, others as ASCII. */
export type PrereleaseIdentifier =
  | { readonly kind: 'numeric'; readonly value: string }
  | { readonly kind: 'alphanumeric'; readonly value: string };

export interface SemVer {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  readonly prerelease: readonly PrereleaseIdentifier[];
  readonly build: readonly string[];
  /** The version as written, without a leading `v`. */
  readonly raw: string;
}

// The expression semver.org recommends (§ "Is there a suggested regular expression").
const SEMVER_RE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Parses `1.2.3`, `1.2.3-rc.1+build.5`; no leading `v`, no whitespace. Null when invalid. */
export function parseSemver(text: string): SemVer | null {
  const match = SEMVER_RE.exec(text);
  if (match === null) return null;
  const [, major, minor, patch, pre, build] = match;
  return {
    major: major as string,
    minor: minor as string,
    patch: patch as string,
    prerelease:
      pre === undefined
        ? []
        : pre
            .split('.')
            .map((value) =>
              /^\d+$/.test(value)
                ? { kind: 'numeric' as const, value }
                : { kind: 'alphanumeric' as const, value },
            ),
    build: build === undefined ? [] : build.split('.'),
    raw: text,
  };
}

export function isSemver(text: string): boolean {
  return SEMVER_RE.test(text);
}

/** Compares two digit strings without leading zeros as the numbers they spell. */
function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ASCII order, as §11.4.2 asks ("compared lexically in ASCII sort order"). */
function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareIdentifiers(a: PrereleaseIdentifier, b: PrereleaseIdentifier): number {
  if (a.kind === 'numeric' && b.kind === 'numeric') return compareDigits(a.value, b.value);
  // §11.4.3: numeric identifiers always have lower precedence than alphanumeric ones.
  if (a.kind === 'numeric') return -1;
  if (b.kind === 'numeric') return 1;
  return compareAscii(a.value, b.value);
}

function toSemver(value: SemVer | string): SemVer {
  if (typeof value !== 'string') return value;
  const parsed = parseSemver(value);
  if (parsed === null) throw new TypeError(`Not a semantic version: ${JSON.stringify(value)}`);
  return parsed;
}

/**
 * Precedence: -1 when `a` < `b`, 0 when equal in precedence (build metadata ignored), 1 when
 * `a` > `b`. Strings are parsed and must be valid (a `TypeError` otherwise).
 */
export function compareSemver(left: SemVer | string, right: SemVer | string): -1 | 0 | 1 {
  const a = toSemver(left);
  const b = toSemver(right);
  const core =
    compareDigits(a.major, b.major) ||
    compareDigits(a.minor, b.minor) ||
    compareDigits(a.patch, b.patch);
  if (core !== 0) return core < 0 ? -1 : 1;
  // §11.3: a prerelease version has lower precedence than the normal version.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    if (a.prerelease.length === b.prerelease.length) return 0;
    return a.prerelease.length === 0 ? 1 : -1;
  }
  const shared = Math.min(a.prerelease.length, b.prerelease.length);
  for (let i = 0; i < shared; i += 1) {
    const order = compareIdentifiers(
      a.prerelease[i] as PrereleaseIdentifier,
      b.prerelease[i] as PrereleaseIdentifier,
    );
    if (order !== 0) return order < 0 ? -1 : 1;
  }
  // §11.4.4: a larger set of prerelease fields has higher precedence when all before are equal.
  if (a.prerelease.length === b.prerelease.length) return 0;
  return a.prerelease.length < b.prerelease.length ? -1 : 1;
}

/** The greatest version by precedence, or undefined for none; the first wins among equals. */
export function maxSemver<T extends SemVer | string>(versions: Iterable<T>): T | undefined {
  let best: T | undefined;
  for (const version of versions) {
    if (best === undefined || compareSemver(version, best) > 0) best = version;
  }
  return best;
}
