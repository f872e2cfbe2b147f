/**
 * `mlops performance`: the check-performance step locally, against the local registry by default.
 * Writes the JSON report and, with `--issue-out`, the body the performance issue would have. No
 * issue, no dispatch. Exit status 1 when the drop reaches `--fail-on` (default severe); too few
 * labels never fail.
 */
import path from 'node:path';
import { toDisplayPath } from '../../adapters/fs/display-path.js';
import { writeFileAtomic } from '../../adapters/fs/write-file-atomic.js';
import { DEFAULT_LOCAL_REGISTRY_ROOT } from '../../adapters/registry/local-registry.js';
import { runCommand } from '../../adapters/process/run-command.js';
import { LocalAssetRegistry } from '../../adapters/registry/version-asset.js';
import { createConsoleLogger } from '../../core/logger.js';
import { reachesPerformanceSeverity } from '../../core/monitor/performance-report.js';
import { cliWording } from '../../core/option-wording.js';
import { checkPerformance } from '../../steps/check-performance.js';
import type { CommandInput } from '../command-definition.js';
import type { performanceOptions } from '../command-definitions.js';
import { loadCommandConfig } from '../find-config.js';
import { refuseOverwrite } from '../output-files.js';

export async function runPerformance({
  values,
}: CommandInput<typeof performanceOptions>): Promise<number> {
  const failOn = values['fail-on'];
  const cwd = process.cwd();
  refuseOverwrite({
    cwd,
    force: values.force,
    outputs: { '--report': values.report, '--issue-out': values['issue-out'] },
  });
  const logger = createConsoleLogger();
  const loaded = await loadCommandConfig(cwd, values.config);
  const reportPath = path.resolve(cwd, values.report ?? '.mlops/performance-report.json');
  const result = await checkPerformance({
    cwd,
    loaded,
    logs: values.logs,
    labels: values.labels,
    labelsCommand: values['labels-command'],
    commands: { runCommand: (command) => runCommand({ ...command, killGraceMs: 5000 }) },
    prometheus: values.prometheus,
    releasedMetrics: values['released-metrics'],
    reportPath,
    registry: new LocalAssetRegistry(
      path.resolve(cwd, values.registry ?? DEFAULT_LOCAL_REGISTRY_ROOT),
    ),
    issues: null,
    dispatcher: null,
    runUrl: null,
    reportLocation: toDisplayPath(cwd, reportPath),
    workDir: path.join(cwd, '.mlops', 'performance'),
    logger,
    wording: cliWording,
  });
  if (values['issue-out'] !== undefined) {
    await writeFileAtomic(path.resolve(cwd, values['issue-out']), result.issueBody);
  }
  const { report } = result;
  const c = report.coverage;
  process.stdout.write(
    `Performance: ${report.severity} (${c.labelled} of ${c.predictions} predictions labelled${report.health?.broken === true ? '; a service-level objective is broken' : ''}); report: ${toDisplayPath(cwd, reportPath)}\n`,
  );
  return reachesPerformanceSeverity(report.severity, failOn as 'severe' | 'moderate' | 'never')
    ? 1
    : 0;
}
