/**
 * `mlops drift`: the check-drift step locally, against the local registry by default. Writes the
 * JSON report and, with `--issue-out`, the body the drift issue would have. No issue, no dispatch.
 * Exit status 1 when drift reaches `--fail-on` (default severe).
 */
import path from 'node:path';
import { toDisplayPath } from '../../adapters/fs/display-path.js';
import { writeFileAtomic } from '../../adapters/fs/write-file-atomic.js';
import { DEFAULT_LOCAL_REGISTRY_ROOT } from '../../adapters/registry/local-registry.js';
import { LocalAssetRegistry } from '../../adapters/registry/version-asset.js';
import { reachesSeverity } from '../../core/drift-report/severity.js';
import { createConsoleLogger } from '../../core/logger.js';
import { checkDrift } from '../../steps/check-drift.js';
import type { CommandInput } from '../command-definition.js';
import type { driftOptions } from '../command-definitions.js';
import { loadCommandConfig } from '../find-config.js';
import { refuseOverwrite } from '../output-files.js';
import { cliWording } from '../../core/option-wording.js';
import { progressFor } from '../../adapters/progress/progress-reporters.js';

export async function runDrift({ values }: CommandInput<typeof driftOptions>): Promise<number> {
  const failOn = values['fail-on'];
  const cwd = process.cwd();
  refuseOverwrite({
    cwd,
    force: values.force,
    outputs: { '--report': values.report, '--issue-out': values['issue-out'] },
  });
  const logger = createConsoleLogger();
  const loaded = await loadCommandConfig(cwd, values.config);
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
    wording: cliWording,
    progress: progressFor({ quiet: values.quiet }),
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
