/**
 * `schema.yml`: what a data set must look like. Column rules are checked cell by cell by the
 * validator; data-set rules (required columns, extra columns, row counts) per file.
 */
import { z } from 'zod';
import { parseLocatedYaml, parseWithSchema } from '../config/located-yaml.js';
import { parseDateTime } from './datetime.js';

export const columnTypes = [
  'number',
  'integer',
  'boolean',
  'category',
  'string',
  'datetime',
  'text',
] as const;
export type ColumnType = (typeof columnTypes)[number];

export const columnRoles = ['feature', 'target', 'id', 'ignored'] as const;
export type ColumnRole = (typeof columnRoles)[number];

/** Which optional rules make sense for which type; anything else is a mistake in the schema. */
const rulesByType: Record<ColumnType, readonly string[]> = {
  number: ['min', 'max', 'unique', 'values'],
  integer: ['min', 'max', 'unique', 'values'],
  boolean: [],
  category: ['values', 'pattern', 'min-length', 'max-length', 'unique'],
  string: ['values', 'pattern', 'min-length', 'max-length', 'unique'],
  text: ['pattern', 'min-length', 'max-length'],
  datetime: ['min', 'max', 'unique'],
};

const bound = z.union([z.number(), z.string().min(1)]);
const length = z.int().min(0);

const columnSchema = z
  .strictObject({
    type: z.enum(columnTypes).describe('The type every non-missing value must have'),
    nullable: z.boolean().default(false).describe('Whether missing values are allowed'),
    required: z
      .boolean()
      .default(true)
      .describe('Whether the column must be present in every file'),
    role: z.enum(columnRoles).default('feature').describe('How training and evaluation use it'),
    description: z.string().optional(),
    min: bound.optional().describe('Smallest allowed value (number, integer, datetime)'),
    max: bound.optional().describe('Largest allowed value (number, integer, datetime)'),
    values: z
      .array(z.union([z.string(), z.number(), z.boolean()]))
      .min(1)
      .optional()
      .describe('Allowed values'),
    pattern: z
      .string()
      .min(1)
      .optional()
      .describe('Regular expression every value must match in full'),
    'min-length': length.optional().describe('Fewest characters'),
    'max-length': length.optional().describe('Most characters'),
    unique: z.boolean().default(false).describe('No value may appear twice in a file'),
  })
  .superRefine((column, ctx) => {
    const allowed = rulesByType[column.type];
    for (const rule of ['min', 'max', 'values', 'pattern', 'min-length', 'max-length'] as const) {
      if (column[rule] !== undefined && !allowed.includes(rule)) {
        ctx.addIssue({
          code: 'custom',
          path: [rule],
          message: `"${rule}" does not apply to type ${column.type}; it applies to: ${typesWith(rule).join(', ')}`,
        });
      }
    }
    if (column.unique && !allowed.includes('unique')) {
      ctx.addIssue({
        code: 'custom',
        path: ['unique'],
        message: `"unique" does not apply to type ${column.type}`,
      });
    }
    for (const side of ['min', 'max'] as const) {
      const value = column[side];
      if (value === undefined || !allowed.includes(side)) continue;
      if (column.type === 'datetime') {
        if (parseDateTime(String(value)) === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [side],
            message: `expected an ISO 8601 date or date-time such as 2024-01-31 or 2024-01-31T12:00:00Z, got "${String(value)}"`,
          });
        }
      } else if (typeof value !== 'number') {
        ctx.addIssue({
          code: 'custom',
          path: [side],
          message: `expected a number, got "${value}"`,
        });
      }
    }
    if (
      typeof column.min === 'number' &&
      typeof column.max === 'number' &&
      column.min > column.max
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['max'],
        message: `max (${column.max}) is below min (${column.min})`,
      });
    }
    const minLength = column['min-length'];
    const maxLength = column['max-length'];
    if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) {
      ctx.addIssue({
        code: 'custom',
        path: ['max-length'],
        message: `max-length (${maxLength}) is below min-length (${minLength})`,
      });
    }
    if (column.pattern !== undefined) {
      try {
        new RegExp(column.pattern, 'u');
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          path: ['pattern'],
          message: `not a valid regular expression: ${(error as Error).message}`,
        });
      }
    }
  })
  .describe('Rules for one column');

export const datasetSchemaSchema = z
  .strictObject({
    version: z.literal(1).default(1),
    columns: z
      .record(z.string().min(1), columnSchema)
      .refine((columns) => Object.keys(columns).length > 0, {
        message: 'expected at least one column',
      })
      .describe('The columns, by name, in the order they are expected'),
    'extra-columns': z
      .enum(['error', 'warn', 'ignore'])
      .default('error')
      .describe('What to do with a column the schema does not list'),
    rows: z
      .strictObject({ min: z.int().min(0).optional(), max: z.int().min(0).optional() })
      .optional()
      .describe('Bounds on the number of records in each file'),
    'null-values': z
      .array(z.string())
      .default([''])
      .describe('Text that means "missing" in CSV files'),
  })
  .describe('mlops-actions dataset schema (schema.yml)');

export type DatasetSchema = z.output<typeof datasetSchemaSchema>;
export type ColumnSchema = DatasetSchema['columns'][string];

function typesWith(rule: string): ColumnType[] {
  return columnTypes.filter((type) => rulesByType[type].includes(rule));
}

/** Parses and validates the text of a `schema.yml`. */
export function parseDatasetSchema(text: string, file: string): DatasetSchema {
  return parseWithSchema(datasetSchemaSchema, parseLocatedYaml(text, file), 'schema');
}
