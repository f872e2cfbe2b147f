/**
 * The `validate-data` step: check data files against their schema and report every violation
 * with its file and line. Used by the action, by `mlops validate` and by tests.
 */
import path from 'node:path';
import { readDataset, expandDataPaths, numberColumnsOf } from '../adapters/data/open-dataset.js';
import { readingTask } from '../adapters/progress/progress-reporters.js';
import { writeFileAtomic } from '../adapters/fs/write-file-atomic.js';
import { loadDatasetSchema } from '../adapters/fs/load-dataset-schema.js';
import { loadMlopsConfig } from '../adapters/fs/load-config.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { silentProgress, type ProgressReporter } from '../core/progress/progress-port.js';
import {
  DatasetValidator,
  defaultExamplesPerRule,
  type ValidationResult,
} from '../core/validate/dataset-validator.js';
import { toDisplayPath } from '../adapters/fs/display-path.js';

export interface ValidateDataOptions {
  /** The workspace: relative inputs and displayed paths are relative to it. */
  readonly cwd: string;
  /** `mlops.yml`, relative to `cwd`; may be absent when `schema` and `data` are both given. */
  readonly config?: string | undefined;
  /** Overrides the config's `data.schema` (relative to `cwd`). */
  readonly schema?: string | undefined;
  /** Overrides the config's `data.train` and `data.eval`: paths or globs relative to `cwd`. */
  readonly data?: readonly string[] | undefined;
  /** Where the JSON report goes (relative to `cwd`). */
  readonly report?: string | undefined;
  /**
   * Violations listed with file and line per rule and column; overrides the config's
   * `validate.max-examples-per-rule` (default 100). Every violation is counted whatever this is.
   */
  readonly maxExamplesPerRule?: number | undefined;
  /** Also keep the first this many violations by file and line, for line annotations (default 0). */
  readonly firstLines?: number | undefined;
  readonly logger: Logger;
  /** Shows rows and bytes done while files are read (default: nothing). */
  readonly progress?: ProgressReporter | undefined;
}

export interface ValidateDataResult extends ValidationResult {
  readonly schemaPath: string;
  readonly reportPath: string;
}

export const defaultReportPath = '.mlops/validate-report.json';

export async function validateData(options: ValidateDataOptions): Promise<ValidateDataResult> {
  const { cwd, logger } = options;
  const configPath = options.config ?? 'mlops.yml';
  const needConfig = options.schema === undefined || options.data === undefined;
  const loaded = await loadMlopsConfig({
    cwd,
    path: configPath,
    optional: !needConfig || options.config === undefined,
  });
  if (needConfig && !loaded) {
    throw new ConfigError(
      `no configuration found; create ${configPath} (mlops init) or give both a schema and data paths`,
      { location: { file: toDisplayPath(cwd, path.resolve(cwd, configPath)) } },
    );
  }

  const schemaAbsolute =
    options.schema !== undefined
      ? path.resolve(cwd, options.schema)
      : path.resolve(loaded?.dir ?? cwd, loaded?.config.data.schema ?? 'schema.yml');
  const schemaPath = toDisplayPath(cwd, schemaAbsolute);
  // Confined to the workspace: a committed symlink out of it is refused, never quoted.
  const schema = await loadDatasetSchema(schemaAbsolute, schemaPath, {
    cwd,
    field: options.schema !== undefined ? 'schema' : 'data.schema',
  });

  let patterns: string[];
  let base: string;
  if (options.data !== undefined) {
    patterns = [...options.data];
    base = cwd;
  } else {
    const data = loaded?.config.data;
    patterns = [...(data?.train ?? []), ...(data?.eval ?? [])];
    base = loaded?.dir ?? cwd;
    if (patterns.length === 0) {
      throw new ConfigError(
        'no data to validate: set data.train or data.eval, or give data paths',
        {
          location: { file: loaded?.displayPath ?? configPath, field: 'data' },
        },
      );
    }
  }
  const files = await expandDataPaths(
    patterns.map((pattern) => path.resolve(base, pattern)),
    cwd,
    {
      origin:
        options.data !== undefined
          ? { field: 'data' }
          : { field: 'data.train/data.eval', file: loaded?.displayPath },
    },
  );

  const validator = new DatasetValidator(schema, {
    examplesPerRule:
      options.maxExamplesPerRule ??
      loaded?.config.validate?.['max-examples-per-rule'] ??
      defaultExamplesPerRule,
    firstLines: options.firstLines,
  });
  const nullValues = loaded?.config.data['null-values'] ?? schema['null-values'];
  const reading = await readingTask(options.progress ?? silentProgress, 'validate', files);
  // Number columns' cells arrive parsed (no string per cell), read as the checks would read them.
  const numberColumns = numberColumnsOf(schema);
  for (const file of files) {
    const started = performance.now();
    const result = await validator.file(
      file.displayName,
      reading.count(
        readDataset(file.path, {
          displayName: file.displayName,
          nullValues,
          onBytes: reading.onBytes,
          numberColumns,
        }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    logger.info(
      `${file.displayName}: ${result.rows.toLocaleString('en-US')} records, ${result.violations} violation(s) (${seconds.toFixed(2)} s)`,
    );
  }
  reading.task.end();
  const result = validator.finish();

  const reportPath = options.report ?? defaultReportPath;
  await writeFileAtomic(
    path.resolve(cwd, reportPath),
    `${JSON.stringify(
      {
        version: 2,
        schema: schemaPath,
        valid: result.valid,
        rows: result.rows,
        violationCount: result.violationCount,
        files: result.files,
        counts: result.counts.map(({ rule, column, count }) => ({ rule, column, count })),
        examplesPerRule: result.examplesPerRule,
        // Only the kept ones: `omitted` more were counted above but not listed.
        violations: result.violations,
        omitted: result.omitted,
        warnings: result.warnings,
      },
      null,
      2,
    )}\n`,
  );
  return { ...result, schemaPath, reportPath };
}
