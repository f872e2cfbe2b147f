/**
 * Runs a user's command (the training command of the `train` action) the way a workflow's `run:`
 * step would, and makes sure that when it has to stop (timeout, cancelled run) nothing of it keeps
 * running: on a self-hosted GPU runner a leftover process holds GPU memory and breaks the next job.
 *
 * The command runs in its own process group (spawned with `detached: true`, which calls setsid),
 * so that one signal to the group reaches every process it started, however deep: a training
 * script's data-loader workers, a launcher's ranks, a shell pipeline. Ending it is SIGTERM to the
 * group, then, after a grace period, SIGKILL to whatever is still there. "Still there" is checked on
 * the group, not on the leader: the shell usually dies at the first SIGTERM while a child that
 * ignores it lives on. Processes that leave the group on purpose (setsid, daemons) escape this, as
 * they escape a terminal's Ctrl-C; the runner's own end-of-job cleanup remains for those.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export type OutputStream = 'stdout' | 'stderr';

/**
 * `progress` marks a segment ended by a lone carriage return: a progress bar (tqdm, pip, curl)
 * redrawing its line. It is delivered like a line, so a live log shows progress, and it occupies
 * one entry of the tail, replaced by each redraw, so a long bar cannot push the error out.
 */
export type LineKind = 'line' | 'progress';

export interface RunCommandOptions {
  /**
   * A string runs through `/bin/bash --noprofile --norc -e -o pipefail -c`, the shell and flags
   * GitHub uses for `run:` on Linux (a failing command or pipeline stage stops the script);
   * an array runs that program with those arguments and no shell.
   */
  readonly command: string | readonly string[];
  readonly cwd?: string;
  /** The whole environment of the command (not merged with this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** After this long the process group is ended and `timedOut` is set. */
  readonly timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL to the group; 10 s by default. */
  readonly killGraceMs?: number;
  /** Aborting ends the process group the same way and sets `cancelled`. */
  readonly signal?: AbortSignal;
  /** Each line of output, in order within its stream, without the line ending. */
  readonly onOutput?: (stream: OutputStream, line: string, kind: LineKind) => void;
  /** How many of the last lines of combined output to keep; 50 by default. */
  readonly tailLines?: number;
  /**
   * When the command exits by itself but processes it started are still in its group (a
   * background job, a forgotten server), end them too. True by default: on a GPU runner they
   * would hold GPU memory into the next job.
   */
  readonly killOrphans?: boolean;
}

export interface RunCommandResult {
  /** The exit code of the command (the shell for a string command); null when a signal ended it. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly durationMs: number;
  /** The last lines of stdout and stderr, interleaved as they arrived. */
  readonly tail: string[];
  /** The last signal sent to the group: null when nothing had to be ended. */
  readonly killedWith: 'SIGTERM' | 'SIGKILL' | null;
  /** True when processes outlived the command and were ended (see `killOrphans`). */
  readonly orphansEnded: boolean;
  /** Set when the command could not be started at all; `exitCode` is then 127 or 126, as in bash. */
  readonly spawnError?: string;
}

const BASH_ARGS = ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c'];
const DEFAULT_KILL_GRACE_MS = 10_000;
const DEFAULT_TAIL_LINES = 50;
/** A line longer than this is passed on in pieces: a program printing without newlines must not grow memory. */
const MAX_LINE_CHARS = 64 * 1024;
const GROUP_POLL_MS = 25;
/** How long to wait, after SIGKILL, for a group whose members are stuck in the kernel (a GPU driver call). */
const AFTER_KILL_WAIT_MS = 2000;
/** How long to wait, once the group is gone, for descendants that left it to close our pipes. */
const DRAIN_WAIT_MS = 1000;

