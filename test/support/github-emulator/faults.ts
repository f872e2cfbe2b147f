/**
 * Fault injection: rules that make matching requests fail the way GitHub fails, server errors,
 * primary and secondary rate limits, or a dropped connection, a set number of times.
 */

export interface FaultRule {
  /** Matches any method when absent. */
  readonly method?: string;
  /** A string matches the request path exactly; a RegExp is tested on it. Any path when absent. */
  readonly path?: string | RegExp;
  /** The status to answer; ignored for `disconnect`. Defaults: 403 for rate limits, else 502. */
  readonly status?: number;
  /** How many matching requests pass untouched before the rule starts failing (default 0). */
  readonly after?: number;
  /** How many matching requests fail before the rule clears (default 1; `Infinity` never clears). */
  readonly times?: number;
  /** Seconds for the `retry-after` header. */
  readonly retryAfter?: number;
  /** `secondary`: GitHub's secondary-limit body; `primary`: `x-ratelimit-remaining: 0` and a reset. */
  readonly rateLimit?: 'primary' | 'secondary';
  /** Seconds from now to `x-ratelimit-reset` on a primary limit (default 1). */
  readonly resetAfter?: number;
  /** Replaces the JSON body. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Close the socket without answering, as a network failure does. */
  readonly disconnect?: boolean;
}

export interface ActiveFault {
  readonly rule: FaultRule;
  /** How many requests this rule has failed so far. */
  hits: number;
  /** Matching requests still to let through before failing. */
  skip: number;
  remaining: number;
}

export class FaultQueue {
  private readonly rules: ActiveFault[] = [];

  /** Adds a rule; the returned record shows how often it fired. */
  push(rule: FaultRule): ActiveFault {
    const times = rule.times ?? 1;
    if (!(times > 0)) throw new Error('A fault needs times > 0');
    const active: ActiveFault = { rule, hits: 0, remaining: times, skip: rule.after ?? 0 };
    this.rules.push(active);
    return active;
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** Rules that have not cleared yet. */
  get pending(): readonly ActiveFault[] {
    return this.rules.filter((r) => r.remaining > 0);
  }

  /** The first live rule matching the request, consumed once; undefined when none matches. */
  take(method: string, path: string): FaultRule | undefined {
    for (const active of this.rules) {
      if (active.remaining <= 0) continue;
      const { rule } = active;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method) continue;
      if (rule.path !== undefined) {
        const hit = typeof rule.path === 'string' ? rule.path === path : rule.path.test(path);
        if (!hit) continue;
      }
      if (active.skip > 0) {
        active.skip -= 1;
        return undefined;
      }
      active.remaining -= 1;
      active.hits += 1;
      return rule;
    }
    return undefined;
  }
}

export interface FaultResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
  /** Overrides of the rate-limit headers every response carries. */
  readonly rateLimit?: { remaining: number; reset: number };
}

const SECONDARY_DOCS =
  'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits';
const PRIMARY_DOCS =
  'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit';

/** The response a rule gives, worded as GitHub words it. */
export function faultResponse(
  rule: FaultRule,
  context: { requestId: string; nowSeconds: number; userId: number },
): FaultResponse {
  const headers: Record<string, string> = { ...rule.headers };
  if (rule.retryAfter !== undefined) headers['retry-after'] = String(rule.retryAfter);
  if (rule.rateLimit === 'secondary') {
    const status = rule.status ?? 403;
    return {
      status,
      headers,
      body: rule.body ?? {
        message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${context.requestId}.`,
        documentation_url: SECONDARY_DOCS,
        status: String(status),
      },
    };
  }
  if (rule.rateLimit === 'primary') {
    const status = rule.status ?? 403;
    return {
      status,
      headers,
      rateLimit: { remaining: 0, reset: context.nowSeconds + (rule.resetAfter ?? 1) },
      body: rule.body ?? {
        message: `API rate limit exceeded for user ID ${context.userId}. If you reach out to GitHub Support for help, please include the request ID ${context.requestId}.`,
        documentation_url: PRIMARY_DOCS,
        status: String(status),
      },
    };
  }
  const status = rule.status ?? 502;
  const message = status === 503 ? 'Service Unavailable' : 'Server Error';
  return {
    status,
    headers,
    body: rule.body ?? { message, status: String(status) },
  };
}
