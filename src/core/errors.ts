/**
 * Typed errors. Each says who has to act: `ConfigError` and `DataError` are the user's to fix and
 * are shown without a stack trace; `GitHubApiError` carries the HTTP status and request so that a
 * failing call can be told apart from a user mistake (the split codeql-action makes).
 */

/** Where in a file a problem sits. */
export interface Location {
  readonly file: string;
  /** 1-based. */
  readonly line?: number | undefined;
  /** 1-based. */
  readonly column?: number | undefined;
  /** Dotted path of the field, such as `data.train` or `columns.age.min`. */
  readonly field?: string | undefined;
}

function describe(location: Location | undefined): string {
  if (!location) return '';
  let where = location.file;
  if (location.line !== undefined) where += `:${location.line}`;
  if (location.column !== undefined) where += `:${location.column}`;
  if (location.field !== undefined) where += ` (${location.field})`;
  return `${where}: `;
}

/** Base of the errors a user can act on; `message` already names the place. */
export abstract class UserError extends Error {
  readonly location: Location | undefined;
  readonly detail: string;
  constructor(detail: string, options: { location?: Location | undefined; cause?: unknown } = {}) {
    super(`${describe(options.location)}${detail}`, { cause: options.cause });
    this.location = options.location;
    this.detail = detail;
  }
}

/** The user's configuration or input is wrong: a config file, a schema file, an action input. */
export class ConfigError extends UserError {
  override readonly name = 'ConfigError';
}

/** The user's data cannot be used as asked (distinct from validation findings, which are reported). */
export class DataError extends UserError {
  override readonly name = 'DataError';
}

/**
 * A rule of the project refused the action: a promotion without a valid approval, a release whose
 * assets do not match their manifest. Nothing was written.
 */
export class PolicyError extends UserError {
  override readonly name = 'PolicyError';
}

/**
 * The user's training command failed, timed out or was cancelled. The step fails with the
 * command's exit code, as a `run:` step would.
 */
export class TrainingError extends UserError {
  override readonly name = 'TrainingError';
  readonly exitCode: number;
  constructor(detail: string, options: { exitCode: number; cause?: unknown }) {
    super(detail, { cause: options.cause });
    this.exitCode = options.exitCode;
  }
}

/** A call to GitHub's API failed; `status` is the HTTP status (0 when no response came). */
export class GitHubApiError extends Error {
  override readonly name = 'GitHubApiError';
  readonly status: number;
  readonly request: { readonly method: string; readonly url: string };
  constructor(
    message: string,
    options: { status: number; request: { method: string; url: string }; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.request = options.request;
  }
}

/** True for errors whose message alone is what a user needs (no stack trace). */
export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
