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
import { parseOptions } from '../parse-options.js';

const help = `mlops profile: a mergeable data profile (profile.json)

Usage:
  mlops profile [--config mlops.yml] [--schema schema.yml] [--data <path|glob>...] [--model model.onnx] --output profile.json
  mlops profile merge <a.json> <b.json>... --output all.json

Options:
  --config <file>   mlops.yml (default: ./mlops.yml); its data.schema and data.train are the defaults
  --schema <file>   dataset schema (default: the config's data.schema)
  --data <path>     data files or globs (default: the config's data.train); repeatable
  --model <file>    also profile this ONNX model's predictions on the data, so that a drift
                    check against the profile tests prediction drift without the data
  --output <file>   where to write the profile (default: profile.json)`;

const write = (file: string, profile: DataProfile) =>
  writeFileAtomic(file, `${JSON.stringify(serializeProfile(profile))}\n`);

export async function runProfile(args: string[]): Promise<number> {
  const cwd = process.cwd();
  if (args[0] === 'merge') {
    const { values, positionals } = parseOptions(
      args.slice(1),
      { output: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
      true,
    );
    if (values.help) {
      process.stdout.write(`${help}\n`);
      return 0;
    }
    if (positionals.length === 0) throw new CliUsageError('profile merge needs profiles to merge');
    let merged: DataProfile | undefined;
    for (const file of positionals) {
      const profile = await readProfileFile(path.resolve(cwd, file), file);
      merged = merged === undefined ? profile : mergeProfiles(merged, profile);
    }
    const output = path.resolve(cwd, values.output ?? 'profile.json');
    await write(output, merged!);
    process.stdout.write(
      `Merged ${positionals.length} profiles (${merged!.rows} records) into ${toDisplayPath(cwd, output)}\n`,
    );
    return 0;
  }
  const { values } = parseOptions(args, {
    config: { type: 'string' },
    schema: { type: 'string' },
    data: { type: 'string', multiple: true },
    model: { type: 'string' },
    output: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const loaded = await loadMlopsConfig({
    cwd,
    path: values.config ?? 'mlops.yml',
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
