/**
 * Service health from a scrape written by hand: only the inference routes count; the error rate
 * and the latency percentiles (Prometheus' histogram_quantile over the summed buckets) worked by
 * hand; the objectives met or broken; request volume per window from the log.
 */
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/core/monitor/join-labels.js';
import { parsePrometheusText } from '../../src/core/monitor/prometheus-text.js';
import { serviceHealth } from '../../src/core/monitor/service-health.js';

const SCRAPE = `# TYPE mlops_serve_requests_total counter
mlops_serve_requests_total{route="/v2/models/:name/infer",status="200"} 90
mlops_serve_requests_total{route="/v2/models/:name/infer",status="400"} 6
mlops_serve_requests_total{route="/v2/models/:name/infer",status="503"} 4
mlops_serve_requests_total{route="/v1/models/:name:predict",status="200"} 50
mlops_serve_requests_total{route="/v2/health/ready",status="503"} 1000
mlops_serve_requests_total{route="/metrics",status="200"} 7
# TYPE mlops_serve_request_duration_seconds histogram
mlops_serve_request_duration_seconds_bucket{le="0.01",route="/v2/models/:name/infer"} 50
mlops_serve_request_duration_seconds_bucket{le="0.05",route="/v2/models/:name/infer"} 90
mlops_serve_request_duration_seconds_bucket{le="0.1",route="/v2/models/:name/infer"} 98
mlops_serve_request_duration_seconds_bucket{le="+Inf",route="/v2/models/:name/infer"} 100
mlops_serve_request_duration_seconds_sum{route="/v2/models/:name/infer"} 2.5
mlops_serve_request_duration_seconds_count{route="/v2/models/:name/infer"} 100
mlops_serve_request_duration_seconds_bucket{le="0.01",route="/v1/models/:name:predict"} 10
mlops_serve_request_duration_seconds_bucket{le="0.05",route="/v1/models/:name:predict"} 40
mlops_serve_request_duration_seconds_bucket{le="0.1",route="/v1/models/:name:predict"} 50
mlops_serve_request_duration_seconds_bucket{le="+Inf",route="/v1/models/:name:predict"} 50
mlops_serve_request_duration_seconds_bucket{le="0.01",route="/v2/health/ready"} 1000
mlops_serve_request_duration_seconds_bucket{le="+Inf",route="/v2/health/ready"} 1000
`;

const logEntry = (time: string, request: string, record: number): LogEntry => ({
  logged: {
    time,
    request,
    record,
    id: null,
    model: 'm',
    version: '1.0.0',
    digest: 'sha256:00',
    prediction: 'a',
  },
  timeMs: Date.parse(time),
  file: 'log.jsonl',
  line: 1,
});

describe('serviceHealth', () => {
  const health = serviceHealth({
    entries: [
      logEntry('2026-12-01T10:00:00Z', 'r1', 0),
      logEntry('2026-12-01T10:00:00Z', 'r1', 1),
      logEntry('2026-12-01T11:00:00Z', 'r2', 0),
      logEntry('2026-12-02T09:00:00Z', 'r3', 0),
    ],
    windowMs: 86_400_000,
    scrape: parsePrometheusText(SCRAPE, 'metrics.txt'),
    objectives: { 'p95-ms': 50, 'p99-ms': 200, 'error-rate': 0.05 },
  });

  it('counts the inference routes only: 150 requests, 6 client and 4 server errors', () => {
    expect(health.scrape).toMatchObject({
      requests: 150,
      client_errors: 6,
      server_errors: 4,
      routes: ['/v1/models/:name:predict', '/v2/models/:name/infer'],
    });
    expect(health.scrape?.error_rate).toBeCloseTo(10 / 150, 12);
  });

  it('interpolates the percentiles in the summed buckets (60, 130, 148, 150)', () => {
    // p50: rank 75 in (0.01, 0.05] holding 70: 0.01 + 0.04 × 15 / 70 s.
    expect(health.scrape?.p50_ms).toBeCloseTo((0.01 + (0.04 * 15) / 70) * 1000, 9);
    // p95: rank 142.5 in (0.05, 0.1] holding 18: 0.05 + 0.05 × 12.5 / 18 s.
    expect(health.scrape?.p95_ms).toBeCloseTo((0.05 + (0.05 * 12.5) / 18) * 1000, 9);
    // p99: rank 148.5 falls in +Inf: the highest finite bound, 0.1 s.
    expect(health.scrape?.p99_ms).toBeCloseTo(100, 9);
  });

  it('checks the objectives', () => {
    expect(health.objectives.map((o) => [o.objective, o.met])).toEqual([
      ['p95-ms', false],
      ['p99-ms', true],
      ['error-rate', false],
    ]);
    expect(health.broken).toBe(true);
  });

  it('counts requests and records per window from the log', () => {
    expect(health.volume).toEqual([
      { start: '2026-12-01T00:00:00.000Z', requests: 2, records: 3 },
      { start: '2026-12-02T00:00:00.000Z', requests: 1, records: 1 },
    ]);
  });

  it('leaves an objective unknown without a scrape, never broken', () => {
    const none = serviceHealth({
      entries: [],
      windowMs: 1,
      scrape: null,
      objectives: { 'p95-ms': 1 },
    });
    expect(none.objectives).toEqual([
      { objective: 'p95-ms', target: 1, observed: null, met: null },
    ]);
    expect(none.broken).toBe(false);
  });
});
