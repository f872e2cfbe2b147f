/**
 * The HTTP side of `mlops serve` (fastify): the Open Inference Protocol (KServe V2) routes, a KServe
 * V1 `:predict` route taking records keyed by feature name, health, and Prometheus metrics. Every
 * request is checked against the dataset schema before the model sees it; a bad request is a 4xx
 * with `{"error": "<message>"}` naming the record, field and rule, never a 500. Overload answers
 * 503 with `Retry-After` instead of queueing: a cap on requests in the model at once, and
 * `@fastify/under-pressure` for event-loop delay and heap.
 */
import { randomUUID } from 'node:crypto';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { DataBatch } from '../../core/data/batch.js';
import type { Logger } from '../../core/logger.js';
import {
  inferOutputs,
  modelMetadata,
  parseInferRequest,
  predictions,
  type Prediction,
} from '../../core/serve/open-inference.js';
import { formatLogLine } from '../../core/serve/prediction-log-record.js';
import { RequestError } from '../../core/serve/request-error.js';
import { recordsToBatch, type RequestColumns } from '../../core/serve/request-records.js';
import type { DatasetSchema } from '../../core/schema/dataset-schema.js';
import type { ModelSlot } from './model-slot.js';
import type { PredictionLog } from './prediction-log.js';
import type { ServeMetrics } from './serve-metrics.js';

/** A model ready to answer: what the slot holds. */
export interface ServedModel {
  readonly name: string;
  readonly version: string;
  /** `sha256:<hex>` of the bytes being served. */
  readonly digest: string;
  readonly schema: DatasetSchema;
  readonly columns: RequestColumns;
  readonly classes: readonly string[] | null;
  predict(batch: DataBatch): Promise<Prediction>;
  release(): Promise<void>;
}

export interface ServerLimits {
  /** Largest request body in bytes (413 above). */
  readonly bodyLimit: number;
  /** Most records in one request (413 above). */
  readonly maxBatch: number;
  /** Most requests in the model at once; more answer 503 with Retry-After. */
  readonly maxInFlight: number;
  /** Event-loop delay (ms) above which requests answer 503; 0 turns the check off. */
  readonly maxEventLoopDelayMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  bodyLimit: 4 * 1024 * 1024,
  maxBatch: 1024,
  maxInFlight: 64,
  maxEventLoopDelayMs: 1000,
};

export interface CreateServerOptions {
  readonly slot: ModelSlot<ServedModel>;
  readonly metrics: ServeMetrics;
  /** Where each predicted record is logged; null to log nothing. */
  readonly log: PredictionLog | null;
  readonly limits?: Partial<ServerLimits>;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** The package version, for `GET /v2`. */
  readonly serverVersion: string;
}

