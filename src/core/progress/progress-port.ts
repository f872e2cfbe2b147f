/**
 * Progress of long work (validating, profiling, scoring, uploading), reported as it goes: a bar on
 * a terminal, a line every so often in an Actions log. Steps report what they know (bytes of the
 * files read, records done); the adapter decides how to show it.
 */
export interface ProgressTotals {
  /** Bytes to read (the files' sizes); unknown when null (a gzip's output, a command's). */
  readonly bytes: number | null;
  /** Records to process, when known in advance (scoring a loaded matrix); else null. */
  readonly records: number | null;
}

export interface ProgressTask {
  /** Adds work done since the last call. */
  advance(done: { readonly bytes?: number; readonly records?: number }): void;
  /** The work is over (success or failure): the bar or the group closes. */
  end(): void;
}

export interface ProgressReporter {
  start(label: string, totals: ProgressTotals): ProgressTask;
}

/** Reports nothing: `--quiet`, tests, and work too short to show. */
export const silentProgress: ProgressReporter = {
  start: () => ({ advance: () => undefined, end: () => undefined }),
};
