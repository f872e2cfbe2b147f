/**
 * Entrypoint of `actions/doctor`: `mlops doctor` inside a workflow. Reads the repository settings
 * that keep fork code off self-hosted runners (through the REST API, with the job's token), writes
 * the findings to the job summary, annotates each missing required one and fails then (a missing
 * training environment among them: GitHub would create it unprotected on the train job's first
 * run). What the token may not read is reported as unknown, never a failure.
 */
import * as core from '@actions/core';
import { createActionsLogger } from '../adapters/actions/actions-logger.js';
import { GitHubRepositorySettings } from '../adapters/github/repository-settings.js';
import { doctorMarkdown } from '../core/doctor/diagnose.js';
import { parseRunnerLabels } from '../core/doctor/runner-labels.js';
import { runDoctorStep } from '../steps/doctor.js';
import { actionGitHub } from './action-github.js';
import { choiceInput, optionalInput } from './action-inputs.js';
import { runEntrypoint } from './run-entrypoint.js';

await runEntrypoint(async () => {
  const logger = createActionsLogger();
  const { octokit, owner, repo } = actionGitHub(logger, 'read the repository settings');
  const labels = parseRunnerLabels(optionalInput('gpu-runner-labels'), 'gpu-runner-labels');
  const environment =
    labels.length > 0 ? (optionalInput('environment') ?? 'gpu-training') : undefined;
  const failOn = choiceInput('fail-on', ['missing', 'never'] as const, 'missing');
  const report = await runDoctorStep(new GitHubRepositorySettings({ octokit, owner, repo }), {
    environment,
    gpuRunnerLabels: labels,
  });
  await core.summary.addRaw(doctorMarkdown(report)).write();
  // Only what fails the step is annotated: advice and unreadable settings stay in the summary,
  // so that every pull request's run does not repeat them.
  for (const finding of report.findings) {
    if (finding.status === 'missing' && finding.required) {
      core.error(`${finding.detail}. Fix: ${finding.fix}`, { title: finding.title });
    }
  }
  core.setOutput('failed', String(report.failed));
  if (report.failed && failOn === 'missing') {
    const missing = report.findings.filter((f) => f.required && f.status === 'missing');
    core.setFailed(
      `required repository settings are missing: ${missing.map((f) => f.title).join('; ')} (see the job summary; mlops doctor checks them locally)`,
    );
  }
});
