/**
 * The check-drift step (journey 4, Monitor): profiles the fresh data, compares it with the
 * reference (the production version's `profile.json`, a profile file, or reference data) column by
 * column, optionally compares the model's predictions on both sides, grades the drift, writes the
 * JSON report, and then acts: moderate or severe drift opens or updates the model's one drift
 * issue (moderate also dispatches the retrain workflow); no drift closes that issue.
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expandDataPaths } from '../adapters/data/open-dataset.js';
import { profileDataset } from '../adapters/data/profile-dataset.js';
import { toDisplayPath } from '../adapters/fs/display-path.js';
import type { LoadedConfig } from '../adapters/fs/load-config.js';
import { loadDatasetSchema } from '../adapters/fs/load-dataset-schema.js';
import { writeFileAtomic } from '../adapters/fs/write-file-atomic.js';
import { readWorkspaceFile, type PathOrigin } from '../adapters/fs/workspace-path.js';
import {
  categoricalDistributionFrom,
  numericDistributionFrom,
  type Distribution,
} from '../core/drift/index.js';
import {
  compareProfiles,
  type DriftComparison,
  type PredictionDistributions,
} from '../core/drift-report/compare-profiles.js';
import {
  renderDriftComment,
  renderDriftIssueBody,
  renderDriftResolvedComment,
  driftIssueTitle,
} from '../core/drift-report/render-drift-issue.js';
import {
  DEFAULT_DRIFT_THRESHOLDS,
  type DriftReport,
  type DriftSeverity,
} from '../core/drift-report/report.js';
import { ConfigError, DataError, isUserError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import {
  mergeProfiles,
  profilePredictionDistribution,
  type DataProfile,
} from '../core/profile/profile.js';
import { parseProfile } from '../core/profile/profile-schema.js';
import type {
  DriftIssueTracker,
  DriftRegistry,
  RetrainDispatcher,
} from '../core/drift-report/drift-ports.js';
import type { DatasetSchema } from '../core/schema/dataset-schema.js';
import { openModelPredictor, type DataFile } from '../adapters/onnx/model-predictor.js';
import { fileDigest } from '../adapters/fs/file-digest.js';
import { actionWording, type OptionWording } from '../core/option-wording.js';
import type { ProgressReporter } from '../core/progress/progress-port.js';

export const PROFILE_ASSET = 'profile.json';
export const SEVERITY_LABELS: Record<Exclude<DriftSeverity, 'none'>, string> = {
  moderate: 'retrain',
  severe: 'needs-investigation',
};

export interface CheckDriftOptions {
  readonly cwd: string;
  readonly loaded: LoadedConfig;
  /** Paths or globs relative to `cwd`; default the config's drift.current. */
  readonly current?: readonly string[] | undefined;
  /** `production`, a profile file, or data paths (relative to `cwd`); default drift.reference. */
  readonly reference?: readonly string[] | undefined;
  /** `production` (default), `none`, or a model file. */
  readonly model?: string | undefined;
  readonly reportPath: string;
  readonly registry: DriftRegistry | null;
  readonly issues: DriftIssueTracker | null;
  readonly dispatcher: RetrainDispatcher | null;
  readonly retrainWorkflow?: string | undefined;
  readonly runUrl: string | null;
  /** Where the report can be found after the run (an artifact name, the run URL). */
  readonly reportLocation?: string | null;
  readonly workDir: string;
  readonly logger: Logger;
  /** Shows rows and bytes done while the current and reference data are read. */
  readonly progress?: ProgressReporter | undefined;
  /**
   * Uploads the written report (an Actions artifact) and returns where a reader finds it, so the
   * issue links the report rather than a path on a runner that is gone; null when not uploaded.
   */
  readonly uploadReport?: ((file: string) => Promise<string | null>) | undefined;
  /** How messages name the settings above: inputs (default) or flags. */
  readonly wording?: OptionWording | undefined;
}

export interface CheckDriftResult {
  readonly report: DriftReport;
  readonly comparison: DriftComparison;
  readonly reportPath: string;
  readonly issueBody: string;
  readonly issue: {
    readonly number: number;
    readonly url: string;
    readonly action: 'created' | 'updated' | 'closed';
  } | null;
  readonly dispatched: boolean;
}

