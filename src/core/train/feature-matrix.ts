/**
 * Turns row batches into the dense numeric matrix the built-in baselines train on. Which columns
 * are features and which is the target comes from the dataset schema (roles), never from guessing
 * at the data, so that training, evaluation and the ONNX model's input agree on one column order:
 * the schema's. Category and datetime features become several numeric columns each
 * (`feature-encoding.ts`), the same way for training and for scoring.
 */
import type { Cell, DataBatch } from '../data/batch.js';
import { ConfigError, DataError } from '../errors.js';
import type { ColumnSchema, ColumnType, DatasetSchema } from '../schema/dataset-schema.js';
import {
  displayCell,
  invalid,
  missing,
  toBoolean,
  toDateTime,
  toInteger,
  toNumber,
  toText,
} from '../validate/cell-parsers.js';
import {
  encodeFeatureColumn,
  writeDateTimeParts,
  writeOneHot,
  type EncodedFeature,
} from './feature-encoding.js';

/** What the target holds: class labels (classification) or numbers (regression). */
export type TargetKind = 'classes' | 'values';

export type MatrixTarget =
  | {
      readonly kind: 'classes';
      /** Class names; `labels` hold indexes into this list. */
      readonly classes: readonly string[];
      readonly labels: Int32Array;
    }
  | { readonly kind: 'values'; readonly values: Float64Array };

