import { createConsoleLogger } from '../../core/logger.js';
import { formatViolationLine } from '../../core/validate/render-validation.js';
import { validateData } from '../../steps/validate-data.js';
import { CliUsageError } from '../cli-usage-error.js';
import { parseOptions } from '../parse-options.js';

const help = `mlops validate: check data files against their schema

Options:
  --config <file>     mlops.yml (default: ./mlops.yml)
  --schema <file>     dataset schema (default: the config's data.schema)
  --data <path>       data file or glob; repeat or separate with commas
                      (default: the config's data.train and data.eval)
  --report <file>     JSON report (default: .mlops/validate-report.json)
  --fail-on <when>    error (default): exit 1 on violations; never: always exit 0
  --max-lines <n>     violations printed (default 50; all are in the report)
  --quiet             print only the verdict`;

export async function runValidate(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    config: { type: 'string' },
    schema: { type: 'string' },
    data: { type: 'string', multiple: true },
    report: { type: 'string' },
    'fail-on': { type: 'string', default: 'error' },
    'max-lines': { type: 'string', default: '50' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const failOn = values['fail-on'];
  if (failOn !== 'error' && failOn !== 'never') {
    throw new CliUsageError(`--fail-on must be "error" or "never", not "${failOn}"`);
  }
  const maxLines = Number(values['max-lines']);
  if (!Number.isSafeInteger(maxLines) || maxLines < 0) {
    throw new CliUsageError(`--max-lines must be a whole number, not "${values['max-lines']}"`);
  }
  const logger = createConsoleLogger();
  const result = await validateData({
    cwd: process.cwd(),
    config: values.config,
    schema: values.schema,
    data: values.data
      ?.flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter(Boolean),
    report: values.report,
    logger: values.quiet ? { ...logger, info: () => undefined } : logger,
  });
  if (!values.quiet) {
    for (const violation of result.violations.slice(0, maxLines)) {
      process.stdout.write(`${formatViolationLine(violation)}\n`);
    }
    const more = result.violations.length - maxLines;
    if (more > 0) process.stdout.write(`… and ${more} more in ${result.reportPath}\n`);
    for (const warning of result.warnings)
      process.stdout.write(`warning: ${formatViolationLine(warning)}\n`);
  }
  const verdict = result.valid ? 'valid' : 'invalid';
  process.stdout.write(
    `${verdict}: ${result.rows} records in ${result.files.length} file(s), ${result.violations.length} violation(s); report: ${result.reportPath}\n`,
  );
  return result.valid || failOn === 'never' ? 0 : 1;
}
