/**
 * The one place an action's errors are turned into a failed step. A user mistake is shown as
 * its message alone (no stack trace); an API failure says which call failed and its status;
 * anything else is a bug of ours and keeps its stack so it can be reported.
 */
import * as core from '@actions/core';
import { GitHubApiError, isUserError, TrainingError } from '../core/errors.js';

export async function runEntrypoint(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (isUserError(error)) {
      core.setFailed(error.message);
      // A failed training command fails the step with its own exit code, as a run: step would.
      if (error instanceof TrainingError) process.exitCode = error.exitCode;
    } else if (error instanceof GitHubApiError) {
      core.setFailed(
        `GitHub API error ${error.status} on ${error.request.method} ${error.request.url}: ${error.message}`,
      );
    } else {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      core.setFailed(`Unexpected error (please report it): ${detail}`);
    }
  }
}
