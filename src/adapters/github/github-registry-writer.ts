/**
 * The registry's write side on GitHub.
 *
 * Publishing a version (DESIGN.md "Working on GitHub's API"):
 * 1. A re-run finds its version: every release body carries a hidden marker naming the model, the
 *    commit and the model's digest (`formatReleaseMarker`); a published release holding the same
 *    bytes, from whatever commit, is the answer (nothing written), a draft with our commit and
 *    bytes is resumed.
 * 2. A draft release is created, and the runs that raced us are settled at once: of the releases
 *    with our marker, the oldest wins and the others delete their drafts.
 * 3. The version tag is an annotated tag (GTO ignores lightweight ones, gto#127), created by ref:
 *    creating a ref is atomic, so when two commits race for one number exactly one gets it and the
 *    other moves on to the next.
 * 4. Every asset is uploaded and GitHub's own digest of it checked against ours; only then is the
 *    release published. A failure leaves a draft, which nobody installs and a re-run completes.
 *
 * Assigning a stage writes GTO's annotated tag `<model>#<stage>#<n>` on the version's commit with
 * GTO's message line and ours (`formatStageTagMessage`); `n` is one more than any counter of the
 * model, and a ref that another run created first sends us to the next `n`.
 *
 * Both kinds of tag record the token's login (`tagged-by:`), which readers compare with the tag's
 * tagger, and the version tag records the model's digest (`formatVersionTagMessage`), which every
 * download checks: release assets can be replaced, the tag's message cannot be through them.
 */
import { readFile } from 'node:fs/promises';
import { DataError, GitHubApiError } from '../../core/errors.js';
import {
  MANIFEST_FILE,
  compareSemver,
  formatStageTag,
  formatStageTagMessage,
  formatVersionTag,
  normalizeVersion,
  parseStageTag,
  parseStageTagMessage,
  parseVersionTag,
  type ModelVersion,
} from '../../core/registry/registry-port.js';
import {
  byVersionDescending,
  holdsSameModel,
  nextVersion,
  parseReleaseMarker,
  sameRelease,
  type PublishFile,
  type PublishRequest,
  type PublishResult,
  type RegistryWriter,
  type ReleaseMarker,
  type StageHistoryEntry,
  type StageRequest,
  type StageResult,
} from '../../core/registry/registry-writer.js';
import type { Manifest } from '../../core/manifest/manifest.js';
import {
  formatVersionTagMessage,
  parseTagFields,
  taggerLogin,
} from '../../core/registry/tag-trust.js';
import { parseManifestFor } from '../registry/verified-file.js';
import { GitHubRegistry } from './github-registry.js';
import { withGitHubErrors } from './octokit.js';

/** Attempts at a version number or stage counter before giving up on a busy registry. */
const MAX_ATTEMPTS = 5;

interface ReleaseData {
  readonly id: number;
  readonly tag_name: string;
  readonly draft: boolean;
  readonly html_url: string;
  readonly upload_url: string;
  readonly body?: string | null | undefined;
  readonly target_commitish: string;
  readonly assets: readonly AssetData[];
}

interface AssetData {
  readonly id: number;
  readonly name: string;
  readonly size: number;
  readonly digest?: string | null | undefined;
}

export class GitHubRegistryWriter extends GitHubRegistry implements RegistryWriter {
  async listVersions(model: string): Promise<readonly ModelVersion[]> {
    const releases = await this.releases();
    return releases
      .filter((r) => !r.draft && parseVersionTag(r.tag_name)?.model === model)
      .map((r) => this.toVersion(model, r))
      .sort(byVersionDescending);
  }

  async listModels(): Promise<readonly string[]> {
    const models = new Set<string>();
    for (const release of await this.releases()) {
      const parsed = parseVersionTag(release.tag_name);
      if (!release.draft && parsed !== null && !parsed.deregistered) models.add(parsed.model);
    }
    return [...models].sort();
  }

