/**
 * Applies a dataset schema to the events a reader yields, file by file. Pure: it never reads a
 * file itself, so the same logic serves the action, the CLI and the tests.
 */
import type { DataBatch, DataFormat, ReadEvent } from '../data/batch.js';
import type { DatasetSchema } from '../schema/dataset-schema.js';
import { compileColumn, type ColumnChecker } from './column-checker.js';
import { ViolationCollector, type RuleCount } from './violation-collector.js';
import type { Rule, Violation } from './violation.js';

export type { RuleCount } from './violation-collector.js';

export interface FileResult {
  readonly file: string;
  readonly format: DataFormat | null;
  readonly rows: number;
  /** Every violation in the file, counted. */
  readonly violations: number;
  /** The same, by rule and column, in order of first appearance. */
  readonly counts: readonly Omit<RuleCount, 'first'>[];
}

export interface ValidationResult {
  readonly valid: boolean;
  readonly rows: number;
  readonly files: readonly FileResult[];
  /** Every violation, counted. */
  readonly violationCount: number;
  /** Every violation counted by rule and column, in order of first appearance. */
  readonly counts: readonly RuleCount[];
  /**
   * The violations kept, by file and then by line: the first `examplesPerRule` of each rule on
   * each column, and the first `firstLines` of all. The rest are only counted.
   */
  readonly violations: readonly Violation[];
  /** The first `firstLines` violations by file and line, for line annotations. */
  readonly leading: readonly Violation[];
  /** Violations counted but not kept: `violationCount - violations.length`. */
  readonly omitted: number;
  readonly examplesPerRule: number;
  /** Findings that do not fail validation (extra columns under `extra-columns: warn`). */
  readonly warnings: readonly Violation[];
}

export interface DatasetValidatorOptions {
  /** Violations kept per rule and column (default 100); all are counted. */
  readonly examplesPerRule?: number | undefined;
  /** Violations kept in order of file and line, whatever their rule (default 0). */
  readonly firstLines?: number | undefined;
}

export const defaultExamplesPerRule = 100;

/** Validates a sequence of files; call `file()` for each and `finish()` at the end. */
export class DatasetValidator {
  readonly #schema: DatasetSchema;
  readonly #checkers: ReadonlyMap<string, ColumnChecker>;
  readonly #files: FileResult[] = [];
  readonly #collector: ViolationCollector;
  readonly #examplesPerRule: number;
  readonly #warnings: Violation[] = [];
  #rows = 0;

