/**
 * The registry's read side on GitHub: versions are releases tagged `<model>@v<semver>` whose assets
 * are `model.onnx` and `manifest.json`; stages are GTO's annotated tags `<model>#<stage>#<n>`.
 *
 * Stage tags are found by ref prefix (`GET /git/matching-refs/tags/<model>#<stage>`), never by
 * listing every tag (GTO's own reads slow down past ~1,000 tags, gto#156). Octokit expands the
 * `{ref}` path parameter with percent-encoding, so `#` travels as `%23` (a bare `#` would end the
 * URL's path and start its fragment) and `/` as `%2F`, which GitHub accepts for refs.
 *
 * Tags are not trusted as found (`core/registry/tag-trust.ts`): a stage tag whose tagger is not
 * the identity that promotes is ignored with a warning naming it, and the next older event
 * decides; a download is refused when the model's digest differs from the one the version tag's
 * message recorded at publish (a release's model and manifest can be replaced together; the tag
 * cannot be edited through release assets).
 */
import { sha256Digest } from '../../core/provenance/sha256.js';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { DataError, GitHubApiError } from '../../core/errors.js';
import { createSilentLogger, type Logger } from '../../core/logger.js';
import {
  DEFAULT_STAGE,
  MANIFEST_FILE,
  MODEL_FILE,
  assertModelName,
  assertStageName,
  formatVersionTag,
  latestStageEvent,
  maxSemver,
  normalizeVersion,
  parseStageTag,
  parseStageTagMessage,
  parseVersionTag,
  type DownloadedModel,
  type ModelVersion,
  type RegistryReader,
  type StageAssignment,
  type StageTag,
} from '../../core/registry/registry-port.js';
import {
  parseTagFields,
  untrustedTagReason,
  type TagAuthor,
} from '../../core/registry/tag-trust.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { intoDestination, parseManifestFor, writeVerifiedFile } from '../registry/verified-file.js';
import { withGitHubErrors, type Octokit } from './octokit.js';
import { resolveTokenLogin } from './sticky-comment.js';

export interface GitHubRegistryOptions {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
  readonly logger?: Logger;
  /**
   * Logins whose tags are trusted besides the token's own, `github-actions[bot]` and App bots
   * (`<app>[bot]`): say, the bot of the App token that promotes when this token is another.
   */
  readonly trustedTaggers?: readonly string[];
}

/** A tag ref peeled: the commit it ends at and its first tag object's message and author. */
interface PeeledTag {
  readonly commit: string | null;
  readonly message: string;
  readonly author: TagAuthor;
}

interface GitRef {
  readonly ref: string;
  readonly object: { readonly sha: string; readonly type: string };
}

interface ReleaseAsset {
  readonly id: number;
  readonly name: string;
  readonly size: number;
  /** GitHub's `sha256:<hex>`; null for assets uploaded before GitHub computed digests. */
  readonly digest: string | null;
}

interface FoundRelease {
  readonly version: ModelVersion;
  readonly assets: readonly ReleaseAsset[];
}

/** Annotated tags may point at annotated tags; Git allows chains, so follow a few. */
const MAX_TAG_HOPS = 5;

export class GitHubRegistry implements RegistryReader {
  protected readonly octokit: Octokit;
  protected readonly owner: string;
  protected readonly repo: string;
  protected readonly logger: Logger;
  private readonly trustedTaggers: readonly string[];

  constructor(options: GitHubRegistryOptions) {
    this.octokit = options.octokit;
    this.owner = options.owner;
    this.repo = options.repo;
    this.logger = options.logger ?? createSilentLogger();
    this.trustedTaggers = options.trustedTaggers ?? [];
  }

  /** The login tags were seen written as by this token, once the writer created one. */
  protected writtenAs: string | undefined;

  /** The login this token writes tags as (recorded in their messages as `tagged-by`). */
  protected async tokenLogin(): Promise<string> {
    return this.writtenAs ?? (await resolveTokenLogin(this.octokit, this.logger));
  }

  /** Why a tag cannot be trusted; null when it can (see the file's comment). */
  protected async distrust(peeled: PeeledTag): Promise<string | null> {
    // The bot's and Apps' tags need no call; the token's own login is looked up only for others.
    const reason = untrustedTagReason(peeled.author, this.trustedTaggers);
    if (reason === null || peeled.author.tagger === null) return reason;
    return untrustedTagReason(peeled.author, [...this.trustedTaggers, await this.tokenLogin()]);
  }

