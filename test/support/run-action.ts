/**
 * Runs a JavaScript action the way the GitHub Actions runner does, so action tests exercise the
 * bundled `dist/*.js` through its real interface: `INPUT_*` and `GITHUB_*` variables, an event
 * payload file, file commands (`GITHUB_OUTPUT`, `GITHUB_ENV`, ...) and workflow commands on the
 * output streams.
 *
 * The reference for every format here is the runner itself (actions/runner:
 * src/Runner.Common/ActionCommand.cs, src/Runner.Worker/ActionCommandManager.cs,
 * src/Runner.Worker/FileCommandManager.cs, src/Runner.Worker/Handlers/*) and the writer side in
 * node_modules/@actions/core/lib/{command,file-command,utils}.js. Where the runner only warns, the
 * harness throws (unknown or missing inputs) because in a test that is always a mistake.
 *
 * Not emulated: the legacy `##[command]` syntax, problem matchers, command echo in the log, and the
 * interleaving of stdout and stderr (each stream is processed on its own, stdout first, so a
 * `stop-commands` on one stream does not pause the other as it would on a runner).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse as parseYaml } from 'yaml';

export type Stage = 'pre' | 'main' | 'post';
export type StreamName = 'stdout' | 'stderr';
export type AnnotationLevel = 'error' | 'warning' | 'notice';

/** The `github` context of the simulated run; every field has a realistic default. */
export interface GitHubRunOptions {
  apiUrl?: string;
  serverUrl?: string;
  graphqlUrl?: string;
  /** `owner/repo` */
  repository?: string;
  sha?: string;
  ref?: string;
  runId?: number | string;
  runNumber?: number | string;
  runAttempt?: number | string;
  actor?: string;
  /** Value of `${{ github.token }}` (used by input defaults); never exported as an env variable. */
  token?: string;
  workflow?: string;
  job?: string;
  /** `GITHUB_ACTION`: the step id; the runner uses `__self` for an unnamed local action. */
  action?: string;
}

export interface RunActionOptions {
  /** Path to the action folder or to its action.yml. */
  action: string;
  /** `with:` values. Names match action.yml case-insensitively, as on the runner. */
  inputs?: Record<string, string>;
  /** Step `env:`; cannot override the variables the runner itself sets. */
  env?: Record<string, string>;
  /** Default: `workflow_dispatch` with an empty payload. */
  event?: { name: string; payload: object };
  /** The workspace (`GITHUB_WORKSPACE`, the process's cwd). Default: a fresh temp dir, deleted after the run. */
  cwd?: string;
  github?: GitHubRunOptions;
  /** Per stage (pre, main, post). Default 20 s. */
  timeoutMs?: number;
  /** Keep RUNNER_TEMP, the event file and a default workspace for inspection. */
  keepTemp?: boolean;
}

/** One recognised workflow command (`::name key=value::message`), properties and message unescaped. */
export interface WorkflowCommand {
  /** Lower-cased command name; for the line that resumes `stop-commands`, the token as written. */
  name: string;
  properties: Record<string, string>;
  message: string;
  /** The output line as the process wrote it. */
  raw: string;
  stream: StreamName;
  stage: Stage;
}

/** An annotation as the runner records it from `::error|warning|notice`, after its validation. */
export interface Annotation {
  level: AnnotationLevel;
  message: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
  title?: string;
}

/** Something the runner itself reports while processing a step (not emitted by the action). */
export interface RunnerIssue {
  level: 'error' | 'warning';
  message: string;
}

/** Raw contents of the step's file-command files, for asserting the exact format written. */
export interface FileCommandFiles {
  output: string;
  env: string;
  path: string;
  state: string;
  summary: string;
}

export interface StageRun {
  stage: Stage;
  exitCode: number;
  signal: NodeJS.Signals | null;
  /** `failure` when the exit code is non-zero or the runner failed to process a command. */
  conclusion: 'success' | 'failure';
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** GITHUB_STEP_SUMMARY with masked values replaced by `***`, as the runner uploads it. */
  summary: string;
  env: Record<string, string>;
  path: string[];
  state: Record<string, string>;
  commands: WorkflowCommand[];
  annotations: Annotation[];
  masks: string[];
  runnerIssues: RunnerIssue[];
  files: FileCommandFiles;
  durationMs: number;
}

export interface ActionRun {
  /** The first non-zero exit code of the stages that ran, else 0. */
  exitCode: number;
  conclusion: 'success' | 'failure';
  /** Concatenated over stages (pre, main, post). */
  stdout: string;
  stderr: string;
  /** Outputs of the main stage (only main's outputs are visible to later steps). */
  outputs: Record<string, string>;
  /** Summaries of all stages, concatenated. */
  summary: string;
  /** Variables exported through GITHUB_ENV (and `set-env` when allowed), all stages merged. */
  env: Record<string, string>;
  /** GITHUB_PATH entries in the order written; the runner prepends them, so the last is searched first. */
  path: string[];
  /** Saved state after all stages. */
  state: Record<string, string>;
  commands: WorkflowCommand[];
  annotations: Annotation[];
  masks: string[];
  runnerIssues: RunnerIssue[];
  stages: StageRun[];
  workspace: string;
  durationMs: number;
}

// ---------------------------------------------------------------------------------------------
// Workflow commands (ActionCommand.TryParseV2 + ActionCommandManager.TryProcessCommand)
// ---------------------------------------------------------------------------------------------

/** Commands the runner registers; lookup is case-insensitive (OrdinalIgnoreCase in the runner). */
const REGISTERED_COMMANDS = new Set([
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo',
]);

