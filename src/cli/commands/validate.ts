import { createConsoleLogger } from '../../core/logger.js';
import { formatViolationLine } from '../../core/validate/render-validation.js';
import { validateData } from '../../steps/validate-data.js';
import type { CommandInput } from '../command-definition.js';
import type { validateOptions } from '../command-definitions.js';
import { findConfig } from '../find-config.js';
import { refuseOverwrite } from '../output-files.js';
import { progressFor } from '../../adapters/progress/progress-reporters.js';

export async function runValidate({
  values,
}: CommandInput<typeof validateOptions>): Promise<number> {
  const failOn = values['fail-on'];
  const maxLines = values['max-lines'];
  const cwd = process.cwd();
  refuseOverwrite({ cwd, force: values.force, outputs: { '--report': values.report } });
  const logger = createConsoleLogger();
  const result = await validateData({
    cwd,
    config: findConfig(cwd, values.config),
    schema: values.schema,
    data: values.data
      ?.flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter(Boolean),
    report: values.report,
    maxExamplesPerRule: values['max-examples'],
    logger: values.quiet ? { ...logger, info: () => undefined } : logger,
    progress: progressFor({ quiet: values.quiet }),
  });
  if (!values.quiet) {
    for (const violation of result.violations.slice(0, maxLines)) {
      process.stdout.write(`${formatViolationLine(violation)}\n`);
    }
    const more = result.violationCount - Math.min(maxLines, result.violations.length);
    if (more > 0) {
      // The report lists the first of each rule and column; the counts cover every violation.
      const listed = result.omitted > 0 ? `, which lists ${result.violations.length} of them` : '';
      process.stdout.write(`… and ${more} more, counted in ${result.reportPath}${listed}:\n`);
      for (const count of result.counts) {
        const column = count.column === null ? '' : ` [${count.column}]`;
        process.stdout.write(`  ${count.rule}${column}: ${count.count}\n`);
      }
    }
    for (const warning of result.warnings)
      process.stdout.write(`warning: ${formatViolationLine(warning)}\n`);
  }
  const verdict = result.valid ? 'valid' : 'invalid';
  process.stdout.write(
    `${verdict}: ${result.rows} records in ${result.files.length} file(s), ${result.violationCount} violation(s); report: ${result.reportPath}\n`,
  );
  return result.valid || failOn === 'never' ? 0 : 1;
}
