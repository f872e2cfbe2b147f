/**
 * Opens a data file by its path for the readers in `core/data`: picks the format from the
 * extension, streams text formats in 1 MiB chunks (gunzipped on the fly for `.gz`), and gives
 * Parquet a range-reading view of the file, so a file of any size is never loaded whole.
 * Problems with the file itself become structural issues, like problems inside it.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { AsyncBuffer } from 'hyparquet';
import { glob, isDynamicPattern } from 'tinyglobby';
import type {
  DataFormat,
  ReadEvent,
  StructuralIssue,
  StructuralRule,
} from '../../core/data/batch.js';
import { readCsv } from '../../core/data/csv-reader.js';
import { readJsonl } from '../../core/data/jsonl-reader.js';
import { ConfigError } from '../../core/errors.js';
import type { DatasetSchema } from '../../core/schema/dataset-schema.js';
import { confinePath, type PathOrigin } from '../fs/workspace-path.js';

const CHUNK_BYTES = 1 << 20;
/** gunzip's output chunks are fresh buffers: small ones are reclaimed by young-generation GC. */
const GUNZIP_CHUNK_BYTES = 64 * 1024;

export interface DatasetReadOptions {
  /** The name shown in findings; defaults to `path`. */
  readonly displayName?: string;
  readonly batchSize?: number;
  /** CSV only: cell texts read as null (default `['']`). */
  readonly nullValues?: readonly string[];
  /** CSV only: field delimiter (default `,`, or a tab for `.tsv`). */
  readonly delimiter?: string;
  /** Overrides the format the extension implies. */
  readonly format?: DataFormat;
  /** Told how many bytes of the file were read, as they are read (progress reports). */
  readonly onBytes?: (bytes: number) => void;
  /**
   * CSV only: columns whose plain numeric cells are handed over as numbers, parsed in place
   * (see `CsvReadOptions.numberColumns`; `numberColumnsOf` derives them from a schema). Only for
   * consumers that read a CSV cell as the validator's parsers do (validation, profiles).
   */
  readonly numberColumns?: Readonly<Record<string, 'number' | 'integer'>>;
}

/**
 * The schema's number and integer columns, for `numberColumns`: their cells are read as the
 * validator's `toNumber`/`toInteger` would read the text, without making a string per cell.
 */
export function numberColumnsOf(schema: DatasetSchema): Record<string, 'number' | 'integer'> {
  const columns: Record<string, 'number' | 'integer'> = {};
  for (const [name, column] of Object.entries(schema.columns)) {
    if (column.type === 'number' || column.type === 'integer') columns[name] = column.type;
  }
  return columns;
}

interface FormatChoice {
  readonly format: DataFormat;
  readonly gzip: boolean;
  readonly delimiter?: string;
}

const EXTENSIONS: Readonly<Record<string, Omit<FormatChoice, 'gzip'>>> = {
  '.csv': { format: 'csv' },
  '.tsv': { format: 'csv', delimiter: '\t' },
  '.jsonl': { format: 'jsonl' },
  '.ndjson': { format: 'jsonl' },
  '.parquet': { format: 'parquet' },
};

const SUPPORTED =
  '.csv, .tsv, .jsonl, .ndjson, .parquet, and .csv.gz, .tsv.gz, .jsonl.gz, .ndjson.gz';

/** Reads one data file as batches and structural issues; never throws for a bad file. */
export async function* readDataset(
  path: string,
  options: DatasetReadOptions = {},
): AsyncGenerator<ReadEvent> {
  const file = options.displayName ?? path;
  const issue = (rule: StructuralRule, message: string): ReadEvent => ({
    kind: 'issue',
    issue: { rule, file, line: null, message } satisfies StructuralIssue,
  });

  const choice = chooseFormat(path, options.format);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    yield openIssue(error, issue);
    return;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      yield issue(
        'file-unreadable',
        `${file} is ${info.isDirectory() ? 'a directory' : 'not a regular file'}, not a data file`,
      );
      return;
    }
    if (choice === undefined) {
      yield issue(
        'unsupported-format',
        `cannot tell the format of ${file} from its name; supported: ${SUPPORTED}`,
      );
      return;
    }
    const readOptions = {
      file,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    };
    if (choice.format === 'parquet') {
      if (choice.gzip) {
        yield issue(
          'unsupported-format',
          `${file}: Parquet compresses its own pages and cannot be read gzipped; supported: ${SUPPORTED}`,
        );
        return;
      }
      // Loaded on first use: the Parquet decoders and codecs are most of the bundle's code, and a
      // CSV or JSONL run should not pay for them in start-up time and memory.
      const { readParquet } = await import('../../core/data/parquet-reader.js');
      yield* readParquet(fileAsyncBuffer(handle, info.size, options.onBytes), readOptions);
      return;
    }
    const source = openStream(handle, choice.gzip, options.onBytes);
    try {
      if (choice.format === 'csv') {
        const delimiter = options.delimiter ?? choice.delimiter;
        yield* readCsv(source, {
          ...readOptions,
          ...(delimiter === undefined ? {} : { delimiter }),
          ...(options.nullValues === undefined ? {} : { nullValues: options.nullValues }),
          ...(options.numberColumns === undefined ? {} : { numberColumns: options.numberColumns }),
        });
      } else {
        yield* readJsonl(source, readOptions);
      }
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      yield issue('file-unreadable', `${file} could not be read to the end: ${error.message}`);
    }
  } finally {
    await handle.close();
  }
}

