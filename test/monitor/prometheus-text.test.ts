/** The Prometheus text-format parser, on text written by hand as prom-client writes it. */
import { describe, expect, it } from 'vitest';
import { Counter, Histogram, Registry } from 'prom-client';
import { DataError } from '../../src/core/errors.js';
import { parsePrometheusText } from '../../src/core/monitor/prometheus-text.js';

describe('parsePrometheusText', () => {
  it('reads samples with labels, escapes, special values and timestamps', () => {
    const text = [
      '# HELP mlops_serve_requests_total Requests answered, by route and HTTP status.',
      '# TYPE mlops_serve_requests_total counter',
      'mlops_serve_requests_total{route="/v1/models/:name:predict",status="200"} 41',
      'mlops_serve_requests_total{route="/a \\"quoted\\" \\\\ back\\nslash",status="400"} 2 1700000000000',
      '# TYPE up gauge',
      'up 1e0',
      'latency_bucket{le="+Inf"} +Inf',
      'weird{a="1",} NaN',
      '',
    ].join('\n');
    const scrape = parsePrometheusText(text, 'metrics.txt');
    expect(scrape.types.get('mlops_serve_requests_total')).toBe('counter');
    expect(scrape.types.get('up')).toBe('gauge');
    expect(scrape.samples).toHaveLength(5);
    expect(scrape.samples[0]).toEqual({
      name: 'mlops_serve_requests_total',
      labels: { route: '/v1/models/:name:predict', status: '200' },
      value: 41,
    });
    expect(scrape.samples[1]?.labels['route']).toBe('/a "quoted" \\ back\nslash');
    expect(scrape.samples[1]?.value).toBe(2);
    expect(scrape.samples[2]).toEqual({ name: 'up', labels: {}, value: 1 });
    expect(scrape.samples[3]?.value).toBe(Infinity);
    expect(scrape.samples[4]?.value).toBeNaN();
  });

  it('reads what prom-client writes', async () => {
    const registry = new Registry();
    const counter = new Counter({
      name: 'c_total',
      help: 'h',
      labelNames: ['route'],
      registers: [registry],
    });
    const histogram = new Histogram({
      name: 'd_seconds',
      help: 'h',
      buckets: [0.1, 1],
      registers: [registry],
    });
    counter.inc({ route: 'a"b' }, 3);
    histogram.observe(0.05);
    histogram.observe(0.5);
    histogram.observe(5);
    const scrape = parsePrometheusText(await registry.metrics(), 'metrics.txt');
    const value = (name: string, labels: Record<string, string>) =>
      scrape.samples.find(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      )?.value;
    expect(value('c_total', { route: 'a"b' })).toBe(3);
    expect(value('d_seconds_bucket', { le: '0.1' })).toBe(1);
    expect(value('d_seconds_bucket', { le: '1' })).toBe(2);
    expect(value('d_seconds_bucket', { le: '+Inf' })).toBe(3);
    expect(value('d_seconds_count', {})).toBe(3);
  });

  it('names the line of text that is not the format', () => {
    const bad = 'ok 1\nbroken{route="x} 3\n';
    expect(() => parsePrometheusText(bad, 'scrape.txt')).toThrow(DataError);
    expect(() => parsePrometheusText(bad, 'scrape.txt')).toThrow(/scrape\.txt:2/);
    expect(() => parsePrometheusText('x abc\n', 's.txt')).toThrow(/"abc" is not a number/);
  });
});
