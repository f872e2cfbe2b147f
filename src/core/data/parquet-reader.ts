/**
 * Parquet reader over hyparquet. One row group is decoded at a time, one column after the other,
 * and handed out in batches, so memory follows the largest row group, not the file.
 *
 * Measured on the 3,000,000-row flights file (11 row groups, ZSTD): see the report of the change
 * that added this file and `bench/` for the figures.
 */
import {
  parquetMetadataAsync,
  parquetSchema,
  parquetScan,
  type AsyncBuffer,
  type DecodedArray,
  type FileMetaData,
  type ParquetParsers,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { Cell, DataBatch, ReadEvent, ReadOptions, StructuralIssue } from './batch.js';

const DEFAULT_BATCH_SIZE = 65_536;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;
const MAGIC = 0x31524150; // "PAR1", little-endian

/**
 * hyparquet's default timestamp parsers divide a bigint per value; in the safe-integer range a
 * float division truncated by `Date` gives the same millisecond and is several times faster.
 */
const parsers: Partial<ParquetParsers> = {
  timestampFromMicroseconds: (micros: bigint) =>
    micros >= MIN_SAFE && micros <= MAX_SAFE
      ? new Date(Math.trunc(Number(micros) / 1000))
      : new Date(Number(micros / 1000n)),
  timestampFromNanoseconds: (nanos: bigint) => new Date(Number(nanos / 1_000_000n)),
};

/** Reads a Parquet file as batches of rows; damage becomes `corrupt-parquet` issues. */
export async function* readParquet(
  file: AsyncBuffer,
  options: ReadOptions,
): AsyncGenerator<ReadEvent> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const issue = (line: number | null, message: string): ReadEvent => ({
    kind: 'issue',
    issue: { rule: 'corrupt-parquet', file: options.file, line, message } satisfies StructuralIssue,
  });

  let metadata: FileMetaData;
  let columns: string[];
  let scan: Awaited<ReturnType<typeof parquetScan>>;
  try {
    await checkMagic(file);
    metadata = await parquetMetadataAsync(file, { parsers });
    columns = parquetSchema(metadata).children.map((child) => child.element.name);
    scan = await parquetScan({ file, metadata, compressors, parsers });
  } catch (error) {
    yield issue(null, `not a readable Parquet file: ${describe(error)}`);
    return;
  }

  let emitted = false;
  for (const range of scan.ranges) {
    const groupRows = range.rowEnd - range.rowStart;
    if (groupRows <= 0) continue;
    const groupValues: Cell[][] = [];
    try {
      for (const column of columns) {
        const data = await scan.readColumn({ column, rowStart: range.rowStart, rowEnd: range.rowEnd });
        if (data.length !== groupRows) {
          throw new Error(`column ${column} has ${data.length} values for ${groupRows} rows`);
        }
        groupValues.push(toCells(data));
      }
    } catch (error) {
      const first = range.rowStart + 1;
      yield issue(
        first,
        `rows ${first}-${range.rowEnd} (one row group) cannot be decoded: ${describe(error)}`,
      );
      continue;
    }
    for (let start = 0; start < groupRows; start += batchSize) {
      const end = Math.min(start + batchSize, groupRows);
      const whole = start === 0 && end === groupRows;
      const lines = new Float64Array(end - start);
      for (let i = 0; i < lines.length; i++) lines[i] = range.rowStart + start + i + 1;
      const batch: DataBatch = {
        file: options.file,
        format: 'parquet',
        columns,
        values: whole ? groupValues : groupValues.map((values) => values.slice(start, end)),
        lines,
        rows: end - start,
      };
      emitted = true;
      yield { kind: 'batch', batch };
    }
  }
  if (!emitted) {
    // Consumers learn the columns from batches; a file without rows still has a schema to check.
    const batch: DataBatch = {
      file: options.file,
      format: 'parquet',
      columns,
      values: columns.map(() => []),
      lines: new Float64Array(0),
      rows: 0,
    };
    yield { kind: 'batch', batch };
  }
}

async function checkMagic(file: AsyncBuffer): Promise<void> {
  if (file.byteLength < 12) throw new Error(`the file has only ${file.byteLength} bytes`);
  const head = new DataView(await file.slice(0, 4));
  if (head.byteLength < 4 || head.getUint32(0, true) !== MAGIC) {
    throw new Error('it does not start with the Parquet magic bytes "PAR1"');
  }
}

/**
 * Converts hyparquet's column data to cells. INT64 values come as `bigint`; they become numbers
 * when they fit the safe-integer range (hyparquet has no parser hook for plain integers), so that
 * checks and statistics need no bigint branch for the usual case, and stay `bigint` otherwise.
 */
function toCells(data: DecodedArray): Cell[] {
  const n = data.length;
  const out = new Array<Cell>(n);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) out[i] = fromBigint(data[i] as bigint);
    return out;
  }
  if (!Array.isArray(data)) {
    // Float64Array, Int32Array, Float32Array, Uint8Array...: plain numbers.
    for (let i = 0; i < n; i++) out[i] = data[i] as number;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = toCell(data[i]);
  return out;
}

function fromBigint(value: bigint): number | bigint {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

function toCell(value: unknown): Cell {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return fromBigint(value);
    case 'undefined':
      return null;
    case 'object':
      if (value === null || value instanceof Date) return value;
      if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
      // Lists, maps, structs and JSON columns: kept as JSON text so they can still be shown.
      return JSON.stringify(value, (_key, inner: unknown) =>
        typeof inner === 'bigint' ? fromBigint(inner).toString() : inner,
      );
    default:
      return String(value);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
