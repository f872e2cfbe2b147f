/** Entrypoint of `actions/validate-data`. */
import path from 'node:path';
import * as core from '@actions/core';
import { createActionsLogger } from '../adapters/actions/actions-logger.js';
import { readEventPayload } from '../adapters/actions/read-event.js';
import {
  publishAnnotatedCheckRun,
  type PublishedAnnotatedCheck,
} from '../adapters/github/check-run.js';
import { createOctokit } from '../adapters/github/octokit.js';
import { GitHubApiError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { runContextFromEnv } from '../core/provenance/run-context.js';
import type { ValidationResult } from '../core/validate/dataset-validator.js';
import {
  MAX_CHECK_RUN_ANNOTATIONS,
  MAX_STEP_ERROR_ANNOTATIONS,
  moreViolationsMessage,
  renderValidationSummary,
  stepAnnotations,
} from '../core/validate/render-validation.js';
import { validateData } from '../steps/validate-data.js';
import { choiceInput, integerInput, listInput, optionalInput } from './action-inputs.js';
import { runEntrypoint } from './run-entrypoint.js';
import { progressFor } from '../adapters/progress/progress-reporters.js';
import { uploadReportArtifact } from '../adapters/actions/artifact-store.js';

const checkRunName = 'mlops/validate';

await runEntrypoint(async () => {
  const logger = createActionsLogger();
  const failOn = choiceInput('fail-on', ['error', 'never'], 'error');
  const maxAnnotations = Math.min(
    integerInput('max-annotations', MAX_CHECK_RUN_ANNOTATIONS),
    MAX_CHECK_RUN_ANNOTATIONS,
  );
  const maxExamples = optionalInput('max-examples');
  const result = await validateData({
    cwd: process.env.GITHUB_WORKSPACE ?? process.cwd(),
    config: optionalInput('config'),
    schema: optionalInput('schema'),
    data: listInput('data'),
    report: optionalInput('report'),
    maxExamplesPerRule: maxExamples === undefined ? undefined : integerInput('max-examples', 0),
    firstLines: maxAnnotations,
    logger,
    progress: progressFor({}),
  });
  const failing = !result.valid && failOn === 'error';
  const filesWithViolations = result.files.filter((f) => f.violations > 0).length;

  // The step may show 10 errors. A failing step spends one on its failure message, which then says
  // how many more there are; otherwise the 10th annotation says it.
  const slots = Math.min(maxAnnotations, MAX_STEP_ERROR_ANNOTATIONS - (failing ? 1 : 0));
  const { annotations, more } = stepAnnotations(result, { slots, moreLine: !failing });

  const check =
    more > 0 && maxAnnotations > 0
      ? await annotateCheckRun(result, maxAnnotations, failing, logger)
      : null;
  const where = {
    checkRun: check === null ? null : checkRunName,
    checkRunAnnotations: check?.annotations ?? 0,
    reportPath: result.reportPath,
  };

  for (const annotation of annotations) {
    core.error(annotation.message, {
      title: annotation.title,
      file: annotation.file,
      ...(annotation.line === undefined ? {} : { startLine: annotation.line }),
    });
  }
  if (more > 0 && !failing) {
    core.error(moreViolationsMessage(more, where), { title: 'schema: more violations' });
  }
  const warningSlots = MAX_STEP_ERROR_ANNOTATIONS - 1;
  for (const warning of result.warnings.slice(0, warningSlots)) {
    core.warning(warning.message, {
      title: `schema: ${warning.rule}`,
      file: warning.file,
      ...(warning.line === null ? {} : { startLine: warning.line }),
    });
  }
  if (result.warnings.length > warningSlots) {
    core.warning(
      `${result.warnings.length - warningSlots} more warning(s); see the step summary and ${result.reportPath}`,
      { title: 'schema: more warnings' },
    );
  }

  core.setOutput('valid', String(result.valid));
  core.setOutput('rows', String(result.rows));
  core.setOutput('violations', String(result.violationCount));
  core.setOutput('report', result.reportPath);
  // The report outlives the runner only as an artifact: its page is what the summary links.
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const reportUrl = await uploadReportArtifact({
    logger,
    name: 'validate-report',
    file: path.resolve(cwd, result.reportPath),
    runUrl: runContextFromEnv(process.env).runUrl,
  });
  if (reportUrl !== null) logger.info(`Validation report: ${reportUrl}`);
  await core.summary
    .addRaw(
      renderValidationSummary(result, {
        schemaPath: result.schemaPath,
        reportPath: result.reportPath,
        annotated: annotatedSentence(annotations.length, check),
      }) + (reportUrl !== null ? `\nFull report: [validate-report.json](${reportUrl})\n` : ''),
    )
    .write();

  if (failing) {
    const count = result.violationCount.toLocaleString('en-US');
    const moreText = more > 0 ? `; ${moreViolationsMessage(more, where)}` : '';
    core.setFailed(
      `${count} schema violation(s) in ${filesWithViolations} file(s); see the annotations and ${result.reportPath}${moreText}`,
    );
  }
});

/**
 * The check run that marks the lines the step's 10 annotations cannot: null when there is no token
 * or commit to write it for, or the token may not (a fork's pull request), with a notice saying so.
 */
async function annotateCheckRun(
  result: ValidationResult & { schemaPath: string; reportPath: string },
  maxAnnotations: number,
  failing: boolean,
  logger: Logger,
): Promise<PublishedAnnotatedCheck | null> {
  const token = optionalInput('github-token');
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '/').split('/');
  const headSha = runContextFromEnv(process.env, readEventPayload()).commit;
  if (!token || !owner || !repo || !headSha) {
    core.notice(
      `Only the first ${MAX_STEP_ERROR_ANNOTATIONS} violations are annotated: no github-token, repository or commit to write the check run "${checkRunName}" for.`,
    );
    return null;
  }
  try {
    const published = await publishAnnotatedCheckRun({
      octokit: createOctokit({ token, logger }),
      owner,
      repo,
      headSha,
      name: checkRunName,
      conclusion: failing ? 'failure' : result.valid ? 'success' : 'neutral',
      title: `${result.violationCount.toLocaleString('en-US')} schema violation(s) in ${result.rows.toLocaleString('en-US')} records`,
      summary: renderValidationSummary(result, {
        schemaPath: result.schemaPath,
        reportPath: result.reportPath,
      }),
      annotations: result.leading.slice(0, maxAnnotations).map((violation) => ({
        path: violation.file,
        // A whole-file finding (a missing column, too few records) goes on the first line.
        start_line: violation.line ?? 1,
        end_line: violation.line ?? 1,
        annotation_level: 'failure' as const,
        title:
          violation.column === null ? violation.rule : `${violation.rule} (${violation.column})`,
        message: `${violation.message}; expected ${violation.expected}`,
      })),
      detailsUrl: runContextFromEnv(process.env, readEventPayload()).runUrl ?? undefined,
      logger,
    });
    if (published === null) {
      core.notice(
        `The token may not write check runs (a fork's pull request gets a read-only token; otherwise grant "checks: write"): only the first ${MAX_STEP_ERROR_ANNOTATIONS} violations are annotated. The step summary counts them all.`,
        { title: `${checkRunName} skipped` },
      );
    }
    return published;
  } catch (error) {
    // The verdict stands without the check run: say why it is missing and go on.
    if (!(error instanceof GitHubApiError)) throw error;
    logger.warning(`Could not write the check run "${checkRunName}": ${error.message}`);
    return null;
  }
}

function annotatedSentence(inStep: number, check: PublishedAnnotatedCheck | null): string {
  const step = `The first ${inStep} are annotated in this step's log`;
  if (check === null) return `${step}.`;
  return `${step}; the first ${check.annotations.toLocaleString('en-US')} on the lines of "Files changed" through the check run [${checkRunName}](${check.url}).`;
}
