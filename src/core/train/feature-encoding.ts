/**
 * How a feature column of the schema becomes the numeric columns a model takes. One encoding,
 * used wherever a matrix is built from data (training the built-in baselines, scoring a model in
 * `evaluate`, prediction drift), so that a model trained on a table is scored on the same columns.
 *
 * - number, integer: the value itself; boolean: 1 or 0.
 * - category: one column per allowed value of the schema (`values`), named `<column>=<value>`,
 *   1 for the row's value and 0 for the others. A value outside the list gives all zeros (the
 *   model sees "none of the known values", as scikit-learn's `OneHotEncoder(handle_unknown=
 *   'ignore')` does); a missing value gives NaN in every column, imputed like any missing feature.
 * - datetime (read as UTC): `<column>.year` (the calendar year, a plain number), then sine and
 *   cosine pairs for the cyclic parts, so that December sits next to January and Sunday next to
 *   Monday: `.month_sin/_cos` (angle 2π·(month − 1)/12), `.day_of_year_sin/_cos` (2π·(day of year −
 *   1)/days in that year), `.day_of_week_sin/_cos` (2π·d/7, Monday d = 0 … Sunday d = 6) and
 *   `.hour_sin/_cos` (2π·(hour + minute/60 + second/3600)/24). A column of dates without a time
 *   has hour 0 everywhere: a constant the baselines give no weight (it standardises to 0).
 */
import { ConfigError } from '../errors.js';
import type { ColumnSchema } from '../schema/dataset-schema.js';

/** The parts a datetime feature becomes, in column order, after `<column>.`. */
export const dateTimeParts = [
  'year',
  'month_sin',
  'month_cos',
  'day_of_year_sin',
  'day_of_year_cos',
  'day_of_week_sin',
  'day_of_week_cos',
  'hour_sin',
  'hour_cos',
] as const;

export type EncodedFeature =
  | {
      readonly name: string;
      readonly type: 'number' | 'integer' | 'boolean';
      readonly required: boolean;
      /** The encoded column names (the column's own name). */
      readonly columns: readonly string[];
    }
  | {
      readonly name: string;
      readonly type: 'category';
      readonly required: boolean;
      /** The allowed values, in the schema's order: one column each. */
      readonly values: readonly string[];
      readonly columns: readonly string[];
    }
  | {
      readonly name: string;
      readonly type: 'datetime';
      readonly required: boolean;
      readonly columns: readonly string[];
    };

/**
 * The encoding of one feature column, or a `ConfigError` saying why the column cannot be a
 * feature of a built-in model.
 */
export function encodeFeatureColumn(
  name: string,
  column: ColumnSchema,
  schemaFile = 'schema.yml',
): EncodedFeature {
  const { type, required } = column;
  switch (type) {
    case 'number':
    case 'integer':
    case 'boolean':
      return { name, type, required, columns: [name] };
    case 'category': {
      const values = column.values?.map(String);
      if (values === undefined || values.length === 0) {
        throw new ConfigError(
          `column "${name}" is a category feature without a list of values; one-hot encoding needs them: list them under values, or give it role: ignored`,
          { location: { file: schemaFile, field: `columns.${name}.values` } },
        );
      }
      if (new Set(values).size !== values.length) {
        throw new ConfigError(`the values of "${name}" list a value twice`, {
          location: { file: schemaFile, field: `columns.${name}.values` },
        });
      }
      return {
        name,
        type,
        required,
        values,
        columns: values.map((value) => `${name}=${value}`),
      };
    }
    case 'datetime':
      return { name, type, required, columns: dateTimeParts.map((part) => `${name}.${part}`) };
    default:
      throw new ConfigError(
        `column "${name}" is a feature of type ${type}; built-in models take number, integer, boolean, category (one-hot over its values) and datetime features: make it a category with values, or give it role: ignored`,
        { location: { file: schemaFile, field: `columns.${name}.type` } },
      );
  }
}

/**
 * Writes the one-hot columns of a category value at `out[offset…]`: `index` is the value's
 * position in the allowed values, -1 for a value outside them (all zeros), or NaN for missing.
 */
export function writeOneHot(out: Float64Array, offset: number, width: number, index: number): void {
  for (let i = 0; i < width; i++) {
    out[offset + i] = Number.isNaN(index) ? NaN : i === index ? 1 : 0;
  }
}

const msPerDay = 86_400_000;

/**
 * Writes the datetime parts (see `dateTimeParts`) of an instant, milliseconds since the epoch
 * read as UTC, at `out[offset…]`; NaN writes NaN in every part (missing).
 */
export function writeDateTimeParts(out: Float64Array, offset: number, time: number): void {
  if (Number.isNaN(time)) {
    for (let i = 0; i < dateTimeParts.length; i++) out[offset + i] = NaN;
    return;
  }
  const date = new Date(time);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth(); // 0-based
  const yearStart = Date.UTC(year, 0, 1);
  const dayOfYear = Math.floor((time - yearStart) / msPerDay); // 0-based
  const daysInYear = (Date.UTC(year + 1, 0, 1) - yearStart) / msPerDay;
  const dayOfWeek = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const hour = date.getUTCHours() + date.getUTCMinutes() / 60 + date.getUTCSeconds() / 3600;
  const parts = [
    year,
    ...cyclic(month / 12),
    ...cyclic(dayOfYear / daysInYear),
    ...cyclic(dayOfWeek / 7),
    ...cyclic(hour / 24),
  ];
  for (let i = 0; i < parts.length; i++) out[offset + i] = parts[i] as number;
}

/** Sine and cosine of a fraction of a full turn. */
function cyclic(fraction: number): [number, number] {
  const angle = 2 * Math.PI * fraction;
  return [Math.sin(angle), Math.cos(angle)];
}