  async stageHistory(model: string): Promise<readonly StageHistoryEntry[]> {
    const entries: StageHistoryEntry[] = [];
    for (const ref of await this.matchingTags(`${model}#`)) {
      const tag = ref.ref.replace(/^refs\/tags\//, '');
      const parsed = parseStageTag(tag);
      if (parsed === null || parsed.model !== model || parsed.n === null) continue;
      const peeled = await this.peel(ref);
      const reason = await this.distrust(peeled);
      if (reason !== null) {
        this.logger.warning(`Ignoring the stage tag ${tag} in ${this.fullName}: ${reason}.`);
        continue;
      }
      const { commit, message } = peeled;
      const details = parseStageTagMessage(message);
      const version =
        details.version ?? (commit === null ? null : await this.versionAtCommit(model, commit));
      entries.push({
        stage: parsed.stage,
        action: parsed.action,
        n: parsed.n,
        version,
        pullRequest: details.pullRequest,
        approvedBy: details.approvedBy,
        run: details.run,
        tag,
      });
    }
    return entries.sort((a, b) => b.n - a.n);
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const wanted: ReleaseMarker = {
      model: request.model,
      commit: request.commit,
      digest: request.modelDigest,
    };
    let releases = await this.modelReleases(request.model);
    // The same bytes published from any commit are that version (the oldest, when releases made
    // before this rule hold them twice): a new number would name one model twice.
    const done = this.publishedHolder(releases, wanted);
    if (done !== undefined) {
      this.logger.info(
        `${done.tag_name} already holds this model (${request.modelDigest}): nothing to publish.`,
      );
      return this.result(request.model, done, false);
    }

    let version = nextVersion(request.version, this.publishedVersions(request.model, releases));
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      let draft: ReleaseData | null =
        releases.find((r) => r.draft && sameRelease(parseReleaseMarker(r.body), wanted)) ?? null;
      if (draft !== null) {
        version = parseVersionTag(draft.tag_name)?.version ?? version;
        this.logger.info(`Resuming the draft release ${draft.tag_name} of an earlier attempt.`);
      } else {
        draft = await this.createDraft(request, version);
        if (draft === null) {
          // GitHub refused the tag name: another release holds it. Look again and go on.
          releases = await this.modelReleases(request.model);
          const holder = this.publishedHolder(releases, wanted);
          if (holder !== undefined) return this.result(request.model, holder, false);
          const ours = releases.find((r) => sameRelease(parseReleaseMarker(r.body), wanted));
          if (ours === undefined) version = this.bump(request, version, releases);
          continue;
        }
        // Two runs for the same commit may both have created a draft: the oldest one wins.
        releases = await this.modelReleases(request.model);
        const first = releases
          .filter((r) => sameRelease(parseReleaseMarker(r.body), wanted))
          .sort((a, b) => a.id - b.id)[0];
        if (first !== undefined && first.id !== draft.id) {
          await this.deleteRelease(draft.id);
          this.logger.info(
            `Another run is publishing this commit's model as ${first.tag_name}; this run's draft was removed.`,
          );
          return this.result(request.model, first, false);
        }
      }

      const tag = formatVersionTag(request.model, version);
      if (!(await this.reserveVersionTag(tag, request))) {
        // Another commit holds this number: remove our draft and take the next one.
        await this.deleteRelease(draft.id);
        releases = await this.modelReleases(request.model);
        version = this.bump(request, version, releases);
        continue;
      }
      const files = await request.prepare(version);
      await this.uploadAll(draft, files);
      const { data } = await withGitHubErrors(() =>
        this.octokit.rest.repos.updateRelease({
          owner: this.owner,
          repo: this.repo,
          release_id: draft.id,
          draft: false,
          body: request.notes(version),
        }),
      );
      this.logger.info(`Published ${tag}: ${data.html_url}`);
      return this.result(request.model, data as ReleaseData, true);
    }
    throw new DataError(
      `could not find a free version number for ${request.model} after ${MAX_ATTEMPTS} attempts: other runs keep publishing; re-run this job.`,
    );
  }

