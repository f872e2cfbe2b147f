/**
 * The server's Prometheus metrics (prom-client), on a registry of its own so that two servers in
 * one process (tests) do not share counters. Names follow Prometheus' conventions: `_total` for
 * counters, base units (seconds) in names.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServeMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'route' | 'status'>;
  readonly requestSeconds: Histogram<'route'>;
  readonly modelSeconds: Histogram<'model'>;
  readonly batchSize: Histogram<'route'>;
  readonly predictions: Counter<'model' | 'class'>;
  readonly served: Gauge<'model' | 'version' | 'digest'>;
  readonly swaps: Counter<'model'>;
}

export function createServeMetrics(options: { defaultMetrics?: boolean } = {}): ServeMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'mlops_serve_' });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'mlops_serve_requests_total',
      help: 'Requests answered, by route and HTTP status.',
      labelNames: ['route', 'status'],
      registers,
    }),
    requestSeconds: new Histogram({
      name: 'mlops_serve_request_duration_seconds',
      help: 'Whole request time, from the request arriving to the response sent.',
      labelNames: ['route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    modelSeconds: new Histogram({
      name: 'mlops_serve_model_duration_seconds',
      help: 'Time in the model: feature encoding and the onnxruntime run of one request.',
      labelNames: ['model'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    batchSize: new Histogram({
      name: 'mlops_serve_batch_size',
      help: 'Records per request.',
      labelNames: ['route'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
      registers,
    }),
    predictions: new Counter({
      name: 'mlops_serve_predictions_total',
      help: 'Records predicted, by predicted class ("value" for a regression model).',
      labelNames: ['model', 'class'],
      registers,
    }),
    served: new Gauge({
      name: 'mlops_serve_model_info',
      help: 'The version being served (1), with its digest.',
      labelNames: ['model', 'version', 'digest'],
      registers,
    }),
    swaps: new Counter({
      name: 'mlops_serve_model_swaps_total',
      help: 'Times a newly promoted version replaced the served one.',
      labelNames: ['model'],
      registers,
    }),
  };
}
