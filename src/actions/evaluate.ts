/** Entrypoint of `actions/evaluate`. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import { createActionsLogger } from '../adapters/actions/actions-logger.js';
import { uploadReportArtifact } from '../adapters/actions/artifact-store.js';
import { readEventPayload } from '../adapters/actions/read-event.js';
import { evaluationArtifactName } from '../adapters/github/evaluated-candidate.js';
import { isPermissionDenied, publishCheckRun } from '../adapters/github/check-run.js';
import { createGitHubRegistry } from '../adapters/github/github-registry.js';
import { createOctokit } from '../adapters/github/octokit.js';
import { upsertStickyComment } from '../adapters/github/sticky-comment.js';
import { createBaselineSource } from '../adapters/registry/baseline-source.js';
import { GitHubRegistryWriter } from '../adapters/github/github-registry-writer.js';
import { createMetricsHistorySource } from '../adapters/registry/metrics-history-source.js';
import { GitHubAssetRegistry } from '../adapters/registry/version-asset.js';
import { ConfigError } from '../core/errors.js';
import { formatEvaluationRecord } from '../core/evaluate/evaluation-record.js';
import { renderCheckRunOutput } from '../core/evaluate/render-check-run.js';
import { renderEvaluationComment } from '../core/evaluate/render-comment.js';
import { renderEvaluationSummary } from '../core/evaluate/render-summary.js';
import { runContextFromEnv } from '../core/provenance/run-context.js';
import { sha256Digest } from '../core/provenance/sha256.js';
import { evaluate } from '../steps/evaluate.js';
import { booleanInput, choiceInput, listInput, optionalInput } from './action-inputs.js';
import { runEntrypoint } from './run-entrypoint.js';
import { progressFor } from '../adapters/progress/progress-reporters.js';

await runEntrypoint(async () => {
  const logger = createActionsLogger();
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const event = readEventPayload();
  const run = runContextFromEnv(process.env, event);
  const commentMode = choiceInput('comment', ['auto', 'true', 'false'], 'auto');
  const failOnGate = booleanInput('fail-on-gate', true);
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '/').split('/') as [string, string];
  const token = optionalInput('github-token');
  if (!token || !owner || !repo) {
    throw new ConfigError(
      'a github-token and GITHUB_REPOSITORY are needed to read the registry and post results',
      {
        location: { file: 'action inputs', field: 'github-token' },
      },
    );
  }
  const octokit = createOctokit({ token, logger });
  // History reads published releases (the writer's listing, no writes) and verified assets.
  const releases = new GitHubRegistryWriter({ octokit, owner, repo, logger });
  const assets = new GitHubAssetRegistry({ octokit, owner, repo, logger });

  const report = await evaluate({
    progress: progressFor({}),
    cwd,
    config: optionalInput('config'),
    model: optionalInput('model'),
    data: listInput('data'),
    baseline: optionalInput('baseline'),
    report: optionalInput('report'),
    run,
    logger,
    baselines: createBaselineSource({
      registry: createGitHubRegistry({ octokit, owner, repo, logger }),
      downloadDir: path.join(
        process.env.RUNNER_TEMP ?? path.join(cwd, '.mlops'),
        'mlops-baselines',
      ),
      logger,
    }),
    history: createMetricsHistorySource({
      // Releases are listed by the writer's reader side (it only lists); assets are verified.
      registry: {
        listVersions: (model) => releases.listVersions(model),
        downloadAsset: (model, version, name, destDir) =>
          assets.downloadAsset(model, version, name, destDir),
      },
      downloadDir: path.join(process.env.RUNNER_TEMP ?? path.join(cwd, '.mlops'), 'mlops-history'),
      logger,
    }),
  });

  // Written first: whatever the token may or may not write below, the job summary has the result.
  await core.summary.addRaw(renderEvaluationSummary(report)).write();

  // Uploaded before the check run, so a check run always points at an existing report: publish
  // (model: pr-artifact) verifies the report's sha256, recorded on the check run, against it.
  const reportFile = path.resolve(cwd, report.reportPath);
  const reportDigest = sha256Digest(await readFile(reportFile));
  const reportUrl = await uploadReportArtifact({
    logger,
    name: evaluationArtifactName(report.model),
    file: reportFile,
    runUrl: run.runUrl,
  });
  if (reportUrl !== null) logger.info(`Evaluation report: ${reportUrl}`);

  // One comment per model per pull request, found again by this marker on re-runs.
  const marker = `<!-- mlops-actions:evaluate:${report.model} -->`;
  let commentUrl = '';
  const wantComment =
    commentMode === 'true' || (commentMode === 'auto' && run.pullRequest !== null);
  if (wantComment) {
    if (run.pullRequest === null) {
      logger.warning('comment: true, but this run is not for a pull request: no comment posted.');
    } else {
      try {
        const comment = await upsertStickyComment({
          octokit,
          owner,
          repo,
          issueNumber: run.pullRequest,
          marker,
          body: renderEvaluationComment(report, { marker }),
          logger,
        });
        commentUrl = comment.url;
        logger.info(`Comment ${comment.action}: ${comment.url}`);
      } catch (error) {
        if (!isPermissionDenied(error)) throw error;
        core.notice(
          `The evaluation is in this job's summary, not in a pull request comment: the token may not write comments (${error.message}). ` +
            'A fork\'s pull request gets a read-only GITHUB_TOKEN; otherwise grant the job "pull-requests: write".',
          { title: 'mlops evaluate: no comment' },
        );
      }
    }
  }

  const headSha = run.commit;
  if (headSha) {
    const output = renderCheckRunOutput(report);
    try {
      await publishCheckRun({
        octokit,
        owner,
        repo,
        headSha,
        name: optionalInput('check-name') ?? `mlops/evaluate (${report.model})`,
        conclusion: output.conclusion,
        title: output.title,
        summary: `${formatEvaluationRecord({ model: report.candidate.digest, report: reportDigest })}\n${output.summary}`,
        text: output.text,
        detailsUrl: run.runUrl ?? undefined,
        externalId: report.candidate.digest,
        logger,
      });
    } catch (error) {
      if (!isPermissionDenied(error)) throw error;
      core.notice(
        `The verdict is in this job's summary only: the token may write neither a check run nor a commit status (${error.message}). ` +
          'A fork\'s pull request gets a read-only GITHUB_TOKEN; otherwise grant the job "checks: write".',
        { title: 'mlops evaluate: no check run' },
      );
    }
  }

  core.setOutput('passed', String(report.passed));
  core.setOutput(
    'metrics',
    JSON.stringify({
      candidate: report.candidate.metrics.values,
      baseline: report.baseline?.metrics.values ?? null,
    }),
  );
  core.setOutput('baseline-version', report.baseline?.version ?? '');
  core.setOutput('report', report.reportPath);
  core.setOutput('comment-url', commentUrl);
  if (!report.passed && failOnGate) {
    const failed = report.gates.filter((gate) => gate.status === 'failed');
    core.setFailed(
      `${failed.length} gate(s) failed: ${failed.map((gate) => `${gate.metric} ${gate.rule}: ${gate.detail}`).join('; ')}`,
    );
  }
});
