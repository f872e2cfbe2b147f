/** Entrypoint of `actions/profile-data`. */
import path from 'node:path';
import * as core from '@actions/core';
import { createActionsLogger } from '../adapters/actions/actions-logger.js';
import { loadMlopsConfig } from '../adapters/fs/load-config.js';
import { progressFor } from '../adapters/progress/progress-reporters.js';
import { GitHubAssetRegistry } from '../adapters/registry/version-asset.js';
import { profileData } from '../steps/profile-data.js';
import { actionGitHub } from './action-github.js';
import { listInput, optionalInput } from './action-inputs.js';
import { runEntrypoint } from './run-entrypoint.js';

await runEntrypoint(async () => {
  const logger = createActionsLogger();
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const loaded = await loadMlopsConfig({ cwd, path: optionalInput('config') ?? 'mlops.yml' });
  const model = optionalInput('model');
  // The registry only for the production model: a path or none needs no token at all.
  const github =
    model === 'production' ? actionGitHub(logger, 'profile with the production model') : null;
  const temp = path.join(process.env.RUNNER_TEMP ?? path.join(cwd, '.mlops'), 'mlops-profile');
  const result = await profileData({
    cwd,
    loaded,
    data: listInput('data'),
    model,
    output: path.resolve(cwd, optionalInput('output') ?? 'profile.json'),
    registry: github === null ? null : new GitHubAssetRegistry({ ...github, logger }),
    workDir: temp,
    logger,
    progress: progressFor({}),
  });
  core.setOutput('profile', path.relative(cwd, result.output) || result.output);
  core.setOutput('rows', String(result.profile.rows));
  core.setOutput('model-digest', result.profile.predictions?.model ?? '');
});
