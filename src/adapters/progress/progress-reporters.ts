/**
 * How progress shows: on a terminal, a bar on stderr redrawn in place (cli-progress); in an Actions
 * log, which keeps every line, one line every 10 seconds or at each tenth of the work, inside a
 * collapsible group so a long run stays readable. Nothing at all when stderr is not a terminal
 * outside Actions (a pipe, a file) or with `--quiet`.
 */
import { stat } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import {
  formatProgress,
  fractionDone,
  type ProgressState,
} from '../../core/progress/format-progress.js';
import {
  silentProgress,
  type ProgressReporter,
  type ProgressTask,
  type ProgressTotals,
} from '../../core/progress/progress-port.js';

interface Clock {
  now(): number;
}
const systemClock: Clock = { now: () => performance.now() };

/** Counts what a task reports; the reporters decide when to show it. */
function tracker(label: string, totals: ProgressTotals, clock: Clock) {
  const started = clock.now();
  let bytes = 0;
  let records = 0;
  return {
    add(done: { bytes?: number; records?: number }) {
      bytes += done.bytes ?? 0;
      records += done.records ?? 0;
    },
    state(): ProgressState {
      return {
        label,
        bytes,
        records,
        totalBytes: totals.bytes,
        totalRecords: totals.records,
        elapsedMs: clock.now() - started,
      };
    },
  };
}

export interface ActionsProgressOptions {
  /** Writes one log line (stdout of the action). */
  readonly write: (line: string) => void;
  /** At least this long between lines (default 10 s), unless a tenth of the work was crossed. */
  readonly intervalMs?: number;
  /** Nothing is shown for work shorter than this (default 2 s): a log is not a progress bar. */
  readonly quietMs?: number;
  readonly clock?: Clock;
}

/** Progress in an Actions log: `::group::`, a line every 10 s or 10%, the last line, `::endgroup::`. */
export function actionsProgress(options: ActionsProgressOptions): ProgressReporter {
  const intervalMs = options.intervalMs ?? 10_000;
  const quietMs = options.quietMs ?? 2_000;
  const clock = options.clock ?? systemClock;
  return {
    start(label, totals): ProgressTask {
      const t = tracker(label, totals, clock);
      const startedAt = clock.now();
      let lastAt = startedAt;
      let lastTenth = 0;
      let lines = 0;
      let last = '';
      let ended = false;
      const line = () => {
        const text = formatProgress(t.state());
        if (text === last) return;
        if (lines === 0) options.write(`::group::${label}: progress`);
        options.write(text);
        last = text;
        lines += 1;
      };
      return {
        advance(done) {
          if (ended) return;
          t.add(done);
          const fraction = fractionDone(t.state());
          const tenth = fraction === null ? 0 : Math.floor(fraction * 10);
          const now = clock.now();
          if (now - startedAt < quietMs) return;
          if (now - lastAt >= intervalMs || tenth > lastTenth) {
            lastAt = now;
            lastTenth = Math.max(lastTenth, tenth);
            line();
          }
        },
        end() {
          if (ended) return;
          ended = true;
          // Short work shows nothing; long work ends on its final figures.
          if (lines === 0) return;
          line();
          options.write('::endgroup::');
        },
      };
    },
  };
}

export interface TerminalProgressOptions {
  readonly stream: NodeJS.WriteStream;
  readonly clock?: Clock;
}

/** A bar on a terminal: percentage when the total is known, counts and rate always. */
export function terminalProgress(options: TerminalProgressOptions): ProgressReporter {
  const clock = options.clock ?? systemClock;
  return {
    start(label, totals): ProgressTask {
      const t = tracker(label, totals, clock);
      const bar = new cliProgress.SingleBar(
        {
          stream: options.stream,
          format: (_options, params) =>
            `${renderBar(params.progress)} ${formatProgress(t.state())}`,
          hideCursor: false,
          clearOnComplete: true,
          fps: 5,
          noTTYOutput: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(1, 0);
      let ended = false;
      return {
        advance(done) {
          if (ended) return;
          t.add(done);
          bar.update(fractionDone(t.state()) ?? 0);
        },
        end() {
          if (ended) return;
          ended = true;
          bar.stop();
        },
      };
    },
  };
}

function renderBar(fraction: number): string {
  const width = 20;
  const full = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}]`;
}

/**
 * The reporter for this process: Actions lines inside a runner, a bar on a terminal, nothing
 * otherwise or when quiet.
 */
export function progressFor(options: {
  readonly quiet?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly stderr?: NodeJS.WriteStream;
  readonly stdout?: NodeJS.WriteStream;
}): ProgressReporter {
  if (options.quiet) return silentProgress;
  const env = options.env ?? process.env;
  if (env['GITHUB_ACTIONS'] === 'true') {
    const stdout = options.stdout ?? process.stdout;
    return actionsProgress({ write: (line) => stdout.write(`${line}\n`) });
  }
  const stderr = options.stderr ?? process.stderr;
  return stderr.isTTY ? terminalProgress({ stream: stderr }) : silentProgress;
}

/**
 * Reads `files` with progress: one task over all of them (their sizes are the total), bytes as
 * they are read and records as batches pass. Used by every step that reads data files.
 */
export async function readingTask(
  progress: ProgressReporter,
  label: string,
  files: readonly { readonly path: string }[],
): Promise<{
  readonly task: ProgressTask;
  readonly onBytes: (bytes: number) => void;
  count<E extends { kind: string }>(events: AsyncIterable<E>): AsyncGenerator<E>;
}> {
  let total = 0;
  for (const file of files)
    total += await stat(file.path).then(
      (info) => info.size,
      () => 0,
    );
  const task = progress.start(label, { bytes: total, records: null });
  return {
    task,
    onBytes: (bytes) => task.advance({ bytes }),
    async *count(events) {
      for await (const event of events) {
        const batch = (event as { batch?: { rows: number } }).batch;
        if (event.kind === 'batch' && batch !== undefined) task.advance({ records: batch.rows });
        yield event;
      }
    },
  };
}