  async assignStage(request: StageRequest): Promise<StageResult> {
    const version = normalizeVersion(request.version);
    const versionTag = formatVersionTag(request.model, version);
    const found = await this.release(request.model, version);
    if (found === null) {
      throw new DataError(
        `${request.model} v${version} is not registered in ${this.fullName}: there is no published release ${versionTag}.`,
      );
    }
    const commit = await this.tagCommit(versionTag);
    if (commit === null) {
      throw new DataError(`the tag ${versionTag} in ${this.fullName} does not point at a commit.`);
    }
    const previous = await this.findStage(request.model, request.stage);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const n = (await this.highestCounter(request.model)) + 1;
      const tag = formatStageTag(request.model, request.stage, n);
      const message = (taggedBy: string) =>
        `Assigning stage ${request.stage} to artifact ${request.model} version v${version}\n\n` +
        formatStageTagMessage({
          version,
          pullRequest: request.pullRequest,
          approvedBy: request.approvedBy,
          run: request.run,
          taggedBy,
        });
      if (!(await this.createAnnotatedTag(tag, message, commit))) {
        this.logger.info(`${tag} was created by another run meanwhile; trying the next counter.`);
        continue;
      }
      this.logger.info(`Created ${tag} on ${commit} (${request.model} v${version}).`);
      return { tag, n, previous, url: null };
    }
    throw new DataError(
      `could not create a ${request.stage} tag for ${request.model} after ${MAX_ATTEMPTS} attempts: other runs keep promoting; re-run this job.`,
    );
  }

  async readManifest(model: string, version: string): Promise<Manifest> {
    const bare = normalizeVersion(version);
    const tag = formatVersionTag(model, bare);
    const found = await this.release(model, bare);
    const asset = found?.assets.find((a) => a.name === MANIFEST_FILE);
    if (found === null || asset === undefined) {
      throw new DataError(
        `${tag} in ${this.fullName} ${found === null ? 'is not a published release' : `has no ${MANIFEST_FILE}`}.`,
      );
    }
    const bytes = await this.downloadSmallAsset(asset.id);
    return parseManifestFor(bytes.toString('utf8'), {
      model,
      version: bare,
      where: `release ${tag} (${found.version.releaseUrl})`,
    });
  }

  async annotateVersion(model: string, version: string, text: string): Promise<void> {
    const found = await this.release(model, version);
    if (found === null) return;
    const tag = formatVersionTag(model, version);
    const { data } = await withGitHubErrors(() =>
      this.octokit.rest.repos.getReleaseByTag({ owner: this.owner, repo: this.repo, tag }),
    );
    const body = `${(data.body ?? '').trimEnd()}\n\n${text}\n`;
    await withGitHubErrors(() =>
      this.octokit.rest.repos.updateRelease({
        owner: this.owner,
        repo: this.repo,
        release_id: data.id,
        body,
      }),
    );
  }

  /** Every release, drafts included (the token can see drafts with push access). */
  private async releases(): Promise<ReleaseData[]> {
    return (await withGitHubErrors(() =>
      this.octokit.paginate(this.octokit.rest.repos.listReleases, {
        owner: this.owner,
        repo: this.repo,
        per_page: 100,
      }),
    )) as ReleaseData[];
  }

  private async modelReleases(model: string): Promise<ReleaseData[]> {
    return (await this.releases()).filter((r) => parseVersionTag(r.tag_name)?.model === model);
  }

  /** The oldest published release holding `wanted`'s bytes, whatever its commit. */
  private publishedHolder(
    releases: readonly ReleaseData[],
    wanted: ReleaseMarker,
  ): ReleaseData | undefined {
    const version = (r: ReleaseData) => parseVersionTag(r.tag_name)?.version ?? '';
    return releases
      .filter((r) => !r.draft && holdsSameModel(parseReleaseMarker(r.body), wanted))
      .sort((a, b) => compareSemver(version(a), version(b)))[0];
  }

  private publishedVersions(model: string, releases: readonly ReleaseData[]): string[] {
    return releases
      .filter((r) => !r.draft)
      .map((r) => parseVersionTag(r.tag_name))
      .filter((p) => p !== null && p.model === model)
      .map((p) => p?.version as string);
  }

  /** The next number after `taken`, or an error when the user asked for that exact version. */
  private bump(request: PublishRequest, taken: string, releases: readonly ReleaseData[]): string {
    if (!['auto', 'major', 'minor', 'patch'].includes(request.version)) {
      throw new DataError(
        `${formatVersionTag(request.model, taken)} is already taken in ${this.fullName} by another commit; choose another version or use "auto".`,
      );
    }
    // The number taken counts as registered even before its release is published.
    return nextVersion(request.version, [
      ...this.publishedVersions(request.model, releases),
      taken,
    ]);
  }

  /** A draft for `version`, or null when GitHub says the tag name is taken (422). */
  private async createDraft(request: PublishRequest, version: string): Promise<ReleaseData | null> {
    const tag = formatVersionTag(request.model, version);
    try {
      const { data } = await withGitHubErrors(() =>
        this.octokit.rest.repos.createRelease({
          owner: this.owner,
          repo: this.repo,
          tag_name: tag,
          ...(request.commit !== null && { target_commitish: request.commit }),
          name: `${request.model} v${version}`,
          body: request.notes(version),
          draft: true,
        }),
      );
      return data as ReleaseData;
    } catch (error) {
      if (error instanceof GitHubApiError && error.status === 422) return null;
      throw error;
    }
  }

  /**
   * Creates the annotated version tag on our commit. True when it exists on our commit now (ours,
   * or an earlier attempt's), false when another commit holds it.
   */
  private async reserveVersionTag(tag: string, request: PublishRequest): Promise<boolean> {
    const existing = await this.tagCommit(tag);
    if (existing !== null) {
      if (existing !== request.commit) return false;
      await this.checkOwnVersionTag(tag, request);
      return true;
    }
    if (request.commit === null) {
      throw new DataError(`cannot register ${tag}: this run does not know its commit.`);
    }
    // GTO's title, so `gto show` lists the version, and the digest every download checks.
    const message = (taggedBy: string) =>
      formatVersionTagMessage({
        model: request.model,
        version: parseVersionTag(tag)?.version ?? '',
        modelDigest: request.modelDigest,
        taggedBy,
      });
    if (await this.createAnnotatedTag(tag, message, request.commit)) return true;
    if ((await this.tagCommit(tag)) !== request.commit) return false;
    await this.checkOwnVersionTag(tag, request);
    return true;
  }

  /**
   * A version tag found on our commit must be one we wrote for these bytes (an earlier attempt's):
   * a tag someone else pushed there first would record a digest of their choosing.
   */
  private async checkOwnVersionTag(tag: string, request: PublishRequest): Promise<void> {
    const { data } = await withGitHubErrors(() =>
      this.octokit.rest.git.getRef({ owner: this.owner, repo: this.repo, ref: `tags/${tag}` }),
    );
    const peeled = await this.peel(data);
    const reason = await this.distrust(peeled);
    const { modelDigest } = parseTagFields(peeled.message);
    if (reason !== null || (modelDigest !== null && modelDigest !== request.modelDigest)) {
      throw new DataError(
        `${tag} already exists on this commit and was not written by this publish (${reason ?? `it records ${modelDigest ?? ''}, not ${request.modelDigest}`}); delete that tag and re-run, and protect *@v* tags with a ruleset (docs/workflows.md).`,
      );
    }
  }

  /**
   * An annotated tag object on `commit`, then its ref. False when the ref already exists (422):
   * creating the ref is what settles a race between runs; the caller decides what that means.
   *
   * `message` gets the login the tag is written as. `GET /user` cannot tell `GITHUB_TOKEN` from an
   * App's installation token (both answer 403), so the guess is checked against the tagger GitHub
   * gives the new tag object; when they differ, the object is written again with the real login
   * (the first, referenced by no ref, is never seen) and that login is used from then on.
   */
  private async createAnnotatedTag(
    tag: string,
    message: (taggedBy: string) => string,
    commit: string,
  ): Promise<boolean> {
    const create = (taggedBy: string) =>
      withGitHubErrors(() =>
        this.octokit.rest.git.createTag({
          owner: this.owner,
          repo: this.repo,
          tag,
          message: message(taggedBy),
          object: commit,
          type: 'commit',
        }),
      );
    const guess = await this.tokenLogin();
    let { data: object } = await create(guess);
    const actual = taggerLogin(object.tagger);
    if (actual.toLowerCase() !== guess.toLowerCase()) {
      this.logger.debug(`Tags are written as ${actual}, not ${guess}; recording ${actual}.`);
      this.writtenAs = actual;
      ({ data: object } = await create(actual));
    }
    try {
      await withGitHubErrors(() =>
        this.octokit.rest.git.createRef({
          owner: this.owner,
          repo: this.repo,
          ref: `refs/tags/${tag}`,
          sha: object.sha,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof GitHubApiError && error.status === 422) return false;
      throw error;
    }
  }

  /** The commit a tag ends at, or null when there is no such tag. */
  private async tagCommit(tag: string): Promise<string | null> {
    try {
      const { data } = await withGitHubErrors(() =>
        this.octokit.rest.git.getRef({ owner: this.owner, repo: this.repo, ref: `tags/${tag}` }),
      );
      return (await this.peel(data)).commit;
    } catch (error) {
      if (error instanceof GitHubApiError && error.status === 404) return null;
      throw error;
    }
  }

  /** GTO's counter is shared by every stage event of a model. */
  private async highestCounter(model: string): Promise<number> {
    let highest = 0;
    for (const ref of await this.matchingTags(`${model}#`)) {
      const parsed = parseStageTag(ref.ref);
      if (parsed?.model === model && parsed.n !== null) highest = Math.max(highest, parsed.n);
    }
    return highest;
  }

  /**
   * Uploads what the draft lacks and checks each asset's digest as GitHub computed it. An asset
   * of the same name with other bytes (a failed earlier attempt) is replaced.
   */
  private async uploadAll(draft: ReleaseData, files: readonly PublishFile[]): Promise<void> {
    const present = await this.assetsOf(draft.id);
    for (const file of files) {
      const existing = present.find((a) => a.name === file.name);
      if (existing !== undefined) {
        if (existing.digest === file.digest) continue;
        await withGitHubErrors(() =>
          this.octokit.rest.repos.deleteReleaseAsset({
            owner: this.owner,
            repo: this.repo,
            asset_id: existing.id,
          }),
        );
      }
      const data = await readFile(file.path);
      let uploaded: AssetData;
      try {
        const { data: asset } = await withGitHubErrors(() =>
          this.octokit.request({
            method: 'POST',
            url: draft.upload_url,
            name: file.name,
            data,
            headers: { 'content-type': file.contentType, 'content-length': data.length },
          }),
        );
        uploaded = asset as AssetData;
      } catch (error) {
        // A run racing us on the same draft uploaded it first: fine if it is the same bytes.
        if (!(error instanceof GitHubApiError && error.status === 422)) throw error;
        const now = await this.assetsOf(draft.id);
        const theirs = now.find((a) => a.name === file.name);
        if (theirs === undefined) throw error;
        uploaded = theirs;
      }
      if (uploaded.digest != null && uploaded.digest !== file.digest) {
        throw new DataError(
          `${file.name}: GitHub reports digest ${uploaded.digest} for the uploaded asset, but the file's digest is ${file.digest}; the release stays a draft.`,
        );
      }
      this.logger.info(`Uploaded ${file.name} (${file.bytes} bytes, ${file.digest}).`);
    }
    // What the release will hold, as GitHub reports it, before anyone can install it.
    const final = await this.assetsOf(draft.id);
    for (const file of files) {
      const asset = final.find((a) => a.name === file.name);
      if (asset === undefined || (asset.digest != null && asset.digest !== file.digest)) {
        throw new DataError(
          `${file.name} is ${asset === undefined ? 'missing from' : `${asset.digest ?? ''} in`} the draft release, expected ${file.digest}; the release stays a draft.`,
        );
      }
    }
  }

  /** A release's assets as GitHub reports them, with its digests. */
  private async assetsOf(releaseId: number): Promise<AssetData[]> {
    const { data } = await withGitHubErrors(() =>
      this.octokit.rest.repos.listReleaseAssets({
        owner: this.owner,
        repo: this.repo,
        release_id: releaseId,
        per_page: 100,
      }),
    );
    return data;
  }

  private async deleteRelease(id: number): Promise<void> {
    try {
      await withGitHubErrors(() =>
        this.octokit.rest.repos.deleteRelease({
          owner: this.owner,
          repo: this.repo,
          release_id: id,
        }),
      );
    } catch (error) {
      if (!(error instanceof GitHubApiError && error.status === 404)) throw error;
    }
  }

  private toVersion(model: string, release: ReleaseData): ModelVersion {
    const version = parseVersionTag(release.tag_name)?.version ?? '';
    return {
      model,
      version,
      tag: release.tag_name,
      releaseUrl: release.html_url,
      assets: release.assets.map((a) => ({ name: a.name, size: a.size, digest: a.digest ?? null })),
    };
  }

  private result(model: string, release: ReleaseData, created: boolean): PublishResult {
    const version = this.toVersion(model, release);
    return {
      version: version.version,
      tag: version.tag,
      releaseUrl: version.releaseUrl,
      created,
      assets: version.assets,
    };
  }
}
