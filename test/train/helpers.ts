/** Shared set-up for the built-in baseline tests: the data sets, their schemas, and splits. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import {
  datasetSchemaSchema,
  parseDatasetSchema,
  type DatasetSchema,
} from '../../src/core/schema/dataset-schema.js';
import type { FeatureMatrix } from '../../src/core/train/feature-matrix.js';

export const repoPath = (rel: string): string =>
  fileURLToPath(new URL(`../../${rel}`, import.meta.url));

export const breastCancer = {
  schema: (): DatasetSchema =>
    parseDatasetSchema(
      readFileSync(repoPath('examples/breast-cancer/schema.yml'), 'utf8'),
      'examples/breast-cancer/schema.yml',
    ),
  train: repoPath('examples/breast-cancer/data/train.csv'),
  eval: repoPath('examples/breast-cancer/data/eval.csv'),
};

/** A schema of numeric features and one target, in the given column order. */
export function numericSchema(
  features: readonly string[],
  target: string,
  targetType: 'category' | 'number',
  values?: readonly string[],
): DatasetSchema {
  return datasetSchemaSchema.parse({
    columns: {
      ...Object.fromEntries(features.map((name) => [name, { type: 'number' }])),
      [target]: { type: targetType, role: 'target', ...(values ? { values } : {}) },
    },
  });
}

export const wineSchema = numericSchema(
  [
    'alcohol',
    'malic_acid',
    'ash',
    'alcalinity_of_ash',
    'magnesium',
    'total_phenols',
    'flavanoids',
    'nonflavanoid_phenols',
    'proanthocyanins',
    'color_intensity',
    'hue',
    'od280/od315_of_diluted_wines',
    'proline',
  ],
  'cultivar',
  'category',
);

export const irisSchema = numericSchema(
  ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'],
  'species',
  'category',
);

export const diabetesSchema = numericSchema(
  ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'],
  'progression',
  'number',
);

export const fixture = (name: string): string => repoPath(`test/fixtures/datasets/${name}`);

export async function loadMatrix(file: string, schema: DatasetSchema): Promise<FeatureMatrix> {
  return loadFeatureMatrix([file], schema);
}

/**
 * The deterministic split the tests use for the one-file data sets: every 5th record (0, 5, 10,
 * ...) is held out for evaluation, the rest trains. The files are sorted by class, so each class
 * keeps its share in both parts.
 */
export function splitEveryFifth(matrix: FeatureMatrix): {
  train: FeatureMatrix;
  eval: FeatureMatrix;
} {
  return {
    train: takeRows(matrix, (r) => r % 5 !== 0),
    eval: takeRows(matrix, (r) => r % 5 === 0),
  };
}

export function takeRows(matrix: FeatureMatrix, keep: (row: number) => boolean): FeatureMatrix {
  const F = matrix.featureNames.length;
  const rows: number[] = [];
  for (let r = 0; r < matrix.rows; r++) if (keep(r)) rows.push(r);
  const x = new Float64Array(rows.length * F);
  rows.forEach((r, i) => x.set(matrix.x.subarray(r * F, (r + 1) * F), i * F));
  const missing = matrix.featureNames.map(
    (_, f) => rows.filter((r) => Number.isNaN(matrix.x[r * F + f])).length,
  );
  const target = matrix.target;
  return {
    ...matrix,
    rows: rows.length,
    x,
    missing,
    target:
      target.kind === 'classes'
        ? {
            kind: 'classes',
            classes: target.classes,
            labels: Int32Array.from(rows, (r) => target.labels[r] as number),
          }
        : { kind: 'values', values: Float64Array.from(rows, (r) => target.values[r] as number) },
  };
}

/** A copy of `x` with every `step`-th value (from `offset`) replaced by NaN. */
export function withHoles(x: Float64Array, step: number, offset = 0): Float64Array {
  const copy = Float64Array.from(x);
  for (let i = offset; i < copy.length; i += step) copy[i] = NaN;
  return copy;
}

/** Fraction of positions where two label arrays agree with `truth`. */
export function accuracy(predicted: Int32Array, truth: Int32Array): number {
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) correct++;
  return correct / truth.length;
}

export function r2(predicted: Float64Array, truth: Float64Array): number {
  const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < truth.length; i++) {
    residual += ((truth[i] as number) - (predicted[i] as number)) ** 2;
    total += ((truth[i] as number) - mean) ** 2;
  }
  return 1 - residual / total;
}
