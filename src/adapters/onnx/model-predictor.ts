/**
 * A model's predictions on data files that may have no labels yet: class labels by name, or
 * regression values. Prediction drift compares them between the reference and fresh data, and a
 * published profile keeps them for the training data (so the drift check needs no training data).
 */
import { loadFeatureMatrix } from '../data/load-feature-matrix.js';
import { ConfigError } from '../../core/errors.js';
import type { MlopsConfig } from '../../core/config/mlops-config.js';
import type { Task } from '../../core/evaluate/report.js';
import { metadataList } from '../../core/onnx/model-metadata.js';
import type { DataBatch } from '../../core/data/batch.js';
import type { Prediction } from '../../core/serve/open-inference.js';
import type { DatasetSchema } from '../../core/schema/dataset-schema.js';
import { FeatureMatrixBuilder, type FeatureMatrix } from '../../core/train/feature-matrix.js';
import { modelClasses } from './model-classes.js';
import { loadOnnxModel } from './onnx-model.js';
import { scoreModel } from './score-model.js';

/** A data file as `expandDataPaths` finds it. */
export type DataFile = { readonly path: string; readonly displayName: string };

export interface ModelPredictor {
  readonly task: Task;
  /** Class names in the model's order; null for regression. */
  readonly classes: readonly string[] | null;
  /** Class labels (classification) or values (regression), one per record. */
  predict(files: readonly DataFile[]): Promise<string[] | Float64Array>;
  /**
   * Records already in memory (a serving request), checked by the caller: labels and the class
   * probabilities in the model's class order (classification), or values (regression).
   */
  predictBatch(batch: DataBatch): Promise<BatchPrediction>;
  release(): Promise<void>;
}

/** What a batch of records gets back: the core's `Prediction` (labels and probabilities, or values). */
export type BatchPrediction = Prediction;

export async function openModelPredictor(options: {
  readonly modelPath: string;
  readonly displayName: string;
  readonly schema: DatasetSchema;
  readonly config: MlopsConfig;
}): Promise<ModelPredictor> {
  const { schema, config } = options;
  const onnx = await loadOnnxModel(options.modelPath, { displayName: options.displayName });
  const target = Object.values(schema.columns).find((c) => c.role === 'target');
  const task: Task =
    config.model.task ??
    (target === undefined || target.type === 'number' ? 'regression' : 'multiclass-classification');
  const regression = task === 'regression';
  const classes = regression
    ? null
    : modelClasses({ configured: config.evaluate?.classes, model: onnx, schema });
  if (!regression && classes === null) {
    await onnx.release();
    throw new ConfigError(
      'the class names of the model are unknown: set evaluate.classes in mlops.yml (or the target values in the schema)',
    );
  }
  const matrixOptions = {
    targetKind: regression ? ('values' as const) : ('classes' as const),
    unlabelled: true,
    ...(classes !== null ? { classes } : {}),
  };
  // The matrix's columns follow the schema, which is fixed for this predictor: map them to the
  // model's inputs once (a server scores many small batches).
  let layout: { features: string[]; index: number[] } | null = null;
  const scoreMatrix = (matrix: FeatureMatrix) => {
    layout ??= (() => {
      const features = metadataList(onnx.metadata['mlops.features']) ?? [...matrix.featureNames];
      return { features, index: features.map((f) => matrix.featureNames.indexOf(f)) };
    })();
    const { features, index } = layout;
    const F = matrix.featureNames.length;
    const x = new Float32Array(matrix.rows * features.length);
    for (let r = 0; r < matrix.rows; r++) {
      for (let f = 0; f < features.length; f++)
        x[r * features.length + f] = matrix.x[r * F + (index[f] ?? 0)] ?? NaN;
    }
    return scoreModel(onnx, x, matrix.rows, {
      task,
      features,
      classes,
      outputs: config.evaluate?.outputs,
      batchSize: config.evaluate?.['batch-size'] ?? 4096,
    });
  };
  return {
    task,
    classes,
    async predict(files) {
      // Features only: fresh data has no labels yet.
      const matrix = await loadFeatureMatrix(files, schema, matrixOptions);
      const scores = await scoreMatrix(matrix);
      if (regression) return scores.values ?? new Float64Array(0);
      return Array.from(scores.labels ?? new Int32Array(0), (i) => classes?.[i] ?? String(i));
    },
    async predictBatch(batch) {
      const builder = new FeatureMatrixBuilder(schema, matrixOptions);
      builder.add(batch);
      const matrix = builder.finish();
      const scores = await scoreMatrix(matrix);
      if (regression)
        return { rows: matrix.rows, classes, values: scores.values ?? new Float64Array(0) };
      return {
        rows: matrix.rows,
        classes,
        labels: Array.from(scores.labels ?? new Int32Array(0), (i) => classes?.[i] ?? String(i)),
        ...(scores.probabilities !== undefined ? { probabilities: scores.probabilities } : {}),
      };
    },
    release: () => onnx.release(),
  };
}
