/**
 * The training contract: what a training command is given. Documented in the README; the
 * example's train.py reads exactly these.
 */
import type { DatasetSchema } from '../schema/dataset-schema.js';

export interface ContractInputs {
  readonly outputDir: string;
  readonly modelPath: string;
  readonly seed: number;
  readonly trainFiles: readonly string[];
  readonly evalFiles: readonly string[];
  readonly schemaPath: string | null;
  readonly schema: DatasetSchema | null;
  /** Value for CUDA_VISIBLE_DEVICES: GPU indices, or '' to hide every GPU. */
  readonly cudaVisibleDevices: string;
}

/** The schema's feature columns in order, its target, and the target's classes when listed. */
export function schemaRoles(schema: DatasetSchema | null): {
  features: string[];
  target: string | null;
  classes: string[] | null;
} {
  if (!schema) return { features: [], target: null, classes: null };
  const entries = Object.entries(schema.columns);
  const features = entries.filter(([, column]) => column.role === 'feature').map(([name]) => name);
  const targetEntry = entries.find(([, column]) => column.role === 'target');
  const classes = targetEntry?.[1].values?.map(String) ?? null;
  return { features, target: targetEntry?.[0] ?? null, classes };
}

export function trainingEnvironment(inputs: ContractInputs): Record<string, string> {
  const roles = schemaRoles(inputs.schema);
  return {
    MLOPS_OUTPUT_DIR: inputs.outputDir,
    MLOPS_MODEL_PATH: inputs.modelPath,
    MLOPS_SEED: String(inputs.seed),
    // Newline-separated: paths may hold spaces and commas, never newlines in practice.
    MLOPS_DATA_TRAIN: inputs.trainFiles.join('\n'),
    MLOPS_DATA_EVAL: inputs.evalFiles.join('\n'),
    MLOPS_SCHEMA: inputs.schemaPath ?? '',
    MLOPS_FEATURES: JSON.stringify(roles.features),
    MLOPS_TARGET: roles.target ?? '',
    MLOPS_CLASSES: roles.classes ? JSON.stringify(roles.classes) : '',
    CUDA_VISIBLE_DEVICES: inputs.cudaVisibleDevices,
    // Common frameworks read these for reproducibility.
    PYTHONHASHSEED: String(inputs.seed),
  };
}
