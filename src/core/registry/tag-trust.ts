/**
 * Whether a registry tag (a stage tag `<model>#<stage>#<n>` or a version tag `<model>@v<semver>`)
 * was written by the identity that publishes and promotes, and what a version tag records.
 * Pure: the adapters read the tag objects and decide with these functions.
 *
 * Anyone with push access can push an annotated tag, with any message. What a tag object says
 * about its author:
 * - `tagger`: the name and e-mail address its creator gave. A tag created through the API without
 *   a tagger (as ours are) gets the token's identity: `github-actions[bot]`
 *   (`41898282+github-actions[bot]@users.noreply.github.com`) for `GITHUB_TOKEN`, `<app>[bot]` for
 *   an App's installation token. A person's `git tag -a` gets their own name and e-mail.
 * - `verification`: GitHub's check of the tag's signature, where it has one.
 * We record the identity in the message (`tagged-by:`) and require: the tagger is a trusted
 * identity (the token's own, `github-actions[bot]`, or an App bot: logins ending in `[bot]`, which
 * no person's account can have); the message's `tagged-by`, when present, names the same; and a
 * signature, when there is one, verifies. A tagger is what its creator typed, so a determined
 * writer can still imitate the bot from their own machine: the tag rulesets in docs/workflows.md
 * ("Protecting the registry") are what stop that, and this check makes a forged tag that is not
 * careful about it visible and ignored instead of trusted.
 */
import { isSemver } from './semver.js';

/** The login every `GITHUB_TOKEN` writes as. */
export const ACTIONS_BOT_LOGIN = 'github-actions[bot]';

export interface TagAuthor {
  /** The tag object's `tagger`; null for a lightweight tag (a ref straight to a commit). */
  readonly tagger: { readonly name: string; readonly email: string } | null;
  /** GitHub's `verification` of the tag object, when reported. */
  readonly verification: { readonly verified: boolean; readonly reason: string } | null;
  /** The `tagged-by:` line of the message; null when absent (a tag from before it was written). */
  readonly taggedBy: string | null;
}

/** The login a tagger stands for: the `<id>+<login>@users.noreply.github.com` part, else the name. */
export function taggerLogin(tagger: { readonly name: string; readonly email: string }): string {
  const noreply = /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/i.exec(tagger.email.trim());
  return (noreply?.[1] ?? tagger.name).trim();
}

/** Logins whose tags are trusted: the token's own, `github-actions[bot]`, any App bot. */
export function isTrustedTagger(login: string, trusted: readonly string[]): boolean {
  const lower = login.toLowerCase();
  return (
    lower === ACTIONS_BOT_LOGIN ||
    /^[a-z0-9][a-z0-9-]*\[bot\]$/.test(lower) ||
    trusted.some((t) => t.toLowerCase() === lower)
  );
}

/**
 * Why a tag cannot be trusted, one sentence; null when it can. `trusted`: the logins trusted
 * besides `github-actions[bot]` and App bots (the reading token's identity).
 */
export function untrustedTagReason(author: TagAuthor, trusted: readonly string[]): string | null {
  if (author.tagger === null) {
    return 'it is a lightweight tag, and the registry writes annotated tags only';
  }
  const login = taggerLogin(author.tagger);
  const by = `${author.tagger.name} <${author.tagger.email}>`;
  const verification = author.verification;
  if (verification !== null && !verification.verified && verification.reason !== 'unsigned') {
    return `its signature does not verify (${verification.reason})`;
  }
  if (!isTrustedTagger(login, trusted)) {
    const names = [...new Set([ACTIONS_BOT_LOGIN, ...trusted])].join(', ');
    return `it was tagged by ${by}, not by the identity that publishes and promotes (${names} or an App bot)`;
  }
  if (author.taggedBy !== null && author.taggedBy.toLowerCase() !== login.toLowerCase()) {
    return `its message says tagged-by ${author.taggedBy}, but it was tagged by ${by}`;
  }
  return null;
}

/** What a version tag records beside GTO's title: the model's digest and who wrote it. */
export interface VersionTagMessage {
  readonly model: string;
  /** Without the leading `v`. */
  readonly version: string;
  /** `sha256:<hex>` of model.onnx, as published. */
  readonly modelDigest: string;
  /** The login of the token that publishes. */
  readonly taggedBy: string;
}

/**
 * GTO's message (`gto show` reads the title) and our fields, one `key: value` per line:
 * ```
 * Registering artifact iris version v1.2.0
 *
 * model-digest: sha256:…
 * tagged-by: github-actions[bot]
 * ```
 * The digest lives in the tag, which release assets cannot edit: replacing a release's model and
 * manifest together does not change it.
 */
export function formatVersionTagMessage(message: VersionTagMessage): string {
  if (!/^sha256:[0-9a-f]{64}$/.test(message.modelDigest)) {
    throw new TypeError(`Not a sha256 digest: ${JSON.stringify(message.modelDigest)}`);
  }
  if (!isSemver(message.version) || /[\s\r\n]/.test(message.taggedBy) || message.taggedBy === '') {
    throw new TypeError(`Not a version tag message: ${JSON.stringify(message)}`);
  }
  return [
    `Registering artifact ${message.model} version v${message.version}`,
    '',
    `model-digest: ${message.modelDigest}`,
    `tagged-by: ${message.taggedBy}`,
  ].join('\n');
}

/** The fields of a version or stage tag's message that this file reads; null when missing. */
export function parseTagFields(text: string): {
  readonly modelDigest: string | null;
  readonly taggedBy: string | null;
} {
  let modelDigest: string | null = null;
  let taggedBy: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(model-digest|tagged-by)\s*:\s*(\S+)\s*$/i.exec(line);
    if (match === null) continue;
    const key = (match[1] as string).toLowerCase();
    const value = match[2] as string;
    if (key === 'model-digest' && modelDigest === null && /^sha256:[0-9a-f]{64}$/i.test(value)) {
      modelDigest = value.toLowerCase();
    } else if (key === 'tagged-by' && taggedBy === null) {
      taggedBy = value;
    }
  }
  return { modelDigest, taggedBy };
}
