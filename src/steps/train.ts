/**
 * The `train` step: run the user's training command (or a built-in baseline) under the training
 * contract, check that what it produced is a loadable ONNX model, and write its provenance
 * manifest next to it. Used by the action, by `mlops train` and by tests; the outside world
 * (GPUs, processes, artifacts, caches) comes in through ports.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expandDataPaths } from '../adapters/data/open-dataset.js';
import { loadFeatureMatrix } from '../adapters/data/load-feature-matrix.js';
import { loadMlopsConfig } from '../adapters/fs/load-config.js';
import { loadDatasetSchema } from '../adapters/fs/load-dataset-schema.js';
import { toDisplayPath } from '../adapters/fs/display-path.js';
import { fileDigest } from '../adapters/fs/file-digest.js';
import { SetAsideFiles } from '../adapters/fs/set-aside-files.js';
import { writeFileAtomic } from '../adapters/fs/write-file-atomic.js';
import { inspectOnnxModel } from '../adapters/onnx/inspect-onnx-model.js';
import { pythonOfCommand, type PythonEnvironment } from '../adapters/process/python-environment.js';
import type { BuiltinBaseline } from '../core/config/mlops-config.js';
import { ConfigError, DataError, TrainingError } from '../core/errors.js';
import { metadataList, metadataTask } from '../core/onnx/model-metadata.js';
import type { Logger } from '../core/logger.js';
import {
  manifestSchema,
  type FileDigest,
  type GpuRecord,
  type Manifest,
} from '../core/manifest/manifest.js';
import { parseTrainingMetrics } from '../core/metrics/training-metrics.js';
import {
  METRICS_HISTORY_FILE,
  parseMetricsHistory,
  type TrainingHistory,
} from '../core/train/metrics-history.js';
import { clusterGpuCount, parseClusterGpus, type ClusterGpus } from '../core/train/cluster-gpus.js';
import { MLOPS_VERSION } from '../core/mlops-version.js';
import type { RunContext } from '../core/provenance/run-context.js';
import { sha256Digest } from '../core/provenance/sha256.js';
import { evaluateBaseline } from '../core/train/baseline-evaluation.js';
import { trainBaseline } from '../core/train/baselines.js';
import { schemaRoles, trainingEnvironment } from '../core/train/training-contract.js';
import {
  forbiddenTrainingVariable,
  TRAINING_ENV_PATTERN,
  trainingProcessEnv,
} from '../core/train/training-env.js';
import type { GpuUsage, TrainPorts } from '../core/train/train-port.js';
import { actionWording, type OptionWording } from '../core/option-wording.js';
import { formatBytes } from '../core/progress/format-progress.js';

/** Where a multi-node training command reports its cluster's GPUs, in MLOPS_OUTPUT_DIR. */
export const CLUSTER_GPUS_FILE = 'gpus.json';

export type GpuPolicy = 'required' | 'optional' | 'none';

export interface TrainOptions {
  /** The workspace: relative inputs and displayed paths are relative to it. */
  readonly cwd: string;
  readonly config?: string | undefined;
  /** Overrides the config's `train.command`. */
  readonly command?: string | undefined;
  /** Overrides the config's `train.builtin`; wins over a configured command. */
  readonly builtin?: BuiltinBaseline | undefined;
  /** Overrides `train.working-directory` (relative to `cwd`). */
  readonly workingDirectory?: string | undefined;
  readonly gpus?: GpuPolicy | undefined;
  readonly timeoutMinutes?: number | undefined;
  readonly seed?: number | undefined;
  readonly artifactName?: string | undefined;
  readonly uploadArtifact?: boolean | undefined;
  readonly cachePaths?: readonly string[] | undefined;
  readonly cacheKey?: string | undefined;
  /**
   * Names of variables of the runner's environment the command may also see (the action's `env`
   * input), beside the training contract's allow-list and the config's `train.env`.
   */
  readonly env?: readonly string[] | undefined;
  readonly run: RunContext;
  readonly ports: TrainPorts;
  readonly logger: Logger;
  /** How messages name the settings above: inputs (default) or flags. */
  readonly wording?: OptionWording | undefined;
}

