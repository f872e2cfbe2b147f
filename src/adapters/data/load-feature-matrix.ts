/**
 * Reads data files into a `FeatureMatrix` for the built-in baselines (training) and for scoring
 * an ONNX model (evaluation). Unlike validation, which reports every finding, training cannot go
 * on past damaged data, so the first structural issue stops it with its file and line.
 */
import type { DataFormat } from '../../core/data/batch.js';
import { DataError } from '../../core/errors.js';
import type { DatasetSchema } from '../../core/schema/dataset-schema.js';
import {
  FeatureMatrixBuilder,
  type FeatureMatrix,
  type FeatureMatrixOptions,
} from '../../core/train/feature-matrix.js';
import { readDataset } from './open-dataset.js';

/** A file to read: a path, or a path and the name to show in errors (as `expandDataPaths` gives). */
export type DataFileRef = string | { readonly path: string; readonly displayName: string };

export interface LoadFeatureMatrixOptions extends FeatureMatrixOptions {
  readonly batchSize?: number;
  readonly format?: DataFormat;
}

export async function loadFeatureMatrix(
  files: readonly DataFileRef[],
  schema: DatasetSchema,
  options: LoadFeatureMatrixOptions = {},
): Promise<FeatureMatrix> {
  const { batchSize, format, ...matrixOptions } = options;
  const builder = new FeatureMatrixBuilder(schema, matrixOptions);
  for (const file of files) {
    const path = typeof file === 'string' ? file : file.path;
    const displayName = typeof file === 'string' ? file : file.displayName;
    const events = readDataset(path, {
      displayName,
      nullValues: schema['null-values'],
      ...(batchSize === undefined ? {} : { batchSize }),
      ...(format === undefined ? {} : { format }),
    });
    for await (const event of events) {
      if (event.kind === 'batch') {
        builder.add(event.batch);
        continue;
      }
      const { issue } = event;
      throw new DataError(issue.message, {
        location: {
          file: issue.file,
          line: issue.line ?? undefined,
          field: issue.column,
        },
      });
    }
  }
  return builder.finish();
}
