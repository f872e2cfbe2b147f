/**
 * The contract between data readers and everything that consumes data (validation, schema
 * inference, profiles). Readers turn a file into a stream of column-major row batches that keep
 * each record's location, so that every finding can point at the exact line a user must fix.
 */

/** The formats we read. */
export type DataFormat = 'csv' | 'jsonl' | 'parquet';

/**
 * One cell as a reader hands it over.
 * - CSV: a `string` (the field's text, quotes removed) or `null` for an empty field; in a column
 *   the caller named in `numberColumns`, an unquoted text in the number grammar arrives as the
 *   `number` that `Number(text)` gives (csv-reader.ts).
 * - JSONL: the JSON value (`string | number | boolean | null`); nested arrays and objects are
 *   kept as their JSON text (a string) so that they can still be checked and shown; a key absent
 *   from a record is `null`.
 * - Parquet: `number`, `bigint` (INT64 values beyond ±(2^53 - 1); smaller ones are numbers),
 *   `boolean`, `string`, `Date` (timestamps and dates), or `null`.
 */
export type Cell = string | number | bigint | boolean | Date | null;

/** Damage found while reading, before any schema is applied. */
export type StructuralRule =
  | 'file-not-found'
  | 'file-unreadable'
  | 'empty-file'
  | 'missing-header'
  | 'duplicate-header'
  | 'empty-header'
  | 'ragged-row'
  | 'unterminated-quote'
  | 'invalid-quote'
  | 'invalid-utf8'
  | 'invalid-json'
  | 'not-an-object'
  | 'corrupt-parquet'
  | 'unsupported-format';

export interface StructuralIssue {
  readonly rule: StructuralRule;
  /** The file as the user named it (relative path as given). */
  readonly file: string;
  /**
   * 1-based line where the damaged record starts (CSV, JSONL), or the 1-based row number for
   * Parquet; `null` when the damage concerns the whole file (missing file, corrupt footer).
   */
  readonly line: number | null;
  /** The column concerned, when there is one (a duplicated header names it). */
  readonly column?: string | undefined;
  /** A short excerpt of the offending text, already shortened to at most 80 characters. */
  readonly value?: string | undefined;
  /** What is wrong and what was expected, in words a user can act on. */
  readonly message: string;
}

/** A block of consecutive records from one file, column-major. */
export interface DataBatch {
  readonly file: string;
  readonly format: DataFormat;
  /**
   * The file's columns in order (CSV header, Parquet schema, JSONL: keys in the order first
   * seen; a key first seen in a later record is appended). `values` has one array per entry.
   */
  readonly columns: readonly string[];
  /** `values[c][r]`: the cell of column `columns[c]` in the batch's `r`-th record. */
  readonly values: readonly (readonly Cell[])[];
  /** 1-based line where each record starts (CSV, JSONL) or its 1-based row number (Parquet). */
  readonly lines: ArrayLike<number>;
  /** Number of records in this batch (`lines.length`, each `values[c].length`). */
  readonly rows: number;
}

/**
 * What a reader yields: batches of good records, and structural issues as they are found.
 * Records that are structurally damaged (a ragged row, a line that is not JSON) are reported as
 * an issue and left out of the batches; reading carries on with the next record whenever the
 * format allows it. A reader never throws for bad data; it throws only for programming errors.
 */
export type ReadEvent =
  | { readonly kind: 'batch'; readonly batch: DataBatch }
  | { readonly kind: 'issue'; readonly issue: StructuralIssue };

/**
 * Records per batch unless a reader is told otherwise. A batch's column arrays then stay under
 * V8's 128 KiB limit for ordinary heap objects (8,192 slots of 8 bytes), so a batch is born and
 * dies in the young generation. With 65,536 rows, reading the 3M-row flights CSV took 2.5 s of
 * CPU and 183 MB peak RSS instead of 1.0 s and 101 MB: each cell was copied into the old
 * generation while its batch filled up. For the same reason the CSV reader, left to choose, gives
 * a file of more than 8 columns proportionally fewer records per batch (65,536 cells).
 */
export const DEFAULT_BATCH_SIZE = 8_192;

/** Options every reader takes. */
export interface ReadOptions {
  /** The name shown in findings (as the user wrote it). */
  readonly file: string;
  /** Records per batch; readers may yield smaller batches. Default `DEFAULT_BATCH_SIZE`. */
  readonly batchSize?: number;
}

/** Shortens a value for display in a finding: at most `max` characters, with an ellipsis. */
export function shorten(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
