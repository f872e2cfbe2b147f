/** Entrypoint of `actions/promote-model`. */
import path from 'node:path';
import * as core from '@actions/core';
import { createActionsLogger } from '../adapters/actions/actions-logger.js';
import { readEventPayload } from '../adapters/actions/read-event.js';
import { GitHubRegistryWriter } from '../adapters/github/github-registry-writer.js';
import { readRegistryTrigger } from '../adapters/github/registry-trigger.js';
import { createReviewSource } from '../adapters/github/pull-request-reviews.js';
import { loadMlopsConfig } from '../adapters/fs/load-config.js';
import { toDisplayPath } from '../adapters/fs/display-path.js';
import { runContextFromEnv } from '../core/provenance/run-context.js';
import { promotionFile } from '../core/registry/promotion-file.js';
import { promoteModel, readPromotionFile } from '../steps/promote-model.js';
import { actionGitHub } from './action-github.js';
import { booleanInput, integerInput, optionalInput } from './action-inputs.js';
import { runEntrypoint } from './run-entrypoint.js';

await runEntrypoint(async () => {
  const logger = createActionsLogger();
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const event = readEventPayload();
  const run = runContextFromEnv(process.env, event);
  const loaded = await loadMlopsConfig({ cwd, path: optionalInput('config') ?? 'mlops.yml' });
  const { config } = loaded;
  const { octokit, owner, repo } = actionGitHub(logger, 'promote in the registry');
  // Refused before anything is read or written: a pull request closed without merging also sends
  // `closed` (issue 13, finding 12); see core/provenance/trigger-guard.ts for what is accepted.
  await readRegistryTrigger({
    octokit,
    owner,
    repo,
    action: 'promote-model',
    eventName: process.env.GITHUB_EVENT_NAME ?? null,
    ref: process.env.GITHUB_REF ?? null,
    payload: event,
  });
  const stage = optionalInput('stage') ?? 'production';
  let version = optionalInput('version');
  if (version === undefined) {
    const file = path.join(cwd, promotionFile(config.model.name));
    version = await readPromotionFile(file, toDisplayPath(cwd, file), config.model.name, stage);
  }
  const result = await promoteModel({
    config,
    version,
    stage,
    requireApproval: booleanInput('require-approval', true),
    pullRequest:
      optionalInput('pull-request') !== undefined
        ? integerInput('pull-request', 0, { min: 1 })
        : run.pullRequest,
    runUrl: run.runUrl,
    runAttempt: Number(process.env.GITHUB_RUN_ATTEMPT ?? '1') || 1,
    reviews: createReviewSource({ octokit, owner, repo }),
    allowFailedGates: booleanInput('allow-failed-gates', false),
    allowFailedGatesHint: 'the input allow-failed-gates: true',
    registry: new GitHubRegistryWriter({ octokit, owner, repo, logger }),
    logger,
  });
  core.setOutput('stage-tag', result.stageTag);
  core.setOutput('previous-version', result.previousVersion ?? '');
  await core.summary
    .addRaw(
      `### ${config.model.name} v${version.replace(/^v/, '')} ${result.created ? 'promoted' : 'already'} in ${stage}: \`${result.stageTag}\`\n\n` +
        (result.previousVersion !== null ? `Previously: v${result.previousVersion}.\n` : ''),
    )
    .write();
});