export async function runCommand(options: RunCommandOptions): Promise<RunCommandResult> {
  const startedAt = performance.now();
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const tail = new OutputTail(options.tailLines ?? DEFAULT_TAIL_LINES);
  const elapsed = (): number => Math.round(performance.now() - startedAt);
  const notStarted = (exitCode: number | null, message: string | null): RunCommandResult => {
    const result = {
      exitCode,
      signal: null,
      timedOut: false,
      cancelled: message === null,
      durationMs: elapsed(),
      tail: message === null ? [] : [message],
      killedWith: null,
      orphansEnded: false,
    };
    return message === null ? result : { ...result, spawnError: message };
  };

  // A cancelled job must not start its training only to kill it a moment later.
  if (options.signal?.aborted) return notStarted(null, null);

  const [file, args] = commandLine(options.command);
  if (options.cwd !== undefined && !isDirectory(options.cwd)) {
    return notStarted(127, `working directory ${options.cwd} does not exist`);
  }
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const spawned = await new Promise<Error | null>((resolve) => {
    child.once('spawn', () => resolve(null));
    child.once('error', resolve);
  });
  if (spawned) {
    const code = (spawned as NodeJS.ErrnoException).code === 'EACCES' ? 126 : 127;
    return notStarted(code, `${file}: ${spawned.message}`);
  }
  const pgid = child.pid;
  if (pgid === undefined) return notStarted(127, `${file}: no process id`);
  // Signals go through process.kill, so a later 'error' (a failed child.kill) cannot concern us;
  // without a listener it would be thrown and take the action down with the command still running.
  child.on('error', () => undefined);

  const deliver = (stream: OutputStream) => (line: string, kind: LineKind) => {
    tail.push(stream, line, kind);
    try {
      options.onOutput?.(stream, line, kind);
    } catch {
      // A failing log sink must not leave the training running unobserved or unended.
    }
  };
  const splitters = {
    stdout: new LineSplitter(deliver('stdout')),
    stderr: new LineSplitter(deliver('stderr')),
  };
  child.stdout.on('data', (chunk: Buffer) => splitters.stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => splitters.stderr.push(chunk));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.once('exit', (code, signal) => resolve([code, signal]));
  });

  let reason: 'timeout' | 'abort' | 'orphans' | null = null;
  let killedWith: 'SIGTERM' | 'SIGKILL' | null = null;
  let killedAt = 0;
  let graceTimer: NodeJS.Timeout | undefined;
  const signalGroup = (signal: 'SIGTERM' | 'SIGKILL'): void => {
    try {
      process.kill(-pgid, signal);
    } catch {
      // ESRCH: the group is already empty.
    }
    killedWith = signal;
    if (signal === 'SIGKILL') killedAt = performance.now();
  };
  const terminate = (why: 'timeout' | 'abort' | 'orphans'): void => {
    if (reason !== null) return;
    reason = why;
    signalGroup('SIGTERM');
    graceTimer = setTimeout(() => {
      if (groupAlive(pgid)) signalGroup('SIGKILL');
    }, killGraceMs);
  };

  const timeoutTimer =
    options.timeoutMs !== undefined
      ? setTimeout(() => terminate('timeout'), options.timeoutMs)
      : undefined;
  const onAbort = (): void => terminate('abort');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // An abort while we awaited the 'spawn' event (a tick at least, much longer on a loaded machine)
  // fired no listener: the signal remembers it, so ask it once more now that we listen.
  if (options.signal?.aborted) terminate('abort');

  try {
    const [exitCode, signal] = await exited;
    if (reason === null && (options.killOrphans ?? true) && groupAlive(pgid)) terminate('orphans');
    if (reason !== null) {
      while (groupAlive(pgid)) {
        if (killedWith === 'SIGKILL' && performance.now() - killedAt > AFTER_KILL_WAIT_MS) break;
        await delay(GROUP_POLL_MS);
      }
    }
    // Normally immediate; a descendant that left the group could hold our pipes open forever.
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      closed,
      new Promise<void>((resolve) => (drainTimer = setTimeout(resolve, DRAIN_WAIT_MS))),
    ]);
    clearTimeout(drainTimer);
    child.stdout.destroy();
    child.stderr.destroy();
    splitters.stdout.end();
    splitters.stderr.end();
    return {
      exitCode,
      signal,
      timedOut: reason === 'timeout',
      cancelled: reason === 'abort',
      durationMs: elapsed(),
      tail: tail.lines(),
      killedWith,
      orphansEnded: reason === 'orphans',
    };
  } finally {
    clearTimeout(timeoutTimer);
    clearTimeout(graceTimer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function commandLine(command: string | readonly string[]): [string, string[]] {
  if (typeof command === 'string') return ['/bin/bash', [...BASH_ARGS, command]];
  const [file, ...args] = command;
  if (file === undefined || file === '')
    throw new TypeError('runCommand: the command array is empty');
  return [file, args];
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Whether any process of the group is still running. `kill(-pgid, 0)` alone is not enough: it
 * succeeds while the group holds only zombies, which is what is left of orphans in a container
 * whose PID 1 does not reap (a common runner setup). On Linux the group's members are read from
 * /proc and zombies do not count; elsewhere the signal check is the answer.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    // EPERM means it exists but belongs to someone else (a setuid program): alive.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so cut at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    if (Number(fields[2]) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

/** Splits a byte stream into lines: UTF-8 across chunk boundaries, `\n`, `\r\n`, and lone `\r`. */
class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly emit: (line: string, kind: LineKind) => void) {}

  push(chunk: Buffer): void {
    this.consume(this.decoder.write(chunk));
  }

  end(): void {
    this.consume(this.decoder.end());
    const rest = this.pending.endsWith('\r') ? this.pending.slice(0, -1) : this.pending;
    this.pending = '';
    if (rest !== '') this.emit(rest, 'line');
  }

  private consume(text: string): void {
    const buffer = this.pending + text;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const char = buffer[i];
      if (char === '\n') {
        this.emit(buffer.slice(start, i), 'line');
        start = i + 1;
      } else if (char === '\r') {
        // A chunk may end between the \r and the \n of a CRLF: decide when the next one comes.
        if (i + 1 === buffer.length) break;
        if (buffer[i + 1] === '\n') {
          this.emit(buffer.slice(start, i), 'line');
          i += 1;
        } else if (i > start) {
          this.emit(buffer.slice(start, i), 'progress');
        }
        start = i + 1;
      }
    }
    this.pending = buffer.slice(start);
    while (this.pending.length > MAX_LINE_CHARS) {
      this.emit(this.pending.slice(0, MAX_LINE_CHARS), 'line');
      this.pending = this.pending.slice(MAX_LINE_CHARS);
    }
  }
}

