/**
 * What the two scheduled checks (check-drift, check-performance) share around their step: the
 * retraining dispatch, links to this run, the report uploaded as an artifact of it, and, after
 * the step, the outputs every such check sets and its issue body as the job summary.
 */
import * as core from '@actions/core';
import { uploadReportArtifact } from '../adapters/actions/artifact-store.js';
import { createGitHubRetrainDispatcher } from '../adapters/github/drift-issue.js';
import type { RetrainDispatcher } from '../core/issues/marked-issue-port.js';
import type { Logger } from '../core/logger.js';
import type { ActionGitHub } from './action-github.js';

export function scheduledCheckWiring(options: {
  readonly logger: Logger;
  readonly github: ActionGitHub | null;
  readonly runUrl: string | null;
  /** The report's artifact name, such as `drift-report-<model>`. */
  readonly artifactName: string;
  readonly retrainWorkflow: string | undefined;
  readonly workDir: string;
}): {
  readonly dispatcher: RetrainDispatcher | null;
  readonly retrainWorkflow: string | undefined;
  readonly runUrl: string | null;
  readonly reportLocation: string | null;
  readonly uploadReport: (file: string) => Promise<string | null>;
  readonly workDir: string;
  readonly logger: Logger;
} {
  const { logger, github, runUrl } = options;
  return {
    dispatcher: github === null ? null : createGitHubRetrainDispatcher({ ...github, logger }),
    retrainWorkflow: options.retrainWorkflow,
    runUrl,
    reportLocation: runUrl,
    uploadReport: (file) =>
      uploadReportArtifact({ logger, name: options.artifactName, file, runUrl }),
    workDir: options.workDir,
    logger,
  };
}

/** The outputs both checks set, and the issue body (without its marker) as the job summary. */
export async function reportCheckResult(result: {
  readonly reportPath: string;
  readonly issue: { readonly number: number } | null;
  readonly issueBody: string;
}): Promise<void> {
  core.setOutput('report', result.reportPath);
  core.setOutput('issue-number', result.issue === null ? '' : String(result.issue.number));
  await core.summary.addRaw(result.issueBody.replace(/^<!--[^\n]*-->\n/, '')).write();
}
