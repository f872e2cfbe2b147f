/**
 * `promote-model`: records that a reviewed version now serves a stage. Runs when a promotion pull
 * request merges; rollback is the same flow with an older version.
 *
 * Everything is checked before anything is written: that this is a first run attempt (a re-run
 * would re-apply an old approval); the approval (`checkApproval`: two people, none of whom pushed
 * to the pull request); that the approved pull request sets this version in this model's
 * promotion file at its merge commit, and the default branch's file names it now; the release
 * (model bytes against the manifest and the digest its version tag recorded at publish, every
 * other asset against the digests the manifest records). Only then the stage tag is created and
 * the release notes of the new and previous holder updated.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { MlopsConfig } from '../core/config/mlops-config.js';
import { ConfigError, DataError, PolicyError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Manifest } from '../core/manifest/manifest.js';
import { checkApproval } from '../core/registry/approval.js';
import { parsePromotionFile, promotionFile } from '../core/registry/promotion-file.js';
import type { PromotionEvidence, ReviewSource } from '../core/registry/review-port.js';
import { confinePath } from '../adapters/fs/workspace-path.js';
import { assertStageName, normalizeVersion } from '../core/registry/registry-port.js';
import type { RegistryWriter } from '../core/registry/registry-writer.js';
import { stageNote } from '../core/registry/release-notes.js';

export async function readPromotionFile(
  file: string,
  displayPath: string,
  model: string,
  stage: string,
): Promise<string> {
  // A committed symlink in place of the file must not be read (its lines would be quoted).
  const real = await confinePath({
    path: file,
    cwd: path.dirname(file),
    origin: { field: stage, file: displayPath },
  });
  let text: string;
  try {
    text = await readFile(real, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read the promotion file (${(error as Error).message}); give the version as an input, or merge a promotion pull request that writes this file.`,
      { location: { file: displayPath }, cause: error },
    );
  }
  return parsePromotionFile(text, displayPath, model, stage);
}

export interface PromoteModelOptions {
  readonly config: MlopsConfig;
  readonly version: string;
  readonly stage: string;
  readonly requireApproval: boolean;
  readonly pullRequest: number | null;
  readonly runUrl: string | null;
  /**
   * `GITHUB_RUN_ATTEMPT`: a re-run of an old promote run would re-apply what was approved then,
   * whatever happened since, so only a first attempt promotes (null outside Actions).
   */
  readonly runAttempt?: number | null;
  readonly reviews: ReviewSource | null;
  /**
   * Promote even though the version's evaluation (recorded in its manifest when it was
   * published) failed its gates; its release notes then say so. Without it such a version is
   * refused.
   */
  readonly allowFailedGates?: boolean | undefined;
  /** How the caller names that override in a refusal: `--allow-failed-gates`, an input. */
  readonly allowFailedGatesHint?: string | undefined;
  readonly registry: RegistryWriter;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export interface PromoteModelResult {
  readonly stageTag: string;
  readonly previousVersion: string | null;
  readonly created: boolean;
  readonly approvedBy: readonly string[];
}

export async function promoteModel(options: PromoteModelOptions): Promise<PromoteModelResult> {
  const { registry, logger } = options;
  const model = options.config.model.name;
  const version = normalizeVersion(options.version);
  assertStageName(options.stage);

  if ((options.runAttempt ?? 1) > 1) {
    throw new PolicyError(
      `${model} v${version} was not promoted to ${options.stage}: this is attempt ${options.runAttempt} of the run, and a re-run re-applies what was approved for the first one, whatever the promotion file says since. To retry, start a new run instead of a re-run: merge a new promotion pull request (mlops promote opens one), or dispatch the promote workflow where a protected environment approves it.`,
    );
  }

  let approvedBy: readonly string[] = [];
  if (options.requireApproval) {
    if (options.pullRequest === null || options.reviews === null) {
      throw new PolicyError(
        'require-approval is true, but this run is not for a pull request: promotions are approved in a promotion pull request (or set require-approval: false where a protected environment approves instead).',
      );
    }
    const verdict = checkApproval(await options.reviews.approvalInput(options.pullRequest));
    if (!verdict.approved) {
      throw new PolicyError(
        `${model} v${version} was not promoted to ${options.stage}: pull request #${options.pullRequest} is not approved as required. ${verdict.problems.join(' ')}`,
      );
    }
    approvedBy = verdict.approvers;
    const evidence = await options.reviews.promotionEvidence({
      pullRequest: options.pullRequest,
      file: promotionFile(model),
    });
    checkPullChangesFile({
      evidence,
      model,
      stage: options.stage,
      version,
      pull: options.pullRequest,
    });
    checkDefaultBranch({ evidence, model, stage: options.stage, version });
    logger.info(`Approved by ${approvedBy.map((login) => `@${login}`).join(', ')}.`);
  } else if (options.reviews !== null) {
    // A protected environment approves instead: the version must still be the one the default
    // branch's promotion file names, so an old dispatch cannot bring back an old version.
    const evidence = await options.reviews.promotionEvidence({
      pullRequest: null,
      file: promotionFile(model),
    });
    checkDefaultBranch({ evidence, model, stage: options.stage, version });
  }

  const manifest = await verifyRelease(registry, model, version);

  const current = await registry.findStage(model, options.stage);
  if (current?.version === version) {
    logger.info(
      `${model} v${version} already holds ${options.stage} (${current.tag}): nothing to do.`,
    );
    return { stageTag: current.tag, previousVersion: null, created: false, approvedBy };
  }
  // The evaluation the version was published with: a failed one is promoted only on purpose.
  const failedGates = manifest.publication?.evaluation?.passed === false;
  if (failedGates) {
    const how = options.allowFailedGatesHint ?? 'allow-failed-gates';
    if (options.allowFailedGates !== true) {
      throw new PolicyError(
        `refusing to promote ${model} v${version} to ${options.stage}: its evaluation failed its gates (its manifest records publication.evaluation.passed: false). Promote a version that passed, or promote this one anyway with ${how}.`,
      );
    }
    logger.warning(
      `Promoting ${model} v${version} although its evaluation failed its gates: allowed by ${how}.`,
    );
  }
  const result = await registry.assignStage({
    model,
    stage: options.stage,
    version,
    pullRequest: options.pullRequest,
    approvedBy,
    run: options.runUrl,
  });
  const at = (options.now ?? (() => new Date()))();
  const note = {
    stage: options.stage,
    tag: result.tag,
    version,
    pullRequest: options.pullRequest,
    approvedBy,
    run: options.runUrl,
    at,
    failedGates,
  };
  await registry.annotateVersion(model, version, stageNote({ kind: 'assigned', ...note }));
  const previous = result.previous;
  if (previous !== null && previous.version !== version) {
    await registry.annotateVersion(
      model,
      previous.version,
      stageNote({ kind: 'replaced', ...note }),
    );
  }
  logger.info(
    `${result.tag}: ${model} v${version} is now ${options.stage}${previous !== null ? ` (was v${previous.version})` : ''}.`,
  );
  return {
    stageTag: result.tag,
    previousVersion: previous?.version ?? null,
    created: true,
    approvedBy,
  };
}

