/** Entrypoint of `actions/publish-model`. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { createActionsLogger } from '../adapters/actions/actions-logger.js';
import { readEventPayload } from '../adapters/actions/read-event.js';
import { buildProfileFile } from '../adapters/data/profile-dataset.js';
import {
  DEFAULT_EVALUATION_WORKFLOW,
  downloadEvaluatedCandidate,
} from '../adapters/github/evaluated-candidate.js';
import { isPermissionDenied } from '../adapters/github/check-run.js';
import { GitHubRegistryWriter } from '../adapters/github/github-registry-writer.js';
import { upsertStickyComment } from '../adapters/github/sticky-comment.js';
import { createMetricsHistorySource } from '../adapters/registry/metrics-history-source.js';
import { GitHubAssetRegistry } from '../adapters/registry/version-asset.js';
import { createPromotionRequests } from '../adapters/github/promotion-pull-request.js';
import { readRegistryTrigger } from '../adapters/github/registry-trigger.js';
import { loadMlopsConfig } from '../adapters/fs/load-config.js';
import { ConfigError } from '../core/errors.js';
import { runContextFromEnv } from '../core/provenance/run-context.js';
import { DEFAULT_STAGE, MANIFEST_FILE } from '../core/registry/registry-port.js';
import {
  publishCommentMarker,
  renderPublishComment,
} from '../core/registry/render-publish-comment.js';
import { PROFILE_FILE, publishModel } from '../steps/publish-model.js';
import { actionGitHub } from './action-github.js';
import { booleanInput, optionalInput } from './action-inputs.js';
import { runEntrypoint } from './run-entrypoint.js';

await runEntrypoint(async () => {
  const logger = createActionsLogger();
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const event = readEventPayload();
  const run = runContextFromEnv(process.env, event);
  const loaded = await loadMlopsConfig({ cwd, path: optionalInput('config') ?? 'mlops.yml' });
  const { config, dir } = loaded;
  const { octokit, owner, repo } = actionGitHub(logger, 'publish to the registry');
  const temp = path.join(process.env.RUNNER_TEMP ?? path.join(cwd, '.mlops'), 'mlops-publish');

  // Only a merged pull request (or a push or dispatch on the default branch) may publish: a pull
  // request closed without merging also sends `closed`, with a test-merge commit that never landed.
  const trigger = await readRegistryTrigger({
    octokit,
    owner,
    repo,
    action: 'publish-model',
    eventName: process.env.GITHUB_EVENT_NAME ?? null,
    ref: process.env.GITHUB_REF ?? null,
    payload: event,
  });
  const pull = trigger.kind === 'merged-pull-request' ? trigger.pull : null;
  // On a merged pull request the version is made from the merge commit; GITHUB_SHA otherwise.
  const commit = pull?.mergeCommitSha ?? process.env.GITHUB_SHA ?? null;
  let modelPath: string;
  let manifestPath: string | undefined = optionalInput('manifest');
  const modelInput = optionalInput('model');
  let evaluatedReport: string | null = null;
  if (modelInput === 'pr-artifact') {
    if (pull === null) {
      throw new ConfigError(
        'model: pr-artifact needs a merged pull request event (on: pull_request, types: [closed], with if: github.event.pull_request.merged)',
        { location: { file: 'action inputs', field: 'model' } },
      );
    }
    const candidate = await downloadEvaluatedCandidate({
      octokit,
      owner,
      repo,
      model: config.model.name,
      pull,
      defaultBranch: trigger.defaultBranch,
      workflowPath: optionalInput('workflow') ?? DEFAULT_EVALUATION_WORKFLOW,
      checkName: optionalInput('check-name') ?? `mlops/evaluate (${config.model.name})`,
      artifactName: optionalInput('artifact-name') ?? `model-${config.model.name}`,
      destDir: path.join(temp, 'candidate'),
      logger,
    });
    modelPath = candidate.modelPath;
    manifestPath ??= candidate.manifestPath ?? undefined;
    evaluatedReport = candidate.reportPath;
  } else {
    modelPath = path.resolve(modelInput !== undefined ? cwd : dir, modelInput ?? config.model.path);
  }
  const besideModel = (name: string) => path.join(path.dirname(modelPath), name);
  const profileInput = optionalInput('profile');
  const profilePath =
    profileInput !== undefined
      ? path.resolve(cwd, profileInput)
      : existsSync(besideModel(PROFILE_FILE))
        ? besideModel(PROFILE_FILE)
        : // Built by the step once every check has passed.
          (output: string) => buildProfileFile({ cwd, loaded, output, logger, modelPath });
  const reportInput = optionalInput('report');
  const registry = new GitHubRegistryWriter({ octokit, owner, repo, logger });
  const assets = new GitHubAssetRegistry({ octokit, owner, repo, logger });
  const openPromotion = booleanInput('open-promotion-pr', true);

  const result = await publishModel({
    config,
    modelPath,
    manifestPath: path.resolve(cwd, manifestPath ?? besideModel(MANIFEST_FILE)),
    reportPath: reportInput === undefined ? evaluatedReport : path.resolve(cwd, reportInput),
    profilePath,
    version: optionalInput('version') ?? 'auto',
    commit,
    pullRequest: pull?.number ?? run.pullRequest,
    runUrl: run.runUrl,
    registry,
    promotion: openPromotion ? createPromotionRequests({ octokit, owner, repo, logger }) : null,
    history: createMetricsHistorySource({
      registry: {
        listVersions: (model) => registry.listVersions(model),
        downloadAsset: (model, version, name, destDir) =>
          assets.downloadAsset(model, version, name, destDir),
      },
      downloadDir: path.join(temp, 'history'),
      logger,
    }),
    workDir: path.join(temp, 'release'),
    logger,
    allowFailedGates: booleanInput('allow-failed-gates', false),
    allowFailedGatesHint: 'the input allow-failed-gates: true',
  });
  // The merged pull request learns what its model became; one comment per model, updated by re-runs.
  if (pull !== null) {
    try {
      const comment = await upsertStickyComment({
        octokit,
        owner,
        repo,
        issueNumber: pull.number,
        marker: publishCommentMarker(config.model.name),
        body: renderPublishComment({
          model: config.model.name,
          version: result.version,
          tag: result.tag,
          releaseUrl: result.releaseUrl,
          digest: result.digest,
          created: result.created,
          promotionPr: result.promotionPr,
          noPromotionReason: openPromotion
            ? `v${result.version} is already in ${DEFAULT_STAGE}`
            : 'open-promotion-pr is false',
          stage: DEFAULT_STAGE,
          runUrl: run.runUrl,
        }),
        logger,
      });
      logger.info(`Comment on pull request #${pull.number} ${comment.action}: ${comment.url}`);
    } catch (error) {
      if (!isPermissionDenied(error)) throw error;
      core.notice(
        `Published, but the merged pull request has no comment: the token may not write comments (${error.message}). Grant the job "pull-requests: write".`,
        { title: 'mlops publish-model: no comment' },
      );
    }
  }
  core.setOutput('version', result.version);
  core.setOutput('tag', result.tag);
  core.setOutput('release-url', result.releaseUrl);
  core.setOutput('digest', result.digest);
  core.setOutput('promotion-pr', result.promotionPr ?? '');
  await core.summary
    .addRaw(
      `### ${result.created ? 'Published' : 'Already published'}: [${result.tag}](${result.releaseUrl})\n\n` +
        `Model digest \`${result.digest}\`${result.promotionPr !== null ? `; promotion pull request: ${result.promotionPr}` : ''}.\n`,
    )
    .write();
});
