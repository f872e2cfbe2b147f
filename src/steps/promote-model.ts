/**
 * `promote-model`: records that a reviewed version now serves a stage. Runs when a promotion pull
 * request merges; rollback is the same flow with an older version.
 *
 * Everything is checked before anything is written: the approval (`checkApproval`), the release
 * (model bytes against the manifest, every other asset against the digests the manifest records).
 * Only then the stage tag is created and the release notes of the new and previous holder updated.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { MlopsConfig } from '../core/config/mlops-config.js';
import { ConfigError, DataError, PolicyError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { checkApproval } from '../core/registry/approval.js';
import type { ReviewSource } from '../core/registry/review-port.js';
import { assertStageName, normalizeVersion } from '../core/registry/registry-port.js';
import type { RegistryWriter } from '../core/registry/registry-writer.js';
import { stageNote } from '../core/registry/release-notes.js';

export async function readPromotionFile(
  file: string,
  displayPath: string,
  model: string,
  stage: string,
): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read the promotion file (${(error as Error).message}); give the version as an input, or merge a promotion pull request that writes this file.`,
      { location: { file: displayPath }, cause: error },
    );
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`not YAML: ${(error as Error).message}`, {
      location: { file: displayPath },
      cause: error,
    });
  }
  const record = (data ?? {}) as Record<string, unknown>;
  if (record['model'] !== undefined && record['model'] !== model) {
    throw new ConfigError(
      `the file is for model ${JSON.stringify(record['model'])}, not ${JSON.stringify(model)}`,
      { location: { file: displayPath, field: 'model' } },
    );
  }
  const value = record[stage];
  if (typeof value !== 'string') {
    throw new ConfigError(`expected a version such as v1.2.0 for the stage "${stage}"`, {
      location: { file: displayPath, field: stage },
    });
  }
  try {
    return normalizeVersion(value);
  } catch (error) {
    throw new ConfigError((error as Error).message, {
      location: { file: displayPath, field: stage },
      cause: error,
    });
  }
}

export interface PromoteModelOptions {
  readonly config: MlopsConfig;
  readonly version: string;
  readonly stage: string;
  readonly requireApproval: boolean;
  readonly pullRequest: number | null;
  readonly runUrl: string | null;
  readonly reviews: ReviewSource | null;
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
    logger.info(`Approved by ${approvedBy.map((login) => `@${login}`).join(', ')}.`);
  }

  await verifyRelease(registry, model, version);

  const current = await registry.findStage(model, options.stage);
  if (current?.version === version) {
    logger.info(
      `${model} v${version} already holds ${options.stage} (${current.tag}): nothing to do.`,
    );
    return { stageTag: current.tag, previousVersion: null, created: false, approvedBy };
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

/**
 * The release must hold what its manifest says: the model's bytes (checked while downloading) and
 * every other asset the manifest lists, by the digest the store reports.
 */
async function verifyRelease(
  registry: RegistryWriter,
  model: string,
  version: string,
): Promise<void> {
  const found = await registry.getVersion(model, version);
  if (found === null) {
    throw new PolicyError(
      `${model} v${version} is not registered: publish it before promoting it (the promotion file names a version that has no release).`,
    );
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mlops-promote-'));
  try {
    let manifest;
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
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