/**
 * The runner unescapes with sequential ordinal (case-sensitive) `String.Replace` calls in this
 * order. `%25` comes last so that an escaped `%` followed by `0A` decodes to the text `%0A`, not to
 * a newline. Only these sequences are escapes: `%3A` in a message stays as written.
 */
const DATA_UNESCAPES: ReadonlyArray<readonly [string, string]> = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%25', '%'],
];
const PROPERTY_UNESCAPES: ReadonlyArray<readonly [string, string]> = [
  ['%0D', '\r'],
  ['%0A', '\n'],
  ['%3A', ':'],
  ['%2C', ','],
  ['%25', '%'],
];

function unescape(value: string, mappings: ReadonlyArray<readonly [string, string]>): string {
  let out = value;
  for (const [escaped, token] of mappings) out = out.split(escaped).join(token);
  return out;
}

/**
 * .NET `string.Split(separator, count, StringSplitOptions.RemoveEmptyEntries)`: empty pieces are
 * dropped *before* the count limit applies, so `line=` yields one piece (and the runner ignores the
 * property) while `a=b=c` yields `a` and `b=c`.
 */
function splitRemoveEmpty(value: string, separator: string, count: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (pieces.length < count - 1) {
    const at = value.indexOf(separator, start);
    if (at < 0) break;
    if (at > start) pieces.push(value.slice(start, at));
    start = at + separator.length;
  }
  const rest = value.slice(start);
  if (rest.length > 0) pieces.push(rest);
  return pieces;
}

/** Set in a case-insensitive dictionary the way .NET does: an existing key keeps its spelling. */
function setIgnoreCase(target: Record<string, string>, key: string, value: string): void {
  const existing = Object.keys(target).find((k) => k.toLowerCase() === key.toLowerCase());
  target[existing ?? key] = value;
}

function getIgnoreCase(source: Record<string, string>, key: string): string | undefined {
  const found = Object.keys(source).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : source[found];
}

function deleteIgnoreCase(target: Record<string, string>, key: string): void {
  for (const k of Object.keys(target)) {
    if (k.toLowerCase() === key.toLowerCase()) delete target[k];
  }
}

interface ParsedCommand {
  name: string;
  properties: Record<string, string>;
  message: string;
}

/** ActionCommand.TryParseV2: `::name key=value,key=value::message` after trimming leading space. */
function tryParseCommand(
  line: string,
  isRegistered: (name: string) => boolean,
): ParsedCommand | null {
  const message = line.trimStart();
  if (!message.startsWith('::')) return null;
  const end = message.indexOf('::', 2);
  if (end < 0) return null;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!isRegistered(name)) return null;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const property of info
      .slice(space + 1)
      .trim()
      .split(',')
      .filter((p) => p !== '')) {
      const pair = splitRemoveEmpty(property, '=', 2);
      if (pair.length === 2) {
        setIgnoreCase(
          properties,
          pair[0] as string,
          unescape(pair[1] as string, PROPERTY_UNESCAPES),
        );
      }
    }
  }
  return { name, properties, message: unescape(message.slice(end + 2), DATA_UNESCAPES) };
}

