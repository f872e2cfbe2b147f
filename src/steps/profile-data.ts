/**
 * The profile-data step: profiles data files into a `profile.json` (the format `mlops profile`
 * writes), optionally with a model's predictions on them. Its use is the shard of a sharded drift
 * check: each job of a matrix profiles the data it fetched, and check-drift merges the profiles
 * (`current` = the profile files) into exactly the profile of the whole data.
 */
import path from 'node:path';
import { profileDataset, withPredictions } from '../adapters/data/profile-dataset.js';
import { toDisplayPath } from '../adapters/fs/display-path.js';
import type { LoadedConfig } from '../adapters/fs/load-config.js';
import { loadDatasetSchema } from '../adapters/fs/load-dataset-schema.js';
import { writeFileAtomic } from '../adapters/fs/write-file-atomic.js';
import type { DriftRegistry } from '../core/drift-report/drift-ports.js';
import { ConfigError, DataError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { actionWording, type OptionWording } from '../core/option-wording.js';
import type { DataProfile } from '../core/profile/profile.js';
import { serializeProfile } from '../core/profile/profile-schema.js';
import type { ProgressReporter } from '../core/progress/progress-port.js';

export interface ProfileDataOptions {
  readonly cwd: string;
  readonly loaded: LoadedConfig;
  /** Paths or globs relative to `cwd`; default the config's data.train. */
  readonly data?: readonly string[] | undefined;
  /** An ONNX file (relative to `cwd`), `production` (the production version's model), or none. */
  readonly model?: string | undefined;
  /** Where to write the profile. */
  readonly output: string;
  /** For `model: production`. */
  readonly registry: DriftRegistry | null;
  readonly workDir: string;
  readonly logger: Logger;
  readonly progress?: ProgressReporter | undefined;
  readonly wording?: OptionWording | undefined;
}

export interface ProfileDataResult {
  readonly profile: DataProfile;
  readonly output: string;
  /** The model whose predictions the profile holds; null without one. */
  readonly modelPath: string | null;
}

export async function profileData(options: ProfileDataOptions): Promise<ProfileDataResult> {
  const { cwd, loaded, logger } = options;
  const wording = options.wording ?? actionWording;
  const { config, dir } = loaded;
  const schemaPath = path.resolve(dir, config.data.schema);
  const schema = await loadDatasetSchema(schemaPath, toDisplayPath(cwd, schemaPath), {
    why: 'profile-data profiles the data with it',
  });
  const patterns =
    options.data !== undefined
      ? options.data.map((p) => path.resolve(cwd, p))
      : (config.data.train ?? []).map((p) => path.resolve(dir, p));
  if (patterns.length === 0) {
    throw new ConfigError(
      `no data to profile: give ${wording.option('data')} or set data.train in mlops.yml`,
      { location: { file: loaded.displayPath, field: 'data.train' } },
    );
  }
  // The model first: a production model that is missing fails before the data is read.
  const modelPath = await resolveModel(options);
  let profile = await profileDataset({
    patterns,
    cwd,
    schema,
    nullValues: config.data['null-values'],
    logger,
    progress: options.progress && { reporter: options.progress, label: 'profile' },
  });
  if (modelPath !== null) {
    // Asked for explicitly: a model that cannot score the data fails the step (a drift check
    // on profiles without predictions would silently skip prediction drift).
    profile = await withPredictions(profile, {
      modelPath,
      displayName: toDisplayPath(cwd, modelPath),
      patterns,
      cwd,
      schema,
      config,
    });
  }
  await writeFileAtomic(options.output, `${JSON.stringify(serializeProfile(profile))}\n`);
  logger.info(
    `Profiled ${profile.rows} records${profile.predictions ? ` and the predictions of ${toDisplayPath(cwd, modelPath ?? '')} on them` : ''} into ${toDisplayPath(cwd, options.output)}.`,
  );
  return { profile, output: options.output, modelPath };
}

async function resolveModel(options: ProfileDataOptions): Promise<string | null> {
  const choice = options.model;
  if (choice === undefined || choice === 'none') return null;
  if (choice !== 'production') return path.resolve(options.cwd, choice);
  const model = options.loaded.config.model.name;
  if (options.registry === null) {
    throw new ConfigError('model: production needs the registry (a github-token)', {
      location: (options.wording ?? actionWording).location('model'),
    });
  }
  const stage = await options.registry.findStage(model);
  if (stage === null) {
    throw new DataError(
      `${model} has no production version whose model could score the data; promote one, name an ONNX file, or give none`,
      { location: (options.wording ?? actionWording).location('model') },
    );
  }
  const downloaded = await options.registry.downloadModel(
    model,
    stage.version,
    path.join(options.workDir, 'model'),
  );
  return downloaded.path;
}
