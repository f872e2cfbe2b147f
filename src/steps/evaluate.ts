/**
 * The `evaluate` step: score the candidate and the baseline (production by default) on the same
 * evaluation records with onnxruntime, compute scikit-learn's metrics for both, a paired
 * bootstrap interval for each delta, McNemar's exact test, slices by group and the gates, and
 * write the report. Posting it (comment, check run, summary) is the caller's, through ports.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { expandDataPaths } from '../adapters/data/open-dataset.js';
import { loadFeatureMatrix } from '../adapters/data/load-feature-matrix.js';
import { loadMlopsConfig, type LoadedConfig } from '../adapters/fs/load-config.js';
import type { MlopsConfig } from '../core/config/mlops-config.js';
import { loadDatasetSchema } from '../adapters/fs/load-dataset-schema.js';
import { toDisplayPath } from '../adapters/fs/display-path.js';
import { fileDigest } from '../adapters/fs/file-digest.js';
import { writeFileAtomic } from '../adapters/fs/write-file-atomic.js';
import { loadOnnxModel, type OnnxModel } from '../adapters/onnx/onnx-model.js';
import { scoreModel, type Scores } from '../adapters/onnx/score-model.js';
import { measureLatency, type TimedModel } from '../adapters/onnx/measure-latency.js';
import { isCostMetric, modelCost, type ModelCost } from '../core/evaluate/latency.js';
import { ConfigError, DataError } from '../core/errors.js';
import { metadataList, metadataTask } from '../core/onnx/model-metadata.js';
import { evaluateGates } from '../core/evaluate/gates.js';
import type { EvaluationReport, MetricSet, ModelInfo, Task } from '../core/evaluate/report.js';
import { binaryCurves } from '../core/metrics/curves.js';
import type { ClassificationInput } from '../core/metrics/metric-input.js';
import { computeSlices } from '../core/evaluate/slices.js';
import {
  classesPositiveLast,
  positiveClassIndex,
  positiveLast,
} from '../core/evaluate/positive-class.js';
import type { Logger } from '../core/logger.js';
import {
  defaultMetrics,
  metricInfo,
  prepareMetrics,
  type MetricEvaluator,
} from '../core/metrics/metrics.js';
import type { RunContext } from '../core/provenance/run-context.js';
import { sha256Digest } from '../core/provenance/sha256.js';
import type { DatasetSchema } from '../core/schema/dataset-schema.js';
import { correctness, mcnemarExact } from '../core/significance/mcnemar.js';
import { pairedBootstrap } from '../core/significance/paired-bootstrap.js';
import type { FeatureMatrix } from '../core/train/feature-matrix.js';
import type { BaselineSource, ResolvedBaseline } from '../core/evaluate/baseline-source-port.js';
import { defaultHistoryVersions, historyMetrics } from '../core/evaluate/metric-history.js';
import type { MetricsHistorySource } from '../core/evaluate/metrics-history-port.js';
import {
  METRICS_HISTORY_FILE,
  parseMetricsHistory,
  type TrainingHistory,
} from '../core/train/metrics-history.js';
import { modelClasses } from '../adapters/onnx/model-classes.js';
import { actionWording, type OptionWording } from '../core/option-wording.js';
import { silentProgress, type ProgressReporter } from '../core/progress/progress-port.js';

export interface EvaluateOptions {
  readonly cwd: string;
  readonly config?: string | undefined;
  /** Candidate ONNX model (default: the config's model.path). */
  readonly model?: string | undefined;
  /** Evaluation data (default: the config's data.eval). */
  readonly data?: readonly string[] | undefined;
  /** `production`, `none`, a version such as `v1.2.0`, or a path to an ONNX file. */
  readonly baseline?: string | undefined;
  readonly report?: string | undefined;
  readonly run: RunContext;
  readonly baselines: BaselineSource;
  /** Released versions' metrics for the history chart; none read when absent. */
  readonly history?: MetricsHistorySource | undefined;
  readonly logger: Logger;
  /** Shows records scored while each model runs. */
  readonly progress?: ProgressReporter | undefined;
  /** How messages name the settings above: inputs (default) or flags. */
  readonly wording?: OptionWording | undefined;
}

export const defaultEvaluateReport = '.mlops/evaluate-report.json';

