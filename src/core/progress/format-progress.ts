/**
 * The words of a progress report, the same on a terminal and in an Actions log: what is done,
 * of how much, how fast, and how long is left when the total is known.
 */
export interface ProgressState {
  readonly label: string;
  readonly bytes: number;
  readonly records: number;
  readonly totalBytes: number | null;
  readonly totalRecords: number | null;
  readonly elapsedMs: number;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The share done, from bytes when their total is known, else from records; null when unknown. */
export function fractionDone(state: ProgressState): number | null {
  if (state.totalBytes !== null && state.totalBytes > 0)
    return Math.min(1, state.bytes / state.totalBytes);
  if (state.totalRecords !== null && state.totalRecords > 0) {
    return Math.min(1, state.records / state.totalRecords);
  }
  return null;
}

/** `validate: 1,234,567 records, 120.5 MiB of 219.0 MiB (55%), 412,000 records/s, 3 s left` */
export function formatProgress(state: ProgressState): string {
  const seconds = state.elapsedMs / 1000;
  const parts = [`${formatCount(state.records)} records`];
  if (state.totalBytes !== null) {
    parts.push(`${formatBytes(state.bytes)} of ${formatBytes(state.totalBytes)}`);
  } else if (state.bytes > 0) {
    parts.push(formatBytes(state.bytes));
  }
  const fraction = fractionDone(state);
  if (fraction !== null) parts[parts.length - 1] += ` (${Math.floor(fraction * 100)}%)`;
  if (seconds > 0) parts.push(`${formatCount(state.records / seconds)} records/s`);
  if (fraction !== null && fraction > 0 && fraction < 1 && seconds > 0) {
    parts.push(`${formatDuration((seconds / fraction - seconds) * 1000)} left`);
  }
  return `${state.label}: ${parts.join(', ')}`;
}
