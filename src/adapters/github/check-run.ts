/**
 * The verdict as a check run, so branch protection can require it: one run per (head SHA, name),
 * updated in place by re-runs.
 *
 * Only GitHub Apps (`GITHUB_TOKEN` is one) may write check runs, and only with `checks: write`.
 * A fork's pull request gets a read-only token, a workflow may have left `checks` out of its
 * `permissions:`, and a personal access token may not write check runs at all: each answers 403.
 * Then the verdict goes out as a commit status (`statuses: write`) with the same name as context,
 * and a warning says why. A token that can write neither makes this fail with both reasons.
 */
import { GitHubApiError } from '../../core/errors.js';
import { createSilentLogger, type Logger } from '../../core/logger.js';
import { withGitHubErrors, type Octokit } from './octokit.js';

/** GitHub's limit on a check run's `output.summary` and `output.text`, in characters. */
export const MAX_CHECK_OUTPUT = 65_535;
/** GitHub's limit on a commit status's `description`. */
export const MAX_STATUS_DESCRIPTION = 140;

export type CheckConclusion = 'success' | 'failure' | 'neutral';

export interface PublishCheckRunOptions {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
  readonly headSha: string;
  readonly name: string;
  readonly conclusion: CheckConclusion;
  readonly title: string;
  /** Markdown; cut to 65,535 characters with a note when longer. */
  readonly summary: string;
  readonly text?: string | undefined;
  readonly detailsUrl?: string | undefined;
  /** Our identifier of what was checked (evaluate: the candidate's sha256, which publish reads). */
  readonly externalId?: string | undefined;
  readonly logger?: Logger | undefined;
}

export interface PublishedCheck {
  readonly id: number;
  /** The check run's page, or for a status its target URL (else its API URL). */
  readonly url: string;
  readonly kind: 'check-run' | 'status';
  readonly action: 'created' | 'updated';
}

/**
 * `text` within `limit` characters: when longer, it is cut at a line break where one is near (so a
 * table row or code line stays whole), never inside a surrogate pair, and a note says how much
 * was left out. Lengths are UTF-16 units, never fewer than GitHub's character count.
 */
export function truncateWithNote(text: string, limit: number = MAX_CHECK_OUTPUT): string {
  if (text.length <= limit) return text;
  const note = (left: number): string =>
    `\n\n…\n\n_Truncated: ${left} of ${text.length} characters left out (GitHub allows ${limit})._`;
  // The note's own length depends on the count it prints; the widest count bounds it.
  let cut = limit - note(text.length).length;
  if (cut <= 0) return text.slice(0, limit);
  const lineBreak = text.lastIndexOf('\n', cut);
  if (lineBreak > cut - 2_000 && lineBreak > 0) cut = lineBreak;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}${note(text.length - cut)}`;
}

/** `text` on one line within `limit` characters, ending in `…` when cut. */
export function shortDescription(text: string, limit: number = MAX_STATUS_DESCRIPTION): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= limit) return line;
  let cut = limit - 1;
  const code = line.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${line.slice(0, cut)}…`;
}

/**
 * A 403 that means "this token may not write this" (a fork's read-only token, a missing
 * permission), as opposed to a rate limit, which GitHub also answers with 403.
 */
export function isPermissionDenied(error: unknown): error is GitHubApiError {
  return (
    error instanceof GitHubApiError && error.status === 403 && !/rate limit/i.test(error.message)
  );
}

export async function publishCheckRun(options: PublishCheckRunOptions): Promise<PublishedCheck> {
  const { octokit, owner, repo, headSha, name, conclusion } = options;
  const logger = options.logger ?? createSilentLogger();
  const output = {
    title: options.title,
    summary: truncateWithNote(options.summary),
    ...(options.text !== undefined && { text: truncateWithNote(options.text) }),
  };
  try {
    const { data: listed } = await withGitHubErrors(() =>
      octokit.rest.checks.listForRef({
        owner,
        repo,
        ref: headSha,
        check_name: name,
        filter: 'latest',
        per_page: 100,
      }),
    );
    // Newest first: a re-run updates the run an earlier attempt wrote for this commit.
    const existing = listed.check_runs.find((run) => run.name === name);
    const fields = {
      owner,
      repo,
      status: 'completed' as const,
      conclusion,
      completed_at: new Date().toISOString(),
      output,
      ...(options.detailsUrl !== undefined && { details_url: options.detailsUrl }),
      ...(options.externalId !== undefined && { external_id: options.externalId }),
    };
    if (existing !== undefined) {
      const { data } = await withGitHubErrors(() =>
        octokit.rest.checks.update({ ...fields, check_run_id: existing.id }),
      );
      logger.info(`Check run "${name}" updated (${conclusion}): ${data.html_url ?? data.url}`);
      return { id: data.id, url: data.html_url ?? data.url, kind: 'check-run', action: 'updated' };
    }
    const { data } = await withGitHubErrors(() =>
      octokit.rest.checks.create({ ...fields, name, head_sha: headSha }),
    );
    logger.info(`Check run "${name}" created (${conclusion}): ${data.html_url ?? data.url}`);
    return { id: data.id, url: data.html_url ?? data.url, kind: 'check-run', action: 'created' };
  } catch (error) {
    if (!isPermissionDenied(error)) throw error;
    return publishStatus(options, error, logger);
  }
}

