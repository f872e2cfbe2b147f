import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { parseDatasetSchema, type DatasetSchema } from '../../core/schema/dataset-schema.js';
import { confinePath } from './workspace-path.js';

interface SchemaLoadOptions {
  readonly why?: string;
  /** The config field that named the file (default `schema`), for the workspace check. */
  readonly field?: string;
  /**
   * The step's working directory: the file must stay inside its workspace. Without it the
   * workspace is found from the file's own folder, which still catches a symlink that leaves it.
   */
  readonly cwd?: string;
}

/**
 * Reads and validates a `schema.yml`. With `optional`, a missing file gives null (training runs
 * without one); otherwise it is a `ConfigError` that says why the step needs it.
 */
export async function loadDatasetSchema(
  absolute: string,
  display: string,
  options: SchemaLoadOptions & { optional: true },
): Promise<DatasetSchema | null>;
export async function loadDatasetSchema(
  absolute: string,
  display: string,
  options?: SchemaLoadOptions & { optional?: false },
): Promise<DatasetSchema>;
export async function loadDatasetSchema(
  absolute: string,
  display: string,
  options: SchemaLoadOptions & { optional?: boolean } = {},
): Promise<DatasetSchema | null> {
  // The schema's text is quoted in errors: a symlink out of the workspace must not be read.
  const real = await confinePath({
    path: absolute,
    cwd: options.cwd ?? path.dirname(absolute),
    origin: { field: options.field ?? 'schema', file: display },
  });
  let text: string;
  try {
    text = await readFile(real, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (missing && options.optional) return null;
    throw new ConfigError(
      `cannot read the dataset schema: ${missing ? 'no such file' : (error as Error).message}; ` +
        (options.why ?? 'expected a schema.yml (mlops schema infer writes one)'),
      { location: { file: display }, cause: error },
    );
  }
  return parseDatasetSchema(text, display);
}
