/**
 * Profiles data files (the reference profile published with a model, the current data of a drift
 * check, a shard in a matrix of jobs). Files are streamed batch by batch: memory stays flat. A
 * file that cannot be read at all is a DataError; damaged records are left out, counted and named.
 */
import path from 'node:path';
import type { LoadedConfig } from '../fs/load-config.js';
import { loadDatasetSchema } from '../fs/load-dataset-schema.js';
import { fileDigest } from '../fs/file-digest.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import type { MlopsConfig } from '../../core/config/mlops-config.js';
import { DataError, isUserError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import {
  createProfileBuilder,
  profilePredictions,
  type DataProfile,
  type ProfileOptions,
} from '../../core/profile/profile.js';
import { openModelPredictor } from '../onnx/model-predictor.js';
import { serializeProfile } from '../../core/profile/profile-schema.js';
import type { DatasetSchema } from '../../core/schema/dataset-schema.js';
import { expandDataPaths, numberColumnsOf, readDataset } from './open-dataset.js';
import { readingTask } from '../progress/progress-reporters.js';
import { silentProgress, type ProgressReporter } from '../../core/progress/progress-port.js';

/** Structural problems that mean the file was not read at all. */
const UNREADABLE = new Set([
  'file-not-found',
  'file-unreadable',
  'empty-file',
  'corrupt-parquet',
  'unsupported-format',
  'missing-header',
]);

export async function profileDataset(options: {
  readonly patterns: readonly string[];
  readonly cwd: string;
  readonly schema: DatasetSchema;
  readonly nullValues?: readonly string[] | undefined;
  readonly profileOptions?: Partial<ProfileOptions> | undefined;
  readonly logger: Logger;
  /** Shows rows and bytes done while the files are read, under this label. */
  readonly progress?: { readonly reporter: ProgressReporter; readonly label: string } | undefined;
}): Promise<DataProfile> {
  const builder = createProfileBuilder({
    schema: options.schema,
    ...(options.profileOptions !== undefined && { options: options.profileOptions }),
  });
  let skipped = 0;
  const files = await expandDataPaths([...options.patterns], options.cwd);
  const reading = await readingTask(
    options.progress?.reporter ?? silentProgress,
    options.progress?.label ?? 'profile',
    files,
  );
  for (const file of files) {
    // Profiles record a file's digest as bare hex (the profile format's `sha256` field).
    const digest = (await fileDigest(file.path).catch(() => null))?.digest;
    builder.addFile(file.displayName, digest?.replace(/^sha256:/, ''));
    const events = readDataset(file.path, {
      displayName: file.displayName,
      onBytes: reading.onBytes,
      numberColumns: numberColumnsOf(options.schema),
      ...(options.nullValues !== undefined && { nullValues: options.nullValues }),
    });
    for await (const event of reading.count(events)) {
      if (event.kind === 'batch') {
        builder.add(event.batch);
      } else if (UNREADABLE.has(event.issue.rule)) {
        throw new DataError(event.issue.message, {
          location: {
            file: event.issue.file,
            ...(event.issue.line !== null && { line: event.issue.line }),
          },
        });
      } else {
        skipped += 1;
        if (skipped <= 5) {
          options.logger.warning(
            `${event.issue.file}${event.issue.line !== null ? `:${event.issue.line}` : ''}: ${event.issue.message} (record left out of the profile)`,
          );
        }
      }
    }
  }
  reading.task.end();
  if (skipped > 5)
    options.logger.warning(`${skipped} damaged records in all were left out of the profile.`);
  return builder.finish();
}

/**
 * The profile with the model's predictions on the same data files added (class labels or
 * values), so that a drift check against it can test prediction drift without the data.
 */
export async function withPredictions(
  profile: DataProfile,
  options: {
    readonly modelPath: string;
    readonly displayName: string;
    readonly patterns: readonly string[];
    readonly cwd: string;
    readonly schema: DatasetSchema;
    readonly config: MlopsConfig;
  },
): Promise<DataProfile> {
  const predictor = await openModelPredictor(options);
  try {
    const files = await expandDataPaths([...options.patterns], options.cwd);
    const predictions = await predictor.predict(files);
    if (predictions.length !== profile.rows) {
      // Records the profile left out as damaged are not read for prediction either; a mismatch
      // would make the prediction column disagree with the profile's row count.
      throw new DataError(
        `the model scored ${predictions.length} records, but the profile holds ${profile.rows}; the predictions are left out`,
        { location: { file: options.displayName } },
      );
    }
    return {
      ...profile,
      predictions: profilePredictions({
        model: (await fileDigest(options.modelPath)).digest,
        predictions,
        options: profile.options,
      }),
    };
  } finally {
    await predictor.release();
  }
}

/**
 * Writes the profile of the config's training data to `output`, with the predictions of the
 * model at `modelPath` when given (a model that cannot score the data is a warning, not a
 * failure: the profile is written without them); null (and nothing written) when the config
 * names no training data.
 */
export async function buildProfileFile(options: {
  readonly cwd: string;
  readonly loaded: LoadedConfig;
  readonly output: string;
  readonly logger: Logger;
  readonly modelPath?: string | undefined;
}): Promise<string | null> {
  const { config, dir } = options.loaded;
  if (config.data.train === undefined) return null;
  const schemaPath = path.resolve(dir, config.data.schema);
  const schema = await loadDatasetSchema(
    schemaPath,
    path.relative(options.cwd, schemaPath) || schemaPath,
  );
  let profile = await profileDataset({
    patterns: config.data.train,
    cwd: dir,
    schema,
    nullValues: config.data['null-values'],
    logger: options.logger,
  });
  if (options.modelPath !== undefined) {
    try {
      profile = await withPredictions(profile, {
        modelPath: options.modelPath,
        displayName: path.relative(options.cwd, options.modelPath) || options.modelPath,
        patterns: config.data.train,
        cwd: dir,
        schema,
        config,
      });
    } catch (error) {
      if (!isUserError(error)) throw error;
      options.logger.warning(
        `The profile is published without the model's predictions: ${error.message}`,
      );
    }
  }
  await writeFileAtomic(options.output, `${JSON.stringify(serializeProfile(profile))}\n`);
  options.logger.info(
    `Profiled the training data${profile.predictions ? " and the model's predictions on it" : ''}: ${profile.rows} records -> ${options.output}`,
  );
  return options.output;
}
