import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../core/errors.js';
import { parseDatasetSchema, type DatasetSchema } from '../../core/schema/dataset-schema.js';

/**
 * Reads and validates a `schema.yml`. With `optional`, a missing file gives null (training runs
 * without one); otherwise it is a `ConfigError` that says why the step needs it.
 */
export async function loadDatasetSchema(
  absolute: string,
  display: string,
  options: { optional: true; why?: string },
): Promise<DatasetSchema | null>;
export async function loadDatasetSchema(
  absolute: string,
  display: string,
  options?: { optional?: false; why?: string },
): Promise<DatasetSchema>;
export async function loadDatasetSchema(
  absolute: string,
  display: string,
  options: { optional?: boolean; why?: string } = {},
): Promise<DatasetSchema | null> {
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
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
