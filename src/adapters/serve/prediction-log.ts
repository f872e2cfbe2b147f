/**
 * The prediction log: JSONL files in a folder, one line per record, rotated by size and by age.
 * Appending never blocks a response: lines go into memory and a single writer drains them to the
 * current file in order. `close()` (a graceful shutdown) waits until every accepted line is on
 * disk, so SIGTERM loses none. A file is named by the time it was opened
 * (`predictions-20261206T101500Z-0001.jsonl`), so the files sort in time order and a monitoring
 * job can fetch what is newer than its last run.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

export interface PredictionLogOptions {
  readonly dir: string;
  /** Start a new file once the current one holds this many bytes (default 64 MiB). */
  readonly maxBytes?: number;
  /** Start a new file once the current one is this old (default one hour). */
  readonly maxAgeMs?: number;
  readonly now?: () => Date;
}

export interface PredictionLog {
  /** Queues lines (without newlines); returns at once. */
  append(lines: readonly string[]): void;
  /** Lines accepted so far and lines on disk so far. */
  readonly counts: { readonly accepted: number; readonly written: number };
  /** The files written, oldest first. */
  files(): readonly string[];
  /** Writes what is queued, closes the file, and refuses further lines. */
  close(): Promise<void>;
}

export async function openPredictionLog(options: PredictionLogOptions): Promise<PredictionLog> {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const maxAgeMs = options.maxAgeMs ?? 60 * 60 * 1000;
  const now = options.now ?? (() => new Date());
  await mkdir(options.dir, { recursive: true });
  let queue: string[] = [];
  let stream: WriteStream | null = null;
  let bytes = 0;
  let openedAt = 0;
  let sequence = 0;
  let closed = false;
  let draining: Promise<void> | null = null;
  const written: string[] = [];
  const counts = { accepted: 0, written: 0 };

  const stamp = (date: Date) =>
    date
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
  const rotate = async (): Promise<void> => {
    if (stream !== null) await end(stream);
    sequence += 1;
    const date = now();
    const file = path.join(
      options.dir,
      `predictions-${stamp(date)}-${String(sequence).padStart(4, '0')}.jsonl`,
    );
    stream = createWriteStream(file, { flags: 'a' });
    written.push(file);
    bytes = 0;
    openedAt = date.getTime();
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      if (stream === null || bytes >= maxBytes || now().getTime() - openedAt >= maxAgeMs) {
        await rotate();
      }
      const lines = queue;
      queue = [];
      // One write per drained chunk, cut at the size limit so a file stays near maxBytes.
      let text = '';
      let taken = 0;
      for (const line of lines) {
        text += line + '\n';
        taken += 1;
        if (bytes + Buffer.byteLength(text) >= maxBytes) break;
      }
      if (taken < lines.length) queue = [...lines.slice(taken), ...queue];
      bytes += Buffer.byteLength(text);
      await write(stream as unknown as WriteStream, text);
      counts.written += taken;
    }
  };

  const kick = (): void => {
    if (draining !== null) return;
    draining = drain().finally(() => {
      draining = null;
      if (queue.length > 0) kick();
    });
  };

  return {
    append(lines) {
      if (closed) throw new Error('the prediction log is closed');
      if (lines.length === 0) return;
      for (const line of lines) queue.push(line);
      counts.accepted += lines.length;
      kick();
    },
    counts,
    files: () => [...written],
    async close() {
      closed = true;
      while (draining !== null || queue.length > 0) {
        kick();
        await draining;
      }
      if (stream !== null) await end(stream);
      stream = null;
    },
  };
}

function write(stream: WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

function end(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}