/** The runner reads process output with StreamReader.ReadLine, which ends lines at \r\n, \n or \r. */
function outputLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** int.TryParse semantics (optional sign, surrounding white space, 32-bit range). */
function parseInt32(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*[+-]?\d+\s*$/.test(value)) return undefined;
  const n = Number(value.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/**
 * IssueCommandExtension.ValidateLinesAndColumns: the runner repairs or drops inconsistent
 * positions before it creates the annotation. Note the string comparison of line and endLine.
 */
function validateLinesAndColumns(properties: Record<string, string>): void {
  let line = getIgnoreCase(properties, 'line');
  const endLine = getIgnoreCase(properties, 'endLine');
  const col = getIgnoreCase(properties, 'col');
  const endColumn = getIgnoreCase(properties, 'endColumn');
  const lineNumber = parseInt32(line) ?? 0;
  const endLineNumber = parseInt32(endLine) ?? 0;
  const colNumber = parseInt32(col) ?? 0;
  const endColumnNumber = parseInt32(endColumn) ?? 0;
  let hasLine = parseInt32(line) !== undefined;
  const hasEndLine = parseInt32(endLine) !== undefined;
  let hasCol = parseInt32(col) !== undefined;
  const hasEndColumn = parseInt32(endColumn) !== undefined;
  const hasColumn = hasCol || hasEndColumn;

  if (hasEndLine && !hasLine) {
    setIgnoreCase(properties, 'line', endLine as string);
    hasLine = true;
    line = endLine;
  }
  if (hasEndColumn && !hasCol) {
    setIgnoreCase(properties, 'col', endColumn as string);
    hasCol = true;
  }
  if (!hasLine && hasColumn) {
    deleteIgnoreCase(properties, 'col');
    deleteIgnoreCase(properties, 'endColumn');
  }
  if (hasEndLine && line !== endLine && hasColumn) {
    deleteIgnoreCase(properties, 'col');
    deleteIgnoreCase(properties, 'endColumn');
  }
  if (hasLine && hasEndLine && endLineNumber < lineNumber) {
    deleteIgnoreCase(properties, 'line');
    deleteIgnoreCase(properties, 'endLine');
  }
  if (hasCol && hasEndColumn && endColumnNumber < colNumber) {
    deleteIgnoreCase(properties, 'col');
    deleteIgnoreCase(properties, 'endColumn');
  }
}

/** IOUtil.MakeRelative: a path under the workspace is reported relative to it, with '/'. */
function makeRelative(file: string, workspace: string): string {
  if (!file.startsWith(workspace)) return file;
  if (file.length === workspace.length) return '';
  if (workspace.endsWith('/')) return file.slice(workspace.length);
  if (file[workspace.length] === '/') return file.slice(workspace.length + 1);
  return file;
}

/** Builds the annotation the runner would record for an error/warning/notice command. */
export function toAnnotation(command: WorkflowCommand, workspace?: string): Annotation {
  const level = command.name as AnnotationLevel;
  const properties = { ...command.properties };
  validateLinesAndColumns(properties);
  const annotation: Annotation = { level, message: command.message };
  const file = getIgnoreCase(properties, 'file');
  if (file !== undefined && file !== '') {
    const relative = workspace === undefined ? file : makeRelative(file, workspace);
    annotation.file = relative === '' ? file : relative;
  }
  const numbers = [
    ['line', 'line'],
    ['endLine', 'endLine'],
    ['col', 'col'],
    ['endColumn', 'endColumn'],
  ] as const;
  for (const [key, field] of numbers) {
    const n = parseInt32(getIgnoreCase(properties, key));
    if (n !== undefined) annotation[field] = n;
  }
  const title = getIgnoreCase(properties, 'title');
  if (title !== undefined) annotation.title = title;
  return annotation;
}

/** Mutable per-stage results that command processing and file commands write into. */
interface StageSink {
  outputs: Record<string, string>;
  env: Record<string, string>;
  path: string[];
  state: Record<string, string>;
  commands: WorkflowCommand[];
  annotations: Annotation[];
  masks: string[];
  runnerIssues: RunnerIssue[];
  commandFailed: boolean;
}

function emptySink(): StageSink {
  return {
    outputs: {},
    env: {},
    path: [],
    state: {},
    commands: [],
    annotations: [],
    masks: [],
    runnerIssues: [],
    commandFailed: false,
  };
}

function prependPath(list: string[], entry: string): void {
  // The runner removes an earlier equal entry so that re-adding moves it to the front of PATH.
  const at = list.indexOf(entry);
  if (at >= 0) list.splice(at, 1);
  list.push(entry);
}

/** The `NODE_OPTIONS` block list of SetEnvFileCommand and SetEnvCommandExtension. */
const ENV_BLOCK_LIST = ['node_options'];

/**
 * Processes output lines like ActionCommandManager: one instance per stage and stream, since the
 * harness cannot know how the two streams interleaved.
 */
class CommandProcessor {
  private stopToken: string | null = null;
  private stopped = false;

  constructor(
    private readonly sink: StageSink,
    private readonly stage: Stage,
    private readonly stream: StreamName,
    private readonly workspace: string | undefined,
    private readonly allowUnsecureCommands: boolean,
  ) {}

  processLine(raw: string): void {
    const isRegistered = (name: string): boolean => {
      const lower = name.toLowerCase();
      return (
        REGISTERED_COMMANDS.has(lower) ||
        (this.stopToken !== null && lower === this.stopToken.toLowerCase())
      );
    };
    const parsed = tryParseCommand(raw, isRegistered);
    if (parsed === null) return;

    if (this.stopped) {
      // Only `::<token>::` is processed while stopped; an empty token never resumes.
      if (this.stopToken && parsed.name.toLowerCase() === this.stopToken.toLowerCase()) {
        this.record(parsed, raw, parsed.name);
        this.stopped = false;
        this.stopToken = null;
      }
      return;
    }

    const name = parsed.name.toLowerCase();
    const command = this.record(parsed, raw, name);
    if (name === 'stop-commands') {
      this.stopToken = parsed.message;
      this.stopped = true;
      return;
    }
    try {
      this.apply(command);
    } catch (error) {
      // ActionCommandManager: "Unable to process command '<line>' successfully." fails the step.
      const shown = name === 'add-mask' || name === 'debug' ? name : raw;
      this.sink.runnerIssues.push({
        level: 'error',
        message: `Unable to process command '${shown}' successfully.`,
      });
      this.sink.runnerIssues.push({ level: 'error', message: (error as Error).message });
      this.sink.commandFailed = true;
    }
  }

  private record(parsed: ParsedCommand, raw: string, name: string): WorkflowCommand {
    const command: WorkflowCommand = {
      name,
      properties: parsed.properties,
      message: parsed.message,
      raw,
      stream: this.stream,
      stage: this.stage,
    };
    this.sink.commands.push(command);
    return command;
  }

  private requireName(command: WorkflowCommand): string {
    const name = getIgnoreCase(command.properties, 'name');
    if (name === undefined || name === '') {
      throw new Error(`Required field 'name' is missing in ##[${command.name}] command.`);
    }
    return name;
  }

  private requireUnsecureOptIn(command: WorkflowCommand): void {
    if (!this.allowUnsecureCommands) {
      throw new Error(
        `The \`${command.name}\` command is disabled. Please upgrade to using Environment Files or ` +
          'opt into unsecure command execution by setting the `ACTIONS_ALLOW_UNSECURE_COMMANDS` ' +
          'environment variable to `true`.',
      );
    }
  }

  private apply(command: WorkflowCommand): void {
    switch (command.name) {
      case 'set-output':
        this.sink.outputs[this.requireName(command)] = command.message;
        return;
      case 'save-state':
        this.sink.state[this.requireName(command)] = command.message;
        return;
      case 'add-mask':
        if (command.message.trim() === '') {
          this.sink.runnerIssues.push({
            level: 'warning',
            message: "Can't add secret mask for empty string in ##[add-mask] command.",
          });
        } else {
          this.sink.masks.push(command.message);
        }
        return;
      case 'set-env': {
        this.requireUnsecureOptIn(command);
        const name = this.requireName(command);
        if (ENV_BLOCK_LIST.includes(name.toLowerCase())) {
          this.sink.runnerIssues.push({
            level: 'error',
            message: `Can't update ${name} environment variable using ::set-env:: command.`,
          });
          return;
        }
        this.sink.env[name] = command.message;
        return;
      }
      case 'add-path':
        this.requireUnsecureOptIn(command);
        if (command.message === '') throw new Error("Parameter 'path' cannot be null or empty.");
        prependPath(this.sink.path, command.message);
        return;
      case 'echo': {
        const value = command.message.trim().toUpperCase();
        if (value !== 'ON' && value !== 'OFF') {
          throw new Error(
            `Invalid echo command value. Possible values can be: 'on', 'off'. Current value is: '${command.message}'.`,
          );
        }
        return;
      }
      case 'error':
      case 'warning':
      case 'notice':
        this.sink.annotations.push(toAnnotation(command, this.workspace));
        return;
      default:
        // debug, group, endgroup, add-matcher, remove-matcher only shape the log.
        return;
    }
  }
}

/**
 * Parses workflow commands from one output stream, honouring `stop-commands`. Exposed for unit
 * tests of the format; `runAction` applies the same processing to both streams of every stage.
 */
export function parseWorkflowCommands(
  output: string,
  options: { stream?: StreamName; stage?: Stage; workspace?: string } = {},
): { commands: WorkflowCommand[]; annotations: Annotation[]; outputs: Record<string, string> } {
  const sink = emptySink();
  const processor = new CommandProcessor(
    sink,
    options.stage ?? 'main',
    options.stream ?? 'stdout',
    options.workspace,
    false,
  );
  for (const line of outputLines(output)) processor.processLine(line);
  return { commands: sink.commands, annotations: sink.annotations, outputs: sink.outputs };
}

// ---------------------------------------------------------------------------------------------
// File commands (FileCommandManager.EnvFileKeyValuePairs)
// ---------------------------------------------------------------------------------------------

/**
 * Parses a GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE file: `name=value` lines and heredocs
 * `name<<DELIM` … `DELIM`. Whichever of `=` and `<<` comes first on the line decides the form.
 * Lines end at LF only (the runner's Linux build), so a CR stays part of the value. The runner
 * applies the pairs read before a format error, then fails the step: `pairs` holds those and
 * `error` the message.
 */
export function parseKeyValueFile(text: string): {
  pairs: Array<[string, string]>;
  error?: string;
} {
  const pairs: Array<[string, string]> = [];
  let index = 0;
  const readLine = (): { line: string; newline: string | null } | null => {
    if (index >= text.length) return null;
    const start = index;
    const lf = text.indexOf('\n', index);
    if (lf < 0) {
      index = text.length;
      return { line: text.slice(start), newline: null };
    }
    index = lf + 1;
    return { line: text.slice(start, lf), newline: '\n' };
  };

  for (let next = readLine(); next !== null; next = readLine()) {
    const { line } = next;
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      pairs.push([line.slice(0, equals), line.slice(equals + 1)]);
    } else if (heredoc >= 0 && (equals < 0 || heredoc < equals)) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (name === '' || delimiter === '') {
        return {
          pairs,
          error: `Invalid format '${line}'. Name must not be empty and delimiter must not be empty`,
        };
      }
      const start = index;
      let end = index;
      let body = readLine();
      while (body === null || body.line !== delimiter) {
        if (body === null) {
          return { pairs, error: `Invalid value. Matching delimiter not found '${delimiter}'` };
        }
        if (body.newline === null) {
          return { pairs, error: 'Invalid value. EOF marker missing new line.' };
        }
        end = index - body.newline.length;
        body = readLine();
      }
      pairs.push([name, end > start ? text.slice(start, end) : '']);
    } else {
      return { pairs, error: `Invalid format '${line}'` };
    }
  }
  return { pairs };
}

