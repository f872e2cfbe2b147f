/**
 * The one place an Octokit is built. `octokit`'s `Octokit` already carries the retry and throttling
 * plugins (octokit 5: rest endpoint methods, paginate, retry, throttling), so they are configured
 * here rather than plugged in a second time, which would retry every failure twice over.
 */
import Bottleneck from 'bottleneck';
import { Octokit } from 'octokit';
import type { ThrottlingOptions } from '@octokit/plugin-throttling';
import type { RetryOptions } from '@octokit/plugin-retry';
import { GitHubApiError } from '../../core/errors.js';
import { createSilentLogger, type Logger } from '../../core/logger.js';

export type { Octokit };

export interface ThrottleSettings {
  /**
   * Seconds to wait on a secondary rate limit that came without `retry-after` (plugin default 60,
   * GitHub's advice: at least a minute).
   */
  readonly fallbackSecondaryRateRetryAfter?: number;
  /**
   * Longest wait, in seconds, worth sitting through; a limit that asks for more fails at once, so a
   * job does not idle until its timeout. Default: no bound.
   */
  readonly maxRetryAfter?: number;
  /**
   * Milliseconds between two writes (plugin default 1000) and between two writes that notify
   * people, such as comments (plugin default 3000). GitHub asks for this spacing to stay clear of
   * secondary limits; tests set 0.
   */
  readonly writeIntervalMs?: number;
  readonly notificationIntervalMs?: number;
}

export interface CreateOctokitOptions {
  readonly token: string;
  /** Default: `GITHUB_API_URL`, else `https://api.github.com`. */
  readonly baseUrl?: string;
  readonly logger?: Logger;
  readonly userAgent?: string;
  /** Retries after a server error or a rate limit (default 3). */
  readonly retries?: number;
  /**
   * Milliseconds per second of every wait, for both plugins (default 1000): the retry plugin waits
   * (n + 1)² of these before retry n, the throttling plugin `retry-after` or up to
   * `x-ratelimit-reset` of them. Tests set a few milliseconds so that real waits become short.
   */
  readonly retryAfterBaseValue?: number;
  readonly throttle?: ThrottleSettings;
  /** Passed to `@octokit/request` (a custom `fetch`, an abort `signal`). */
  readonly request?: { readonly fetch?: typeof fetch; readonly signal?: AbortSignal };
}

/**
 * Statuses the retry plugin leaves alone. Its own list plus 429: a 429 is a rate limit, which the
 * throttling plugin already retries after the wait GitHub asked for; both retrying it would
 * multiply the attempts and ignore `retry-after`.
 */
// 409 too: a conflict (a stale file sha, a ref that moved) never succeeds on a retry.
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 429, 451];

export function createOctokit(options: CreateOctokitOptions): Octokit {
  const logger = options.logger ?? createSilentLogger();
  const retries = options.retries ?? 3;
  const baseValue = options.retryAfterBaseValue ?? 1000;
  const settings = options.throttle ?? {};
  const maxRetryAfter = settings.maxRetryAfter ?? Number.POSITIVE_INFINITY;

  // The plugin has worked out the wait before calling: `retry-after` (else the fallback) for a
  // secondary limit, up to `x-ratelimit-reset` for a primary one. Here we only decide whether to.
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number,
    ) => {
      const what = `${kind} on ${request.method} ${request.url}`;
      if (retryCount >= retries) {
        logger.warning(`GitHub ${what}; giving up after ${retries} retries.`);
        return false;
      }
      if (retryAfter > maxRetryAfter) {
        logger.warning(
          `GitHub ${what}; it asks to wait ${retryAfter} s, more than the ${maxRetryAfter} s allowed: giving up.`,
        );
        return false;
      }
      logger.warning(
        `GitHub ${what}; retrying in ${retryAfter} s (retry ${retryCount + 1} of ${retries}).`,
      );
      return true;
    };

  const throttle: ThrottlingOptions = {
    onRateLimit: onLimit('rate limit hit'),
    onSecondaryRateLimit: onLimit('secondary rate limit hit'),
    retryAfterBaseValue: baseValue,
    ...(settings.fallbackSecondaryRateRetryAfter !== undefined && {
      fallbackSecondaryRateRetryAfter: settings.fallbackSecondaryRateRetryAfter,
    }),
    // The plugin's own groups are shared by every client in the process; spacing set here gets
    // groups of this client's own, with the plugin's concurrency of one.
    ...(settings.writeIntervalMs !== undefined && {
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: settings.writeIntervalMs }),
    }),
    ...(settings.notificationIntervalMs !== undefined && {
      notifications: new Bottleneck.Group({
        maxConcurrent: 1,
        minTime: settings.notificationIntervalMs,
      }),
    }),
  };
  const retry: RetryOptions = { retries, retryAfterBaseValue: baseValue, doNotRetry: DO_NOT_RETRY };

  return new Octokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? process.env['GITHUB_API_URL'] ?? 'https://api.github.com').replace(
      /\/+$/,
      '',
    ),
    ...(options.userAgent !== undefined && { userAgent: options.userAgent }),
    // Octokit's info lines are its own chatter ("Retrying after..."); they belong in debug output.
    log: {
      debug: (message: string) => logger.debug(message),
      info: (message: string) => logger.debug(message),
      warn: (message: string) => logger.warning(message),
      error: (message: string) => logger.error(message),
    },
    throttle,
    retry,
    ...(options.request !== undefined && { request: { ...options.request } }),
  });
}