export async function evaluate(
  options: EvaluateOptions,
): Promise<EvaluationReport & { reportPath: string }> {
  const { cwd, logger } = options;
  const wording = options.wording ?? actionWording;
  const loaded = await loadMlopsConfig({ cwd, path: options.config ?? 'mlops.yml' });
  const { config } = loaded;
  const settings = config.evaluate ?? {
    slices: [],
    'batch-size': 4096,
    bootstrap: { resamples: 1000, seed: 42, confidence: 0.95 },
    gates: [],
  };

  const { candidate, candidateBytes, candidatePath, task, classes, files, matrix, features, x } =
    await loadCandidateAndRecords({ options, loaded, settings, wording });

  const { candidateScores, baselineScores, resolved, cost } = await scoreCandidateAndBaseline({
    options,
    settings,
    modelName: config.model.name,
    candidate,
    candidateBytes: candidateBytes.length,
    matrix,
    x,
    features,
    task,
    classes,
  });

  const metricNames = settings.metrics ?? defaultMetrics(task);
  const { reportClasses, candidateMetrics, baselineMetrics, deltas, mcnemar, slices } =
    compareModels({
      matrix,
      task,
      classes,
      settings,
      metricNames,
      configFile: loaded.displayPath,
      candidateScores,
      baselineScores,
    });

  const gates = evaluateGates({
    gates: settings.gates,
    // Gates may bound latency and size too (lower is better), beside the quality metrics.
    candidate: { ...candidateMetrics.values, ...cost.candidate.values },
    baseline:
      baselineMetrics === null ? null : { ...baselineMetrics.values, ...cost.baseline?.values },
    greaterIsBetter: (metric) =>
      metricInfo(metric)?.greaterIsBetter ?? (isCostMetric(metric) ? false : undefined),
  });

  // The chosen metrics across released versions: read last, so a slow registry never delays
  // the metrics, and only when a source was given (the CLI without a registry has none).
  const historyLimit = config.evaluate?.history ?? defaultHistoryVersions;
  const history =
    options.history !== undefined && historyLimit > 0
      ? {
          metrics: historyMetrics(task, settings.gates),
          ...(await options.history.releasedMetrics(config.model.name, historyLimit)),
        }
      : undefined;

  const candidateInfo: ModelInfo = {
    label: 'candidate',
    version: null,
    digest: sha256Digest(candidateBytes),
    path: toDisplayPath(cwd, candidatePath),
  };
  const report: EvaluationReport = {
    reportVersion: 1,
    model: config.model.name,
    task,
    classes: reportClasses,
    ...(task === 'binary-classification' && reportClasses !== null
      ? { positiveClass: reportClasses[1] ?? null }
      : {}),
    rows: matrix.rows,
    data: await Promise.all(
      files.map(async (file) => ({
        path: file.displayName,
        digest: (await fileDigest(file.path)).digest,
      })),
    ),
    candidate: { ...candidateInfo, metrics: candidateMetrics },
    baseline:
      resolved.kind === 'model' && baselineMetrics
        ? { ...resolved.info, metrics: baselineMetrics }
        : null,
    baselineNote: resolved.kind === 'none' ? resolved.note : null,
    deltas,
    ...directionsOfGates(settings.gates),
    mcnemar,
    slices,
    gates,
    cost,
    ...(history === undefined ? {} : { history }),
    ...(await trainingCurvesOf(candidatePath, cwd, logger).then((curves) =>
      curves === null ? {} : { trainingHistory: curves },
    )),
    passed: gates.every((gate) => gate.status !== 'failed'),
    bootstrap: settings.bootstrap,
    run: {
      url: options.run.runUrl,
      commit: options.run.commit,
      pullRequest: options.run.pullRequest,
    },
    createdAt: new Date().toISOString(),
  };
  const reportPath = options.report ?? defaultEvaluateReport;
  await writeFileAtomic(path.resolve(cwd, reportPath), `${JSON.stringify(report, null, 2)}\n`);
  return { ...report, reportPath };
}

/**
 * The candidate model and what it says about its own interface (task, classes, feature order),
 * and the evaluation records, read once for both models, in the candidate's feature order.
 */