/** The last lines of combined output; a progress line is redrawn in place, as a terminal shows it. */
class OutputTail {
  private readonly entries: { text: string }[] = [];
  /** Per stream, the entry its last progress segment occupies, to be replaced by the next segment. */
  private readonly open = new Map<OutputStream, { text: string }>();

  constructor(private readonly max: number) {}

  push(stream: OutputStream, text: string, kind: LineKind): void {
    if (this.max <= 0) return;
    const previous = this.open.get(stream);
    let entry: { text: string };
    if (previous && this.entries.includes(previous)) {
      previous.text = text;
      entry = previous;
    } else {
      entry = { text };
      this.entries.push(entry);
      if (this.entries.length > this.max) this.entries.shift();
    }
    if (kind === 'progress') this.open.set(stream, entry);
    else this.open.delete(stream);
  }

  lines(): string[] {
    return this.entries.map((entry) => entry.text);
  }
}

/** The reason an `AbortController` carries when `forwardTerminationSignals` aborts it. */
export class TerminationSignalError extends Error {
  override readonly name = 'TerminationSignalError';
  readonly signal: NodeJS.Signals;
  constructor(signal: NodeJS.Signals) {
    super(`received ${signal}`);
    this.signal = signal;
  }
}

/**
 * Turns SIGINT and SIGTERM sent to this process into an abort of `controller`, so that a command
 * run with its signal ends its whole process group. The runner cancels a step by signalling only
 * the step's own process (the node of a JavaScript action): SIGINT, then SIGTERM 7.5 s later, then
 * after 2.5 s more it kills the process tree (GitHub docs, "Workflow cancellation reference"). The
 * command's group, started with setsid, receives none of those signals itself. Keep the
 * `killGraceMs` of a run that can be cancelled under about 7 s, so the whole group has been asked
 * to stop and then killed before the runner's hard kill. Listening also replaces Node's default of
 * exiting at once, which would skip the report. Returns a function that removes the listeners.
 */
export function forwardTerminationSignals(
  controller: AbortController,
  signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) controller.abort(new TerminationSignalError(signal));
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
