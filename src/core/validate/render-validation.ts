/**
 * Renders a validation result for people: the step summary (markdown) and the line annotations.
 * Every value from the data is escaped: a data file is user input.
 */
import { markdownTable } from 'markdown-table';
import { codeSpan, escapeMarkdownCell } from '../markdown/escape.js';
import type { ValidationResult } from './dataset-validator.js';
import type { Violation } from './violation.js';

export interface Annotation {
  readonly file: string;
  readonly line: number | undefined;
  readonly title: string;
  readonly message: string;
}

/**
 * GitHub shows at most 10 error annotations per step from workflow commands and drops the rest
 * without a word (FACTS.md; actions/toolkit docs/problem-matchers.md).
 */
export const MAX_STEP_ERROR_ANNOTATIONS = 10;
/** What one check run carries here: 20 requests of GitHub's 50 annotations each. */
export const MAX_CHECK_RUN_ANNOTATIONS = 1_000;

export function toAnnotation(violation: Violation): Annotation {
  return {
    file: violation.file,
    line: violation.line ?? undefined,
    title: annotationTitle(violation),
    message: `${violation.message}; expected ${violation.expected}`,
  };
}

/**
 * The violations to annotate through workflow commands, in order of file and line: all of them
 * when they fit in `slots`; else `slots`, or `slots - 1` with `moreLine` (the last slot is kept
 * for the line that says how many more there are). `more` counts the violations left out.
 */
export function stepAnnotations(
  result: ValidationResult,
  options: { slots: number; moreLine: boolean },
): { annotations: Annotation[]; more: number } {
  const { slots } = options;
  const total = result.violationCount;
  const room = total <= slots ? slots : Math.max(0, options.moreLine ? slots - 1 : slots);
  const shown = result.leading.length > 0 ? result.leading : result.violations;
  const annotations = shown.slice(0, room).map(toAnnotation);
  return { annotations, more: total - annotations.length };
}

/** Where the violations that are not annotated in the step can be read, for the "N more" line. */
export function moreViolationsMessage(
  more: number,
  where: { checkRun: string | null; checkRunAnnotations: number; reportPath: string },
): string {
  const count = more.toLocaleString('en-US');
  const checkRun =
    where.checkRun === null
      ? ''
      : `the check run "${where.checkRun}" marks the first ${where.checkRunAnnotations.toLocaleString('en-US')} in "Files changed"; `;
  return `${count} more violation(s) not annotated here (GitHub shows ${MAX_STEP_ERROR_ANNOTATIONS} per step): ${checkRun}the step summary counts them all by rule and column; examples in ${where.reportPath}`;
}

export function annotationTitle(violation: Violation): string {
  return violation.column === null
    ? `schema: ${violation.rule}`
    : `schema: ${violation.rule} (${violation.column})`;
}

/** One line per violation for a terminal: `file:line: column: message (expected …)`. */
export function formatViolationLine(violation: Violation): string {
  const where = violation.line === null ? violation.file : `${violation.file}:${violation.line}`;
  const column = violation.column === null ? '' : ` [${violation.column}]`;
  return `${where}: ${violation.rule}${column}: ${violation.message}; expected ${violation.expected}`;
}

export interface SummaryOptions {
  readonly schemaPath: string;
  readonly reportPath: string;
  /** Where the line annotations are, said under the table (action only). */
  readonly annotated?: string | undefined;
}

export function renderValidationSummary(result: ValidationResult, options: SummaryOptions): string {
  const lines: string[] = [];
  const verdict = result.valid ? '✅ Data valid' : '❌ Data invalid';
  const count = (n: number): string => n.toLocaleString('en-US');
  lines.push(`### ${verdict}`, '');
  lines.push(
    `${count(result.rows)} records in ${result.files.length} file(s) checked against ${codeSpan(options.schemaPath)}: ${count(result.violationCount)} violation(s).`,
    '',
  );
  lines.push(
    markdownTable([
      ['File', 'Format', 'Records', 'Violations'],
      ...result.files.map((file) => [
        escapeMarkdownCell(file.file),
        file.format ?? '—',
        count(file.rows),
        count(file.violations),
      ]),
    ]),
    '',
  );
  if (result.violationCount > 0) {
    lines.push('#### Violations by rule', '');
    lines.push(
      markdownTable(
        [
          ['Rule', 'Column', 'Count', 'First at', 'Example'],
          ...result.counts.map((rule) => [
            rule.rule,
            rule.column === null ? '—' : escapeMarkdownCell(rule.column),
            count(rule.count),
            escapeMarkdownCell(
              rule.first.line === null ? rule.first.file : `${rule.first.file}:${rule.first.line}`,
            ),
            escapeMarkdownCell(rule.first.message),
          ]),
        ],
        { align: ['l', 'l', 'r', 'l', 'l'] },
      ),
      '',
    );
    lines.push(`${keptSentence(result)} They are in the report ${codeSpan(options.reportPath)}.`);
    if (options.annotated !== undefined) lines.push('', options.annotated);
    lines.push('');
  }
  if (result.warnings.length > 0) {
    lines.push('#### Warnings', '');
    for (const warning of result.warnings.slice(0, 50)) {
      lines.push(`- ${escapeMarkdownCell(formatViolationLine(warning))}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** What the report lists and what it only counts. */
export function keptSentence(result: ValidationResult): string {
  const listed = result.violations.length.toLocaleString('en-US');
  if (result.omitted === 0)
    return `All ${listed} violation(s) are listed with their file and line.`;
  return (
    `${listed} violation(s) are listed with their file and line (the first ${result.examplesPerRule.toLocaleString('en-US')} of each rule on each column` +
    `${result.leading.length > 0 ? `, and the first ${result.leading.length.toLocaleString('en-US')} of all` : ''}); ` +
    `the other ${result.omitted.toLocaleString('en-US')} are counted above but not listed.`
  );
}