async function loadCandidateAndRecords(stage: {
  readonly options: EvaluateOptions;
  readonly loaded: LoadedConfig;
  readonly settings: EvaluateSettings;
  readonly wording: OptionWording;
}) {
  const { options, loaded, settings, wording } = stage;
  const { cwd, logger } = options;
  const { config, dir } = loaded;
  // The candidate, and what it says about its own interface.
  const candidatePath =
    options.model !== undefined
      ? path.resolve(cwd, options.model)
      : path.resolve(dir, config.model.path);
  const candidateBytes = await readModelBytes(
    candidatePath,
    toDisplayPath(cwd, candidatePath),
    wording,
  );
  const candidate = await loadOnnxModel(candidateBytes, {
    displayName: toDisplayPath(cwd, candidatePath),
  });

  const schemaPath = path.resolve(dir, config.data.schema);
  const schemaDisplay = toDisplayPath(cwd, schemaPath);
  const schema = await loadDatasetSchema(schemaPath, schemaDisplay, {
    why: 'evaluation maps model inputs from its feature columns',
    cwd,
    field: 'data.schema',
  });

  const task: Task =
    config.model.task ?? metadataTask(candidate.metadata['mlops.task']) ?? taskFromSchema(schema);
  const classes =
    task === 'regression'
      ? null
      : modelClasses({ configured: settings.classes, model: candidate, schema });

  // The evaluation records, once, for both models.
  const patterns =
    options.data !== undefined
      ? options.data.map((p) => path.resolve(cwd, p))
      : (config.data.eval ?? []).map((p) => path.resolve(dir, p));
  if (patterns.length === 0) {
    throw new ConfigError(`no evaluation data: set data.eval or give ${wording.option('data')}`, {
      location: { file: loaded.displayPath, field: 'data.eval' },
    });
  }
  const files = await expandDataPaths(patterns, cwd, {
    origin:
      options.data !== undefined
        ? { field: 'data' }
        : { field: 'data.eval', file: loaded.displayPath },
  });
  const matrix = await loadFeatureMatrix(files, schema, {
    targetKind: task === 'regression' ? 'values' : 'classes',
    ...(classes ? { classes } : {}),
    schemaFile: schemaDisplay,
    extraColumns: settings.slices,
  });
  const features = metadataList(candidate.metadata['mlops.features']) ?? [...matrix.featureNames];
  const x = reorder(matrix, features, toDisplayPath(cwd, candidatePath));
  logger.info(
    `Evaluating on ${matrix.rows} records from ${files.map((f) => f.displayName).join(', ')}.`,
  );

  return { candidate, candidateBytes, candidatePath, task, classes, files, matrix, features, x };
}

/**
 * Both models on the very same records: the candidate, then the baseline the options name
 * (production, a version, a file or none), then their latency, alternated, and their sizes. The
 * sessions are released here.
 */
async function scoreCandidateAndBaseline(stage: {
  readonly options: EvaluateOptions;
  readonly settings: EvaluateSettings;
  readonly modelName: string;
  readonly candidate: OnnxModel;
  readonly candidateBytes: number;
  readonly matrix: FeatureMatrix;
  readonly x: Float32Array;
  readonly features: readonly string[];
  readonly task: Task;
  readonly classes: readonly string[] | null;
}): Promise<{
  candidateScores: Scores;
  baselineScores: Scores | null;
  resolved: ResolvedBaseline;
  cost: { candidate: ModelCost; baseline: ModelCost | null };
}> {
  const { options, settings, candidate, matrix, x, features, task, classes } = stage;
  const cwd = options.cwd;
  const scoreOptions = {
    task,
    features,
    classes,
    outputs: settings.outputs,
    batchSize: settings['batch-size'],
  };
  const scoring = (label: string) => {
    const task = (options.progress ?? silentProgress).start(`evaluate: scoring ${label}`, {
      bytes: null,
      records: matrix.rows,
    });
    return { task, onBatch: (records: number) => task.advance({ records }) };
  };
  const candidateProgress = scoring('the candidate');
  const candidateScores = await scoreModel(candidate, x, matrix.rows, {
    ...scoreOptions,
    onBatch: candidateProgress.onBatch,
  }).finally(() => candidateProgress.task.end());

  // The baseline, scored on the very same records.
  const resolved = await options.baselines.resolve(options.baseline ?? 'production', {
    model: stage.modelName,
    cwd,
  });
  let baselineScores: Scores | null = null;
  let baselineTimed: TimedModel | null = null;
  let baselineBytes = 0;
  if (resolved.kind === 'model') {
    const model = await loadOnnxModel(resolved.path, { displayName: resolved.label });
    const baselineFeatures = metadataList(model.metadata['mlops.features']) ?? features;
    const baselineX =
      baselineFeatures.join('\u0000') === features.join('\u0000')
        ? x
        : reorder(matrix, baselineFeatures, resolved.label);
    const baselineProgress = scoring(resolved.label);
    baselineScores = await scoreModel(model, baselineX, matrix.rows, {
      ...scoreOptions,
      features: baselineFeatures,
      onBatch: baselineProgress.onBatch,
    }).finally(() => baselineProgress.task.end());
    baselineTimed = { model, x: baselineX, features: baselineFeatures.length };
    baselineBytes = (await stat(resolved.path)).size;
  }
  // Latency of both sessions (loaded with the same options), alternated on the same records.
  const latencySettings = settings.latency ?? { records: 200, batches: 20 };
  const timed = [
    { model: candidate, x, features: features.length },
    ...(baselineTimed === null ? [] : [baselineTimed]),
  ];
  const latency = await measureLatency(timed, {
    rows: matrix.rows,
    batchSize: settings['batch-size'],
    singleSamples: latencySettings.records,
    batchSamples: latencySettings.batches,
  });
  const costOf = (index: number, bytes: number): ModelCost =>
    modelCost({
      singleMs: latency.singleMs[index] ?? [],
      batchMs: latency.batchMs[index] ?? [],
      batchSize: latency.batchSize,
      bytes,
    });
  const cost = {
    candidate: costOf(0, stage.candidateBytes),
    baseline: baselineTimed === null ? null : costOf(1, baselineBytes),
  };
  await candidate.release();
  await baselineTimed?.model.release();

  return { candidateScores, baselineScores, resolved, cost };
}

