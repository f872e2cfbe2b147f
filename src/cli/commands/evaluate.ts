import path from 'node:path';
import {
  createLocalRegistry,
  DEFAULT_LOCAL_REGISTRY_ROOT,
} from '../../adapters/registry/local-registry.js';
import { createBaselineSource } from '../../adapters/registry/baseline-source.js';
import { writeFileAtomic } from '../../adapters/fs/write-file-atomic.js';
import { renderEvaluationComment } from '../../core/evaluate/render-comment.js';
import { renderEvaluationSummary } from '../../core/evaluate/render-summary.js';
import { createConsoleLogger } from '../../core/logger.js';
import { runContextFromEnv } from '../../core/provenance/run-context.js';
import { evaluate } from '../../steps/evaluate.js';
import { parseOptions } from '../parse-options.js';

const help = `mlops evaluate: compare the candidate with a baseline, as the evaluate action does

Options:
  --config <file>       mlops.yml (default: ./mlops.yml)
  --model <file>        candidate ONNX model (default: the config's model.path)
  --data <path>         evaluation data (default: the config's data.eval); repeatable
  --baseline <what>     production (default, from the local registry), none, v1.2.0 or a path
  --registry <dir>      local registry folder (default: ${DEFAULT_LOCAL_REGISTRY_ROOT})
  --report <file>       JSON report (default: .mlops/evaluate-report.json)
  --markdown <file>     also write the comparison as markdown (what the job summary shows)
  --comment-out <file>  also write the pull request comment the evaluate action posts`;

export async function runEvaluate(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    config: { type: 'string' },
    model: { type: 'string' },
    data: { type: 'string', multiple: true },
    baseline: { type: 'string' },
    registry: { type: 'string' },
    report: { type: 'string' },
    markdown: { type: 'string' },
    'comment-out': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const cwd = process.cwd();
  const logger = createConsoleLogger();
  const registryRoot = path.resolve(cwd, values.registry ?? DEFAULT_LOCAL_REGISTRY_ROOT);
  const report = await evaluate({
    cwd,
    config: values.config,
    model: values.model,
    data: values.data,
    baseline: values.baseline,
    report: values.report,
    run: runContextFromEnv(process.env),
    logger,
    baselines: createBaselineSource({
      registry: createLocalRegistry(registryRoot),
      downloadDir: path.join(cwd, '.mlops', 'baselines'),
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