export async function createServer(options: CreateServerOptions): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const { slot, metrics, logger } = options;
  const now = options.now ?? (() => new Date());
  const app = Fastify({
    bodyLimit: limits.bodyLimit,
    logger: false,
    // Bodies are read field by field against the schema and never merged into another object, so
    // a "__proto__" key is only an unknown field (refused as one); skipping fastify's regex scan
    // for prototype poisoning was 15% of the CPU time at 64 records per request.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    // A client may name its request (x-request-id): the id in the prediction log joins labels later.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    },
  });

  if (limits.maxEventLoopDelayMs > 0) {
    await app.register(underPressure, {
      maxEventLoopDelay: limits.maxEventLoopDelayMs,
      retryAfter: 1,
      pressureHandler: (_request, reply, type, value) => {
        void reply
          .code(503)
          .header('retry-after', '1')
          .send({ error: `the server is overloaded (${type}: ${value ?? '?'}); retry shortly` });
      },
    });
  }

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof RequestError) {
      return reply.code(error.status).send({ error: error.message });
    }
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      // fastify's own refusals: malformed JSON, body too large, unsupported media type.
      return reply.code(status).send({ error: clientMessage(error, limits) });
    }
    logger.error(`serve: internal error: ${error.stack ?? error.message}`);
    return reply.code(500).send({ error: 'internal error (logged by the server)' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: `no route ${request.method} ${request.url}` }),
  );

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, status: String(reply.statusCode) });
    metrics.requestSeconds.observe({ route }, reply.elapsedTime / 1000);
  });

  let inFlight = 0;
  /** Runs a request's records through the current model, within the in-flight cap. */
  const predict = async (
    request: FastifyRequest,
    reply: FastifyReply,
    route: string,
    toBatch: (model: ServedModel) => { batch: DataBatch; ids?: (string | null)[] },
    version: string | undefined,
  ): Promise<{ model: ServedModel; prediction: Prediction } | null> => {
    if (inFlight >= limits.maxInFlight) {
      void reply
        .code(503)
        .header('retry-after', '1')
        .send({
          error: `${inFlight} requests are being answered (the limit is ${limits.maxInFlight}); retry shortly`,
        });
      return null;
    }
    inFlight += 1;
    const lease = slot.acquire();
    try {
      const model = lease.value;
      checkModel(request, model, version);
      const { batch, ids } = toBatch(model);
      metrics.batchSize.observe({ route }, batch.rows);
      const started = performance.now();
      const prediction = await model.predict(batch);
      metrics.modelSeconds.observe({ model: model.name }, (performance.now() - started) / 1000);
      countPredictions(metrics, model, prediction);
      if (options.log !== null) {
        options.log.append(logLines(model, batch, prediction, request.id, ids ?? [], now()));
      }
      return { model, prediction };
    } finally {
      lease.done();
      inFlight -= 1;
    }
  };

  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async () => ({ ready: true }));
  app.get('/v2', async () => ({
    name: 'mlops-actions',
    version: options.serverVersion,
    extensions: [],
  }));
  const metadata = async (request: FastifyRequest) => {
    const model = slot.value;
    const params = request.params as { name: string; version?: string };
    checkModel(request, model, params.version);
    return modelMetadata({
      name: model.name,
      version: model.version,
      schema: model.schema,
      classes: model.classes,
    });
  };
  app.get('/v2/models/:name', metadata);
  app.get('/v2/models/:name/versions/:version', metadata);
  const ready = async (request: FastifyRequest) => {
    const params = request.params as { name: string; version?: string };
    checkModel(request, slot.value, params.version);
    return { name: slot.value.name, ready: true };
  };
  app.get('/v2/models/:name/ready', ready);
  app.get('/v2/models/:name/versions/:version/ready', ready);

  const infer = async (request: FastifyRequest, reply: FastifyReply) => {
    const params = request.params as { name: string; version?: string };
    let asked: readonly string[] | null = null;
    let clientId: string | undefined;
    const done = await predict(
      request,
      reply,
      'v2-infer',
      (model) => {
        const parsed = parseInferRequest(request.body, model.schema, model.columns, limits);
        asked = parsed.outputs;
        clientId = parsed.id;
        return { batch: parsed.batch };
      },
      params.version,
    );
    if (done === null) return reply;
    return {
      model_name: done.model.name,
      model_version: done.model.version,
      id: clientId ?? request.id,
      outputs: inferOutputs(done.prediction, asked),
    };
  };
  app.post('/v2/models/:name/infer', infer);
  app.post('/v2/models/:name/versions/:version/infer', infer);

  // KServe V1 names the verb after a colon (`/v1/models/<name>:predict`), which a path parameter
  // cannot end on: take the rest of the path and split it here.
  app.get('/v1/models/:name', async (request) => {
    checkModel(request, slot.value, undefined);
    return { name: slot.value.name, ready: true };
  });
  app.post('/v1/models/*', async (request, reply) => {
    const rest = (request.params as { '*': string })['*'];
    const match = /^([^/:]+):predict$/.exec(rest);
    if (match === null) {
      return reply
        .code(404)
        .send({ error: `no route POST ${request.url}; expected /v1/models/<name>:predict` });
    }
    (request.params as Record<string, string>)['name'] = match[1] as string;
    const done = await predict(
      request,
      reply,
      'v1-predict',
      (model) => recordsToBatch(request.body, model.columns, limits),
      undefined,
    );
    if (done === null) return reply;
    void reply.header('x-request-id', request.id);
    return {
      id: request.id,
      model_version: done.model.version,
      predictions: predictions(done.prediction),
    };
  });

  app.get('/metrics', async (_request, reply) => {
    void reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  return app;
}

function checkModel(
  request: FastifyRequest,
  model: ServedModel,
  version: string | undefined,
): void {
  const name = (request.params as { name?: string }).name;
  if (name !== undefined && name !== model.name) {
    throw new RequestError(404, `no model "${name}"; this server serves "${model.name}"`);
  }
  if (version !== undefined && version.replace(/^v/, '') !== model.version) {
    throw new RequestError(
      404,
      `model "${model.name}" has no version "${version}" here; it serves version ${model.version}`,
    );
  }
}

function countPredictions(metrics: ServeMetrics, model: ServedModel, prediction: Prediction): void {
  if (prediction.labels === undefined) {
    metrics.predictions.inc({ model: model.name, class: 'value' }, prediction.rows);
    return;
  }
  const counts = new Map<string, number>();
  for (const label of prediction.labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  for (const [label, count] of counts)
    metrics.predictions.inc({ model: model.name, class: label }, count);
}

function logLines(
  model: ServedModel,
  batch: DataBatch,
  prediction: Prediction,
  requestId: string,
  ids: readonly (string | null)[],
  time: Date,
): string[] {
  const lines: string[] = [];
  const C = prediction.classes?.length ?? 0;
  const iso = time.toISOString();
  for (let r = 0; r < batch.rows; r++) {
    const cells = batch.columns.map((_, c) => batch.values[c]?.[r] ?? null);
    let probabilities: Record<string, number> | undefined;
    if (prediction.probabilities !== undefined && prediction.classes !== null) {
      probabilities = {};
      for (let c = 0; c < C; c++) {
        probabilities[prediction.classes[c] as string] = prediction.probabilities[r * C + c] ?? NaN;
      }
    }
    lines.push(
      formatLogLine(batch.columns, cells, {
        time: iso,
        request: requestId,
        record: r,
        id: ids[r] ?? null,
        model: model.name,
        version: model.version,
        digest: model.digest,
        prediction:
          prediction.values !== undefined
            ? (prediction.values[r] ?? NaN)
            : (prediction.labels?.[r] ?? ''),
        ...(probabilities !== undefined ? { probabilities } : {}),
      }),
    );
  }
  return lines;
}

function clientMessage(
  error: Error & { code?: string; statusCode?: number },
  limits: ServerLimits,
): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `the request body is larger than ${limits.bodyLimit} bytes (--max-body-bytes)`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'expected a JSON body (content-type: application/json)';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the request body is empty; expected JSON';
    default:
      return error.code === undefined && error instanceof SyntaxError
        ? `the request body is not valid JSON: ${error.message}`
        : error.message;
  }
}
