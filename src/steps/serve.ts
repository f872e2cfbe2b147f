/**
 * `mlops serve`: serves one model over HTTP until stopped. The model comes from the registry by
 * stage (default production) or version, digest-verified before it is loaded, or from a file. With
 * a stage, the registry is polled and a newly promoted version replaces the served one without
 * failing a request in flight (the old session is released after its last request). `stop()`
 * closes the listener, lets requests in flight finish, and writes every accepted prediction-log
 * line before it resolves.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileDigest } from '../adapters/fs/file-digest.js';
import { openModelPredictor } from '../adapters/onnx/model-predictor.js';
import { ModelSlot } from '../adapters/serve/model-slot.js';
import { openPredictionLog, type PredictionLog } from '../adapters/serve/prediction-log.js';
import { createServeMetrics } from '../adapters/serve/serve-metrics.js';
import { createServer, type ServedModel, type ServerLimits } from '../adapters/serve/server.js';
import type { MlopsConfig } from '../core/config/mlops-config.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { MLOPS_VERSION } from '../core/mlops-version.js';
import { DEFAULT_STAGE, type RegistryReader } from '../core/registry/registry-port.js';
import { requestColumns } from '../core/serve/request-records.js';
import type { DatasetSchema } from '../core/schema/dataset-schema.js';

export type ServeSource =
  | { readonly kind: 'stage'; readonly stage: string }
  | { readonly kind: 'version'; readonly version: string }
  | { readonly kind: 'file'; readonly path: string; readonly displayName: string };

export interface ServeOptions {
  readonly config: MlopsConfig;
  readonly schema: DatasetSchema;
  readonly source: ServeSource;
  /** Needed for a stage or a version. */
  readonly registry: RegistryReader | null;
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** How often to look for a newly promoted version (stage only); 0 never. */
  readonly pollMs: number;
  /** Folder of the prediction log; null logs nothing. */
  readonly logDir: string | null;
  readonly logMaxBytes?: number;
  readonly logMaxAgeMs?: number;
  readonly limits?: Partial<ServerLimits>;
  readonly logger: Logger;
}

export interface RunningServer {
  /** `http://host:port`. */
  readonly url: string;
  /** The version being served now. */
  version(): string;
  /** Looks for a newly promoted version at once (what the poll does); true when it swapped. */
  poll(): Promise<boolean>;
  readonly log: PredictionLog | null;
  stop(): Promise<void>;
}

export async function serveModel(options: ServeOptions): Promise<RunningServer> {
  const { config, schema, logger } = options;
  const name = config.model.name;
  const columns = requestColumns(schema);
  if (columns.features.length === 0) {
    throw new ConfigError('the dataset schema has no feature column: nothing to serve', {
      location: { file: config.data.schema, field: 'columns' },
    });
  }
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'mlops-serve-'));

  const load = async (version: string | null): Promise<ServedModel> => {
    let modelPath: string;
    let displayName: string;
    let resolvedVersion: string;
    let digest: string;
    if (options.source.kind === 'file') {
      modelPath = options.source.path;
      displayName = options.source.displayName;
      digest = (await fileDigest(modelPath)).digest;
      resolvedVersion = version ?? 'file';
    } else {
      const registry = requireRegistry(options.registry);
      if (version === null) throw new Error('serve: a registry model needs a version');
      const dest = path.join(workDir, version);
      // downloadModel verifies the bytes against the manifest's digest (and the store's).
      const downloaded = await registry.downloadModel(name, version, dest);
      modelPath = downloaded.path;
      displayName = `${name}@v${version}`;
      digest = downloaded.digest;
      resolvedVersion = version;
    }
    const predictor = await openModelPredictor({ modelPath, displayName, schema, config });
    return {
      name,
      version: resolvedVersion,
      digest,
      schema,
      columns,
      classes: predictor.classes,
      predict: (batch) => predictor.predictBatch(batch),
      release: () => predictor.release(),
    };
  };

  const stage = options.source.kind === 'stage' ? options.source.stage : DEFAULT_STAGE;
  const currentHolder = async (): Promise<string> => {
    const assignment = await requireRegistry(options.registry).findStage(name, stage);
    if (assignment === null) {
      throw new ConfigError(
        `no version of ${name} holds the stage "${stage}": promote one first (mlops promote), or serve a --version or a --model file`,
      );
    }
    return assignment.version;
  };
  const initialVersion =
    options.source.kind === 'stage'
      ? await currentHolder()
      : options.source.kind === 'version'
        ? options.source.version.replace(/^v/, '')
        : null;
  const slot = new ModelSlot(await load(initialVersion));
  const metrics = createServeMetrics();
  metrics.served.set({ model: name, version: slot.value.version, digest: slot.value.digest }, 1);
  const log =
    options.logDir === null
      ? null
      : await openPredictionLog({
          dir: options.logDir,
          ...(options.logMaxBytes !== undefined ? { maxBytes: options.logMaxBytes } : {}),
          ...(options.logMaxAgeMs !== undefined ? { maxAgeMs: options.logMaxAgeMs } : {}),
        });
  const app = await createServer({
    slot,
    metrics,
    log,
    logger,
    serverVersion: MLOPS_VERSION,
    ...(options.limits !== undefined ? { limits: options.limits } : {}),
  });
  const address = await app.listen({ host: options.host, port: options.port });
  logger.info(
    `serving ${name} v${slot.value.version} (${slot.value.digest}) at ${address}` +
      (log !== null ? `; prediction log in ${options.logDir}` : ''),
  );

  let swapping: Promise<boolean> | null = null;
  const poll = (): Promise<boolean> => {
    if (options.source.kind !== 'stage') return Promise.resolve(false);
    // One poll at a time: a slow download must not start a second swap of the same version.
    swapping ??= (async () => {
      const holder = await currentHolder();
      if (holder === slot.value.version) return false;
      const previous = slot.value;
      const next = await load(holder);
      await slot.swap(next);
      metrics.served.remove({ model: name, version: previous.version, digest: previous.digest });
      metrics.served.set({ model: name, version: next.version, digest: next.digest }, 1);
      metrics.swaps.inc({ model: name });
      logger.info(
        `swapped ${name} v${previous.version} -> v${next.version} (${next.digest}): ${stage} moved`,
      );
      await rm(path.join(workDir, previous.version), { recursive: true, force: true });
      return true;
    })().finally(() => {
      swapping = null;
    });
    return swapping;
  };
  const timer =
    options.source.kind === 'stage' && options.pollMs > 0
      ? setInterval(() => {
          poll().catch((error: unknown) => {
            logger.warning(
              `could not look for a newly promoted version of ${name}: ${(error as Error).message}; still serving v${slot.value.version}`,
            );
          });
        }, options.pollMs)
      : undefined;
  timer?.unref();

  let stopped: Promise<void> | null = null;
  return {
    url: address,
    version: () => slot.value.version,
    poll,
    log,
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        await swapping?.catch(() => false);
        // close() stops accepting connections and waits for requests in flight.
        await app.close();
        await log?.close();
        await slot.close();
        await rm(workDir, { recursive: true, force: true });
        logger.info(
          `stopped serving ${name}` +
            (log !== null ? `; ${log.counts.written} predictions logged` : ''),
        );
      })();
      return stopped;
    },
  };
}

function requireRegistry(registry: RegistryReader | null): RegistryReader {
  if (registry === null) {
    throw new ConfigError('serving a stage or a version needs a registry (--registry or --github)');
  }
  return registry;
}
