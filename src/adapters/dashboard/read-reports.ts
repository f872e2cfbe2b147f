/**
 * Reads the drift and performance reports a dashboard build adds: files, folders (every `.json`
 * inside, recursively) or globs. A path that matches nothing is a ConfigError: a typo would
 * otherwise publish a dashboard silently missing its newest check.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { ConfigError } from '../../core/errors.js';
import {
  parseDriftRun,
  parsePerformanceRun,
  type ReportFileFacts,
} from '../../core/dashboard/report-input.js';
import type { DriftRunInput, PerformanceInput } from '../../core/dashboard/site-data.js';
import { toDisplayPath } from '../fs/display-path.js';

export interface ReadReportsOptions {
  readonly cwd: string;
  readonly paths: readonly string[];
  /** What the flag or input is called, for messages. */
  readonly what: string;
  /** The run that wrote them, when the caller knows (one report from the triggering run). */
  readonly runUrl?: string | null | undefined;
}

async function expand(options: ReadReportsOptions): Promise<string[]> {
  const files: string[] = [];
  for (const entry of options.paths) {
    const absolute = path.resolve(options.cwd, entry);
    const info = await stat(absolute).catch(() => null);
    const found =
      info?.isDirectory() === true
        ? await glob('**/*.json', { cwd: absolute, absolute: true })
        : info?.isFile() === true
          ? [absolute]
          : await glob(entry, { cwd: options.cwd, absolute: true });
    if (found.length === 0 && info?.isDirectory() !== true) {
      throw new ConfigError(`${entry} matches no report file`, {
        location: { file: 'options', field: options.what },
      });
    }
    files.push(...found.sort());
  }
  return [...new Set(files)];
}

/** The run URL names one check: it is given to a report only when there is one. */
async function facts(
  file: string,
  options: ReadReportsOptions,
  single: boolean,
): Promise<[string, ReportFileFacts]> {
  const bytes = await readFile(file);
  const info = await stat(file);
  return [
    bytes.toString('utf8'),
    {
      display: toDisplayPath(options.cwd, file),
      digest: `sha256:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`,
      modified: info.mtime.toISOString(),
      runUrl: single ? (options.runUrl ?? null) : null,
    },
  ];
}

export async function readDriftReports(options: ReadReportsOptions): Promise<DriftRunInput[]> {
  const runs: DriftRunInput[] = [];
  const files = await expand(options);
  for (const file of files) {
    const [text, about] = await facts(file, options, files.length === 1);
    runs.push(parseDriftRun(text, about));
  }
  return runs;
}

export async function readPerformanceReports(
  options: ReadReportsOptions,
): Promise<PerformanceInput[]> {
  const runs: PerformanceInput[] = [];
  const files = await expand(options);
  for (const file of files) {
    const [text, about] = await facts(file, options, files.length === 1);
    runs.push(parsePerformanceRun(text, about));
  }
  return runs;
}
