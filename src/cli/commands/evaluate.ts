import path from 'node:path';
import {
  createLocalRegistry,
  DEFAULT_LOCAL_REGISTRY_ROOT,
} from '../../adapters/registry/local-registry.js';
import { createBaselineSource } from '../../adapters/registry/baseline-source.js';
import { createMetricsHistorySource } from '../../adapters/registry/metrics-history-source.js';
import { LocalAssetRegistry } from '../../adapters/registry/version-asset.js';
import { writeFileAtomic } from '../../adapters/fs/write-file-atomic.js';
import { renderEvaluationComment } from '../../core/evaluate/render-comment.js';
import { renderEvaluationSummary } from '../../core/evaluate/render-summary.js';
import { createConsoleLogger } from '../../core/logger.js';
import { runContextFromEnv } from '../../core/provenance/run-context.js';
import { evaluate } from '../../steps/evaluate.js';
import type { CommandInput } from '../command-definition.js';
import type { evaluateOptions } from '../command-definitions.js';
import { findConfig } from '../find-config.js';
import { refuseOverwrite } from '../output-files.js';
import { cliWording } from '../../core/option-wording.js';
import { progressFor } from '../../adapters/progress/progress-reporters.js';

export async function runEvaluate({
  values,
}: CommandInput<typeof evaluateOptions>): Promise<number> {
  const cwd = process.cwd();
  refuseOverwrite({
    cwd,
    force: values.force,
    outputs: {
      '--report': values.report,
      '--markdown': values.markdown,
      '--comment-out': values['comment-out'],
    },
  });
  const logger = createConsoleLogger();
  const registryRoot = path.resolve(cwd, values.registry ?? DEFAULT_LOCAL_REGISTRY_ROOT);
  const report = await evaluate({
    progress: progressFor({ quiet: values.quiet }),
    cwd,
    config: findConfig(cwd, values.config),
    model: values.model,
    data: values.data,
    baseline: values.baseline,
    report: values.report,
    run: runContextFromEnv(process.env),
    logger,
    wording: cliWording,
    baselines: createBaselineSource({
      registry: createLocalRegistry(registryRoot),
      downloadDir: path.join(cwd, '.mlops', 'baselines'),
      logger,
      wording: cliWording,
    }),
    history: createMetricsHistorySource({
      registry: new LocalAssetRegistry(registryRoot),
      downloadDir: path.join(cwd, '.mlops', 'history'),
      logger,
    }),
  });
  const markdown = renderEvaluationSummary(report);
  if (values.markdown !== undefined)
    await writeFileAtomic(path.resolve(cwd, values.markdown), markdown);
  if (values['comment-out'] !== undefined) {
    // The same marker as the action's sticky comment, so the text is byte for byte what it posts.
    const marker = `<!-- mlops-actions:evaluate:${report.model} -->`;
    await writeFileAtomic(
      path.resolve(cwd, values['comment-out']),
      renderEvaluationComment(report, { marker }),
    );
  }
  const shown = Object.entries(report.candidate.metrics.values)
    .slice(0, 6)
    .map(([name, value]) => `${name}=${value.toFixed(4)}`)
    .join(', ');
  const failed = report.gates.filter((gate) => gate.status === 'failed');
  process.stdout.write(
    `${report.passed ? 'passed' : `failed (${failed.map((g) => `${g.metric} ${g.rule}`).join('; ')})`}: ${shown}; ` +
      `baseline: ${report.baseline?.label ?? 'none'}; report: ${report.reportPath}\n`,
  );
  return report.passed ? 0 : 1;
}
