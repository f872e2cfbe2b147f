/**
 * The class order a classifier's outputs are read in, from the most to the least explicit
 * source: `evaluate.classes`, the model's `mlops.classes` metadata, the class labels a skl2onnx
 * ZipMap gives its probability columns, the schema's target values. Evaluation and prediction
 * drift read a model the same way.
 */
import type { OnnxModel } from './onnx-model.js';
import { metadataList } from '../../core/onnx/model-metadata.js';
import type { DatasetSchema } from '../../core/schema/dataset-schema.js';

export function modelClasses(options: {
  readonly configured: readonly string[] | undefined;
  readonly model: OnnxModel;
  readonly schema: DatasetSchema;
}): string[] | null {
  return (
    (options.configured ? [...options.configured] : undefined) ??
    metadataList(options.model.metadata['mlops.classes']) ??
    namedColumnClasses(options.model) ??
    schemaClasses(options.schema)
  );
}

/** Column labels that are class values; the indexes 0..C-1 name nothing. */
function namedColumnClasses(model: OnnxModel): string[] | undefined {
  const labels = Object.values(model.classLabels)[0];
  return labels && !labels.every((label, i) => label === i) ? labels.map(String) : undefined;
}

function schemaClasses(schema: DatasetSchema): string[] | null {
  const target = Object.values(schema.columns).find((column) => column.role === 'target');
  return target?.values?.map(String) ?? (target?.type === 'boolean' ? ['false', 'true'] : null);
}