// ---------------------------------------------------------------------------------------------
// action.yml
// ---------------------------------------------------------------------------------------------

interface ActionInput {
  required: boolean;
  default: string | undefined;
  deprecationMessage: string | undefined;
}

interface ActionManifest {
  file: string;
  dir: string;
  using: 'node20' | 'node24';
  main: string;
  pre: string | undefined;
  preIf: string;
  post: string | undefined;
  postIf: string;
  inputs: Map<string, ActionInput & { name: string }>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

async function loadManifest(actionPath: string): Promise<ActionManifest> {
  let file = path.resolve(actionPath);
  if (await isDirectory(file)) {
    // The runner accepts either spelling, preferring action.yml.
    const yml = path.join(file, 'action.yml');
    file = (await isFile(yml)) ? yml : path.join(file, 'action.yaml');
  }
  if (!(await isFile(file))) {
    throw new Error(`runAction: no action.yml or action.yaml at ${actionPath}`);
  }
  // The failsafe schema keeps every scalar a string, as the runner's template reader does, so
  // `default: 0.50` stays "0.50" and `default: false` stays "false".
  const doc: unknown = parseYaml(await readFile(file, 'utf8'), { schema: 'failsafe' });
  const fail = (what: string): never => {
    throw new Error(`runAction: ${file}: ${what}`);
  };
  if (!isRecord(doc)) fail('expected a mapping at the top level');
  const manifest = doc as Record<string, unknown>;
  const runs = manifest['runs'];
  if (!isRecord(runs)) fail("missing 'runs'");
  const r = runs as Record<string, unknown>;
  const using = r['using'];
  if (using !== 'node20' && using !== 'node24') {
    fail(`runs.using must be node20 or node24, got '${String(using)}'`);
  }
  const str = (key: string): string | undefined => {
    const value = r[key];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') fail(`runs.${key} must be a string`);
    return value as string;
  };
  const main = str('main');
  if (main === undefined) fail("missing 'runs.main'");

  const inputs = new Map<string, ActionInput & { name: string }>();
  const rawInputs = manifest['inputs'];
  if (rawInputs !== undefined && rawInputs !== '') {
    if (!isRecord(rawInputs)) fail("'inputs' must be a mapping");
    for (const [name, spec] of Object.entries(rawInputs as Record<string, unknown>)) {
      const s = isRecord(spec) ? spec : {};
      const dflt = s['default'];
      const deprecation = s['deprecationMessage'];
      inputs.set(name.toLowerCase(), {
        name,
        required: typeof s['required'] === 'string' && s['required'].toLowerCase() === 'true',
        default: typeof dflt === 'string' ? dflt : undefined,
        deprecationMessage: typeof deprecation === 'string' ? deprecation : undefined,
      });
    }
  }

  return {
    file,
    dir: path.dirname(file),
    using: using as 'node20' | 'node24',
    main: main as string,
    pre: str('pre'),
    preIf: str('pre-if') ?? 'always()',
    post: str('post'),
    postIf: str('post-if') ?? 'always()',
    inputs,
  };
}

// ---------------------------------------------------------------------------------------------
// Expressions: only what input defaults and pre-if/post-if need in this project
// ---------------------------------------------------------------------------------------------

type ContextValue = string | number | boolean | null | undefined | object;

function stringifyContextValue(value: ContextValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 2);
}