export interface TrainResult {
  readonly modelPath: string;
  readonly modelDigest: string;
  readonly manifestPath: string;
  readonly metrics: Record<string, number>;
  /** The per-step metrics the command wrote (`metrics-history.jsonl`); null when none. */
  readonly trainingHistory: TrainingHistory | null;
  readonly gpus: GpuRecord[];
  readonly gpuUsage: GpuUsage | null;
  readonly durationSeconds: number;
  readonly manifest: Manifest;
  readonly artifact: { name: string; id: number | null } | null;
  readonly tail: readonly string[];
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  // A failed run leaves the previous model, metrics and manifest as they were (or none, when
  // there were none): never a manifest that names a model which is not there.
  const previous = new SetAsideFiles();
  try {
    return await trainInPlace(options, previous);
  } catch (error) {
    await previous.restore();
    throw error;
  }
}

async function trainInPlace(options: TrainOptions, previous: SetAsideFiles): Promise<TrainResult> {
  const { cwd, logger, ports } = options;
  const loaded = await loadMlopsConfig({ cwd, path: options.config ?? 'mlops.yml' });
  const { config, dir: configDir } = loaded;
  const settings = config.train;
  const wording = options.wording ?? actionWording;
  const builtin =
    options.builtin ?? (options.command === undefined ? settings?.builtin : undefined);
  const command = builtin === undefined ? (options.command ?? settings?.command) : undefined;
  if (builtin === undefined && command === undefined) {
    throw new ConfigError(
      `nothing to train: set train.command or train.builtin, or give ${wording.option('command')} or ${wording.option('builtin')}`,
      {
        location: { file: loaded.displayPath, field: 'train' },
      },
    );
  }
  const seed = options.seed ?? settings?.seed ?? 42;
  const gpuPolicy = options.gpus ?? settings?.gpus ?? 'optional';
  const timeoutMinutes = options.timeoutMinutes ?? settings?.['timeout-minutes'] ?? 360;
  const workingDirectory =
    options.workingDirectory !== undefined
      ? path.resolve(cwd, options.workingDirectory)
      : path.resolve(configDir, settings?.['working-directory'] ?? '.');
  const modelPath = path.resolve(configDir, config.model.path);
  const outputDir = path.dirname(modelPath);

  // The schema and data the contract hands over.
  const schemaPath = path.resolve(configDir, config.data.schema);
  const schema = await loadDatasetSchema(schemaPath, toDisplayPath(cwd, schemaPath), {
    optional: true,
    cwd,
    field: 'data.schema',
  });
  const trainFiles = await expandDataPaths(
    (config.data.train ?? []).map((p) => path.resolve(configDir, p)),
    cwd,
    { origin: { field: 'data.train', file: loaded.displayPath } },
  );
  const evalFiles = await expandDataPaths(
    (config.data.eval ?? []).map((p) => path.resolve(configDir, p)),
    cwd,
    { origin: { field: 'data.eval', file: loaded.displayPath } },
  );

  // GPUs: `required` fails before anything runs, with what was looked for.
  const probe =
    gpuPolicy === 'none'
      ? { available: false, gpus: [], reason: 'gpus: none' }
      : await ports.probeGpus();
  if (gpuPolicy === 'required' && (!probe.available || probe.gpus.length === 0)) {
    throw new ConfigError(
      `gpus: required, but no NVIDIA GPU is usable on this runner: ${probe.reason ?? 'nvidia-smi listed no GPU'}. ` +
        'Run the job on a GPU runner (runs-on: your GPU label or runner scale set; see docs/gpu-runners.md) or set gpus: optional.',
      {
        // Where the policy came from: the caller's setting, else the config.
        location:
          options.gpus !== undefined
            ? wording.location('gpus')
            : { file: loaded.displayPath, field: 'train.gpus' },
      },
    );
  }
  const gpus: GpuRecord[] = probe.gpus.map((gpu) => ({
    name: gpu.name,
    memoryMiB: gpu.memoryMiB,
    driver: gpu.driver,
    cuda: gpu.cuda,
  }));
  const cudaVisibleDevices =
    gpuPolicy === 'none' || gpus.length === 0
      ? ''
      : // UUIDs, not nvidia-smi's indices: CUDA numbers devices by speed unless
        // CUDA_DEVICE_ORDER=PCI_BUS_ID, so an index could name another GPU.
        (process.env.CUDA_VISIBLE_DEVICES ??
        probe.gpus.map((gpu) => gpu.uuid || String(gpu.index)).join(','));
  logger.info(
    gpus.length > 0
      ? `GPUs: ${gpus.map((gpu) => `${gpu.name} (${gpu.memoryMiB ?? '?'} MiB, driver ${gpu.driver ?? '?'}, CUDA ${gpu.cuda ?? '?'})`).join('; ')}`
      : `No GPU in use (${gpuPolicy === 'none' ? 'gpus: none' : (probe.reason ?? 'none found')}); training on the CPU.`,
  );

  // A stale model from an earlier run must never pass for this run's output: the previous
  // outputs are moved aside (put back if this run fails, deleted once it has succeeded).
  await mkdir(outputDir, { recursive: true });
  await previous.setAside([
    modelPath,
    path.join(outputDir, 'metrics.json'),
    path.join(outputDir, 'manifest.json'),
    path.join(outputDir, CLUSTER_GPUS_FILE),
    path.join(outputDir, METRICS_HISTORY_FILE),
  ]);

  if (options.cacheKey !== undefined && options.cachePaths && options.cachePaths.length > 0) {
    const hit = await ports.cache.restore([...options.cachePaths], options.cacheKey);
    logger.info(
      hit === undefined ? `Cache miss for ${options.cacheKey}.` : `Cache restored from ${hit}.`,
    );
  }

  const startedAt = new Date();
  let tail: readonly string[] = [];
  let gpuUsage: GpuUsage | null = null;
  let python: PythonEnvironment | null = null;
  let metrics: Record<string, number> = {};
  let history: { parsed: TrainingHistory; bytes: Buffer } | null = null;
  let cluster: ClusterGpus | null = null;

  if (builtin !== undefined) {
    if (!schema) {
      throw new ConfigError(
        'built-in baselines need the dataset schema (its feature and target columns)',
        {
          location: { file: toDisplayPath(cwd, schemaPath) },
        },
      );
    }
    if (trainFiles.length === 0) {
      throw new ConfigError('no training data: set data.train', {
        location: { file: loaded.displayPath, field: 'data.train' },
      });
    }
    const matrix = await loadFeatureMatrix(trainFiles, schema);
    logger.info(
      `Training built-in ${builtin} on ${matrix.rows} records and ${matrix.featureNames.length} features (seed ${seed}).`,
    );
    const model = trainBaseline({ kind: builtin, matrix, seed });
    await writeFileAtomic(modelPath, model.onnx);
    metrics = { ...model.trainingMetrics };
    if (evalFiles.length > 0) {
      const evalMatrix = await loadFeatureMatrix(evalFiles, schema);
      metrics = { ...metrics, ...evaluateBaseline(model, evalMatrix) };
    }
  } else if (command !== undefined) {
    const extra = [
      ...checkedEnvNames(settings?.env ?? [], loaded.displayPath, 'train.env'),
      ...checkedEnvNames(options.env ?? [], 'action inputs', 'env'),
    ];
    // An allow-list, never `...process.env`: this process holds the runner's credentials.
    const env = trainingProcessEnv({
      env: process.env,
      extra,
      contract: trainingEnvironment({
        outputDir,
        modelPath,
        seed,
        trainFiles: trainFiles.map((file) => file.path),
        evalFiles: evalFiles.map((file) => file.path),
        schemaPath: schema ? schemaPath : null,
        schema,
        cudaVisibleDevices,
      }),
    });
    const sampler = gpus.length > 0 ? ports.startGpuSampler?.() : undefined;
    const result = await logger.group(`Training: ${command}`, () =>
      ports.runCommand({
        command,
        cwd: workingDirectory,
        env,
        timeoutMs: timeoutMinutes * 60_000,
        onOutput: (_stream, line) => logger.info(line),
      }),
    );
    gpuUsage = (await sampler?.stop()) ?? null;
    tail = result.tail;
    const executable = pythonOfCommand(command);
    if (executable !== null && ports.probePython && result.exitCode === 0) {
      python = await ports.probePython({ executable, cwd: workingDirectory, env });
    }
    if (result.timedOut || result.cancelled || result.exitCode !== 0) {
      const why = result.timedOut
        ? `timed out after ${timeoutMinutes} minute(s); the whole process tree was ended`
        : result.cancelled
          ? 'was cancelled; the whole process tree was ended'
          : result.exitCode === null
            ? `was killed by ${result.signal ?? 'a signal'}`
            : `failed with exit code ${result.exitCode}`;
      throw new TrainingError(
        `training command ${why}. Last lines of its output:\n${result.tail.join('\n')}`,
        {
          exitCode: result.exitCode ?? 1,
        },
      );
    }
    metrics = await readMetricsIfPresent(
      path.join(outputDir, 'metrics.json'),
      toDisplayPath(cwd, path.join(outputDir, 'metrics.json')),
    );
    history = await readHistoryIfPresent(
      path.join(outputDir, METRICS_HISTORY_FILE),
      toDisplayPath(cwd, path.join(outputDir, METRICS_HISTORY_FILE)),
    );
    if (history !== null) {
      logger.info(
        `Training curves: ${history.parsed.points.length} ${history.parsed.axis}s of ${history.parsed.metrics.join(', ')} (${METRICS_HISTORY_FILE}).`,
      );
    }
    cluster = await readClusterIfPresent(
      path.join(outputDir, CLUSTER_GPUS_FILE),
      toDisplayPath(cwd, path.join(outputDir, CLUSTER_GPUS_FILE)),
    );
    if (cluster !== null) {
      logger.info(
        `Cluster (${CLUSTER_GPUS_FILE}${cluster.launcher !== null ? `, ${cluster.launcher}` : ''}): ${cluster.nodes.length} node(s), ${clusterGpuCount(cluster)} GPU(s).`,
      );
    }
  }
  const durationSeconds = (Date.now() - startedAt.getTime()) / 1000;

  // The model must exist and load: a later step must never be the first to find out.
  const modelDisplay = toDisplayPath(cwd, modelPath);
  const modelBytes = await readFile(modelPath).catch((error: NodeJS.ErrnoException) => {
    throw new DataError(
      error.code === 'ENOENT'
        ? `training finished but wrote no model here; the command must write its ONNX model to MLOPS_MODEL_PATH`
        : `cannot read the model: ${error.message}`,
      { location: { file: modelDisplay }, cause: error },
    );
  });
  const model = await inspectOnnxModel(modelBytes, { displayName: modelDisplay });
  if (model.notice) logger.info(model.notice);
  const inputs = model.inputs.map((input) => ({
    name: input.name,
    type: input.type,
    shape: [...input.shape],
  }));
  const outputs = model.outputs.map((output) => ({
    name: output.name,
    type: output.type,
    shape: [...output.shape],
  }));
  const metadata = model.metadata;

  const roles = schemaRoles(schema);
  const modelFile = digestOf(modelBytes, path.basename(modelPath));
  const manifest = manifestSchema.parse({
    manifestVersion: 1,
    model: {
      name: config.model.name,
      version: null,
      task: config.model.task ?? metadataTask(metadata['mlops.task']),
      file: modelFile,
      inputs,
      outputs,
      features: metadataList(metadata['mlops.features']) ?? roles.features,
      target: roles.target,
      classes: metadataList(metadata['mlops.classes']) ?? roles.classes,
    },
    metrics,
    data: {
      schema: schema ? await dataDigest(schemaPath, cwd) : null,
      train: await Promise.all(trainFiles.map((file) => dataDigest(file.path, cwd))),
      eval: await Promise.all(evalFiles.map((file) => dataDigest(file.path, cwd))),
    },
    training: {
      command: command ?? null,
      builtin: builtin ?? null,
      seed,
      workingDirectory: toDisplayPath(cwd, workingDirectory),
      startedAt: startedAt.toISOString(),
      durationSeconds,
      ...(history !== null
        ? { metricsHistory: digestOf(history.bytes, METRICS_HISTORY_FILE) }
        : {}),
    },
    source: {
      repository: options.run.repository,
      commit: options.run.commit,
      ref: options.run.ref,
      pullRequest: options.run.pullRequest,
      runUrl: options.run.runUrl,
      workflow: options.run.workflow,
      job: options.run.job,
      actor: options.run.actor,
    },
    environment: {
      runner: { name: options.run.runnerName, os: `${os.type()} ${os.release()}`, arch: os.arch() },
      gpus,
      ...(cluster !== null
        ? {
            cluster: {
              launcher: cluster.launcher,
              nodes: cluster.nodes.map((node) => ({
                name: node.name,
                gpus: node.gpus.map((gpu) => ({ ...gpu })),
              })),
              gpuCount: clusterGpuCount(cluster),
            },
          }
        : {}),
      node: process.version,
      packages: {
        'mlops-actions': MLOPS_VERSION,
        ...(model.onnxruntimeVersion ? { 'onnxruntime-node': model.onnxruntimeVersion } : {}),
      },
      ...(python ? { python } : {}),
    },
    createdAt: new Date().toISOString(),
    parent: null,
  } satisfies Manifest);
  const manifestPath = path.join(outputDir, 'manifest.json');
  await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFileAtomic(
    path.join(outputDir, 'metrics.json'),
    `${JSON.stringify(metrics, null, 2)}\n`,
  );
  await previous.discard();

  if (options.cacheKey !== undefined && options.cachePaths && options.cachePaths.length > 0) {
    await ports.cache.save([...options.cachePaths], options.cacheKey);
  }

  let artifact: TrainResult['artifact'] = null;
  const artifactName = options.artifactName ?? `model-${config.model.name}`;
  if (options.uploadArtifact ?? true) {
    const files = [
      modelPath,
      manifestPath,
      path.join(outputDir, 'metrics.json'),
      ...(history !== null ? [path.join(outputDir, METRICS_HISTORY_FILE)] : []),
    ];
    // The total first: the artifact client then logs the bytes uploaded as they go, so a large
    // model's upload shows how far it is.
    let bytes = 0;
    for (const file of files) bytes += (await stat(file)).size;
    const started = performance.now();
    logger.info(
      `Uploading artifact "${artifactName}": ${files.length} files, ${formatBytes(bytes)}.`,
    );
    const id = await ports.artifacts.upload(artifactName, files, outputDir);
    if (id !== null) {
      const seconds = (performance.now() - started) / 1000;
      logger.info(
        `Uploaded ${formatBytes(bytes)} in ${seconds.toFixed(1)} s (${formatBytes(Math.round(bytes / Math.max(seconds, 0.001)))}/s).`,
      );
    }
    artifact = { name: artifactName, id };
  }

  return {
    modelPath,
    modelDigest: modelFile.digest,
    manifestPath,
    metrics,
    trainingHistory: history?.parsed ?? null,
    gpus,
    gpuUsage,
    durationSeconds,
    manifest,
    artifact,
    tail,
  };
}

