/** Helpers for the reader tests: feed bytes in chosen chunks, gather what a reader yields. */
import type { Cell, DataBatch, ReadEvent, StructuralIssue } from '../../src/core/data/batch.js';

/** The bytes of `input`, cut at the given offsets, as a stream of separate chunks. */
export async function* chunked(
  input: string | Uint8Array,
  cuts: readonly number[] = [],
): AsyncGenerator<Uint8Array> {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= from || cut >= bytes.length) continue;
    yield Uint8Array.prototype.slice.call(bytes, from, cut);
    from = cut;
  }
  yield Uint8Array.prototype.slice.call(bytes, from);
}

export interface Collected {
  readonly batches: DataBatch[];
  readonly issues: StructuralIssue[];
  /** Records in order, as column name → cell. */
  readonly records: Record<string, Cell>[];
  /** Records in order, as arrays in each batch's column order. */
  readonly rows: Cell[][];
  readonly lines: number[];
  /** The columns of the last batch. */
  readonly columns: readonly string[];
}

export async function collect(events: AsyncIterable<ReadEvent>): Promise<Collected> {
  const batches: DataBatch[] = [];
  const issues: StructuralIssue[] = [];
  const records: Record<string, Cell>[] = [];
  const rows: Cell[][] = [];
  const lines: number[] = [];
  for await (const event of events) {
    if (event.kind === 'issue') {
      issues.push(event.issue);
      continue;
    }
    const { batch } = event;
    batches.push(batch);
    if (batch.values.length !== batch.columns.length) throw new Error('columns and values differ');
    for (const values of batch.values) {
      if (values.length !== batch.rows) throw new Error('a column has the wrong length');
    }
    if (batch.lines.length !== batch.rows) throw new Error('lines has the wrong length');
    for (let r = 0; r < batch.rows; r++) {
      const row = batch.values.map((values) => values[r] ?? null);
      rows.push(row);
      records.push(Object.fromEntries(batch.columns.map((name, c) => [name, row[c] ?? null])));
      lines.push(batch.lines[r] as number);
    }
  }
  return { batches, issues, records, rows, lines, columns: batches.at(-1)?.columns ?? [] };
}

/** Issues reduced to what the tests compare: rule, line and column. */
export function brief(
  issues: readonly StructuralIssue[],
): { rule: string; line: number | null; column?: string }[] {
  return issues.map((issue) =>
    issue.column === undefined
      ? { rule: issue.rule, line: issue.line }
      : { rule: issue.rule, line: issue.line, column: issue.column },
  );
}

/** A deterministic pseudo-random generator (mulberry32), for reproducible splits. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