  constructor(schema: DatasetSchema, options: DatasetValidatorOptions = {}) {
    this.#schema = schema;
    this.#checkers = new Map(
      Object.entries(schema.columns).map(([name, column]) => [name, compileColumn(name, column)]),
    );
    this.#examplesPerRule = options.examplesPerRule ?? defaultExamplesPerRule;
    this.#collector = new ViolationCollector({
      examplesPerRule: this.#examplesPerRule,
      firstLines: options.firstLines ?? 0,
    });
  }

  /** Validates one file's events. */
  async file(file: string, events: AsyncIterable<ReadEvent>): Promise<FileResult> {
    for (const checker of this.#checkers.values()) checker.reset();
    const collector = this.#collector;
    collector.startFile();
    const before = collector.total;
    let fileLevelFound = false;
    const found = (violation: Violation): void => {
      if (isFileLevel(violation.rule)) fileLevelFound = true;
      collector.add(violation);
    };
    const seenColumns = new Map<string, number | null>();
    let format: DataFormat | null = null;
    let rows = 0;
    const rowLimit = this.#schema.rows?.max;
    let overLimitReported = false;

    for await (const event of events) {
      if (event.kind === 'issue') {
        const { issue } = event;
        found({
          file,
          line: issue.line,
          column: issue.column ?? null,
          rule: issue.rule,
          value: issue.value ?? null,
          expected: expectedForStructural(issue.rule),
          message: issue.message,
        });
        continue;
      }
      const { batch } = event;
      format = batch.format;
      this.#noteColumns(batch, seenColumns);
      this.#checkBatch(batch, found);
      if (rowLimit !== undefined && !overLimitReported && rows + batch.rows > rowLimit) {
        overLimitReported = true;
        found({
          file,
          line: batch.lines[rowLimit - rows] ?? null,
          column: null,
          rule: 'rows-max',
          value: null,
          expected: `at most ${rowLimit} records`,
          message: `record ${rowLimit + 1} is beyond the schema's maximum of ${rowLimit} records`,
        });
      }
      rows += batch.rows;
      collector.flush();
    }

    const fileReadable = format !== null || !fileLevelFound;
    if (fileReadable) {
      this.#checkColumns(file, format, seenColumns, found);
      const rowMin = this.#schema.rows?.min;
      if (rowMin !== undefined && rows < rowMin) {
        found({
          file,
          line: null,
          column: null,
          rule: 'rows-min',
          value: String(rows),
          expected: `at least ${rowMin} records`,
          message: `the file has ${rows} records, fewer than the schema's minimum of ${rowMin}`,
        });
      }
    }
    collector.flush();
    const result: FileResult = {
      file,
      format,
      rows,
      violations: collector.total - before,
      counts: collector.fileCounts().map(({ rule, column, count }) => ({ rule, column, count })),
    };
    this.#files.push(result);
    this.#rows += rows;
    return result;
  }

  finish(): ValidationResult {
    const violations = this.#collector.kept();
    const violationCount = this.#collector.total;
    return {
      valid: violationCount === 0,
      rows: this.#rows,
      files: this.#files,
      violationCount,
      counts: this.#collector.counts(),
      violations,
      leading: this.#collector.leading(),
      omitted: violationCount - violations.length,
      examplesPerRule: this.#examplesPerRule,
      warnings: this.#warnings,
    };
  }

  #noteColumns(batch: DataBatch, seen: Map<string, number | null>): void {
    for (let c = 0; c < batch.columns.length; c++) {
      const name = batch.columns[c];
      if (name === undefined || seen.has(name)) continue;
      // CSV headers sit on line 1; for JSONL a key appears with the first record that holds it.
      let line: number | null = batch.format === 'csv' ? 1 : null;
      if (batch.format === 'jsonl') {
        const values = batch.values[c] ?? [];
        const index = values.findIndex((value) => value !== null);
        line = batch.lines[index === -1 ? 0 : index] ?? null;
      }
      seen.set(name, line);
    }
  }

  #checkBatch(batch: DataBatch, found: (violation: Violation) => void): void {
    for (let c = 0; c < batch.columns.length; c++) {
      const name = batch.columns[c];
      const checker = name === undefined ? undefined : this.#checkers.get(name);
      const values = batch.values[c];
      if (!checker || !values) continue;
      checker.check(values, batch.lines, (finding) => {
        found({
          file: batch.file,
          line: batch.lines[finding.index] ?? null,
          column: checker.name,
          rule: finding.rule,
          value: finding.value,
          expected: finding.expected,
          message: finding.message,
        });
      });
    }
  }

  #checkColumns(
    file: string,
    format: DataFormat | null,
    seen: ReadonlyMap<string, number | null>,
    found: (violation: Violation) => void,
  ): void {
    const headerLine = format === 'csv' ? 1 : null;
    for (const [name, column] of Object.entries(this.#schema.columns)) {
      if (column.required && !seen.has(name)) {
        found({
          file,
          line: headerLine,
          column: name,
          rule: 'missing-column',
          value: null,
          expected: `a column named "${name}"`,
          message: `required column "${name}" is missing`,
        });
      }
    }
    const policy = this.#schema['extra-columns'];
    if (policy === 'ignore') return;
    for (const [name, line] of seen) {
      if (name in this.#schema.columns) continue;
      const finding: Violation = {
        file,
        line,
        column: name,
        rule: 'extra-column',
        value: name,
        expected: `only the schema's columns (extra-columns: ${policy})`,
        message: `column "${name}" is not in the schema`,
      };
      if (policy === 'error') found(finding);
      else this.#warnings.push(finding);
    }
  }
}

function isFileLevel(rule: Rule): boolean {
  return (
    rule === 'file-not-found' ||
    rule === 'file-unreadable' ||
    rule === 'empty-file' ||
    rule === 'unsupported-format' ||
    rule === 'corrupt-parquet'
  );
}

function expectedForStructural(rule: Rule): string {
  switch (rule) {
    case 'file-not-found':
      return 'an existing file';
    case 'file-unreadable':
      return 'a readable file';
    case 'empty-file':
      return 'a header and records';
    case 'ragged-row':
      return 'as many fields as the header';
    case 'unterminated-quote':
    case 'invalid-quote':
      return 'RFC 4180 quoting';
    case 'invalid-utf8':
      return 'UTF-8 text';
    case 'invalid-json':
      return 'one JSON object per line';
    case 'not-an-object':
      return 'a JSON object';
    case 'corrupt-parquet':
      return 'a complete Parquet file';
    case 'duplicate-header':
    case 'empty-header':
    case 'missing-header':
      return 'unique, non-empty column names';
    default:
      return 'a well-formed file';
  }
}
