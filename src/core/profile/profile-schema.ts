/**
 * `profile.json`: a profile as stored next to a model version.
 *
 * ```json
 * { "format": "mlops-profile", "version": 1, "rows": 3, "files": [{ "path": "train.csv" }],
 *   "options": { "maxDistinct": 100000, "alpha": 0.0001, "maxCategories": 100000 },
 *   "columns": {
 *     "age":  { "type": "integer", "role": "feature", "missing": 0, "invalid": 0, "count": 3,
 *               "nan": 0, "posInf": 0, "negInf": 0, "min": 30, "max": 41, "mean": 35,
 *               "m2": 61, "sum": 105, "exact": true, "values": [30, 34, 41], "counts": [1, 1, 1] },
 *     "city": { "type": "category", "role": "feature", "missing": 1, "invalid": 0,
 *               "exact": true, "other": 0, "values": ["Oslo"], "counts": [2] },
 *     "date": { "type": "datetime", "role": "feature", "missing": 0, "invalid": 0,
 *               "min": "2024-01-01T00:00:00.000Z", "max": "...", "hour": { numeric stats } },
 *     "note": { "type": "text", ..., "length": { numeric stats },
 *               "tokens": { "exact": true, "other": 0, "values": [...], "counts": [...] },
 *               "tokenCount": 12 } } }
 * ```
 *
 * Distributions are stored as parallel arrays (`values`, `counts`): numeric values ascending,
 * categories most frequent first. A profile's size follows its distinct values, not its rows: the
 * 3,000,000-row flights data set (two integer columns with a few thousand distinct values, two
 * categories of about 300 airports, a date) takes a few tens of KB.
 *
 * Reading checks more than shapes: numeric values ascending and distinct, counts adding up, and
 * missing + invalid + valid values = rows in every column, so a hand-edited or truncated file is
 * refused with the path of the first bad field.
 */
import { z } from 'zod';
import { formatPath } from '../config/located-yaml.js';
import { DataError } from '../errors.js';
import type { CategorySummary } from './category-summary.js';
import type { NumericSummary } from './numeric-summary.js';
import {
  isoDateTime,
  type ColumnProfile,
  type DataProfile,
  type PredictionProfile,
} from './profile.js';

const count = z.int().min(0);
const role = z.enum(['feature', 'target', 'prediction']);

const numericShape = {
  count,
  nan: count,
  posInf: count,
  negInf: count,
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number(),
  m2: z.number().min(0),
  sum: z.number(),
  exact: z.boolean(),
  values: z.array(z.number()),
  counts: z.array(z.int().positive()),
};

type NumericJson = z.output<z.ZodObject<typeof numericShape>>;

/** One count per value; false (with an issue) when the two lists differ in length. */
function checkOneCountPerValue(
  stats: { values: readonly unknown[]; counts: readonly number[] },
  ctx: z.RefinementCtx,
): boolean {
  if (stats.values.length === stats.counts.length) return true;
  ctx.addIssue({
    code: 'custom',
    path: ['counts'],
    message: `expected ${stats.values.length} counts (one per value), got ${stats.counts.length}`,
  });
  return false;
}

function checkNumeric(stats: NumericJson, ctx: z.RefinementCtx): void {
  if (!checkOneCountPerValue(stats, ctx)) return;
  for (let i = 1; i < stats.values.length; i++) {
    if (!((stats.values[i] as number) > (stats.values[i - 1] as number))) {
      ctx.addIssue({
        code: 'custom',
        path: ['values', i],
        message: 'values must be distinct and in ascending order',
      });
      return;
    }
  }
  const total = stats.counts.reduce((sum, c) => sum + c, 0);
  if (total !== stats.count) {
    ctx.addIssue({
      code: 'custom',
      path: ['counts'],
      message: `counts add up to ${total}, but count is ${stats.count}`,
    });
  }
  if (
    (stats.min === null) !== (stats.count === 0) ||
    (stats.max === null) !== (stats.count === 0)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['min'],
      message: 'min and max must be null exactly when there are no values',
    });
  }
}

const numericStats = z.strictObject(numericShape).superRefine(checkNumeric);

const categoryShape = {
  exact: z.boolean(),
  other: count,
  values: z.array(z.string()),
  counts: z.array(z.int().positive()),
};

type CategoryJson = z.output<z.ZodObject<typeof categoryShape>>;