async function publishStatus(
  options: PublishCheckRunOptions,
  denied: GitHubApiError,
  logger: Logger,
): Promise<PublishedCheck> {
  const { octokit, owner, repo, headSha, name, conclusion } = options;
  // Statuses know no "neutral"; it must not block a merge, so it reads as success.
  const state = conclusion === 'failure' ? 'failure' : 'success';
  const prefix = conclusion === 'neutral' ? 'Neutral: ' : '';
  logger.warning(
    `Could not write check run "${name}" (${denied.message}). The token cannot write check runs ` +
      `(a fork's pull request gets a read-only token; the workflow needs "permissions: checks: ` +
      `write"; personal access tokens cannot write them at all). Publishing a commit status instead.`,
  );
  try {
    const { data } = await withGitHubErrors(() =>
      octokit.rest.repos.createCommitStatus({
        owner,
        repo,
        sha: headSha,
        state,
        context: name,
        description: shortDescription(`${prefix}${options.title}`),
        ...(options.detailsUrl !== undefined && { target_url: options.detailsUrl }),
      }),
    );
    logger.info(`Commit status "${name}" set to ${state} on ${headSha}.`);
    return { id: data.id, url: data.target_url ?? data.url, kind: 'status', action: 'created' };
  } catch (error) {
    if (!(error instanceof GitHubApiError)) throw error;
    throw new GitHubApiError(
      `Could not publish the "${name}" verdict on ${headSha}: neither a check run ` +
        `(${denied.message}) nor a commit status (${error.message}) could be written. Grant ` +
        `"checks: write" (or "statuses: write") to the job; on a fork's pull request the token ` +
        `is read-only, and the verdict is only in the job summary.`,
      { status: error.status, request: error.request, cause: error },
    );
  }
}

/** GitHub's limit on annotations in one create or update request; each update appends its own. */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;

export interface CheckAnnotation {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly annotation_level: 'notice' | 'warning' | 'failure';
  readonly title?: string;
  readonly message: string;
}

export interface PublishAnnotatedCheckRunOptions extends Omit<
  PublishCheckRunOptions,
  'externalId' | 'text'
> {
  readonly annotations: readonly CheckAnnotation[];
}

export interface PublishedAnnotatedCheck extends PublishedCheck {
  /** Annotations written, over `requests` requests. */
  readonly annotations: number;
  readonly requests: number;
}

/**
 * A check run that marks lines in "Files changed": created with the first 50 annotations, then
 * updated with the next 50 each time (GitHub appends them; `output` is required on each update).
 *
 * Always a new run, never an update of an earlier attempt's: updates append annotations, so a
 * re-run would mark every line twice; GitHub shows the newest run of a name on the commit. Unlike
 * `publishCheckRun` there is no commit-status fallback (a status cannot carry annotations): when
 * the token may not write check runs (a fork's pull request) this returns null.
 */
export async function publishAnnotatedCheckRun(
  options: PublishAnnotatedCheckRunOptions,
): Promise<PublishedAnnotatedCheck | null> {
  const { octokit, owner, repo, headSha, name, conclusion, annotations } = options;
  const logger = options.logger ?? createSilentLogger();
  const output = (from: number) => ({
    title: options.title,
    summary: truncateWithNote(options.summary),
    annotations: annotations.slice(from, from + MAX_ANNOTATIONS_PER_REQUEST),
  });
  let created;
  try {
    created = await withGitHubErrors(() =>
      octokit.rest.checks.create({
        owner,
        repo,
        name,
        head_sha: headSha,
        status: 'completed',
        conclusion,
        completed_at: new Date().toISOString(),
        output: output(0),
        ...(options.detailsUrl !== undefined && { details_url: options.detailsUrl }),
      }),
    );
  } catch (error) {
    if (!isPermissionDenied(error)) throw error;
    logger.info(`Check run "${name}" not written: ${error.message}`);
    return null;
  }
  const { data } = created;
  let requests = 1;
  for (
    let from = MAX_ANNOTATIONS_PER_REQUEST;
    from < annotations.length;
    from += MAX_ANNOTATIONS_PER_REQUEST
  ) {
    await withGitHubErrors(() =>
      octokit.rest.checks.update({ owner, repo, check_run_id: data.id, output: output(from) }),
    );
    requests++;
  }
  const url = data.html_url ?? data.url;
  logger.info(
    `Check run "${name}" created (${conclusion}) with ${annotations.length} annotation(s) in ${requests} request(s): ${url}`,
  );
  return {
    id: data.id,
    url,
    kind: 'check-run',
    action: 'created',
    annotations: annotations.length,
    requests,
  };
}
