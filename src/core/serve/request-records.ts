/**
 * Records in a request, checked against the dataset schema before the model sees them. A request's
 * records become one `DataBatch` (column-major, as the data readers hand files over), so the same
 * column checks that validate a data set check a request, and the same feature encoding that
 * trained the model encodes it. Record numbers in messages are 0-based, as the client indexed its
 * array.
 */
import type { Cell, DataBatch } from '../data/batch.js';
import type { DatasetSchema } from '../schema/dataset-schema.js';
import { compileColumn, type CellFinding, type ColumnChecker } from '../validate/column-checker.js';
import { RequestError } from './request-error.js';

export interface RecordLimits {
  /** Most records in one request; more answer 413. */
  readonly maxBatch: number;
}

/** The schema's columns a request carries: the features (ids are accepted and kept for the log). */
export interface RequestColumns {
  readonly features: readonly string[];
  /** Id columns: optional in a request, logged when given (they join later labels). */
  readonly ids: readonly string[];
  readonly checkers: ReadonlyMap<string, ColumnChecker>;
  /** Columns a record may carry but that are not read (the target, ignored columns). */
  readonly tolerated: ReadonlySet<string>;
}

export function requestColumns(schema: DatasetSchema): RequestColumns {
  const features: string[] = [];
  const ids: string[] = [];
  const checkers = new Map<string, ColumnChecker>();
  const tolerated = new Set<string>();
  for (const [name, column] of Object.entries(schema.columns)) {
    if (column.role === 'feature') {
      features.push(name);
      // Uniqueness is a property of a data set, not of one request: a request is checked for
      // everything else.
      checkers.set(name, compileColumn(name, { ...column, unique: false }));
    } else if (column.role === 'id') {
      ids.push(name);
    } else {
      tolerated.add(name);
    }
  }
  return { features, ids, checkers, tolerated };
}

/** The records of a KServe V1 `:predict` body (`{"instances": [{...}, ...]}`) as one batch. */
export function recordsToBatch(
  body: unknown,
  columns: RequestColumns,
  limits: RecordLimits,
): { batch: DataBatch; ids: (string | null)[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RequestError(400, 'expected a JSON object {"instances": [{...}, ...]}');
  }
  const instances = (body as Record<string, unknown>)['instances'];
  if (!Array.isArray(instances)) {
    throw new RequestError(
      400,
      'expected "instances": an array of records, each an object keyed by feature name',
    );
  }
  if (instances.length === 0) throw new RequestError(400, '"instances" is empty');
  if (instances.length > limits.maxBatch) {
    throw new RequestError(
      413,
      `${instances.length} records in one request; the limit is ${limits.maxBatch} (--max-batch)`,
    );
  }
  const known = new Set([...columns.features, ...columns.ids, ...columns.tolerated]);
  const values = columns.features.map(() => new Array<Cell>(instances.length));
  const ids: (string | null)[] = new Array<string | null>(instances.length).fill(null);
  instances.forEach((record, r) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new RequestError(400, `record ${r}: expected an object keyed by feature name`);
    }
    const fields = record as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (!known.has(key)) {
        throw new RequestError(
          400,
          `record ${r}, field "${key}": not a column of the schema (features: ${columns.features.join(', ')})`,
        );
      }
    }
    columns.features.forEach((name, f) => {
      const value = fields[name];
      (values[f] as Cell[])[r] = toCell(value, r, name);
    });
    const id = columns.ids.map((name) => fields[name]).find((v) => v !== undefined && v !== null);
    if (id !== undefined) ids[r] = String(id);
  });
  const batch: DataBatch = {
    file: 'request',
    format: 'jsonl',
    columns: columns.features,
    rows: instances.length,
    lines: Uint32Array.from(instances, (_, r) => r),
    values,
  };
  checkBatch(batch, columns);
  return { batch, ids };
}

/** A JSON value as the JSONL reader would hand it over; an absent field is a missing value. */
function toCell(value: unknown, record: number, field: string): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  throw new RequestError(
    400,
    `record ${record}, field "${field}": expected a number, string or boolean, not ${Array.isArray(value) ? 'an array' : 'an object'}`,
  );
}

/** Runs every feature's checks; the first finding is the request's error. */
export function checkBatch(batch: DataBatch, columns: RequestColumns): void {
  batch.columns.forEach((name, c) => {
    const checker = columns.checkers.get(name);
    if (checker === undefined) return;
    let first: CellFinding | undefined;
    checker.check(batch.values[c] ?? [], batch.lines, (finding) => {
      first ??= finding;
    });
    if (first !== undefined) {
      const what = first.rule === 'null' ? 'missing (the feature is required)' : first.message;
      throw new RequestError(
        400,
        `record ${first.index}, field "${name}": ${what}; expected ${first.expected} (rule: ${first.rule})`,
      );
    }
  });
}