/**
 * The two models' metrics on the evaluation records (binary metrics for the positive class, with
 * their curves), the paired-bootstrap deltas, McNemar's test and the slices.
 */
function compareModels(stage: {
  readonly matrix: FeatureMatrix;
  readonly task: Task;
  readonly classes: readonly string[] | null;
  readonly settings: EvaluateSettings;
  readonly metricNames: readonly string[];
  readonly configFile: string;
  readonly candidateScores: Scores;
  readonly baselineScores: Scores | null;
}) {
  const { matrix, task, classes, settings, metricNames, candidateScores, baselineScores } = stage;
  const truth = matrix.target;
  // Binary metrics are computed for the positive class: the configured one, else the second.
  const positive =
    task === 'binary-classification' && classes !== null
      ? positiveClassIndex(classes, settings['positive-class'], { file: stage.configFile })
      : 1;
  const reportClasses =
    task === 'binary-classification' && classes !== null
      ? classesPositiveLast(classes, positive)
      : classes;
  // Prepared once (sorting for ROC AUC and the like), then scored under many weightings: the
  // full set, each bootstrap resample, each slice.
  const classificationInput = (scores: Scores): ClassificationInput | null =>
    truth.kind === 'classes'
      ? positiveLast(
          {
            truth: truth.labels,
            predicted: scores.labels ?? new Int32Array(matrix.rows),
            probabilities: scores.probabilities,
            classes: truth.classes,
          },
          task === 'binary-classification' ? positive : 1,
        )
      : null;
  const evaluatorOf = (scores: Scores): MetricEvaluator => {
    const input = classificationInput(scores);
    return input !== null
      ? prepareMetrics(task, input)
      : prepareMetrics(task, {
          truth: truth.kind === 'values' ? truth.values : new Float64Array(matrix.rows),
          predicted: scores.values ?? new Float64Array(matrix.rows),
        });
  };
  /** The metric set, with the ROC, precision-recall and calibration curves of a binary model. */
  const metricSetOf = (scores: Scores, evaluator: MetricEvaluator): MetricSet => {
    const metricSet = evaluator.metricSet();
    const input = task === 'binary-classification' ? classificationInput(scores) : null;
    if (input?.probabilities === undefined || input === null) return metricSet;
    return { ...metricSet, curves: binaryCurves(input.probabilities, input.truth) };
  };
  const candidateEvaluator = evaluatorOf(candidateScores);
  const baselineEvaluator = baselineScores ? evaluatorOf(baselineScores) : null;
  const candidateMetrics = metricSetOf(candidateScores, candidateEvaluator);
  const baselineMetrics =
    baselineScores && baselineEvaluator ? metricSetOf(baselineScores, baselineEvaluator) : null;

  const bootstrap = settings.bootstrap;
  const deltas = baselineEvaluator
    ? pairedBootstrap({
        rows: matrix.rows,
        resamples: bootstrap.resamples,
        seed: bootstrap.seed,
        confidence: bootstrap.confidence,
        metrics: metricNames.filter((name) => name in candidateMetrics.values),
        statistic: (weights) => ({
          candidate: candidateEvaluator.values(weights),
          baseline: baselineEvaluator.values(weights),
        }),
      }).deltas
    : [];

  const mcnemar =
    baselineScores && truth.kind === 'classes' && candidateScores.labels && baselineScores.labels
      ? mcnemarExact(
          correctness(truth.labels, candidateScores.labels),
          correctness(truth.labels, baselineScores.labels),
        )
      : null;

  const slices = settings.slices.map((column) =>
    computeSlices({
      column,
      groupOf: matrix.extra[column] ?? [],
      metrics: metricNames,
      compute: (weights) => ({
        candidate: candidateEvaluator.values(weights),
        ...(baselineEvaluator ? { baseline: baselineEvaluator.values(weights) } : {}),
      }),
    }),
  );

  return { reportClasses, candidateMetrics, baselineMetrics, deltas, mcnemar, slices };
}

