/**
 * One line of the prediction log per record. The features sit at the top level under their schema
 * names, so the log is valid `current` data for `check-drift` as it is (a JSONL file whose columns
 * are the schema's); everything the server adds sits under one key, `_mlops`, which `check-drift`
 * leaves alone as it reads only the schema's columns, and `check-performance` reads to join labels.
 */
import type { Cell } from '../data/batch.js';

export const LOG_KEY = '_mlops';

export interface LoggedPrediction {
  /** ISO 8601 time the request was answered. */
  readonly time: string;
  /** The request's id (the client's V2 `id`, else the server's). */
  readonly request: string;
  /** The record's position in its request. */
  readonly record: number;
  /** The record's id column value, when the schema has one and the request gave it. */
  readonly id: string | null;
  readonly model: string;
  readonly version: string;
  readonly digest: string;
  /** The predicted class, or the predicted value. */
  readonly prediction: string | number;
  /** Class probabilities by class name (classification with scores). */
  readonly probabilities?: Readonly<Record<string, number>>;
}

/** The JSON text of one log line (without the newline). */
export function formatLogLine(
  features: readonly string[],
  cells: readonly Cell[],
  logged: LoggedPrediction,
): string {
  const record: Record<string, unknown> = {};
  features.forEach((name, f) => {
    const cell = cells[f] ?? null;
    record[name] =
      typeof cell === 'bigint' ? String(cell) : cell instanceof Date ? cell.toISOString() : cell;
  });
  record[LOG_KEY] = logged;
  return JSON.stringify(record);
}

/** Reads the `_mlops` part back from a parsed log line; null when the line is not one of ours. */
export function parseLoggedPrediction(value: unknown): LoggedPrediction | null {
  if (typeof value !== 'object' || value === null) return null;
  const logged = (value as Record<string, unknown>)[LOG_KEY];
  if (typeof logged !== 'object' || logged === null) return null;
  const l = logged as Record<string, unknown>;
  if (typeof l['request'] !== 'string' || typeof l['time'] !== 'string') return null;
  return logged as LoggedPrediction;
}