function lookupPath(root: Record<string, unknown>, keys: string[]): ContextValue {
  let current: unknown = root;
  for (const key of keys) {
    if (!isRecord(current)) return undefined;
    // Context property access is case-insensitive in GitHub expressions.
    const found = Object.keys(current).find((k) => k.toLowerCase() === key.toLowerCase());
    current = found === undefined ? undefined : current[found];
  }
  return current as ContextValue;
}

/**
 * Evaluates `${{ github.x }}`, `${{ runner.x }}` and `${{ env.X }}` inside a string. Anything else
 * throws, so a default the harness cannot evaluate is never silently passed through.
 */
function evaluateTemplate(
  text: string,
  contexts: Record<string, Record<string, unknown>>,
  where: string,
): string {
  return text.replace(/\$\{\{(.*?)\}\}/gs, (_match, body: string) => {
    const expr = body.trim();
    const m = /^([A-Za-z]+)((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)$/.exec(expr);
    const context = m ? contexts[(m[1] as string).toLowerCase()] : undefined;
    if (!m || context === undefined) {
      throw new Error(
        `runAction: ${where}: unsupported expression '${expr}' (the harness evaluates github.*, runner.* and env.* lookups only)`,
      );
    }
    return stringifyContextValue(lookupPath(context, (m[2] as string).slice(1).split('.')));
  });
}

/** pre-if / post-if: the status functions only, which is what actions use in practice. */
function evaluateCondition(condition: string, jobFailed: boolean, where: string): boolean {
  const expr = condition
    .trim()
    .replace(/^\$\{\{(.*)\}\}$/s, '$1')
    .trim();
  switch (expr) {
    case 'always()':
      return true;
    case 'success()':
      return !jobFailed;
    case 'failure()':
      return jobFailed;
    case 'cancelled()':
    case 'false':
      return false;
    case '!cancelled()':
    case 'true':
      return true;
    default:
      throw new Error(`runAction: ${where}: unsupported condition '${condition}'`);
  }
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

const DEFAULTS = {
  apiUrl: 'https://api.github.com',
  serverUrl: 'https://github.com',
  repository: 'octo-org/octo-repo',
  sha: 'ffac537e6cbbf934b08745a378932722df287a53',
  ref: 'refs/heads/main',
  runId: '1658821493',
  runNumber: '3',
  runAttempt: '1',
  actor: 'octocat',
  token: 'ghs_harnessTokenNotARealSecret0000000000',
  workflow: 'CI',
  job: 'test',
  action: '__self',
} as const;

const DEFAULT_TIMEOUT_MS = 20_000;
const FILE_COMMAND_VARIABLES = [
  'GITHUB_OUTPUT',
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
];
/** CreateStepSummaryCommand.AttachmentSizeLimit */
const SUMMARY_LIMIT_BYTES = 1024 * 1024;

/** The variables a clean runner environment inherits from the machine (not the test process). */
function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  const keep = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP'];
  // Windows cannot start node without these; harmless elsewhere.
  if (process.platform === 'win32') keep.push('SystemRoot', 'ComSpec', 'PATHEXT', 'USERPROFILE');
  for (const key of keep) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  env['PATH'] ??= '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  env['HOME'] ??= os.homedir();
  return env;
}

function runnerArch(): string {
  const map: Record<string, string> = { x64: 'X64', ia32: 'X86', arm64: 'ARM64', arm: 'ARM' };
  return map[process.arch] ?? process.arch.toUpperCase();
}

function refNameAndType(ref: string): { name: string; type: string } {
  if (ref.startsWith('refs/heads/'))
    return { name: ref.slice('refs/heads/'.length), type: 'branch' };
  if (ref.startsWith('refs/tags/')) return { name: ref.slice('refs/tags/'.length), type: 'tag' };
  // refs/pull/<n>/merge is reported as "<n>/merge" with type branch.
  if (ref.startsWith('refs/pull/')) return { name: ref.slice('refs/pull/'.length), type: 'branch' };
  return { name: ref, type: '' };
}

function maskText(text: string, secrets: string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...new Set(secrets)].sort((a, b) => b.length - a.length)) {
    if (secret !== '') out = out.split(secret).join('***');
  }
  return out;
}