async function readModelBytes(
  absolute: string,
  display: string,
  wording: OptionWording,
): Promise<Uint8Array> {
  try {
    return await readFile(absolute);
  } catch (error) {
    throw new DataError(
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? `no candidate model here; train first (${wording.step('train')} writes it to model.path) or give ${wording.option('model')}`
        : `cannot read the model: ${(error as Error).message}`,
      { location: { file: display }, cause: error },
    );
  }
}

/** The features in the model's order, as float32: the one copy evaluation makes. */
function reorder(matrix: FeatureMatrix, features: readonly string[], model: string): Float32Array {
  const F = matrix.featureNames.length;
  const index = features.map((name) => matrix.featureNames.indexOf(name));
  const missing = features.filter((_, i) => index[i] === -1);
  if (missing.length > 0) {
    throw new DataError(
      `the model expects the features ${JSON.stringify(missing).slice(0, 300)}, which are not feature columns of the schema (${JSON.stringify(matrix.featureNames).slice(0, 300)})`,
      { location: { file: model } },
    );
  }
  if (index.every((c, i) => c === i) && features.length === F) return Float32Array.from(matrix.x);
  const out = new Float32Array(matrix.rows * features.length);
  for (let r = 0; r < matrix.rows; r++) {
    for (let f = 0; f < features.length; f++)
      out[r * features.length + f] = matrix.x[r * F + (index[f] ?? 0)] ?? Number.NaN;
  }
  return out;
}

/**
 * The better direction of metrics the built-in list does not know, from the gates that state it
 * (`greater-is-better`), so the comment can mark their changes better or worse too.
 */
function directionsOfGates(
  gates: readonly { readonly metric: string; readonly 'greater-is-better'?: boolean | undefined }[],
): { metricDirections?: Record<string, 'higher' | 'lower'> } {
  const directions: Record<string, 'higher' | 'lower'> = {};
  for (const gate of gates) {
    const stated = gate['greater-is-better'];
    if (stated !== undefined && metricInfo(gate.metric) === undefined)
      directions[gate.metric] = stated ? 'higher' : 'lower';
  }
  return Object.keys(directions).length === 0 ? {} : { metricDirections: directions };
}

function taskFromSchema(schema: DatasetSchema): Task {
  const target = Object.values(schema.columns).find((column) => column.role === 'target');
  if (!target || target.type === 'number') return 'regression';
  if (target.type === 'boolean' || target.values?.length === 2) return 'binary-classification';
  return 'multiclass-classification';
}

export type { ResolvedBaseline };

/** The `evaluate` section of mlops.yml, with its defaults. */
type EvaluateSettings = NonNullable<MlopsConfig['evaluate']>;

/**
 * The candidate's training curves: `metrics-history.jsonl` beside the model (train writes it
 * there, and its artifact carries it), used only when the manifest beside the model records no
 * other digest for it. Curves are context, not evidence: a missing or mismatching file is left
 * out with a warning, never a failed evaluation.
 */
async function trainingCurvesOf(
  modelPath: string,
  cwd: string,
  logger: Logger,
): Promise<TrainingHistory | null> {
  const file = path.join(path.dirname(modelPath), METRICS_HISTORY_FILE);
  const display = toDisplayPath(cwd, file);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return null;
  }
  const recorded = await readFile(path.join(path.dirname(modelPath), 'manifest.json'), 'utf8')
    .then(
      (text) =>
        (JSON.parse(text) as { training?: { metricsHistory?: { digest?: unknown } } }).training
          ?.metricsHistory?.digest,
    )
    .catch(() => undefined);
  if (typeof recorded === 'string' && recorded !== sha256Digest(bytes)) {
    logger.warning(
      `${display} does not match the digest its manifest records (${recorded}): no training curves.`,
    );
    return null;
  }
  try {
    return parseMetricsHistory(bytes.toString('utf8'), display);
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    logger.warning(`No training curves: ${error.message}`);
    return null;
  }
}
