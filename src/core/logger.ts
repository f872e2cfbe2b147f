/**
 * The logger port. Steps log through it so that the same code writes workflow commands on a runner
 * (annotations on the lines of "Files changed"), plain text in the CLI, and nothing or a record in
 * tests. This file stays free of `@actions/*`: the runner adapter lives in `adapters/actions`.
 */

/** Where an annotation points; the fields mirror `@actions/core`'s `AnnotationProperties`. */
export interface AnnotationProps {
  readonly title?: string | undefined;
  readonly file?: string | undefined;
  /** 1-based. */
  readonly startLine?: number | undefined;
  /** 1-based. */
  readonly endLine?: number | undefined;
  /** 1-based. */
  readonly startColumn?: number | undefined;
  /** 1-based. */
  readonly endColumn?: number | undefined;
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string, props?: AnnotationProps): void;
  error(message: string, props?: AnnotationProps): void;
  /** Runs `fn` inside a collapsible group; the group closes however `fn` ends. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  readonly props?: AnnotationProps | undefined;
  /** Names of the groups open when the entry was written, outermost first. */
  readonly groups: readonly string[];
}

/** The text `file:line:column` an editor or terminal can follow, or '' when there is no file. */
function describePlace(props: AnnotationProps | undefined): string {
  if (props?.file === undefined) return '';
  let place = props.file;
  if (props.startLine !== undefined) {
    place += `:${props.startLine}`;
    if (props.startColumn !== undefined) place += `:${props.startColumn}`;
  }
  return place;
}

function formatAnnotated(
  level: string,
  message: string,
  props: AnnotationProps | undefined,
): string {
  const place = describePlace(props);
  const title = props?.title !== undefined ? `${props.title}: ` : '';
  return `${level}: ${place ? `${place}: ` : ''}${title}${message}`;
}

function debugEnabled(env: NodeJS.ProcessEnv): boolean {
  const value = env['MLOPS_DEBUG'];
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

export interface ConsoleLoggerOptions {
  /** Where lines go; stderr by default so that stdout stays free for a command's output. */
  readonly write?: (line: string) => void;
  /** Overrides `MLOPS_DEBUG`. */
  readonly debug?: boolean;
}

/** Plain text on stderr for the CLI; debug lines only when `MLOPS_DEBUG` is set. */
export function createConsoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const showDebug = options.debug ?? debugEnabled(process.env);
  let depth = 0;
  const emit = (text: string): void => {
    const indent = '  '.repeat(depth);
    for (const line of text.split('\n')) write(`${indent}${line}`);
  };
  return {
    debug: (message) => {
      if (showDebug) emit(`debug: ${message}`);
    },
    info: (message) => emit(message),
    warning: (message, props) => emit(formatAnnotated('warning', message, props)),
    error: (message, props) => emit(formatAnnotated('error', message, props)),
    group: async (name, fn) => {
      emit(`${name}`);
      depth += 1;
      try {
        return await fn();
      } finally {
        depth -= 1;
      }
    },
  };
}

/** Discards everything; for callers that must pass a logger but have no one to tell. */
export function createSilentLogger(): Logger {
  return {
    debug: () => undefined,
    info: () => undefined,
    warning: () => undefined,
    error: () => undefined,
    group: (_name, fn) => fn(),
  };
}

export interface MemoryLogger extends Logger {
  readonly entries: LogEntry[];
  /** The messages logged at `level`, in order. */
  messages(level: LogLevel): string[];
}

/** Records every entry, debug included, so tests can assert on what a user would have seen. */
export function createMemoryLogger(): MemoryLogger {
  const entries: LogEntry[] = [];
  const groups: string[] = [];
  const record = (level: LogLevel, message: string, props?: AnnotationProps): void => {
    entries.push({ level, message, props, groups: [...groups] });
  };
  return {
    entries,
    messages: (level) => entries.filter((e) => e.level === level).map((e) => e.message),
    debug: (message) => record('debug', message),
    info: (message) => record('info', message),
    warning: (message, props) => record('warning', message, props),
    error: (message, props) => record('error', message, props),
    group: async (name, fn) => {
      groups.push(name);
      try {
        return await fn();
      } finally {
        groups.pop();
      }
    },
  };
}