function checkCategories(stats: CategoryJson, ctx: z.RefinementCtx): void {
  checkOneCountPerValue(stats, ctx);
  const seen = new Set<string>();
  stats.values.forEach((value, i) => {
    if (seen.has(value)) {
      ctx.addIssue({ code: 'custom', path: ['values', i], message: `"${value}" appears twice` });
    }
    seen.add(value);
  });
  if (stats.exact !== (stats.other === 0)) {
    ctx.addIssue({
      code: 'custom',
      path: ['exact'],
      message: 'exact must be true exactly when other is 0',
    });
  }
}

const categoryStats = z.strictObject(categoryShape).superRefine(checkCategories);

const base = { role, missing: count, invalid: count };

const numericColumn = z
  .strictObject({ type: z.enum(['number', 'integer']), ...base, ...numericShape })
  .superRefine(checkNumeric);
const categoricalColumn = z
  .strictObject({ type: z.enum(['category', 'string', 'boolean']), ...base, ...categoryShape })
  .superRefine(checkCategories);
const datetimeColumn = z.strictObject({
  type: z.literal('datetime'),
  ...base,
  min: z.iso.datetime().nullable(),
  max: z.iso.datetime().nullable(),
  hour: numericStats,
});
const textColumn = z.strictObject({
  type: z.literal('text'),
  ...base,
  length: numericStats,
  tokens: categoryStats,
  tokenCount: count,
});

const columnJson = z.discriminatedUnion('type', [
  numericColumn,
  categoricalColumn,
  datetimeColumn,
  textColumn,
]);
type ColumnJson = z.output<typeof columnJson>;

/** Valid values of a column: what is neither missing nor invalid. */
function validValues(column: ColumnJson): number {
  switch (column.type) {
    case 'number':
    case 'integer':
      return column.count + column.nan + column.posInf + column.negInf;
    case 'category':
    case 'string':
    case 'boolean':
      return column.counts.reduce((sum, c) => sum + c, column.other);
    case 'datetime':
      return column.hour.count;
    case 'text':
      return column.length.count;
  }
}

export const profileJsonSchema = z
  .strictObject({
    format: z.literal('mlops-profile'),
    version: z.literal(1),
    rows: count,
    files: z.array(
      z.strictObject({
        path: z.string().min(1),
        sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hexadecimal digits')
          .optional(),
      }),
    ),
    created: isoDateTime.optional(),
    options: z.strictObject({
      maxDistinct: z.int().min(1),
      alpha: z.number().gt(0).lt(1),
      maxCategories: z.int().min(1),
    }),
    columns: z.record(z.string(), columnJson),
    predictions: z
      .strictObject({
        model: z
          .string()
          .regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256: and 64 lower-case hexadecimal digits'),
        column: z.discriminatedUnion('type', [numericColumn, categoricalColumn]),
      })
      .optional()
      .describe("The model's predictions on the profiled records, profiled like a column"),
  })
  .superRefine((profile, ctx) => {
    const checked: [readonly string[], ColumnJson][] = Object.entries(profile.columns).map(
      ([name, column]) => [['columns', name], column],
    );
    if (profile.predictions) checked.push([['predictions', 'column'], profile.predictions.column]);
    for (const [path, column] of checked) {
      const prediction = path[0] === 'predictions';
      if ((column.role === 'prediction') !== prediction) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'role'],
          message: prediction
            ? 'the predictions column has role prediction'
            : 'only the predictions column has role prediction',
        });
      }
      const total = column.missing + column.invalid + validValues(column);
      if (total !== profile.rows) {
        ctx.addIssue({
          code: 'custom',
          path: [...path],
          message: `missing, invalid and valid values add up to ${total}, but the profile has ${profile.rows} rows`,
        });
      }
    }
  })
  .describe('mlops-actions data profile (profile.json)');

export type ProfileJson = z.output<typeof profileJsonSchema>;

function numericToJson(stats: NumericSummary): NumericJson {
  return {
    count: stats.count,
    nan: stats.nan,
    posInf: stats.posInf,
    negInf: stats.negInf,
    min: stats.min,
    max: stats.max,
    mean: stats.mean,
    m2: stats.m2,
    sum: stats.sum,
    exact: stats.exact,
    values: Array.from(stats.values),
    counts: Array.from(stats.counts),
  };
}

function categoriesToJson(stats: CategorySummary): CategoryJson {
  return {
    exact: stats.exact,
    other: stats.other,
    values: [...stats.counts.keys()],
    counts: [...stats.counts.values()],
  };
}

