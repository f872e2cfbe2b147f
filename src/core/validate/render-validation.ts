/**
 * Renders a validation result for people: the step summary (markdown) and the line annotations.
 * Every value from the data is escaped: a data file is user input.
 */
import { markdownTable } from 'markdown-table';
import { codeSpan, escapeMarkdownCell } from '../markdown/escape.js';
import { countByRule, type ValidationResult } from './dataset-validator.js';
import type { Violation } from './violation.js';

export interface Annotation {
  readonly file: string;
  readonly line: number | undefined;
  readonly title: string;
  readonly message: string;
}

/** At most `max` annotations, then one saying how many more there are and where to find them. */
export function validationAnnotations(
  result: ValidationResult,
  options: { max: number; reportPath: string },
): { annotations: Annotation[]; omitted: number } {
  const shown = result.violations.slice(0, Math.max(0, options.max));
  return {
    annotations: shown.map((violation) => ({
      file: violation.file,
      line: violation.line ?? undefined,
      title: annotationTitle(violation),
      message: `${violation.message}; expected ${violation.expected}`,
    })),
    omitted: result.violations.length - shown.length,
  };
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

export function renderValidationSummary(
  result: ValidationResult,
  options: { schemaPath: string; reportPath: string },
): string {
  const lines: string[] = [];
  const verdict = result.valid ? '✅ Data valid' : '❌ Data invalid';
  lines.push(`### ${verdict}`, '');
  lines.push(
    `${result.rows.toLocaleString('en-US')} records in ${result.files.length} file(s) checked against ${codeSpan(options.schemaPath)}: ${result.violations.length.toLocaleString('en-US')} violation(s).`,
    '',
  );
  lines.push(
    markdownTable([
      ['File', 'Format', 'Records', 'Violations'],
      ...result.files.map((file) => [
        escapeMarkdownCell(file.file),
        file.format ?? '—',
        file.rows.toLocaleString('en-US'),
        file.violations.toLocaleString('en-US'),
      ]),
    ]),
    '',
  );
  if (result.violations.length > 0) {
    lines.push('#### Violations by rule', '');
    lines.push(
      markdownTable(
        [
          ['Rule', 'Column', 'Count', 'First at', 'Example'],
          ...countByRule(result.violations).map((count) => [
            count.rule,
            count.column === null ? '—' : escapeMarkdownCell(count.column),
            count.count.toLocaleString('en-US'),
            escapeMarkdownCell(
              count.first.line === null
                ? count.first.file
                : `${count.first.file}:${count.first.line}`,
            ),
            escapeMarkdownCell(count.first.message),
          ]),
        ],
        { align: ['l', 'l', 'r', 'l', 'l'] },
      ),
      '',
    );
    lines.push(`The full list is in the report ${codeSpan(options.reportPath)}.`, '');
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
