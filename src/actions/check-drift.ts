/** Entrypoint of `actions/check-drift`. */
import path from 'node:path';
import * as core from '@actions/core';
import { createActionsLogger } from '../adapters/actions/actions-logger.js';
import { loadMlopsConfig } from '../adapters/fs/load-config.js';
import { createGitHubDriftIssues } from '../adapters/github/drift-issue.js';
import { GitHubAssetRegistry } from '../adapters/registry/version-asset.js';
import { reachesSeverity } from '../core/drift-report/severity.js';
import { runContextFromEnv } from '../core/provenance/run-context.js';
import { checkDrift } from '../steps/check-drift.js';
import { actionGitHub } from './action-github.js';
import { booleanInput, choiceInput, listInput, optionalInput } from './action-inputs.js';
import { runEntrypoint } from './run-entrypoint.js';
import { progressFor } from '../adapters/progress/progress-reporters.js';
import { reportCheckResult, scheduledCheckWiring } from './action-scheduled-check.js';

await runEntrypoint(async () => {
  const logger = createActionsLogger();
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const run = runContextFromEnv(process.env);
  const loaded = await loadMlopsConfig({ cwd, path: optionalInput('config') ?? 'mlops.yml' });
  const failOn = choiceInput('fail-on', ['severe', 'moderate', 'never'] as const, 'severe');
  const openIssue = booleanInput('open-issue', true);
  const retrainWorkflow = optionalInput('retrain-workflow');
  const reference = listInput('reference');
  const model = optionalInput('model');
  const needsGitHub =
    openIssue ||
    retrainWorkflow !== undefined ||
    reference === undefined ||
    reference[0] === 'production' ||
    model === undefined ||
    model === 'production';
  const github = needsGitHub ? actionGitHub(logger, 'check drift against the registry') : null;
  const temp = path.join(process.env.RUNNER_TEMP ?? path.join(cwd, '.mlops'), 'mlops-drift');
  const reportPath = path.resolve(
    cwd,
    optionalInput('report') ?? path.join(temp, 'drift-report.json'),
  );

  const result = await checkDrift({
    cwd,
    loaded,
    progress: progressFor({}),
    current: listInput('current'),
    reference,
    model,
    reportPath,
    registry: github === null ? null : new GitHubAssetRegistry({ ...github, logger }),
    issues: github !== null && openIssue ? createGitHubDriftIssues({ ...github, logger }) : null,
    ...scheduledCheckWiring({
      logger,
      github,
      runUrl: run.runUrl,
      artifactName: `drift-report-${loaded.config.model.name}`,
      retrainWorkflow,
      workDir: temp,
    }),
  });
  const { report } = result;
  core.setOutput('severity', report.severity);
  core.setOutput('share', String(report.share));
  core.setOutput('drifted', String(report.drifted));
  await reportCheckResult(result);
  if (reachesSeverity(report.severity, failOn)) {
    core.setFailed(
      `Drift is ${report.severity}: ${report.drifted} columns drifted (share ${report.share.toFixed(2)})${result.issue !== null ? `; see ${result.issue.url}` : ''}.`,
    );
  }
});