/** The approved pull request must be the one that sets this version in this model's file. */
function checkPullChangesFile(options: {
  readonly evidence: PromotionEvidence;
  readonly model: string;
  readonly stage: string;
  readonly version: string;
  readonly pull: number;
}): void {
  const { evidence, model, stage, version, pull } = options;
  const file = promotionFile(model);
  const refuse = (why: string) =>
    new PolicyError(`${model} v${version} was not promoted to ${stage}: ${why}`);
  if (!evidence.changedFiles.includes(file)) {
    throw refuse(
      `pull request #${pull} does not change ${file}, so its approval is not an approval of this promotion (it changes: ${evidence.changedFiles.slice(0, 10).join(', ') || 'nothing'}).`,
    );
  }
  if (evidence.fileAtMerge === null) {
    throw refuse(`${file} is missing at the merge commit of pull request #${pull}.`);
  }
  const at = `${file} at ${evidence.mergeCommit?.slice(0, 7) ?? 'the merge commit'}`;
  const approved = parsePromotionFile(evidence.fileAtMerge, at, model, stage);
  if (approved !== version) {
    throw refuse(
      `pull request #${pull} sets ${stage} to v${approved} in ${file}, not v${version}; only the version the approved pull request names is promoted.`,
    );
  }
}

/** The version must be the one the default branch's promotion file names now. */
function checkDefaultBranch(options: {
  readonly evidence: PromotionEvidence;
  readonly model: string;
  readonly stage: string;
  readonly version: string;
}): void {
  const { evidence, model, stage, version } = options;
  const file = promotionFile(model);
  const where = `${file} on ${evidence.defaultBranch}`;
  if (evidence.fileOnDefaultBranch === null) {
    throw new PolicyError(
      `${model} v${version} was not promoted to ${stage}: ${where} does not exist, and a promotion must be what the default branch says (merge the promotion pull request first).`,
    );
  }
  const wanted = parsePromotionFile(evidence.fileOnDefaultBranch, where, model, stage);
  if (wanted !== version) {
    throw new PolicyError(
      `${model} v${version} was not promoted to ${stage}: ${where} names v${wanted} now; a promotion of another version (an old run, a stale input) is refused.`,
    );
  }
}

/**
 * The release must hold what its manifest says: the model's bytes (checked while downloading) and
 * every other asset the manifest lists, by the digest the store reports.
 */
async function verifyRelease(
  registry: RegistryWriter,
  model: string,
  version: string,
): Promise<Manifest> {
  const found = await registry.getVersion(model, version);
  if (found === null) {
    throw new PolicyError(
      `${model} v${version} is not registered: publish it before promoting it (the promotion file names a version that has no release).`,
    );
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlops-promote-'));
  try {
    let manifest: Manifest;
    try {
      ({ manifest } = await registry.downloadModel(model, version, dir));
    } catch (error) {
      if (error instanceof DataError) {
        throw new PolicyError(`refusing to promote ${model} v${version}: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
    for (const expected of manifest.publication?.assets ?? []) {
      const asset = found.assets.find((a) => a.name === expected.path);
      if (asset === undefined) {
        throw new PolicyError(
          `refusing to promote ${model} v${version}: its release lacks ${expected.path}, which its manifest lists.`,
        );
      }
      if (asset.digest !== null && asset.digest !== expected.digest) {
        throw new PolicyError(
          `refusing to promote ${model} v${version}: the release asset ${expected.path} has digest ${asset.digest}, but the manifest records ${expected.digest} (the asset was changed after publication).`,
        );
      }
    }
    return manifest;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