export interface FeatureMatrix {
  /**
   * Encoded feature columns in schema order (a category or datetime feature gives several, see
   * `feature-encoding.ts`): the column order of `x` and of the model's input.
   */
  readonly featureNames: readonly string[];
  readonly targetName: string;
  readonly rows: number;
  /** Row-major `rows × featureNames.length`; a missing value is NaN. */
  readonly x: Float64Array;
  /** Missing values per encoded column, in `featureNames` order. */
  readonly missing: readonly number[];
  /** Records left out because their target was missing. */
  readonly droppedRows: number;
  readonly target: MatrixTarget;
  /** Text of each requested extra column per kept row (for slices); "(missing)" when null. */
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

export interface FeatureMatrixOptions {
  /**
   * Classification or regression. Default from the target's type: `number` → values; integer,
   * boolean, category and string → classes (an integer target is most often a class code).
   */
  readonly targetKind?: TargetKind;
  /**
   * The class list to use, in order (evaluation data must use the trained model's classes, not
   * those it happens to contain). A target value outside it is a `DataError`. Default: the
   * schema's `values` in their order when given, otherwise the classes seen, sorted.
   */
  readonly classes?: readonly string[];
  /** The schema file as the user named it, for the location of schema mistakes. */
  readonly schemaFile?: string;
  /**
   * Columns whose text to keep for every kept row, aligned with `x` (evaluation slices by
   * group). Collected here because only this builder knows which records it drops.
   */
  readonly extraColumns?: readonly string[];
  /**
   * Features only: the target is not read and no record is dropped for lacking one (fresh data
   * scored for prediction drift has no labels yet). The result's target holds no labels.
   */
  readonly unlabelled?: boolean;
}

const classTypes: readonly ColumnType[] = ['integer', 'boolean', 'category', 'string'];

/**
 * The schema's feature and target columns, checked for what the baselines can train on. Each
 * feature comes with its encoding (`feature-encoding.ts`): the numeric columns it becomes.
 */
export function selectTrainingColumns(
  schema: DatasetSchema,
  schemaFile = 'schema.yml',
): {
  features: EncodedFeature[];
  target: { name: string; column: ColumnSchema };
} {
  const features: EncodedFeature[] = [];
  const targets: { name: string; column: ColumnSchema }[] = [];
  for (const [name, column] of Object.entries(schema.columns)) {
    if (column.role === 'target') targets.push({ name, column });
    if (column.role !== 'feature') continue;
    features.push(encodeFeatureColumn(name, column, schemaFile));
  }
  // An encoded name could equal another column's name ("a=b" as a column and as a category
  // value): the model's columns are found by name, so two of one name would be ambiguous.
  const seen = new Set<string>();
  for (const feature of features) {
    for (const column of feature.columns) {
      if (seen.has(column)) {
        throw new ConfigError(
          `the feature column "${column}" would appear twice once "${feature.name}" is encoded; rename one of the columns`,
          { location: { file: schemaFile, field: `columns.${feature.name}` } },
        );
      }
      seen.add(column);
    }
  }
  if (features.length === 0) {
    throw new ConfigError(
      'the schema has no feature column; built-in baselines need at least one column with role: feature',
      { location: { file: schemaFile, field: 'columns' } },
    );
  }
  const [target, ...others] = targets;
  if (target === undefined || others.length > 0) {
    throw new ConfigError(
      target === undefined
        ? 'the schema has no target column; mark the column to predict with role: target'
        : `the schema has ${targets.length} target columns (${targets.map((t) => t.name).join(', ')}); built-in baselines predict exactly one`,
      { location: { file: schemaFile, field: 'columns' } },
    );
  }
  return { features, target };
}

/** Doubling store for a column of unknown final length. */
class GrowingFloat64 {
  data = new Float64Array(1024);
  length = 0;
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Float64Array(size);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  finish(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Accumulates batches (from any number of files) into a `FeatureMatrix`. Usage: `add` every
 * batch, then `finish` once. A cell that cannot be read as its column's type is a `DataError` at
 * its file and line: data should pass `mlops validate` before it is trained on.
 */
export class FeatureMatrixBuilder {
  private readonly features: EncodedFeature[];
  /** Offset of each feature's first encoded column in a row, and the row width. */
  private readonly offsets: number[];
  private readonly width: number;
  /** Position of each allowed value, per category feature (undefined for the others). */
  private readonly categoryIndex: (Map<string, number> | undefined)[];
  private readonly targetName: string;
  private readonly targetType: ColumnType;
  private readonly targetKind: TargetKind;
  /** Fixed class list (option or schema `values`), or undefined to collect and sort. */
  private readonly fixedClasses: readonly string[] | undefined;
  private readonly x = new GrowingFloat64();
  private readonly y = new GrowingFloat64();
  /** Class name per row while classes are still being collected. */
  private readonly classNames: string[] = [];
  private readonly missingCounts: number[];
  private dropped = 0;
  private rows = 0;
  private readonly extraColumns: readonly string[];
  private readonly extraValues: Map<string, string[]>;
  private readonly unlabelled: boolean;

  constructor(schema: DatasetSchema, options: FeatureMatrixOptions = {}) {
    const schemaFile = options.schemaFile ?? 'schema.yml';
    this.extraColumns = options.extraColumns ?? [];
    this.unlabelled = options.unlabelled ?? false;
    this.extraValues = new Map(this.extraColumns.map((name) => [name, []]));
    const { features, target } = selectTrainingColumns(schema, schemaFile);
    this.features = features;
    this.offsets = [];
    let width = 0;
    for (const feature of features) {
      this.offsets.push(width);
      width += feature.columns.length;
    }
    this.width = width;
    this.categoryIndex = features.map((feature) =>
      feature.type === 'category' ? new Map(feature.values.map((v, i) => [v, i])) : undefined,
    );
    this.missingCounts = new Array<number>(width).fill(0);
    this.targetName = target.name;
    this.targetType = target.column.type;
    this.targetKind =
      options.targetKind ?? (target.column.type === 'number' ? 'values' : 'classes');
    const field = `columns.${target.name}.type`;
    if (this.targetKind === 'values' && !['number', 'integer'].includes(this.targetType)) {
      throw new ConfigError(
        `the target "${target.name}" has type ${this.targetType}; a regression target must be of type number or integer`,
        { location: { file: schemaFile, field } },
      );
    }
    if (this.targetKind === 'classes' && !classTypes.includes(this.targetType)) {
      throw new ConfigError(
        `the target "${target.name}" has type ${this.targetType}; a classification target must be of type category, string, integer or boolean`,
        { location: { file: schemaFile, field } },
      );
    }
    const declared = options.classes ?? target.column.values?.map(String);
    if (this.targetKind === 'classes' && declared !== undefined) {
      if (new Set(declared).size !== declared.length) {
        throw new ConfigError(`the classes of "${target.name}" list a value twice`, {
          location: { file: schemaFile, field: `columns.${target.name}.values` },
        });
      }
      this.fixedClasses = declared;
    }
  }

  add(batch: DataBatch): void {
    const F = this.width;
    const featureCells = this.features.map((feature) => {
      const index = batch.columns.indexOf(feature.name);
      if (index === -1 && feature.required) {
        throw new DataError(
          `the feature column "${feature.name}" is missing; the schema requires it in every file`,
          { location: { file: batch.file } },
        );
      }
      return index === -1 ? undefined : batch.values[index];
    });
    const targetIndex = batch.columns.indexOf(this.targetName);
    const targetCells = this.unlabelled ? [] : batch.values[targetIndex];
    if (targetCells === undefined) {
      throw new DataError(`the target column "${this.targetName}" is missing`, {
        location: { file: batch.file },
      });
    }
    const classIndex = this.fixedClasses && new Map(this.fixedClasses.map((c, i) => [c, i]));
    const extraCells = this.extraColumns.map((name) => {
      const index = batch.columns.indexOf(name);
      if (index === -1) {
        throw new DataError(`the slice column "${name}" is missing`, {
          location: { file: batch.file },
        });
      }
      return { values: this.extraValues.get(name) as string[], cells: batch.values[index] ?? [] };
    });
    this.x.reserve(batch.rows * F);
    this.y.reserve(batch.rows);
    for (let r = 0; r < batch.rows; r++) {
      const where = (column: string) => ({
        file: batch.file,
        line: batch.lines[r],
        field: column,
      });
      const label = this.unlabelled ? null : this.readTarget(targetCells[r] ?? null, where);
      if (label === undefined) {
        this.dropped++;
        continue;
      }
      if (label === null) {
        // Unlabelled: features only.
      } else if (typeof label === 'number') {
        this.y.data[this.y.length++] = label;
      } else if (classIndex) {
        const index = classIndex.get(label);
        if (index === undefined) {
          throw new DataError(
            `the target "${this.targetName}" is "${label}", which is not one of the classes ${JSON.stringify(this.fixedClasses)}`,
            { location: where(this.targetName) },
          );
        }
        this.y.data[this.y.length++] = index;
      } else {
        this.classNames.push(label);
      }
      const base = this.x.length;
      for (let f = 0; f < this.features.length; f++) {
        const feature = this.features[f] as EncodedFeature;
        const offset = this.offsets[f] as number;
        const cell = featureCells[f]?.[r] ?? null;
        if (feature.type === 'category') {
          const index = readCategory(
            feature,
            this.categoryIndex[f] as Map<string, number>,
            cell,
            where,
          );
          writeOneHot(this.x.data, base + offset, feature.columns.length, index);
        } else if (feature.type === 'datetime') {
          writeDateTimeParts(this.x.data, base + offset, readDateTime(feature, cell, where));
        } else {
          this.x.data[base + offset] = readFeature(feature, cell, where);
        }
      }
      for (let c = 0; c < F; c++) {
        if (Number.isNaN(this.x.data[base + c])) (this.missingCounts[c] as number)++;
      }
      this.x.length += F;
      this.rows++;
      for (const extra of extraCells) {
        const cell = extra.cells[r] ?? null;
        extra.values.push(
          cell === null ? '(missing)' : cell instanceof Date ? cell.toISOString() : String(cell),
        );
      }
    }
  }

  finish(): FeatureMatrix {
    const common = {
      featureNames: this.features.flatMap((f) => f.columns),
      targetName: this.targetName,
      rows: this.rows,
      x: this.x.finish(),
      missing: [...this.missingCounts],
      droppedRows: this.dropped,
      extra: Object.fromEntries(this.extraValues),
    };
    if (this.unlabelled) {
      return {
        ...common,
        target:
          this.targetKind === 'values'
            ? { kind: 'values', values: new Float64Array(0) }
            : {
                kind: 'classes',
                classes: [...(this.fixedClasses ?? [])],
                labels: new Int32Array(0),
              },
      };
    }
    if (this.targetKind === 'values') {
      return { ...common, target: { kind: 'values', values: this.y.finish() } };
    }
    if (this.fixedClasses) {
      return {
        ...common,
        target: {
          kind: 'classes',
          classes: [...this.fixedClasses],
          labels: Int32Array.from(this.y.finish()),
        },
      };
    }
    const classes = [...new Set(this.classNames)].sort(
      this.targetType === 'integer' ? (a, b) => Number(a) - Number(b) : byCodePoint,
    );
    const index = new Map(classes.map((c, i) => [c, i]));
    const labels = Int32Array.from(this.classNames, (name) => index.get(name) as number);
    return { ...common, target: { kind: 'classes', classes, labels } };
  }

  /** The target as a number (regression) or class name; undefined when missing. */
  private readTarget(
    cell: Cell,
    where: (column: string) => { file: string; line: number | undefined; field: string },
  ): number | string | undefined {
    if (cell === null) return undefined;
    const bad = (): never => {
      throw new DataError(
        `the target "${this.targetName}" is "${displayCell(cell)}", not a valid ${this.targetType}${this.targetKind === 'values' ? ' (regression needs finite numbers)' : ''}`,
        { location: where(this.targetName) },
      );
    };
    if (this.targetKind === 'values') {
      const value = toNumber(cell);
      if (value === missing) return undefined;
      if (value === invalid || !Number.isFinite(value)) return bad();
      return value;
    }
    switch (this.targetType) {
      case 'integer': {
        const value = toInteger(cell);
        return value === invalid ? bad() : String(value);
      }
      case 'boolean': {
        const value = toBoolean(cell);
        return value === invalid ? bad() : String(value);
      }
      default: {
        const value = toText(cell);
        return value === invalid ? bad() : value;
      }
    }
  }
}

/** A feature cell as a number; NaN when missing. Infinite values cannot be standardised. */
function readFeature(
  feature: EncodedFeature,
  cell: Cell,
  where: (column: string) => { file: string; line: number | undefined; field: string },
): number {
  if (cell === null) return NaN;
  if (feature.type === 'boolean') {
    const value = toBoolean(cell);
    if (value !== invalid) return value ? 1 : 0;
  } else {
    // Integer columns are read as numbers too: "3.0" in an integer column trains the same.
    const value = toNumber(cell);
    if (value === missing) return NaN;
    if (value !== invalid && Number.isFinite(value)) return value;
    if (value !== invalid) {
      throw new DataError(
        `the feature "${feature.name}" is ${displayCell(cell)}; built-in baselines need finite numbers (leave the cell empty to mark it missing)`,
        { location: where(feature.name) },
      );
    }
  }
  throw new DataError(
    `the feature "${feature.name}" is "${displayCell(cell)}", not a valid ${feature.type}; run mlops validate to find every such cell`,
    { location: where(feature.name) },
  );
}

/** Position of a category cell among the allowed values; -1 outside them; NaN when missing. */
function readCategory(
  feature: EncodedFeature,
  index: Map<string, number>,
  cell: Cell,
  where: (column: string) => { file: string; line: number | undefined; field: string },
): number {
  if (cell === null) return NaN;
  const text = toText(cell);
  if (text === invalid) {
    throw new DataError(
      `the feature "${feature.name}" is "${displayCell(cell)}", not a valid category; run mlops validate to find every such cell`,
      { location: where(feature.name) },
    );
  }
  return index.get(text) ?? -1;
}

/** A datetime cell as milliseconds since the epoch; NaN when missing. */
function readDateTime(
  feature: EncodedFeature,
  cell: Cell,
  where: (column: string) => { file: string; line: number | undefined; field: string },
): number {
  if (cell === null) return NaN;
  const time = toDateTime(cell);
  if (time === invalid) {
    throw new DataError(
      `the feature "${feature.name}" is "${displayCell(cell)}", not a valid datetime (ISO 8601, such as 2024-05-31 or 2024-05-31T12:00:00Z); run mlops validate to find every such cell`,
      { location: where(feature.name) },
    );
  }
  return time;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