/**
 * Reads a `profile.json`; an unreadable one is a DataError naming the file (and field). `role`
 * names the profile in messages: the reference (default) or a current profile. With `confine`,
 * the path came from the user (the config or an input): its content is quoted in errors, so it must
 * stay inside the workspace (a committed symlink out of it is refused, naming the field, before a
 * byte is read). Without it, a file this run wrote itself (a profile downloaded into RUNNER_TEMP).
 */
export async function readProfileFile(
  file: string,
  display: string,
  options: {
    readonly role?: 'reference' | 'current';
    readonly confine?: { readonly cwd: string; readonly origin: PathOrigin };
  } = {},
): Promise<DataProfile> {
  const role = options.role ?? 'reference';
  let text: string;
  try {
    text =
      options.confine === undefined
        ? await readFile(file, 'utf8')
        : (await readWorkspaceFile({ path: file, ...options.confine })).toString('utf8');
  } catch (error) {
    // The workspace's refusal is already the message to show.
    if (error instanceof ConfigError) throw error;
    throw new DataError(
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? role === 'reference'
          ? 'there is no reference profile here: name a profile.json that exists, production, or reference data'
          : 'there is no current profile here: name profile files that exist, or the current data'
        : `cannot read the ${role} profile: ${(error as Error).message}`,
      { location: { file: display }, cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DataError(`the ${role} profile is not JSON: ${(error as Error).message}`, {
      location: { file: display },
      cause: error,
    });
  }
  return parseProfile(json, display);
}

/** What every stage of `checkDrift` reads, settled before any data is. */
interface DriftInputs {
  readonly options: CheckDriftOptions;
  readonly schema: DatasetSchema;
  readonly nullValues: readonly string[] | undefined;
  /** `production`, `none`, or the model file given. */
  readonly modelChoice: string;
  /** The model file named explicitly (it exists); null for `production` and `none`. */
  readonly explicitModel: string | null;
}

/** One side of the comparison: its profile, how messages name it, its data files if any. */
interface DriftSide {
  readonly profile: DataProfile;
  readonly label: string;
  /** The side's data files (prediction drift can score them); null when the side is profiles. */
  readonly files: readonly DataFile[] | null;
}

interface ResolvedReference extends DriftSide {
  /** The production version whose profile is the reference (its model is scored); else null. */
  readonly productionVersion: string | null;
}

const isProfilePath = (entry: string) => /\.json$/i.test(entry);

/**
 * The stages in order, each below: inputs (schema, model), the current side, the reference,
 * prediction drift, the graded comparison, the written report, then the issue and the dispatch.
 * Everything that can be a user's mistake is found before the report is written.
 */
export async function checkDrift(options: CheckDriftOptions): Promise<CheckDriftResult> {
  const inputs = await loadInputs(options);
  const current = await currentProfile(inputs);
  const reference = await resolveReference(inputs);
  const { prediction, notes } = await predictionDrift({ inputs, reference, current });
  const { config } = options.loaded;
  const comparison = compareProfiles(reference.profile, current.profile, {
    model: config.model.name,
    referenceLabel: reference.label,
    currentLabel: current.label,
    thresholds: config.drift?.thresholds ?? DEFAULT_DRIFT_THRESHOLDS,
    columns: config.drift?.columns ?? {},
    prediction,
    notes,
  });
  const reportArtifactUrl = await writeReport({ options, comparison });
  const acted = await issueAndDispatch({ options, comparison, reportArtifactUrl });
  return { report: comparison.report, comparison, reportPath: options.reportPath, ...acted };
}

/** Stage 1: the schema the data is profiled with, and the model to score with. */
async function loadInputs(options: CheckDriftOptions): Promise<DriftInputs> {
  const { cwd, loaded } = options;
  const { config, dir } = loaded;
  const schemaPath = path.resolve(dir, config.data.schema);
  const schema = await loadDatasetSchema(schemaPath, toDisplayPath(cwd, schemaPath), {
    why: 'check-drift profiles the current data with it',
    cwd,
    field: 'data.schema',
  });

  // A model named explicitly must exist: an error before any work, never a skipped check.
  const modelChoice = options.model ?? 'production';
  const explicitModel =
    modelChoice !== 'production' && modelChoice !== 'none' ? path.resolve(cwd, modelChoice) : null;
  if (explicitModel !== null) {
    await access(explicitModel).catch((error: unknown) => {
      throw new ConfigError(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? `there is no model at ${JSON.stringify(modelChoice)}: name an ONNX file that exists, production (the production version's model) or none (no prediction drift)`
          : `cannot read the model: ${(error as Error).message}`,
        { location: { file: toDisplayPath(cwd, explicitModel), field: 'model' }, cause: error },
      );
    });
  }
  return { options, schema, nullValues: config.data['null-values'], modelChoice, explicitModel };
}

/**
 * Stage 2, the current side. Data files are profiled; profile files (`.json`, as `mlops profile`
 * writes them, typically one per shard) are merged in the order given (globs sorted), exactly as
 * `mlops profile merge` merges them, so that drift on shards equals drift on the whole data.
 * Profiles and data files mixed is a ConfigError: which records would count twice is unknowable.
 */
async function currentProfile(inputs: DriftInputs): Promise<DriftSide> {
  const { cwd, loaded } = inputs.options;
  const given = inputs.options.current;
  const patterns =
    given !== undefined
      ? given.map((p) => path.resolve(cwd, p))
      : (loaded.config.drift?.current ?? []).map((p) => path.resolve(loaded.dir, p));
  const origin: PathOrigin =
    given !== undefined
      ? { field: 'current' }
      : { field: 'drift.current', file: loaded.displayPath };
  if (patterns.length === 0) {
    const wording = inputs.options.wording ?? actionWording;
    throw new ConfigError(
      `no current data: set drift.current in mlops.yml or give ${wording.option('current')}`,
      { location: { file: loaded.displayPath, field: 'drift.current' } },
    );
  }
  const profiles = patterns.filter(isProfilePath);
  if (profiles.length > 0 && profiles.length < patterns.length) {
    const data = patterns.filter((p) => !isProfilePath(p));
    const shown = (list: readonly string[]) =>
      list.map((p) => JSON.stringify(toDisplayPath(cwd, p))).join(', ');
    throw new ConfigError(
      `current mixes profiles (${shown(profiles)}) and data files (${shown(data)}): give either profile files (.json, merged into one current profile) or data files, not both`,
      {
        location:
          given !== undefined
            ? (inputs.options.wording ?? actionWording).location('current')
            : { file: loaded.displayPath, field: 'drift.current' },
      },
    );
  }
  const current =
    profiles.length === 0
      ? await profileDataFiles({ inputs, patterns, origin, progressLabel: 'drift: current data' })
      : await mergeCurrentProfiles({ options: inputs.options, patterns, origin });
  if (current.profile.rows === 0) {
    throw new DataError('the current data has no records; nothing to check for drift', {
      location: { file: current.label },
    });
  }
  return current;
}

/** Profile files (of shards) merged into one current profile, in the order given. */
async function mergeCurrentProfiles({
  options,
  patterns,
  origin,
}: {
  readonly options: CheckDriftOptions;
  readonly patterns: readonly string[];
  readonly origin: PathOrigin;
}): Promise<DriftSide> {
  const { cwd, logger } = options;
  const files = await expandDataPaths([...patterns], cwd, { origin });
  let merged: DataProfile | undefined;
  for (const file of files) {
    const profile = await readProfileFile(file.path, file.displayName, {
      role: 'current',
      confine: { cwd, origin },
    });
    try {
      merged = merged === undefined ? profile : mergeProfiles(merged, profile);
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      throw new DataError(`${error.message} (merging the current profiles)`, {
        location: { file: file.displayName },
        cause: error,
      });
    }
  }
  logger.info(
    `Current: ${files.length} profile${files.length === 1 ? '' : 's'} merged, ${merged?.rows ?? 0} records.`,
  );
  return {
    profile: merged as DataProfile,
    label: files.map((f) => f.displayName).join(', '),
    files: null,
  };
}

/** Data files (each confined to the workspace, named by `origin` if not) read into one profile. */
async function profileDataFiles({
  inputs,
  patterns,
  origin,
  progressLabel,
}: {
  readonly inputs: DriftInputs;
  readonly patterns: readonly string[];
  readonly origin: PathOrigin;
  /** Shows rows and bytes done under this label (when the caller reports progress). */
  readonly progressLabel?: string;
}): Promise<DriftSide> {
  const { cwd, logger, progress } = inputs.options;
  const files = await expandDataPaths([...patterns], cwd, { origin });
  const profile = await profileDataset({
    patterns: files.map((f) => f.path),
    cwd,
    schema: inputs.schema,
    nullValues: inputs.nullValues,
    logger,
    progress:
      progress !== undefined && progressLabel !== undefined
        ? { reporter: progress, label: progressLabel }
        : undefined,
  });
  return { profile, label: files.map((f) => f.displayName).join(', '), files };
}

/**
 * Stage 3, the reference: the production version's `profile.json`, one profile file, or
 * reference data (profiled, and kept for prediction drift to score).
 */
async function resolveReference(inputs: DriftInputs): Promise<ResolvedReference> {
  const { cwd, loaded } = inputs.options;
  const given = inputs.options.reference;
  const configured = loaded.config.drift?.reference;
  const entries =
    given ??
    (configured !== undefined
      ? configured
          .split(/[\n,]/)
          .map((p) => path.resolve(loaded.dir, p.trim()))
          .filter((p) => p !== loaded.dir)
      : ['production']);
  if (entries.length === 1 && entries[0] === 'production') {
    return productionReference(inputs.options);
  }
  const origin: PathOrigin =
    given !== undefined
      ? { field: 'reference' }
      : { field: 'drift.reference', file: loaded.displayPath };
  const first = entries[0];
  if (entries.length === 1 && first !== undefined && isProfilePath(first)) {
    const absolute = path.resolve(cwd, first);
    const label = toDisplayPath(cwd, absolute);
    const profile = await readProfileFile(absolute, label, { confine: { cwd, origin } });
    return { profile, label, files: null, productionVersion: null };
  }
  const data = await profileDataFiles({
    inputs,
    patterns: entries.map((e) => path.resolve(cwd, e)),
    origin,
  });
  if (data.profile.rows === 0) {
    throw new DataError('the reference data has no records', { location: { file: data.label } });
  }
  return { ...data, productionVersion: null };
}

/** The production version's `profile.json`, downloaded from the registry (not a user path). */
async function productionReference(options: CheckDriftOptions): Promise<ResolvedReference> {
  const { loaded } = options;
  const model = loaded.config.model.name;
  if (options.registry === null) {
    throw new ConfigError('reference: production needs a registry', {
      location: (options.wording ?? actionWording).location('reference'),
    });
  }
  const stage = await options.registry.findStage(model);
  if (stage === null) {
    throw new DataError(
      `${model} has no production version to compare with; promote one, or give a reference profile or reference data`,
      { location: { file: loaded.displayPath, field: 'drift.reference' } },
    );
  }
  const file = await options.registry.downloadAsset(
    model,
    stage.version,
    PROFILE_ASSET,
    path.join(options.workDir, 'reference'),
  );
  const label = `${model}@v${stage.version} ${PROFILE_ASSET}`;
  return {
    profile: await readProfileFile(file, label),
    label,
    files: null,
    productionVersion: stage.version,
  };
}

/**
 * Stage 4, prediction drift: the model's predictions on both sides when there is something to
 * compare; otherwise a note says why it was skipped.
 */
async function predictionDrift({
  inputs,
  reference,
  current,
}: {
  readonly inputs: DriftInputs;
  readonly reference: ResolvedReference;
  readonly current: DriftSide;
}): Promise<{ prediction: PredictionDistributions | null; notes: string[] }> {
  const { options, modelChoice, explicitModel } = inputs;
  const { cwd, loaded } = options;
  const skipped = (why: string) => ({
    prediction: null,
    notes: [`Prediction drift was skipped: ${why}`],
  });
  if (modelChoice === 'none') return { prediction: null, notes: [] };
  // Reference predictions: the reference profile's own when it holds this model's, else the
  // model's outputs on the reference data (the training data when the reference is a profile).
  const train = loaded.config.data.train;
  const referenceFiles =
    reference.files ??
    (train !== undefined
      ? await expandDataPaths(
          train.map((p) => path.resolve(loaded.dir, p)),
          cwd,
          { origin: { field: 'data.train', file: loaded.displayPath } },
        ).catch(() => null)
      : null);
  if (referenceFiles === null && reference.profile.predictions === undefined) {
    // Nothing to compare with: skipped before the model is fetched.
    return skipped(noReferencePredictions(undefined));
  }
  if (current.files === null && current.profile.predictions === undefined) {
    return skipped(noCurrentPredictions(undefined));
  }
  try {
    const modelPath = await resolveModel(modelChoice, options, reference.productionVersion);
    if (modelPath === null) return skipped('no production model is registered.');
    const scored = await predictionDistributions({
      modelPath,
      schema: inputs.schema,
      reference: { profile: reference.profile, files: referenceFiles },
      current: { profile: current.profile, files: current.files },
      loaded,
    });
    return 'skipped' in scored ? skipped(scored.skipped) : { prediction: scored, notes: [] };
  } catch (error) {
    // A model the user named that cannot be used (not ONNX, wrong inputs) is an error; the
    // production model, fetched on the user's behalf, only costs the prediction check.
    if (!isUserError(error) || explicitModel !== null) throw error;
    return skipped(error.message);
  }
}

/**
 * Stage 5: the JSON report, written, logged and (where the caller uploads it) uploaded; returns
 * where a reader finds the upload, or null.
 */
async function writeReport({
  options,
  comparison,
}: {
  readonly options: CheckDriftOptions;
  readonly comparison: DriftComparison;
}): Promise<string | null> {
  const { cwd, logger } = options;
  const { report } = comparison;
  // The file also holds each column's reference and current shares (the issue's charts), which the
  // dashboard draws when a reader drills into a column.
  const written = { ...report, histograms: Object.fromEntries(comparison.histograms) };
  await writeFileAtomic(options.reportPath, `${JSON.stringify(written, null, 2)}\n`);
  logger.info(
    `Drift: ${report.severity} — ${report.drifted} drifted columns, share ${report.share.toFixed(2)} (report: ${toDisplayPath(cwd, options.reportPath)}).`,
  );
  for (const note of report.notes) logger.info(note);

  const reportArtifactUrl = (await options.uploadReport?.(options.reportPath)) ?? null;
  if (reportArtifactUrl !== null) logger.info(`Drift report: ${reportArtifactUrl}`);
  return reportArtifactUrl;
}

/**
 * Stage 6, acting on the grade: moderate or severe drift opens or updates the model's one drift
 * issue (moderate also dispatches the retrain workflow); no drift closes that issue.
 */
async function issueAndDispatch({
  options,
  comparison,
  reportArtifactUrl,
}: {
  readonly options: CheckDriftOptions;
  readonly comparison: DriftComparison;
  readonly reportArtifactUrl: string | null;
}): Promise<Pick<CheckDriftResult, 'issueBody' | 'issue' | 'dispatched'>> {
  const { loaded } = options;
  const model = loaded.config.model.name;
  const { report } = comparison;
  const issueBody = renderDriftIssueBody(comparison, {
    runUrl: options.runUrl,
    maxCharts: loaded.config.drift?.['max-charts'] ?? 5,
    reportLocation: options.reportLocation ?? null,
    reportArtifactUrl,
    // What moderate drift does here: the workflow it dispatches, none, or (no dispatcher: the CLI)
    // the rule, since nothing is dispatched from a laptop.
    ...(options.dispatcher !== null ? { retrainWorkflow: options.retrainWorkflow ?? null } : {}),
  });
  if (report.severity === 'none') {
    const closed =
      options.issues === null
        ? null
        : await options.issues.resolve({
            model,
            comment: renderDriftResolvedComment(report, { runUrl: options.runUrl }),
          });
    return {
      issueBody,
      issue: closed === null ? null : { ...closed, action: 'closed' },
      dispatched: false,
    };
  }
  let issue: CheckDriftResult['issue'] = null;
  if (options.issues !== null) {
    const label = SEVERITY_LABELS[report.severity];
    const opened = await options.issues.open({
      model,
      title: driftIssueTitle(report),
      body: issueBody,
      comment: (previous) => renderDriftComment(report, { runUrl: options.runUrl, previous }),
      labels: [label],
      removeLabels: Object.values(SEVERITY_LABELS).filter((l) => l !== label),
    });
    issue = {
      number: opened.number,
      url: opened.url,
      action: opened.created ? 'created' : 'updated',
    };
  }
  // Only moderate drift retrains: severe drift needs a person to look first (the issue's label).
  const dispatched = report.severity === 'moderate' && (await dispatchRetrain(options, report));
  return { issueBody, issue, dispatched };
}

/** Dispatches the retrain workflow (when the caller names one and can dispatch); true if it did. */
async function dispatchRetrain(options: CheckDriftOptions, report: DriftReport): Promise<boolean> {
  if (options.retrainWorkflow === undefined || options.dispatcher === null) return false;
  await options.dispatcher.dispatch(options.retrainWorkflow, {
    model: options.loaded.config.model.name,
    reason:
      `moderate drift: ${report.drifted} columns drifted (share ${report.share.toFixed(2)})${report.prediction_drift === true ? ', predictions drifted' : ''}`.slice(
        0,
        1000,
      ),
    report:
      options.reportLocation ?? options.runUrl ?? toDisplayPath(options.cwd, options.reportPath),
  });
  return true;
}

async function resolveModel(
  choice: string,
  options: CheckDriftOptions,
  productionVersion: string | null,
): Promise<string | null> {
  if (choice !== 'production') return path.resolve(options.cwd, choice);
  if (options.registry === null) return null;
  const model = options.loaded.config.model.name;
  const version = productionVersion ?? (await options.registry.findStage(model))?.version ?? null;
  if (version === null) return null;
  const downloaded = await options.registry.downloadModel(
    model,
    version,
    path.join(options.workDir, 'model'),
  );
  return downloaded.path;
}

function noCurrentPredictions(otherModel: string | undefined): string {
  return otherModel !== undefined
    ? `the current profiles hold the predictions of another model (${otherModel}); profile the current data with this model (mlops profile --model) to test prediction drift`
    : 'the current profiles hold no predictions; profile the current data with the model (mlops profile --model) to test prediction drift';
}

function noReferencePredictions(otherModel: string | undefined): string {
  return `the reference profile holds ${otherModel !== undefined ? `the predictions of another model (${otherModel})` : 'no predictions'}, and mlops.yml names no training data (data.train) to score instead`;
}

/**
 * The model's predictions on both sides. Each side comes from its profile when that holds this
 * model's predictions (the digest recorded by `mlops profile --model` is the model's), else from
 * scoring its files. Current profiles without this model's predictions skip the check (a note
 * says why): there is no data to score.
 */
async function predictionDistributions(options: {
  readonly modelPath: string;
  readonly schema: DatasetSchema;
  readonly reference: { readonly profile: DataProfile; readonly files: readonly DataFile[] | null };
  readonly current: { readonly profile: DataProfile; readonly files: readonly DataFile[] | null };
  readonly loaded: LoadedConfig;
}): Promise<PredictionDistributions | { readonly skipped: string }> {
  // Where the predictions come from is settled before anything is scored.
  const digest = (await fileDigest(options.modelPath)).digest;
  const kept = options.reference.profile.predictions;
  const fromProfile =
    kept !== undefined && kept.model === digest
      ? profilePredictionDistribution(options.reference.profile)
      : null;
  const referenceFiles = options.reference.files;
  if (fromProfile === null && referenceFiles === null) {
    throw new DataError(noReferencePredictions(kept?.model));
  }
  const currentKept = options.current.profile.predictions;
  const currentFromProfile =
    currentKept !== undefined && currentKept.model === digest
      ? profilePredictionDistribution(options.current.profile)
      : null;
  const currentFiles = options.current.files;
  if (currentFiles === null && currentFromProfile === null) {
    return { skipped: noCurrentPredictions(currentKept?.model) };
  }
  if (currentFromProfile !== null && fromProfile !== null) {
    // Both sides from profiles: the model need not even be opened.
    return { reference: fromProfile.distribution, current: currentFromProfile.distribution };
  }
  const predictor = await openModelPredictor({
    modelPath: options.modelPath,
    displayName: toDisplayPath(process.cwd(), options.modelPath),
    schema: options.schema,
    config: options.loaded.config,
  });
  try {
    const distributionOf = (predictions: string[] | Float64Array): Distribution =>
      predictions instanceof Float64Array
        ? numericDistributionFrom(predictions)
        : categoricalDistributionFrom(predictions);
    const current =
      currentFromProfile?.distribution ??
      distributionOf(await predictor.predict(currentFiles ?? []));
    const reference =
      fromProfile?.distribution ?? distributionOf(await predictor.predict(referenceFiles ?? []));
    return { reference, current };
  } finally {
    await predictor.release();
  }
}