  protected get fullName(): string {
    return `${this.owner}/${this.repo}`;
  }

  async findStage(model: string, stage: string = DEFAULT_STAGE): Promise<StageAssignment | null> {
    assertModelName(model);
    assertStageName(stage);
    // One prefix covers assignments (`#stage#n`) and unassignments (`#stage!#n`); stages that
    // merely start with the same letters (`production-eu`) are dropped by the parse below.
    const refs = await this.matchingTags(`${model}#${stage}`);
    const events: (StageTag & { n: number; ref: GitRef; tag: string })[] = [];
    for (const ref of refs) {
      const tag = ref.ref.replace(/^refs\/tags\//, '');
      const parsed = parseStageTag(tag);
      if (parsed === null || parsed.model !== model || parsed.stage !== stage) continue;
      if (parsed.n === null) {
        this.logger.debug(`Ignoring ${tag}: a stage tag without GTO's #<n> counter.`);
        continue;
      }
      events.push({ ...parsed, n: parsed.n, ref, tag });
    }
    // Newest first (an unassignment first on a tie, as `latestStageEvent` reads it); a forged
    // event is skipped and the next older one decides.
    const ordered: typeof events = [];
    for (let rest = [...events]; rest.length > 0;) {
      const next = latestStageEvent(rest) as (typeof events)[number];
      ordered.push(next);
      rest = rest.filter((e) => e !== next);
    }
    let latest: (typeof events)[number] | undefined;
    let peeled: PeeledTag | undefined;
    for (const event of ordered) {
      const candidate = await this.peel(event.ref);
      const reason = await this.distrust(candidate);
      if (reason !== null) {
        this.logger.warning(
          `Ignoring the stage tag ${event.tag} in ${this.fullName}: ${reason}. A tag not written by promote-model is not trusted; delete it, and protect *#* tags with a ruleset (docs/workflows.md).`,
        );
        continue;
      }
      latest = event;
      peeled = candidate;
      break;
    }
    if (latest === undefined || peeled === undefined) {
      this.logger.debug(`No ${stage} tag for ${model} in ${this.fullName}.`);
      return null;
    }
    if (latest.action === 'unassign') {
      this.logger.info(`${model} has no ${stage} version: ${latest.tag} unassigned it.`);
      return null;
    }

    const { commit, message } = peeled;
    const details = parseStageTagMessage(message);
    let version = details.version;
    if (version === null) {
      if (commit === null) {
        throw new DataError(
          `${latest.tag} in ${this.fullName} names no version in its message and does not point at a commit.`,
        );
      }
      version = await this.versionAtCommit(model, commit);
      if (version === null) {
        throw new DataError(
          `${latest.tag} in ${this.fullName} names no version in its message (expected a ` +
            `"version: v<semver>" line) and no version tag ${model}@v<semver> points at its ` +
            `commit ${commit}.`,
        );
      }
    }
    return {
      model,
      stage,
      version,
      tag: latest.tag,
      n: latest.n,
      commit,
      pullRequest: details.pullRequest,
      approvedBy: details.approvedBy,
      run: details.run,
    };
  }

  async getVersion(model: string, version: string): Promise<ModelVersion | null> {
    return (await this.release(model, version))?.version ?? null;
  }

  async downloadModel(model: string, version: string, destDir: string): Promise<DownloadedModel> {
    const bare = normalizeVersion(version);
    const tag = formatVersionTag(model, bare);
    const found = await this.release(model, bare);
    if (found === null) {
      throw new DataError(
        `${model} v${bare} is not registered: ${this.fullName} has no published release tagged ${tag}.`,
      );
    }
    const releaseUrl = found.version.releaseUrl;
    const where = `release ${tag} (${releaseUrl})`;
    const asset = (name: string): ReleaseAsset => {
      const match = found.assets.find((a) => a.name === name);
      if (match === undefined) {
        throw new DataError(
          `${where} has no ${name} asset (it has: ${found.assets.map((a) => a.name).join(', ') || 'none'}).`,
        );
      }
      return match;
    };
    const modelAsset = asset(MODEL_FILE);
    const manifestAsset = asset(MANIFEST_FILE);

    const manifestBytes = await this.downloadSmallAsset(manifestAsset.id);
    if (manifestAsset.digest !== null) {
      const actual = sha256Digest(manifestBytes);
      if (actual !== manifestAsset.digest.toLowerCase()) {
        throw new DataError(
          `${where} manifest.json: the downloaded bytes have digest ${actual}, but GitHub's asset ` +
            `digest is ${manifestAsset.digest}.`,
        );
      }
    }
    const manifest = parseManifestFor(manifestBytes.toString('utf8'), {
      model,
      version: bare,
      where,
    });
    const recorded = await this.recordedDigest(model, bare);
    if (recorded !== null && recorded !== manifest.model.file.digest.toLowerCase()) {
      throw new DataError(
        `${where}: its manifest says model.onnx has digest ${manifest.model.file.digest}, but the version tag ${tag} recorded ${recorded} when it was published; the release's model and manifest were replaced after publication, so it is not downloaded.`,
      );
    }

    return intoDestination(destDir, async () => {
      const target = path.join(destDir, MODEL_FILE);
      const written = await writeVerifiedFile({
        source: await this.openAsset(modelAsset.id),
        target,
        expected: [
          { digest: manifest.model.file.digest, source: 'its manifest (model.file.digest)' },
          ...(modelAsset.digest !== null
            ? [{ digest: modelAsset.digest, source: "GitHub's asset digest" }]
            : []),
        ],
        expectedBytes: manifest.model.file.bytes,
        what: `${where} ${MODEL_FILE}`,
      });
      const manifestPath = path.join(destDir, MANIFEST_FILE);
      try {
        await writeFileAtomic(manifestPath, manifestBytes);
      } catch (error) {
        await rm(target, { force: true });
        throw error;
      }
      this.logger.debug(`Downloaded ${tag} to ${target} (${written.digest}, verified).`);
      return { path: target, manifestPath, digest: written.digest, manifest, releaseUrl };
    });
  }

  /**
   * The model digest the version tag's message recorded at publish; null for a tag from before
   * digests were recorded (a warning says so). A version tag not written by the identity that
   * publishes is refused: its digest could say anything.
   */
  protected async recordedDigest(model: string, version: string): Promise<string | null> {
    const tag = formatVersionTag(model, version);
    let ref: GitRef;
    try {
      ({ data: ref } = await withGitHubErrors(() =>
        this.octokit.rest.git.getRef({ owner: this.owner, repo: this.repo, ref: `tags/${tag}` }),
      ));
    } catch (error) {
      if (error instanceof GitHubApiError && error.status === 404) {
        throw new DataError(
          `${model} v${version} has a release but no version tag ${tag} in ${this.fullName}: the digest recorded at publish cannot be checked, so it is not downloaded.`,
        );
      }
      throw error;
    }
    const peeled = await this.peel(ref);
    const reason = await this.distrust(peeled);
    if (reason !== null) {
      throw new DataError(
        `the version tag ${tag} in ${this.fullName} is not trusted: ${reason}. It is not downloaded; protect *@v* tags with a ruleset (docs/workflows.md).`,
      );
    }
    const { modelDigest } = parseTagFields(peeled.message);
    if (modelDigest === null) {
      this.logger.warning(
        `${tag} records no model digest (published before mlops-actions recorded it): only the manifest's digest is checked.`,
      );
    }
    return modelDigest;
  }

  /** The published release tagged `<model>@v<version>`, or null on 404 (drafts are not found). */
  protected async release(model: string, version: string): Promise<FoundRelease | null> {
    const bare = normalizeVersion(version);
    const tag = formatVersionTag(model, bare);
    let data;
    try {
      ({ data } = await withGitHubErrors(() =>
        this.octokit.rest.repos.getReleaseByTag({ owner: this.owner, repo: this.repo, tag }),
      ));
    } catch (error) {
      if (error instanceof GitHubApiError && error.status === 404) return null;
      throw error;
    }
    const assets: ReleaseAsset[] = data.assets.map((a) => ({
      id: a.id,
      name: a.name,
      size: a.size,
      digest: a.digest ?? null,
    }));
    return {
      assets,
      version: {
        model,
        version: bare,
        tag,
        releaseUrl: data.html_url,
        assets: assets.map((a) => ({ name: a.name, size: a.size, digest: a.digest })),
      },
    };
  }

  /** Every ref under `refs/tags/<prefix>`; none for an empty repository (409). */
  protected async matchingTags(prefix: string): Promise<GitRef[]> {
    try {
      return await withGitHubErrors(() =>
        this.octokit.paginate(this.octokit.rest.git.listMatchingRefs, {
          owner: this.owner,
          repo: this.repo,
          ref: `tags/${prefix}`,
        }),
      );
    } catch (error) {
      // GitHub answers 409 "Git Repository is empty" for a repository without commits.
      if (error instanceof GitHubApiError && error.status === 409) return [];
      throw error;
    }
  }

  /** The commit a tag ref ends at, and the message and author of its (first) tag object. */
  protected async peel(ref: GitRef): Promise<PeeledTag> {
    let object = ref.object;
    let first: { message: string; author: TagAuthor } | undefined;
    for (let hops = 0; object.type === 'tag' && hops < MAX_TAG_HOPS; hops += 1) {
      const sha = object.sha;
      const { data } = await withGitHubErrors(() =>
        this.octokit.rest.git.getTag({ owner: this.owner, repo: this.repo, tag_sha: sha }),
      );
      first ??= {
        message: data.message,
        author: {
          tagger: { name: data.tagger.name, email: data.tagger.email },
          verification:
            data.verification === undefined
              ? null
              : { verified: data.verification.verified, reason: data.verification.reason },
          taggedBy: parseTagFields(data.message).taggedBy,
        },
      };
      object = data.object;
    }
    return {
      commit: object.type === 'commit' ? object.sha : null,
      message: first?.message ?? '',
      author: first?.author ?? { tagger: null, verification: null, taggedBy: null },
    };
  }

  /**
   * The version whose tag points at `commit`, as GTO resolves a stage tag without a message:
   * registered and not deregistered; the greatest when several share the commit.
   */
  protected async versionAtCommit(model: string, commit: string): Promise<string | null> {
    const refs = await this.matchingTags(`${model}@v`);
    const deregistered = new Set<string>();
    const candidates: { version: string; ref: GitRef }[] = [];
    for (const ref of refs) {
      const parsed = parseVersionTag(ref.ref);
      if (parsed === null || parsed.model !== model) continue;
      if (parsed.deregistered) deregistered.add(parsed.version);
      else candidates.push({ version: parsed.version, ref });
    }
    const matching: string[] = [];
    for (const { version, ref } of candidates) {
      if (deregistered.has(version)) continue;
      // Release tags are lightweight (they point at the commit); only annotated ones cost a call.
      const target = ref.object.type === 'commit' ? ref.object.sha : (await this.peel(ref)).commit;
      if (target === commit) matching.push(version);
    }
    const best = maxSemver(matching);
    if (matching.length > 1) {
      this.logger.warning(
        `Several versions of ${model} are tagged on commit ${commit} (${matching.map((v) => `v${v}`).join(', ')}); using v${best}.`,
      );
    }
    return best ?? null;
  }

  /** A small asset (the manifest) in memory. */
  protected async downloadSmallAsset(assetId: number): Promise<Buffer> {
    const { data } = await withGitHubErrors(() =>
      this.octokit.rest.repos.getReleaseAsset({
        owner: this.owner,
        repo: this.repo,
        asset_id: assetId,
        headers: { accept: 'application/octet-stream' },
      }),
    );
    return Buffer.from(data as unknown as ArrayBuffer);
  }

  /**
   * The asset's bytes as a stream: `Accept: application/octet-stream` answers 302 to storage, which
   * fetch follows; the body is not buffered, so a large model costs no memory.
   */
  private async openAsset(assetId: number): Promise<Readable> {
    const response = await withGitHubErrors(() =>
      this.octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
        owner: this.owner,
        repo: this.repo,
        asset_id: assetId,
        headers: { accept: 'application/octet-stream' },
        request: { parseSuccessResponseBody: false },
      }),
    );
    const body = response.data as unknown;
    if (body === null || body === undefined) return Readable.from([]);
    return Readable.fromWeb(body as WebReadableStream<Uint8Array>);
  }
}

export function createGitHubRegistry(options: GitHubRegistryOptions): GitHubRegistry {
  return new GitHubRegistry(options);
}
