/**
 * The promotion file: the tracked `.mlops-stages/<model>.yml` a promotion pull request changes,
 * holding the version wanted in each stage. Its path and text live here, in one place, for the step
 * that reads it and the adapter that writes it in a pull request.
 */
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.js';
import { normalizeVersion } from './registry-port.js';

/** The tracked file a promotion pull request changes: the version wanted in each stage. */
export function promotionFile(model: string): string {
  return path.posix.join('.mlops-stages', `${model}.yml`);
}

/** The text of that file; `readPromotionFile` reads it back. */
export function renderPromotionFile(
  model: string,
  stages: Readonly<Record<string, string>>,
): string {
  return [
    `# Managed by mlops-actions: the version of ${model} wanted in each stage.`,
    '# Merging a pull request that changes it promotes that version (promote-model), after review.',
    `model: ${model}`,
    ...Object.entries(stages).map(([stage, version]) => `${stage}: v${normalizeVersion(version)}`),
    '',
  ].join('\n');
}

/**
 * The version a promotion file's text wants in `stage` (without the `v`); a `ConfigError` naming
 * the file and field when it holds none, is not YAML, or is another model's.
 */
export function parsePromotionFile(
  text: string,
  displayPath: string,
  model: string,
  stage: string,
): string {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`not YAML: ${(error as Error).message}`, {
      location: { file: displayPath },
      cause: error,
    });
  }
  const record = (data ?? {}) as Record<string, unknown>;
  if (record['model'] !== undefined && record['model'] !== model) {
    throw new ConfigError(
      `the file is for model ${JSON.stringify(record['model'])}, not ${JSON.stringify(model)}`,
      { location: { file: displayPath, field: 'model' } },
    );
  }
  const value = record[stage];
  if (typeof value !== 'string') {
    throw new ConfigError(`expected a version such as v1.2.0 for the stage "${stage}"`, {
      location: { file: displayPath, field: stage },
    });
  }
  try {
    return normalizeVersion(value);
  } catch (error) {
    throw new ConfigError((error as Error).message, {
      location: { file: displayPath, field: stage },
      cause: error,
    });
  }
}
