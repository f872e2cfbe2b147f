/**
 * Joining the prediction log with the true labels that arrived later.
 *
 * The key a label's id is matched with (`monitoring.performance.key`):
 * - `id`: the record's id-column value the client sent (`_mlops.id`); the default when the
 *   dataset schema has an id column. A record logged without one cannot be labelled.
 * - `request`: the request id (`_mlops.request`: the client's `x-request-id` or V2 `id`, else the
 *   server's UUID) for a request of one record, `<request>#<record>` for the record at position
 *   `record` (from 0) of a request of several.
 *
 * Every logged prediction whose key has a label is joined with it, so a record predicted twice
 * (the same id sent again) counts twice, as the model answered twice. Two labels with one key
 * are a conflict: the later in the files wins (a correction), and the others are counted.
 */
import type { LoggedPrediction } from '../serve/prediction-log-record.js';

export type PerformanceKey = 'id' | 'request';

/** One record of the prediction log, with where it was read. */
export interface LogEntry {
  readonly logged: LoggedPrediction;
  /** Milliseconds since the epoch of `logged.time`. */
  readonly timeMs: number;
  readonly file: string;
  readonly line: number;
}

/** One true label. */
export interface LabelEntry {
  readonly key: string;
  readonly label: string | number | boolean;
  /** When the label arrived (ms since the epoch); null when the file has no time column. */
  readonly timeMs: number | null;
  readonly file: string;
  readonly line: number;
}

export interface JoinedPrediction {
  readonly entry: LogEntry;
  readonly label: LabelEntry;
}

export interface JoinResult {
  readonly predictions: number;
  readonly joined: readonly JoinedPrediction[];
  /** Predictions with a key and no label (yet). */
  readonly neverLabelled: number;
  /** Predictions that carry no key (key `id` and no id sent): they can never be labelled. */
  readonly withoutKey: number;
  /** Labels whose key matches no logged prediction. */
  readonly unmatchedLabels: number;
  /** Labels replaced by a later label with the same key. */
  readonly duplicateLabels: number;
}

/** The key of each log entry (null when it has none), in the order given. */
export function logKeys(entries: readonly LogEntry[], key: PerformanceKey): (string | null)[] {
  if (key === 'id') return entries.map((e) => (e.logged.id === null ? null : String(e.logged.id)));
  const records = new Map<string, number>();
  for (const e of entries) {
    records.set(
      e.logged.request,
      Math.max(records.get(e.logged.request) ?? 0, e.logged.record + 1),
    );
  }
  return entries.map((e) =>
    (records.get(e.logged.request) ?? 1) === 1
      ? e.logged.request
      : `${e.logged.request}#${e.logged.record}`,
  );
}

export function joinLabels(
  entries: readonly LogEntry[],
  labels: readonly LabelEntry[],
  key: PerformanceKey,
): JoinResult {
  const byKey = new Map<string, LabelEntry>();
  let duplicateLabels = 0;
  for (const label of labels) {
    if (byKey.has(label.key)) duplicateLabels++;
    byKey.set(label.key, label);
  }
  const keys = logKeys(entries, key);
  const matched = new Set<string>();
  const joined: JoinedPrediction[] = [];
  let neverLabelled = 0;
  let withoutKey = 0;
  entries.forEach((entry, i) => {
    const k = keys[i] ?? null;
    if (k === null) {
      withoutKey++;
      return;
    }
    const label = byKey.get(k);
    if (label === undefined) {
      neverLabelled++;
      return;
    }
    matched.add(k);
    joined.push({ entry, label });
  });
  return {
    predictions: entries.length,
    joined,
    neverLabelled,
    withoutKey,
    unmatchedLabels: byKey.size - matched.size,
    duplicateLabels,
  };
}