/** The user's extra variable names, each a name or a prefix and `*`, none of the forbidden. */
function checkedEnvNames(names: readonly string[], file: string, field: string): string[] {
  for (const name of names) {
    const forbidden = forbiddenTrainingVariable(name.replace(/\*$/, ''));
    if (!TRAINING_ENV_PATTERN.test(name) || forbidden !== null) {
      throw new ConfigError(
        forbidden ??
          `${JSON.stringify(name)} is not a variable name (letters, digits and _, optionally ending in * for a prefix)`,
        { location: { file, field } },
      );
    }
  }
  return [...names];
}

/** The cluster's GPUs a multi-node training command reported; null when it wrote none. */
async function readClusterIfPresent(
  absolute: string,
  display: string,
): Promise<ClusterGpus | null> {
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return parseClusterGpus(text, display);
}

/** The command's per-step metrics, parsed, with the bytes the manifest records; null if none. */
async function readHistoryIfPresent(
  absolute: string,
  display: string,
): Promise<{ parsed: TrainingHistory; bytes: Buffer } | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return { parsed: parseMetricsHistory(bytes.toString('utf8'), display), bytes };
}

async function readMetricsIfPresent(
  absolute: string,
  display: string,
): Promise<Record<string, number>> {
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  return parseTrainingMetrics(text, display);
}

function digestOf(bytes: Uint8Array, displayPath: string): FileDigest {
  return { path: displayPath, digest: sha256Digest(bytes), bytes: bytes.byteLength };
}

async function dataDigest(absolute: string, cwd: string): Promise<FileDigest> {
  return { path: toDisplayPath(cwd, absolute), ...(await fileDigest(absolute)) };
}
