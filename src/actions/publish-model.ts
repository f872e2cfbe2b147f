/** Entrypoint of `actions/publish-model`. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { createActionsLogger } from '../adapters/actions/actions-logger.js';
import { readEventPayload } from '../adapters/actions/read-event.js';
import { buildProfileFile } from '../adapters/data/profile-dataset.js';
import { downloadEvaluatedCandidate } from '../adapters/github/evaluated-candidate.js';
import { GitHubRegistryWriter } from '../adapters/github/github-registry-writer.js';
import { createPromotionRequests } from '../adapters/github/promotion-pull-request.js';
import { loadMlopsConfig } from '../adapters/fs/load-config.js';
import { ConfigError } from '../core/errors.js';
import { runContextFromEnv } from '../core/provenance/run-context.js';
import { MANIFEST_FILE } from '../core/registry/registry-port.js';
import { PROFILE_FILE, publishModel } from '../steps/publish-model.js';
import { actionGitHub } from './action-github.js';
import { booleanInput, optionalInput } from './action-inputs.js';
import { runEntrypoint } from './run-entrypoint.js';

await runEntrypoint(async () => {
  const logger = createActionsLogger();
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const event = readEventPayload() as
    | {
        pull_request?: {
          number?: number;
          merged?: boolean;
          merge_commit_sha?: string | null;
          head?: { sha?: string };
        };
      }
    | undefined;
  const run = runContextFromEnv(process.env, event);
  const loaded = await loadMlopsConfig({ cwd, path: optionalInput('config') ?? 'mlops.yml' });
  if (loaded === undefined) throw new ConfigError('mlops.yml is required');
  const { config, dir } = loaded;
  const { octokit, owner, repo } = actionGitHub(logger, 'publish to the registry');
  const temp = path.join(process.env.RUNNER_TEMP ?? path.join(cwd, '.mlops'), 'mlops-publish');

  const pull = event?.pull_request;
  // On a merged pull request the version is made from the merge commit; GITHUB_SHA otherwise.
  const commit = pull?.merge_commit_sha ?? process.env.GITHUB_SHA ?? null;
  let modelPath: string;
  let manifestPath: string | undefined = optionalInput('manifest');
  const modelInput = optionalInput('model');
  let evaluatedReport: string | null = null;
  if (modelInput === 'pr-artifact') {
    const headSha = pull?.head?.sha;
    if (pull === undefined || headSha === undefined || pull.merged !== true) {
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
      headSha,
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
        : await buildProfileFile({
            cwd,
            loaded,
            output: path.join(temp, PROFILE_FILE),
            logger,
            modelPath,
          });
  const reportInput = optionalInput('report');

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
    registry: new GitHubRegistryWriter({ octokit, owner, repo, logger }),
    promotion: booleanInput('open-promotion-pr', true)
      ? createPromotionRequests({ octokit, owner, repo, logger })
      : null,
    workDir: path.join(temp, 'release'),
    logger,
  });
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
