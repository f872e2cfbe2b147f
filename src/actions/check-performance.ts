/** Entrypoint of `actions/check-performance`. */
import path from 'node:path';
import * as core from '@actions/core';
import { createActionsLogger } from '../adapters/actions/actions-logger.js';
import { loadMlopsConfig } from '../adapters/fs/load-config.js';
import { createGitHubPerformanceIssues } from '../adapters/github/performance-issue.js';
import { runCommand } from '../adapters/process/run-command.js';
import { GitHubAssetRegistry } from '../adapters/registry/version-asset.js';
import { reachesPerformanceSeverity } from '../core/monitor/performance-report.js';
import { runContextFromEnv } from '../core/provenance/run-context.js';
import { checkPerformance } from '../steps/check-performance.js';
import { actionGitHub } from './action-github.js';
import { booleanInput, choiceInput, listInput, optionalInput } from './action-inputs.js';
import { runEntrypoint } from './run-entrypoint.js';
import { reportCheckResult, scheduledCheckWiring } from './action-scheduled-check.js';

await runEntrypoint(async () => {
  const logger = createActionsLogger();
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const run = runContextFromEnv(process.env);
  const loaded = await loadMlopsConfig({ cwd, path: optionalInput('config') ?? 'mlops.yml' });
  const failOn = choiceInput('fail-on', ['severe', 'moderate', 'never'] as const, 'severe');
  const openIssue = booleanInput('open-issue', true);
  const retrainWorkflow = optionalInput('retrain-workflow');
  const releasedMetrics = optionalInput('released-metrics');
  const needsGitHub = openIssue || retrainWorkflow !== undefined || releasedMetrics === undefined;
  const github = needsGitHub
    ? actionGitHub(logger, 'check performance against the registry')
    : null;
  const temp = path.join(process.env.RUNNER_TEMP ?? path.join(cwd, '.mlops'), 'mlops-performance');
  const reportPath = path.resolve(
    cwd,
    optionalInput('report') ?? path.join(temp, 'performance-report.json'),
  );

  const result = await checkPerformance({
    cwd,
    loaded,
    logs: listInput('logs'),
    labels: listInput('labels'),
    labelsCommand: optionalInput('labels-command'),
    commands: { runCommand: (command) => runCommand({ ...command, killGraceMs: 5000 }) },
    prometheus: optionalInput('prometheus'),
    releasedMetrics,
    reportPath,
    registry: github === null ? null : new GitHubAssetRegistry({ ...github, logger }),
    issues:
      github !== null && openIssue ? createGitHubPerformanceIssues({ ...github, logger }) : null,
    ...scheduledCheckWiring({
      logger,
      github,
      runUrl: run.runUrl,
      artifactName: `performance-report-${loaded.config.model.name}`,
      retrainWorkflow,
      workDir: temp,
    }),
  });
  const { report } = result;
  core.setOutput('severity', report.severity);
  core.setOutput('labelled', String(report.coverage.labelled));
  core.setOutput('slo-broken', String(report.health?.broken ?? false));
  await reportCheckResult(result);
  if (reachesPerformanceSeverity(report.severity, failOn)) {
    core.setFailed(
      `The model's performance dropped (${report.severity}) in the window from ${report.graded_window ?? '—'}${result.issue !== null ? `; see ${result.issue.url}` : ''}.`,
    );
  }
});