/** A read or gunzip failure, told apart from a reader's own (programming) errors. */
class SourceError extends Error {
  override readonly name = 'SourceError';
}

/**
 * The file's bytes, read into one reused 1 MiB buffer (textBlocks copies what it keeps). A read
 * stream allocates a new buffer per chunk, freed only when the garbage collector gets to it:
 * on the 3M-row benchmark that held several MiB more at peak, for no gain in speed.
 */
async function* openStream(
  handle: FileHandle,
  gzip: boolean,
  onBytes: ((bytes: number) => void) | undefined,
): AsyncGenerator<Uint8Array> {
  if (!gzip) {
    const buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null));
      } catch (error) {
        throw new SourceError(error instanceof Error ? error.message : String(error), {
          cause: error,
        });
      }
      if (bytesRead === 0) return;
      onBytes?.(bytesRead);
      yield buffer.subarray(0, bytesRead);
    }
  }
  // The caller closes the handle, whether or not the stream was ever started.
  const raw = handle.createReadStream({ highWaterMark: CHUNK_BYTES, autoClose: false });
  // Progress counts the file's (compressed) bytes, so it ends at the file's size.
  if (onBytes !== undefined) raw.on('data', (chunk: string | Buffer) => onBytes(chunk.length));
  const stream = pipeline(raw, createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }), () => {});
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
  } catch (error) {
    throw new SourceError(error instanceof Error ? error.message : String(error), { cause: error });
  } finally {
    raw.destroy();
  }
}

/** A hyparquet `AsyncBuffer` that reads byte ranges of an open file on demand. */
export function fileAsyncBuffer(
  handle: FileHandle,
  size: number,
  onBytes?: (bytes: number) => void,
): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end: number = size): Promise<ArrayBuffer> {
      const from = Math.max(0, Math.min(start, size));
      const length = Math.max(0, Math.min(end, size) - from);
      const bytes = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(bytes, done, length - done, from + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      onBytes?.(done);
      return done === length ? bytes.buffer : bytes.buffer.slice(0, done);
    },
  };
}

function chooseFormat(path: string, format: DataFormat | undefined): FormatChoice | undefined {
  let name = path.toLowerCase();
  const gzip = name.endsWith('.gz');
  if (gzip) name = name.slice(0, -'.gz'.length);
  const dot = name.lastIndexOf('.');
  const byExtension = dot === -1 ? undefined : EXTENSIONS[name.slice(dot)];
  if (format !== undefined) {
    return byExtension?.format === format ? { ...byExtension, gzip } : { format, gzip };
  }
  return byExtension && { ...byExtension, gzip };
}

function openIssue(
  error: unknown,
  issue: (rule: StructuralRule, message: string) => ReadEvent,
): ReadEvent {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return issue(
      'file-not-found',
      'the file does not exist; check the path and that it is committed',
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return issue('file-unreadable', `the file cannot be opened: ${reason}`);
}

/**
 * Expands file paths and glob patterns, relative to `cwd`, to the files to read, in the order
 * the patterns are given (a user lists training data before evaluation data), each glob's
 * matches sorted so that runs are reproducible, and a file named twice kept at its first place.
 * A literal path is kept even when missing, so reading it reports `file-not-found` at the right
 * place; a glob that matches nothing is a configuration mistake. A file whose real path leaves
 * the workspace (`confinePath`) is refused with a `ConfigError` naming `origin`.
 */
export async function expandDataPaths(
  patterns: string[],
  cwd: string,
  options: { readonly origin?: PathOrigin } = {},
): Promise<{ path: string; displayName: string }[]> {
  const found = new Map<string, string>();
  const origin = options.origin ?? { field: 'data' };
  const add = async (path: string): Promise<void> => {
    const absolute = resolve(cwd, path);
    // Every file is opened by its real path, checked to be inside the workspace: a committed
    // symlink to a file of the runner's must not be read into findings.
    const real = await confinePath({ path: absolute, cwd, origin });
    if (!found.has(real)) found.set(real, displayNameOf(absolute, cwd));
  };
  for (const pattern of patterns) {
    // A file whose name merely looks like a glob ("data (1).csv") is taken as it is.
    if (!isDynamicPattern(pattern) || (await isFile(resolve(cwd, pattern)))) {
      await add(pattern);
      continue;
    }
    const matches = await glob(pattern, { cwd, onlyFiles: true, expandDirectories: false });
    if (matches.length === 0) {
      throw new ConfigError(`the pattern "${pattern}" matches no file (searched from ${cwd})`);
    }
    for (const match of matches.map((m) => resolve(cwd, m)).sort(byCodePoint)) await add(match);
  }
  return [...found].map(([path, displayName]) => ({ path, displayName }));
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function displayNameOf(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  const shown = rel === '' || isAbsolute(rel) ? absolute : rel;
  return shown.split(sep).join('/');
}