function columnToJson(column: ColumnProfile): ColumnJson {
  const head = { role: column.role, missing: column.missing, invalid: column.invalid };
  switch (column.type) {
    case 'number':
    case 'integer':
      return { type: column.type, ...head, ...numericToJson(column) };
    case 'category':
    case 'string':
    case 'boolean':
      return { type: column.type, ...head, ...categoriesToJson(column) };
    case 'datetime':
      return {
        type: 'datetime',
        ...head,
        min: column.min,
        max: column.max,
        hour: numericToJson(column.hour),
      };
    case 'text':
      return {
        type: 'text',
        ...head,
        length: numericToJson(column.length),
        tokens: categoriesToJson(column.tokens),
        tokenCount: column.tokenCount,
      };
  }
}

/** The profile as a JSON-able object (`JSON.stringify` it to write `profile.json`). */
export function serializeProfile(profile: DataProfile): ProfileJson {
  return {
    format: 'mlops-profile',
    version: 1,
    rows: profile.rows,
    files: profile.files.map((file) =>
      file.sha256 === undefined ? { path: file.path } : { path: file.path, sha256: file.sha256 },
    ),
    ...(profile.created === undefined ? {} : { created: profile.created }),
    options: { ...profile.options },
    columns: Object.fromEntries(
      [...profile.columns].map(([name, column]) => [name, columnToJson(column)]),
    ),
    ...(profile.predictions
      ? {
          predictions: {
            model: profile.predictions.model,
            column: columnToJson(profile.predictions.column) as PredictionColumnJson,
          },
        }
      : {}),
  };
}

type PredictionColumnJson = NonNullable<ProfileJson['predictions']>['column'];

function numericFromJson(stats: NumericJson): NumericSummary {
  return {
    ...stats,
    values: Float64Array.from(stats.values),
    counts: Float64Array.from(stats.counts),
  };
}

function categoriesFromJson(stats: CategoryJson): CategorySummary {
  return {
    exact: stats.exact,
    other: stats.other,
    counts: new Map(stats.values.map((value, i) => [value, stats.counts[i] as number])),
  };
}

function columnFromJson(column: ColumnJson): ColumnProfile {
  const head = { role: column.role, missing: column.missing, invalid: column.invalid };
  switch (column.type) {
    case 'number':
    case 'integer': {
      const { type, role: _role, missing: _missing, invalid: _invalid, ...stats } = column;
      return { type, ...head, ...numericFromJson(stats) };
    }
    case 'category':
    case 'string':
    case 'boolean': {
      const { type, role: _role, missing: _missing, invalid: _invalid, ...stats } = column;
      return { type, ...head, ...categoriesFromJson(stats) };
    }
    case 'datetime':
      return {
        type: 'datetime',
        ...head,
        min: column.min,
        max: column.max,
        hour: numericFromJson(column.hour),
      };
    case 'text':
      return {
        type: 'text',
        ...head,
        length: numericFromJson(column.length),
        tokens: categoriesFromJson(column.tokens),
        tokenCount: column.tokenCount,
      };
  }
}

/**
 * Reads a parsed `profile.json`. A malformed one is a DataError naming `file` and the path of the
 * first bad field (such as `columns.age.values[3]`).
 */
export function parseProfile(json: unknown, file: string): DataProfile {
  const result = profileJsonSchema.safeParse(json);
  if (!result.success) {
    const [issue] = result.error.issues;
    const path = (issue?.path ?? []).map((segment) =>
      typeof segment === 'number' ? segment : String(segment),
    );
    throw new DataError(`not a valid profile: ${issue?.message ?? 'invalid'}`, {
      location: { file, ...(path.length > 0 ? { field: formatPath(path) } : {}) },
    });
  }
  const profile = result.data;
  return {
    rows: profile.rows,
    files: profile.files.map((f) =>
      f.sha256 === undefined ? { path: f.path } : { path: f.path, sha256: f.sha256 },
    ),
    ...(profile.created === undefined ? {} : { created: profile.created }),
    options: profile.options,
    columns: new Map(
      Object.entries(profile.columns).map(([name, column]) => [name, columnFromJson(column)]),
    ),
    ...(profile.predictions ? { predictions: predictionsFromJson(profile.predictions) } : {}),
  };
}

function predictionsFromJson(json: NonNullable<ProfileJson['predictions']>): PredictionProfile {
  const column = columnFromJson(json.column);
  // The schema admits only number, integer, category, string and boolean columns here.
  return { model: json.model, column: column as PredictionProfile['column'] };
}