interface ProcessResult {
  exitCode: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runNode(
  script: string,
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
  label: string,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    // The runner starts its bundled node with the script path as the only argument and no stdin.
    const child = spawn(process.execPath, [script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Decode once at the end so a multi-byte character split across chunks survives.
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) {
        reject(
          new Error(
            `runAction: ${label} timed out after ${timeoutMs} ms\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
          ),
        );
        return;
      }
      const signalNumber = signal === null ? 0 : (os.constants.signals[signal] ?? 0);
      resolve({ exitCode: code ?? 128 + signalNumber, signal, stdout, stderr });
    });
  });
}

interface RunLayout {
  root: string;
  runnerTemp: string;
  toolCache: string;
  fileCommandDir: string;
  eventPath: string;
  workspace: string;
}

/** The runner's folder layout (`_work/_temp`, `_work/_tool`, ...) under one temp root. */
async function createLayout(options: RunActionOptions): Promise<RunLayout> {
  const root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'mlops-runner-')));
  const runnerTemp = path.join(root, '_temp');
  const layout: RunLayout = {
    root,
    runnerTemp,
    toolCache: path.join(root, '_tool'),
    fileCommandDir: path.join(runnerTemp, '_runner_file_commands'),
    eventPath: path.join(runnerTemp, '_github_workflow', 'event.json'),
    workspace: options.cwd === undefined ? path.join(root, 'workspace') : path.resolve(options.cwd),
  };
  for (const dir of [
    layout.fileCommandDir,
    layout.toolCache,
    layout.workspace,
    path.dirname(layout.eventPath),
  ]) {
    await mkdir(dir, { recursive: true });
  }
  return layout;
}

/** GITHUB_* and RUNNER_* as the runner exports its github and runner contexts. */
function runnerVariables(
  options: RunActionOptions,
  manifest: ActionManifest,
  layout: RunLayout,
  event: { name: string; payload: Record<string, unknown> },
): Record<string, string> {
  const gh = { ...DEFAULTS, ...options.github };
  const { payload } = event;
  const isPullRequest = event.name === 'pull_request' || event.name === 'pull_request_target';
  // For pull_request the runner checks out the merge ref unless the test says otherwise.
  const prNumber = lookupPath(payload, ['pull_request', 'number']);
  const ref =
    options.github?.ref ??
    (event.name === 'pull_request' && typeof prNumber === 'number'
      ? `refs/pull/${prNumber}/merge`
      : gh.ref);
  const refInfo = refNameAndType(ref);
  const prRef = (side: 'head' | 'base'): string =>
    isPullRequest ? stringifyContextValue(lookupPath(payload, ['pull_request', side, 'ref'])) : '';
  // Trailing slashes are dropped so a loopback server URL like http://127.0.0.1:port/ does not
  // turn into '//repos/...' in clients that append paths.
  const apiUrl = gh.apiUrl.replace(/\/+$/, '');
  return {
    GITHUB_ACTION: gh.action,
    GITHUB_ACTION_PATH: manifest.dir,
    GITHUB_ACTOR: gh.actor,
    GITHUB_API_URL: apiUrl,
    GITHUB_BASE_REF: prRef('base'),
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: layout.eventPath,
    GITHUB_GRAPHQL_URL: options.github?.graphqlUrl ?? `${apiUrl}/graphql`,
    GITHUB_HEAD_REF: prRef('head'),
    GITHUB_JOB: gh.job,
    GITHUB_REF: ref,
    GITHUB_REF_NAME: refInfo.name,
    GITHUB_REF_TYPE: refInfo.type,
    GITHUB_REPOSITORY: gh.repository,
    GITHUB_REPOSITORY_OWNER: gh.repository.split('/')[0] ?? '',
    GITHUB_RETENTION_DAYS: '90',
    GITHUB_RUN_ATTEMPT: String(gh.runAttempt),
    GITHUB_RUN_ID: String(gh.runId),
    GITHUB_RUN_NUMBER: String(gh.runNumber),
    GITHUB_SERVER_URL: gh.serverUrl.replace(/\/+$/, ''),
    GITHUB_SHA: gh.sha,
    GITHUB_TRIGGERING_ACTOR: gh.actor,
    GITHUB_WORKFLOW: gh.workflow,
    GITHUB_WORKSPACE: layout.workspace,
    RUNNER_ARCH: runnerArch(),
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_NAME: 'GitHub Actions 1',
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: layout.runnerTemp,
    RUNNER_TOOL_CACHE: layout.toolCache,
  };
}

/** The expression contexts input defaults may use, derived from the variables above. */
function expressionContexts(
  vars: Record<string, string>,
  token: string,
  payload: Record<string, unknown>,
  env: Record<string, string>,
): Record<string, Record<string, unknown>> {
  const strip = (prefix: string): Record<string, string> =>
    Object.fromEntries(
      Object.entries(vars)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length).toLowerCase(), v]),
    );
  return {
    github: { ...strip('GITHUB_'), token, event: payload },
    runner: strip('RUNNER_'),
    env: { ...env },
  };
}

/**
 * ActionRunner's input handling: given values (matched case-insensitively), then action.yml
 * defaults with their expressions evaluated, then `INPUT_<NAME>` with spaces → '_' and
 * upper-cased (Handler.AddInputsToEnvironment; hyphens stay).
 */
function inputVariables(
  manifest: ActionManifest,
  given: Record<string, string>,
  contexts: Record<string, Record<string, unknown>>,
): { vars: Record<string, string>; issues: RunnerIssue[] } {
  const inputs: Record<string, string> = {};
  const issues: RunnerIssue[] = [];
  const unexpected: string[] = [];
  for (const [name, value] of Object.entries(given)) {
    const spec = manifest.inputs.get(name.toLowerCase());
    if (spec === undefined) {
      unexpected.push(name);
      continue;
    }
    inputs[spec.name] = value;
    if (spec.deprecationMessage !== undefined) {
      issues.push({
        level: 'warning',
        message: `Input '${spec.name}' has been deprecated with message: ${spec.deprecationMessage}`,
      });
    }
  }
  if (unexpected.length > 0) {
    const valid = [...manifest.inputs.values()].map((i) => `'${i.name}'`).join(', ');
    throw new Error(
      `runAction: Unexpected input(s) ${unexpected.map((u) => `'${u}'`).join(', ')}, valid inputs are [${valid}]`,
    );
  }
  for (const spec of manifest.inputs.values()) {
    if (spec.name in inputs) continue;
    if (spec.default === undefined && spec.required) {
      throw new Error(
        `runAction: required input '${spec.name}' was not supplied and has no default`,
      );
    }
    const where = `default of input '${spec.name}'`;
    inputs[spec.name] = evaluateTemplate(spec.default ?? '', contexts, where);
  }
  const vars = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [
      `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
      value,
    ]),
  );
  return { vars, issues };
}

/** What one step carries from stage to stage, as the job does between steps. */
interface Carried {
  env: Record<string, string>;
  path: string[];
  state: Record<string, string>;
  masks: string[];
}

interface StageContext {
  layout: RunLayout;
  manifest: ActionManifest;
  runnerVars: Record<string, string>;
  stepEnv: Record<string, string>;
  inputVars: Record<string, string>;
  carried: Carried;
  timeoutMs: number;
}

/** Applies the file commands the way FileCommandManager.ProcessFiles does after the process exits. */
function applyFileCommands(sink: StageSink, raw: FileCommandFiles): void {
  for (const line of raw.path.split(/\r\n|\r|\n/)) {
    if (line !== '') prependPath(sink.path, line);
  }
  const apply = (
    kind: 'output' | 'env' | 'state',
    set: (name: string, value: string) => void,
  ): void => {
    const parsed = parseKeyValueFile(raw[kind]);
    for (const [name, value] of parsed.pairs) set(name, value);
    if (parsed.error !== undefined) {
      sink.runnerIssues.push(
        { level: 'error', message: `Unable to process file command '${kind}' successfully.` },
        { level: 'error', message: parsed.error },
      );
      sink.commandFailed = true;
    }
  };
  apply('env', (name, value) => {
    if (ENV_BLOCK_LIST.includes(name.toLowerCase())) {
      sink.runnerIssues.push({
        level: 'error',
        message: `Can't store ${name} output parameter using '$GITHUB_ENV' command.`,
      });
    } else {
      sink.env[name] = value;
    }
  });
  apply('state', (name, value) => {
    sink.state[name] = value;
  });
  apply('output', (name, value) => {
    sink.outputs[name] = value;
  });
  const summaryBytes = Buffer.byteLength(raw.summary, 'utf8');
  if (summaryBytes > SUMMARY_LIMIT_BYTES) {
    sink.runnerIssues.push({
      level: 'error',
      message: `$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of ${SUMMARY_LIMIT_BYTES / 1024}k, got ${Math.floor(summaryBytes / 1024)}k.`,
    });
  }
}

async function runStage(ctx: StageContext, stage: Stage, script: string): Promise<StageRun> {
  const started = performance.now();
  const { carried, layout } = ctx;
  // Fresh, empty file-command files per stage, named like the runner's.
  const suffix = randomUUID();
  const files: FileCommandFiles = {
    output: path.join(layout.fileCommandDir, `set_output_${suffix}`),
    env: path.join(layout.fileCommandDir, `set_env_${suffix}`),
    path: path.join(layout.fileCommandDir, `add_path_${suffix}`),
    state: path.join(layout.fileCommandDir, `save_state_${suffix}`),
    summary: path.join(layout.fileCommandDir, `step_summary_${suffix}`),
  };
  for (const file of Object.values(files)) await writeFile(file, '');

  // Precedence follows ActionRunner/Handler: job env (exports) < step env < inputs < state
  // < runner context variables; PATH additions are prepended last.
  const env: Record<string, string> = { ...baseEnvironment(), CI: 'true', GITHUB_ACTIONS: 'true' };
  Object.assign(env, carried.env, ctx.stepEnv, ctx.inputVars);
  for (const [key, value] of Object.entries(carried.state)) env[`STATE_${key}`] = value;
  Object.assign(env, ctx.runnerVars, {
    GITHUB_OUTPUT: files.output,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
  });
  if (carried.path.length > 0) {
    env['PATH'] = [...carried.path]
      .reverse()
      .concat(env['PATH'] ?? '')
      .join(path.delimiter);
  }
  // NodeScriptActionHandler removes it because it breaks the runner's own node.
  delete env['NODE_ICU_DATA'];

  const scriptPath = path.resolve(ctx.manifest.dir, script);
  const result = await runNode(
    scriptPath,
    layout.workspace,
    env,
    ctx.timeoutMs,
    `${stage} (${scriptPath})`,
  );

  const sink = emptySink();
  const allowUnsecure =
    (env['ACTIONS_ALLOW_UNSECURE_COMMANDS'] ?? '').trim().toLowerCase() === 'true';
  for (const [stream, text] of [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ] as const) {
    const processor = new CommandProcessor(sink, stage, stream, layout.workspace, allowUnsecure);
    for (const line of outputLines(text)) processor.processLine(line);
  }
  // File commands are processed after the output, so they win over `::set-output`.
  const raw: FileCommandFiles = {
    output: await readFile(files.output, 'utf8'),
    env: await readFile(files.env, 'utf8'),
    path: await readFile(files.path, 'utf8'),
    state: await readFile(files.state, 'utf8'),
    summary: await readFile(files.summary, 'utf8'),
  };
  applyFileCommands(sink, raw);

  carried.masks.push(...sink.masks);
  Object.assign(carried.env, sink.env);
  for (const entry of sink.path) prependPath(carried.path, entry);
  Object.assign(carried.state, sink.state);

  const tooBig = Buffer.byteLength(raw.summary, 'utf8') > SUMMARY_LIMIT_BYTES;
  return {
    stage,
    exitCode: result.exitCode,
    signal: result.signal,
    conclusion: result.exitCode !== 0 || sink.commandFailed ? 'failure' : 'success',
    stdout: result.stdout,
    stderr: result.stderr,
    outputs: sink.outputs,
    summary: tooBig ? '' : maskText(raw.summary, carried.masks),
    env: sink.env,
    path: sink.path,
    state: sink.state,
    commands: sink.commands,
    annotations: sink.annotations,
    masks: sink.masks,
    runnerIssues: sink.runnerIssues,
    files: raw,
    durationMs: performance.now() - started,
  };
}

/** Runs the action's pre, main and post scripts as a runner would for one step. */
export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const started = performance.now();
  const manifest = await loadManifest(options.action);

  const plan: Array<[Stage, string]> = [];
  if (manifest.pre !== undefined) plan.push(['pre', manifest.pre]);
  plan.push(['main', manifest.main]);
  if (manifest.post !== undefined) plan.push(['post', manifest.post]);
  // Check every script before running any, so a missing bundle fails fast with a clear message.
  for (const [stage, script] of plan) {
    const scriptPath = path.resolve(manifest.dir, script);
    if (!(await isFile(scriptPath))) {
      const hint = scriptPath.split(path.sep).includes('dist')
        ? ' (run `npm run build` first)'
        : '';
      throw new Error(`runAction: runs.${stage} file not found: ${scriptPath}${hint}`);
    }
  }

  const layout = await createLayout(options);
  try {
    const event = options.event ?? { name: 'workflow_dispatch', payload: {} };
    const payload = event.payload as Record<string, unknown>;
    await writeFile(layout.eventPath, JSON.stringify(payload, null, 2));
    const runnerVars = runnerVariables(options, manifest, layout, { name: event.name, payload });
    const token = options.github?.token ?? DEFAULTS.token;
    const stepEnv = { ...options.env };
    const contexts = expressionContexts(runnerVars, token, payload, stepEnv);
    const inputs = inputVariables(manifest, options.inputs ?? {}, contexts);

    const reserved = Object.keys(stepEnv).filter(
      (k) =>
        k in runnerVars ||
        k in inputs.vars ||
        FILE_COMMAND_VARIABLES.includes(k) ||
        k.startsWith('STATE_'),
    );
    if (reserved.length > 0) {
      throw new Error(
        `runAction: env cannot set ${reserved.join(', ')}: the runner sets these (use inputs or github options)`,
      );
    }

    const ctx: StageContext = {
      layout,
      manifest,
      runnerVars,
      stepEnv,
      inputVars: inputs.vars,
      // github.token is a registered secret on the runner, so it is masked from the start.
      carried: { env: {}, path: [], state: {}, masks: [token] },
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    };
    const stages: StageRun[] = [];
    let jobFailed = false;
    for (const [stage, script] of plan) {
      const shouldRun =
        stage === 'main'
          ? !jobFailed // a main step's implicit `if: success()`
          : stage === 'pre'
            ? evaluateCondition(manifest.preIf, jobFailed, 'runs.pre-if')
            : stages.length > 0 && evaluateCondition(manifest.postIf, jobFailed, 'runs.post-if');
      if (!shouldRun) continue;
      const run = await runStage(ctx, stage, script);
      stages.push(run);
      if (run.conclusion === 'failure') jobFailed = true;
    }

    const all = <T>(pick: (s: StageRun) => T[]): T[] => stages.flatMap(pick);
    return {
      exitCode: stages.find((s) => s.exitCode !== 0)?.exitCode ?? 0,
      conclusion: jobFailed ? 'failure' : 'success',
      stdout: stages.map((s) => s.stdout).join(''),
      stderr: stages.map((s) => s.stderr).join(''),
      outputs: stages.find((s) => s.stage === 'main')?.outputs ?? {},
      summary: stages.map((s) => s.summary).join(''),
      env: ctx.carried.env,
      path: ctx.carried.path,
      state: ctx.carried.state,
      commands: all((s) => s.commands),
      annotations: all((s) => s.annotations),
      masks: all((s) => s.masks),
      runnerIssues: [...inputs.issues, ...all((s) => s.runnerIssues)],
      stages,
      workspace: layout.workspace,
      durationMs: performance.now() - started,
    };
  } finally {
    if (options.keepTemp !== true) await rm(layout.root, { recursive: true, force: true });
  }
}
