/**
 * `publish-model`: the bytes that were evaluated become an immutable version of the model, with
 * their provenance, and a promotion pull request proposes them for production.
 *
 * The step checks what it is given before anything is written: the model's digest must equal the
 * manifest's (what training recorded) and, when an evaluation report is given, the report's
 * candidate digest (what reviewers saw). The registry backend makes the write atomic and
 * idempotent (see `RegistryWriter.publish`).
 */
import { access, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileDigest } from '../adapters/fs/file-digest.js';
import { writeFileAtomic } from '../adapters/fs/write-file-atomic.js';
import type { MlopsConfig } from '../core/config/mlops-config.js';
import { DataError, PolicyError } from '../core/errors.js';
import type { EvaluationReport } from '../core/evaluate/report.js';
import type { Logger } from '../core/logger.js';
import { manifestSchema, type Manifest } from '../core/manifest/manifest.js';
import { describeFailedGates } from '../core/registry/failed-gates.js';
import { renderModelCard } from '../core/registry/model-card.js';
import { DEFAULT_STAGE, MANIFEST_FILE, MODEL_FILE } from '../core/registry/registry-port.js';
import type { PromotionRequests } from '../core/registry/promotion-port.js';
import { renderReleaseNotes } from '../core/registry/release-notes.js';
import { compareSemver } from '../core/registry/semver.js';
import {
  defaultHistoryVersions,
  historyMetrics,
  type MetricHistory,
} from '../core/evaluate/metric-history.js';
import type { MetricsHistorySource } from '../core/evaluate/metrics-history-port.js';
import type {
  PublishFile,
  RegistryWriter,
  VersionRequest,
} from '../core/registry/registry-writer.js';

export const METRICS_FILE = 'metrics.json';
export const PROFILE_FILE = 'profile.json';
export const MODEL_CARD_FILE = 'model-card.md';

export interface PublishModelOptions {
  readonly config: MlopsConfig;
  readonly modelPath: string;
  readonly manifestPath: string;
  /** The evaluation report of these bytes (evaluate's `report` output), when there is one. */
  readonly reportPath: string | null;
  /**
   * The training data's profile: a file, null when there is no training data, or a function that
   * builds it into `output` (null when there is no training data). A function is called only
   * once every check has passed: a refused publish builds and writes nothing.
   */
  readonly profilePath: string | null | ((output: string) => Promise<string | null>);
  /**
   * Publish even though the evaluation report says the model failed its gates; the model card
   * and the release notes then say so first. Without it such a model is refused.
   */
  readonly allowFailedGates?: boolean | undefined;
  /** How the caller names that override in a refusal: `--allow-failed-gates`, an input. */
  readonly allowFailedGatesHint?: string | undefined;
  readonly version: VersionRequest;
  readonly commit: string | null;
  readonly pullRequest: number | null;
  readonly runUrl: string | null;
  readonly registry: RegistryWriter;
  readonly promotion: PromotionRequests | null;
  /** Earlier versions' metrics for the release notes' history chart; none when absent. */
  readonly history?: MetricsHistorySource | null | undefined;
  /** Where the files of the release are written before upload. */
  readonly workDir: string;
  readonly logger: Logger;
}

export interface PublishModelResult {
  readonly version: string;
  readonly tag: string;
  readonly releaseUrl: string;
  readonly digest: string;
  readonly created: boolean;
  readonly promotionPr: string | null;
}