/** The parts of `@octokit/request-error`'s `RequestError` we read; duck-typed because bundles and
 * `@actions/github` can carry their own copy of the class, which `instanceof` would miss. */
interface RequestErrorLike {
  readonly status: number;
  readonly message: string;
  readonly request: { readonly method: string; readonly url: string };
  readonly response?: { readonly status: number; readonly data?: unknown } | undefined;
}

export function isRequestError(error: unknown): error is RequestErrorLike {
  if (!(error instanceof Error)) return false;
  const candidate = error as Error & Partial<Record<'status' | 'request', unknown>>;
  const request = candidate.request as { method?: unknown; url?: unknown } | undefined;
  return (
    typeof candidate.status === 'number' &&
    typeof request === 'object' &&
    request !== null &&
    typeof request.method === 'string' &&
    typeof request.url === 'string'
  );
}

/** One entry of GitHub's `errors` array, as `resource.field code` or its own message. */
function describeDetail(detail: unknown): string | undefined {
  if (typeof detail === 'string') return detail;
  if (typeof detail !== 'object' || detail === null) return undefined;
  const { resource, field, code, message } = detail as Record<string, unknown>;
  if (typeof message === 'string' && message !== '') return message;
  const subject = [resource, field].filter((part) => typeof part === 'string').join('.');
  const parts = [subject, typeof code === 'string' ? code : ''].filter((part) => part !== '');
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** GitHub's explanation: the JSON `message` and the `errors[]` details, without the docs link. */
function describeResponse(data: unknown, fallback: string): string {
  if (typeof data === 'string' && data.trim() !== '') return data.trim().slice(0, 500);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fallback;
  const { message, errors } = data as { message?: unknown; errors?: unknown };
  const head = typeof message === 'string' && message !== '' ? message : fallback;
  const details = Array.isArray(errors)
    ? errors.map(describeDetail).filter((d): d is string => d !== undefined)
    : [];
  return details.length > 0 ? `${head}: ${details.join('; ')}` : head;
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname;
  } catch {
    return url.replace(/\?.*$/, '');
  }
}

/** Any failure of a GitHub call as a `GitHubApiError`; status 0 when no response came back. */
export function toGitHubApiError(error: unknown): GitHubApiError {
  if (error instanceof GitHubApiError) return error;
  if (isRequestError(error)) {
    const response = error.response;
    const method = error.request.method.toUpperCase();
    const url = error.request.url;
    if (response === undefined) {
      // @octokit/request reports a network failure as status 500 with no response.
      return new GitHubApiError(
        `GitHub API ${method} ${pathOf(url)} failed: no response (${error.message})`,
        { status: 0, request: { method, url }, cause: error },
      );
    }
    const detail = describeResponse(response.data, error.message);
    return new GitHubApiError(
      `GitHub API ${method} ${pathOf(url)} failed with ${response.status}: ${detail}`,
      { status: response.status, request: { method, url }, cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new GitHubApiError(`GitHub API call failed: ${message}`, {
    status: 0,
    request: { method: 'UNKNOWN', url: '' },
    cause: error,
  });
}

/** Runs `fn`, turning a failed GitHub request into a `GitHubApiError`; other errors pass unchanged. */
export async function withGitHubErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw isRequestError(error) ? toGitHubApiError(error) : error;
  }
}
