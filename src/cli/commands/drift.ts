/**
 * `mlops drift`: the check-drift step locally, against the local registry by default. Writes the
 * JSON report and, with `--issue-out`, the body the drift issue would have. No issue, no dispatch.
 * Exit status 1 when drift reaches `--fail-on` (default severe).
 */
import path from 'node:path';
import { loadMlopsConfig } from '../../adapters/fs/load-config.js';
import { toDisplayPath } from '../../adapters/fs/display-path.js';
import { writeFileAtomic } from '../../adapters/fs/write-file-atomic.js';
import { DEFAULT_LOCAL_REGISTRY_ROOT } from '../../adapters/registry/local-registry.js';
import { LocalAssetRegistry } from '../../adapters/registry/version-asset.js';
import { reachesSeverity } from '../../core/drift-report/severity.js';
import { ConfigError } from '../../core/errors.js';
import { createConsoleLogger } from '../../core/logger.js';
import { checkDrift } from '../../steps/check-drift.js';
import { CliUsageError } from '../cli-usage-error.js';
import { parseOptions } from '../parse-options.js';

const help = `mlops drift: compare fresh data with the reference, as the check-drift action does

Options:
  --config <file>      mlops.yml (default: ./mlops.yml)
  --current <path>     fresh data (default: the config's drift.current); repeatable
  --reference <what>   production (default, from the local registry), a profile.json, or data; repeatable
  --model <what>       production (default), none, or an ONNX file, for prediction drift
  --registry <dir>     local registry folder (default: ${DEFAULT_LOCAL_REGISTRY_ROOT})
  --report <file>      JSON report (default: .mlops/drift-report.json)
  --issue-out <file>   also write the drift issue's body (markdown)
  --fail-on <level>    severe (default), moderate or never`;

export async function runDrift(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    config: { type: 'string' },
    current: { type: 'string', multiple: true },
    reference: { type: 'string', multiple: true },
    model: { type: 'string' },
    registry: { type: 'string' },
    report: { type: 'string' },
    'issue-out': { type: 'string' },
    'fail-on': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const failOn = values['fail-on'] ?? 'severe';
  if (!['severe', 'moderate', 'never'].includes(failOn)) {
    throw new CliUsageError(`--fail-on must be severe, moderate or never, got "${failOn}"`);
  }
  const cwd = process.cwd();
  const logger = createConsoleLogger();
  const loaded = await loadMlopsConfig({ cwd, path: values.config ?? 'mlops.yml' });
  if (loaded === undefined) throw new ConfigError('mlops.yml is required');
  const reportPath = path.resolve(cwd, values.report ?? '.mlops/drift-report.json');
  const result = await checkDrift({
    cwd,
    loaded,
    current: values.current,
    reference: values.reference,
    model: values.model,
    reportPath,
    registry: new LocalAssetRegistry(
      path.resolve(cwd, values.registry ?? DEFAULT_LOCAL_REGISTRY_ROOT),
    ),
    issues: null,
    dispatcher: null,
    runUrl: null,
    reportLocation: toDisplayPath(cwd, reportPath),
    workDir: path.join(cwd, '.mlops', 'drift'),
    logger,
  });
  if (values['issue-out'] !== undefined) {
    await writeFileAtomic(path.resolve(cwd, values['issue-out']), result.issueBody);
  }
  const { report } = result;
  process.stdout.write(
    `Drift: ${report.severity} (${report.drifted} drifted columns, share ${report.share.toFixed(2)}); report: ${toDisplayPath(cwd, reportPath)}\n`,
  );
  return reachesSeverity(report.severity, failOn as 'severe' | 'moderate' | 'never') ? 1 : 0;
}