export async function publishModel(options: PublishModelOptions): Promise<PublishModelResult> {
  const { config, logger } = options;
  const model = config.model.name;
  // Everything is checked before anything is written: the model, then what describes it.
  const { digest, bytes } = await fileDigest(options.modelPath).catch((error: unknown) => {
    throw new DataError(
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'there is no model here: train one first (train writes the model and its manifest.json), or name the model to publish'
        : `cannot read the model: ${(error as Error).message}`,
      { location: { file: options.modelPath }, cause: error },
    );
  });
  const manifest = await readManifest(options.manifestPath);
  if (manifest.model.name !== model) {
    throw new DataError(
      `the manifest describes model ${JSON.stringify(manifest.model.name)}, but mlops.yml names ${JSON.stringify(model)}.`,
      { location: { file: options.manifestPath, field: 'model.name' } },
    );
  }
  if (digest !== manifest.model.file.digest) {
    throw new DataError(
      `the model's digest is ${digest}, but its manifest records ${manifest.model.file.digest}: this is not the model that training described.`,
      { location: { file: options.modelPath } },
    );
  }
  const report = options.reportPath === null ? null : await readReport(options.reportPath);
  if (report !== null && report.candidate.digest !== digest) {
    throw new DataError(
      `the evaluation report is for the model ${report.candidate.digest}, not for this one (${digest}): publish the bytes that were evaluated.`,
      { location: { file: options.reportPath ?? '', field: 'candidate.digest' } },
    );
  }
  if (typeof options.profilePath === 'string') {
    const given = options.profilePath;
    await access(given).catch((error: unknown) => {
      throw new DataError(
        (error as NodeJS.ErrnoException).code === 'ENOENT'
          ? 'there is no profile here: name a profile.json that exists, or leave it out to build one from data.train'
          : `cannot read the profile: ${(error as Error).message}`,
        { location: { file: given }, cause: error },
      );
    });
  }
  if (report !== null && !report.passed) {
    const failed = describeFailedGates(report.gates);
    if (options.allowFailedGates !== true) {
      throw new PolicyError(
        `refusing to publish ${model}: its evaluation failed its gates (${failed}). Fix the model, or publish it anyway with ${options.allowFailedGatesHint ?? 'allow-failed-gates'} (its model card and release notes will say so first).`,
        { location: { file: options.reportPath ?? '', field: 'passed' } },
      );
    }
    logger.warning(
      `Publishing ${model} although its evaluation failed its gates (${failed}): allowed by ${options.allowFailedGatesHint ?? 'allow-failed-gates'}.`,
    );
  }
  const current = await options.registry.findStage(model, DEFAULT_STAGE);

  // Built only now that every check has passed, and before the registry is touched: a profile
  // that cannot be built must not leave a draft release or a reserved version tag behind.
  const given = options.profilePath;
  const profileFile =
    typeof given === 'function' ? await given(path.join(options.workDir, PROFILE_FILE)) : given;
  if (profileFile === null) {
    logger.warning(
      'No training data profile: drift checks against this version will need a reference given explicitly (set data.train in mlops.yml).',
    );
  }

  const prepare = async (version: string): Promise<PublishFile[]> => {
    const dir = path.join(options.workDir, `v${version}`);
    await mkdir(dir, { recursive: true });
    const files: PublishFile[] = [];
    const add = async (name: string, file: string, contentType: string) => {
      const info = await fileDigest(file);
      files.push({ name, path: file, contentType, ...info });
    };
    const metricsPath = path.join(dir, METRICS_FILE);
    await writeFileAtomic(
      metricsPath,
      `${JSON.stringify(report?.candidate.metrics.values ?? manifest.metrics, null, 2)}\n`,
    );
    const cardPath = path.join(dir, MODEL_CARD_FILE);
    await writeFileAtomic(
      cardPath,
      renderModelCard({
        manifest,
        version,
        report,
        card: {
          description: config.model.description,
          intendedUse: config.model.card?.['intended-use'],
          outOfScope: config.model.card?.['out-of-scope'],
          limitations: config.model.card?.limitations,
          ethicalConsiderations: config.model.card?.['ethical-considerations'],
          owners: config.model.card?.owners,
        },
      }),
    );
    await add(METRICS_FILE, metricsPath, 'application/json');
    await add(MODEL_CARD_FILE, cardPath, 'text/markdown');
    if (profileFile !== null) {
      await add(PROFILE_FILE, profileFile, 'application/json');
    }
    const published: Manifest = {
      ...manifest,
      model: { ...manifest.model, version },
      parent: manifest.parent ?? current?.version ?? null,
      publication: {
        commit: options.commit,
        pullRequest: options.pullRequest ?? manifest.source.pullRequest,
        evaluation:
          report === null
            ? null
            : {
                baselineVersion: report.baseline?.version ?? null,
                passed: report.passed,
                metrics: { ...report.candidate.metrics.values },
              },
        assets: files.map((f) => ({ path: f.name, digest: f.digest, bytes: f.bytes })),
      },
    };
    const manifestOut = path.join(dir, MANIFEST_FILE);
    await writeFileAtomic(manifestOut, `${JSON.stringify(published, null, 2)}\n`);
    return [
      {
        name: MODEL_FILE,
        path: options.modelPath,
        digest,
        bytes,
        contentType: 'application/octet-stream',
      },
      {
        name: MANIFEST_FILE,
        ...(await fileDigest(manifestOut)),
        path: manifestOut,
        contentType: 'application/json',
      },
      ...files,
    ];
  };

  // Read before the version is known (a re-run finds its own release too): one extra version,
  // then only those released before this one are shown.
  const historyLimit = config.evaluate?.history ?? defaultHistoryVersions;
  const historyTask = report?.task ?? manifest.model.task ?? null;
  const released =
    options.history != null && historyLimit > 0 && historyTask !== null
      ? await options.history.releasedMetrics(model, historyLimit + 1)
      : null;
  const historyBefore = (version: string): MetricHistory | null =>
    released === null || historyTask === null
      ? null
      : {
          metrics: historyMetrics(historyTask, config.evaluate?.gates ?? []),
          versions: released.versions
            .filter((v) => compareSemver(v.version, version) < 0)
            .slice(-historyLimit),
          skipped: released.skipped.filter((v) => compareSemver(v.version, version) < 0),
        };

  const result = await options.registry.publish({
    model,
    version: options.version,
    commit: options.commit,
    modelDigest: digest,
    prepare,
    notes: (version) =>
      renderReleaseNotes({
        model,
        version,
        commit: options.commit,
        pullRequest: options.pullRequest ?? manifest.source.pullRequest,
        runUrl: options.runUrl,
        digest,
        manifest,
        report,
        current,
        history: historyBefore(version),
      }),
  });
  logger.info(
    result.created
      ? `Published ${result.tag}: ${result.releaseUrl}`
      : `${result.tag} already holds this model: ${result.releaseUrl}`,
  );

  let promotionPr: string | null = null;
  if (options.promotion !== null) {
    if (current?.version === result.version) {
      logger.info(
        `${model} v${result.version} is already in ${DEFAULT_STAGE}: no promotion pull request.`,
      );
    } else {
      const pr = await options.promotion.open({
        model,
        version: result.version,
        stage: DEFAULT_STAGE,
        releaseUrl: result.releaseUrl,
        current,
        report,
      });
      promotionPr = pr.url;
      logger.info(`Promotion pull request ${pr.action}: ${pr.url}`);
    }
  }
  return { ...result, digest, promotionPr };
}

async function readManifest(file: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DataError(
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'there is no manifest here: train writes manifest.json beside the model it trains; publish a model that train produced, or name its manifest'
        : `cannot read the manifest: ${(error as Error).message}`,
      { location: { file }, cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DataError(`not JSON: ${(error as Error).message}`, {
      location: { file },
      cause: error,
    });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DataError(`not a valid manifest: ${issue?.message ?? 'invalid'}`, {
      location: { file, field: issue?.path.join('.') ?? '' },
      cause: parsed.error,
    });
  }
  return parsed.data;
}

async function readReport(file: string): Promise<EvaluationReport> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new DataError(
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'there is no evaluation report here: evaluate writes it (its report output); name one that exists, or leave it out'
        : `cannot read the evaluation report: ${(error as Error).message}`,
      { location: { file }, cause: error },
    );
  }
  const report = json as Partial<EvaluationReport> | null;
  if (
    report === null ||
    typeof report !== 'object' ||
    report.reportVersion !== 1 ||
    typeof report.candidate?.digest !== 'string'
  ) {
    throw new DataError('not an evaluation report (expected the JSON that evaluate writes)', {
      location: { file },
    });
  }
  return report as EvaluationReport;
}
