/**
 * Proposes a dataset schema from data: the narrowest type every value fits, observed ranges,
 * categories up to a cardinality limit, nullability, and id-like unique columns. The proposal is
 * a starting point for a person to tighten, with one promise: the data it was inferred from
 * passes it.
 */
import type { Cell, DataBatch } from '../data/batch.js';
import {
  invalid,
  missing,
  parseIntegerText,
  parseNumberText,
  toBoolean,
  toDateTime,
} from '../validate/cell-parsers.js';
import type { ColumnSchema, DatasetSchema } from './dataset-schema.js';

export interface InferOptions {
  /** Most distinct values a text column may have to be proposed as a category. */
  readonly maxCategories?: number;
  /** The target column, if known; its role becomes `target`. */
  readonly target?: string | undefined;
}

/** Beyond this many distinct values we stop tracking uniqueness, to keep memory bounded. */
const uniquenessLimit = 1_000_000;
const idName = /(^|[\s_.-])(id|uuid|guid|key)$|^id$/i;

class ColumnStats {
  nulls = 0;
  values = 0;
  isBoolean = true;
  isInteger = true;
  isNumber = true;
  isDateTime = true;
  min = Infinity;
  max = -Infinity;
  minTime = Infinity;
  maxTime = -Infinity;
  minTimeText = '';
  maxTimeText = '';
  totalLength = 0;
  withSpaces = 0;
  /** Distinct values seen, until there are more than we track. */
  distinct: Set<string> | undefined = new Set();
  unique = true;
  sawText = false;

  add(cell: Cell, maxCategories: number): void {
    if (cell === null) {
      this.nulls++;
      return;
    }
    const text = cell instanceof Date ? cell.toISOString() : String(cell);
    if (typeof cell === 'string') this.sawText = true;
    if (
      this.isBoolean &&
      (toBoolean(cell) === invalid || (typeof cell !== 'boolean' && /^[01]$/.test(text)))
    ) {
      this.isBoolean = false;
    }
    if (this.isNumber) {
      let value: number | typeof invalid | typeof missing;
      if (typeof cell === 'number') value = cell;
      else if (typeof cell === 'bigint') value = Number(cell);
      else if (typeof cell === 'string') value = parseNumberText(cell);
      else value = invalid;
      if (value === missing) {
        // NaN in a number column is a missing value, as the validator reads it.
        this.nulls++;
        return;
      }
      if (value === invalid) {
        this.isNumber = false;
        this.isInteger = false;
      } else {
        if (value < this.min) this.min = value;
        if (value > this.max) this.max = value;
        if (this.isInteger) {
          const whole =
            typeof cell === 'string' ? parseIntegerText(cell) !== invalid : Number.isInteger(value);
          if (!whole) this.isInteger = false;
        }
      }
    }
    if (this.isDateTime) {
      const time = typeof cell === 'string' || cell instanceof Date ? toDateTime(cell) : invalid;
      if (time === invalid) this.isDateTime = false;
      else {
        if (time < this.minTime) {
          this.minTime = time;
          this.minTimeText = text;
        }
        if (time > this.maxTime) {
          this.maxTime = time;
          this.maxTimeText = text;
        }
      }
    }
    this.values++;
    this.totalLength += text.length;
    if (/\s/.test(text)) this.withSpaces++;
    if (this.distinct) {
      const before = this.distinct.size;
      this.distinct.add(text);
      if (this.distinct.size === before) this.unique = false;
      if (
        this.distinct.size > uniquenessLimit ||
        (!this.unique && this.distinct.size > maxCategories)
      ) {
        this.distinct = undefined;
      }
    }
  }
}

export class SchemaInferrer {
  readonly #columns = new Map<string, ColumnStats>();
  readonly #maxCategories: number;
  readonly #target: string | undefined;
  #rows = 0;

  constructor(options: InferOptions = {}) {
    this.#maxCategories = options.maxCategories ?? 20;
    this.#target = options.target;
  }

  add(batch: DataBatch): void {
    for (let c = 0; c < batch.columns.length; c++) {
      const name = batch.columns[c];
      const values = batch.values[c];
      if (name === undefined || !values) continue;
      let stats = this.#columns.get(name);
      if (!stats) {
        stats = new ColumnStats();
        // A column first seen after some records (JSONL) was missing from them.
        stats.nulls = this.#rows;
        this.#columns.set(name, stats);
      }
      for (let r = 0; r < values.length; r++) stats.add(values[r] ?? null, this.#maxCategories);
    }
    for (const [name, stats] of this.#columns) {
      if (!batch.columns.includes(name)) stats.nulls += batch.rows;
    }
    this.#rows += batch.rows;
  }

  get rows(): number {
    return this.#rows;
  }

  result(): DatasetSchema {
    const columns: Record<string, ColumnSchema> = {};
    for (const [name, stats] of this.#columns) columns[name] = this.#column(name, stats);
    return { version: 1, columns, 'extra-columns': 'error', 'null-values': [''], rows: { min: 1 } };
  }

  #column(name: string, stats: ColumnStats): ColumnSchema {
    const base = {
      nullable: stats.nulls > 0,
      required: true,
      role: name === this.#target ? ('target' as const) : ('feature' as const),
      unique: false,
    };
    const idLike =
      name !== this.#target &&
      stats.unique &&
      stats.distinct !== undefined &&
      stats.values >= 2 &&
      stats.nulls === 0;
    if (stats.values === 0) return { ...base, type: 'string', nullable: true };
    if (stats.isBoolean) return { ...base, type: 'boolean' };
    if (stats.isInteger || stats.isNumber) {
      const column: ColumnSchema = {
        ...base,
        type: stats.isInteger ? 'integer' : 'number',
        min: stats.min,
        max: stats.max,
      };
      if (idLike && stats.isInteger && idName.test(name))
        return { ...column, role: 'id', unique: true };
      return column;
    }
    if (stats.isDateTime) {
      return { ...base, type: 'datetime', min: stats.minTimeText, max: stats.maxTimeText };
    }
    if (idLike && (idName.test(name) || stats.values >= 20)) {
      return { ...base, type: 'string', role: 'id', unique: true };
    }
    const distinct = stats.distinct;
    if (
      distinct &&
      distinct.size <= this.#maxCategories &&
      (stats.values >= distinct.size * 2 || name === this.#target)
    ) {
      return { ...base, type: 'category', values: [...distinct].sort() };
    }
    const meanLength = stats.totalLength / stats.values;
    if (meanLength > 40 && stats.withSpaces / stats.values > 0.5) return { ...base, type: 'text' };
    return { ...base, type: 'string' };
  }
}
