/**
 * `mlops profile`: profiles data into a `profile.json` (the reference check-drift compares with),
 * and `mlops profile merge` merges the profiles of shards into the profile of the whole.
 */
import path from 'node:path';
import { profileDataset, withPredictions } from '../../adapters/data/profile-dataset.js';
import { toDisplayPath } from '../../adapters/fs/display-path.js';
import { loadMlopsConfig } from '../../adapters/fs/load-config.js';
import { loadDatasetSchema } from '../../adapters/fs/load-dataset-schema.js';
import { writeFileAtomic } from '../../adapters/fs/write-file-atomic.js';
import { ConfigError } from '../../core/errors.js';
import { createConsoleLogger } from '../../core/logger.js';
import { mergeProfiles, type DataProfile } from '../../core/profile/profile.js';
import { serializeProfile } from '../../core/profile/profile-schema.js';
import { readProfileFile } from '../../steps/check-drift.js';
import { CliUsageError } from '../cli-usage-error.js';
import type { CommandInput } from '../command-definition.js';
import type { profileMergeOptions, profileOptions } from '../command-definitions.js';
import { findConfig } from '../find-config.js';
import { refuseOverwrite } from '../output-files.js';
import { progressFor } from '../../adapters/progress/progress-reporters.js';

const write = (file: string, profile: DataProfile) =>
  writeFileAtomic(file, `${JSON.stringify(serializeProfile(profile))}\n`);

/** `mlops profile merge`: the profiles of shards merged into the profile of the whole. */
export async function runProfileMerge({
  values,
  positionals,
}: CommandInput<typeof profileMergeOptions>): Promise<number> {
  const cwd = process.cwd();
  const output = path.resolve(cwd, values.output ?? 'profile.json');
  refuseOverwrite({
    cwd,
    force: values.force,
    outputs: { '--output': values.output ?? 'profile.json' },
  });
  let merged: DataProfile | undefined;
  for (const file of positionals) {
    const profile = await readProfileFile(path.resolve(cwd, file), file);
    merged = merged === undefined ? profile : mergeProfiles(merged, profile);
  }
  await write(output, merged!);
  process.stdout.write(
    `Merged ${positionals.length} profiles (${merged!.rows} records) into ${toDisplayPath(cwd, output)}\n`,
  );
  return 0;
}

export async function runProfile({ values }: CommandInput<typeof profileOptions>): Promise<number> {
  const cwd = process.cwd();
  refuseOverwrite({
    cwd,
    force: values.force,
    outputs: { '--output': values.output ?? 'profile.json' },
  });
  const loaded = await loadMlopsConfig({
    cwd,
    path: findConfig(cwd, values.config) ?? 'mlops.yml',
    optional: values.schema !== undefined,
  });
  const schemaPath =
    values.schema !== undefined
      ? path.resolve(cwd, values.schema)
      : path.resolve(loaded!.dir, loaded!.config.data.schema);
  const schema = await loadDatasetSchema(schemaPath, toDisplayPath(cwd, schemaPath));
  const patterns =
    values.data ?? (loaded?.config.data.train ?? []).map((p) => path.resolve(loaded!.dir, p));
  if (patterns.length === 0) {
    throw new ConfigError('no data to profile: give --data or set data.train', {
      location: { file: loaded?.displayPath ?? 'mlops.yml', field: 'data.train' },
    });
  }
  let profile = await profileDataset({
    patterns,
    cwd,
    schema,
    nullValues: loaded?.config.data['null-values'],
    logger: createConsoleLogger(),
    progress: { reporter: progressFor({ quiet: values.quiet }), label: 'profile' },
  });
  if (values.model !== undefined) {
    if (!loaded) {
      throw new CliUsageError(
        '--model needs the config (mlops.yml) for the task and the classes of the model',
      );
    }
    const modelPath = path.resolve(cwd, values.model);
    profile = await withPredictions(profile, {
      modelPath,
      displayName: toDisplayPath(cwd, modelPath),
      patterns,
      cwd,
      schema,
      config: loaded.config,
    });
  }
  const output = path.resolve(cwd, values.output ?? 'profile.json');
  await write(output, profile);
  process.stdout.write(
    `Profiled ${profile.rows} records${profile.predictions ? " and the model's predictions on them" : ''} into ${toDisplayPath(cwd, output)}\n`,
  );
  return 0;
}
