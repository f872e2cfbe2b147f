/**
 * Service health of `mlops serve`: request volume per window from the prediction log, and from a
 * scrape of its `/metrics` the error rate and latency percentiles of the inference routes
 * (`…/infer`, `…:predict`; health, metadata and `/metrics` itself are left out), checked against
 * the `monitoring.latency` objectives.
 *
 * A scrape's counters run from the server's start, so the figures cover the server's lifetime
 * up to the scrape. Latency percentiles are Prometheus' `histogram_quantile` over
 * `mlops_serve_request_duration_seconds` summed over the inference routes.
 */
import { windowStart } from './duration.js';
import { histogramQuantile, type Bucket } from './histogram-quantile.js';
import type { LogEntry } from './join-labels.js';
import type { PrometheusScrape } from './prometheus-text.js';

export const REQUESTS_METRIC = 'mlops_serve_requests_total';
export const DURATION_BUCKET_METRIC = 'mlops_serve_request_duration_seconds_bucket';

export interface LatencyObjectives {
  readonly 'p95-ms'?: number | undefined;
  readonly 'p99-ms'?: number | undefined;
  readonly 'error-rate'?: number | undefined;
}

export interface VolumeWindow {
  readonly start: string;
  readonly requests: number;
  readonly records: number;
}

export interface ScrapeHealth {
  readonly requests: number;
  readonly client_errors: number;
  readonly server_errors: number;
  /** (4xx + 5xx) / requests; null without requests. */
  readonly error_rate: number | null;
  readonly p50_ms: number | null;
  readonly p95_ms: number | null;
  readonly p99_ms: number | null;
  readonly routes: readonly string[];
}

export interface ObjectiveResult {
  readonly objective: 'p95-ms' | 'p99-ms' | 'error-rate';
  readonly target: number;
  /** Null when the scrape cannot tell (no requests). */
  readonly observed: number | null;
  readonly met: boolean | null;
}

export interface ServiceHealth {
  readonly volume: readonly VolumeWindow[];
  readonly scrape: ScrapeHealth | null;
  readonly objectives: readonly ObjectiveResult[];
  /** Whether any objective is broken. */
  readonly broken: boolean;
}

export const isInferenceRoute = (route: string) => /\/infer$|:predict$|\/predict$/.test(route);

export function volumeByWindow(entries: readonly LogEntry[], windowMs: number): VolumeWindow[] {
  const windows = new Map<number, { requests: Set<string>; records: number }>();
  for (const e of entries) {
    const s = windowStart(e.timeMs, windowMs);
    const w = windows.get(s) ?? { requests: new Set<string>(), records: 0 };
    w.requests.add(e.logged.request);
    w.records++;
    windows.set(s, w);
  }
  return [...windows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([s, w]) => ({
      start: new Date(s).toISOString(),
      requests: w.requests.size,
      records: w.records,
    }));
}

export function scrapeHealth(scrape: PrometheusScrape): ScrapeHealth {
  let requests = 0;
  let clientErrors = 0;
  let serverErrors = 0;
  const routes = new Set<string>();
  const buckets = new Map<number, number>();
  for (const s of scrape.samples) {
    const route = s.labels['route'] ?? '';
    if (!isInferenceRoute(route)) continue;
    if (s.name === REQUESTS_METRIC) {
      routes.add(route);
      requests += s.value;
      const status = Number(s.labels['status']);
      if (status >= 400 && status < 500) clientErrors += s.value;
      if (status >= 500 && status < 600) serverErrors += s.value;
    } else if (s.name === DURATION_BUCKET_METRIC) {
      const le =
        s.labels['le'] === undefined ? NaN : Number(s.labels['le'].replace(/^\+Inf$/i, 'Infinity'));
      if (Number.isNaN(le)) continue;
      buckets.set(le, (buckets.get(le) ?? 0) + s.value);
    }
  }
  const summed: Bucket[] = [...buckets.entries()].map(([le, count]) => ({ le, count }));
  const ms = (q: number) => {
    const seconds = histogramQuantile(q, summed);
    return Number.isFinite(seconds) ? seconds * 1000 : null;
  };
  return {
    requests,
    client_errors: clientErrors,
    server_errors: serverErrors,
    error_rate: requests > 0 ? (clientErrors + serverErrors) / requests : null,
    p50_ms: ms(0.5),
    p95_ms: ms(0.95),
    p99_ms: ms(0.99),
    routes: [...routes].sort(),
  };
}

export function serviceHealth(options: {
  readonly entries: readonly LogEntry[];
  readonly windowMs: number;
  readonly scrape: PrometheusScrape | null;
  readonly objectives: LatencyObjectives;
}): ServiceHealth {
  const scrape = options.scrape === null ? null : scrapeHealth(options.scrape);
  const objectives: ObjectiveResult[] = [];
  const check = (objective: ObjectiveResult['objective'], observed: number | null | undefined) => {
    const target = options.objectives[objective];
    if (target === undefined) return;
    const value = observed ?? null;
    objectives.push({
      objective,
      target,
      observed: value,
      met: value === null ? null : value <= target,
    });
  };
  check('p95-ms', scrape?.p95_ms);
  check('p99-ms', scrape?.p99_ms);
  check('error-rate', scrape?.error_rate);
  return {
    volume: volumeByWindow(options.entries, options.windowMs),
    scrape,
    objectives,
    broken: objectives.some((o) => o.met === false),
  };
}
