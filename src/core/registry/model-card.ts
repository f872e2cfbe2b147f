/**
 * `model-card.md`, published with every version: intended use, data, metrics and limitations, in
 * the sections of Mitchell et al., "Model Cards for Model Reporting" (2019) that a repository can
 * fill in honestly. Facts come from the manifest (what was trained, on what, where) and the
 * evaluation report (what we measured); words from `mlops.yml`'s `model.card`. Everything from a
 * user is escaped: a card is rendered on the release page.
 */
import type { EvaluationReport } from '../evaluate/report.js';
import type { Manifest } from '../manifest/manifest.js';
import { codeSpan, escapeMarkdownCell, escapeUserText } from '../markdown/escape.js';
import { formatValue } from '../markdown/number-format.js';
import { failedGatesWarning } from './failed-gates.js';

export interface ModelCardText {
  readonly description?: string | undefined;
  readonly intendedUse?: string | undefined;
  readonly outOfScope?: string | undefined;
  readonly limitations?: string | undefined;
  readonly ethicalConsiderations?: string | undefined;
  readonly owners?: readonly string[] | undefined;
}

export interface ModelCardInput {
  readonly manifest: Manifest;
  readonly version: string;
  readonly card: ModelCardText;
  readonly report: EvaluationReport | null;
  readonly releaseUrl?: string | undefined;
}

const MAX_TEXT = 4000;
const unstated = '_Not stated in mlops.yml (`model.card`)._';

function prose(text: string | undefined): string {
  return text === undefined || text.trim() === '' ? unstated : escapeUserText(text, MAX_TEXT);
}

export function renderModelCard(input: ModelCardInput): string {
  const { manifest, version, card, report } = input;
  const m = manifest.model;
  const lines: string[] = [
    // A version that failed its gates was published on purpose (allow-failed-gates): the
    // reader learns it before anything else.
    ...(report !== null && !report.passed ? [failedGatesWarning(report.gates), ''] : []),
    `# Model card: ${escapeUserText(m.name, 100)} v${version}`,
    '',
    prose(card.description),
    '',
    '## Model details',
    '',
    `- Task: ${m.task ?? 'not stated'}`,
    `- Format: ONNX, input ${codeSpan(m.inputs.map((i) => `${i.name} ${i.type} [${i.shape.join(', ')}]`).join('; '))}`,
    `- Model file: ${codeSpan(m.file.digest)} (${m.file.bytes} bytes)`,
    `- Features (${m.features.length}): ${m.features.map((f) => codeSpan(f)).join(', ')}`,
    ...(m.target !== null ? [`- Target: ${codeSpan(m.target)}`] : []),
    ...(m.classes !== null
      ? [`- Classes, in output order: ${m.classes.map(codeSpan).join(', ')}`]
      : []),
    `- Trained by: ${
      manifest.training.builtin !== null
        ? `the built-in ${manifest.training.builtin}`
        : codeSpan(manifest.training.command ?? 'unknown')
    } (seed ${manifest.training.seed}, ${formatValue(manifest.training.durationSeconds)} s)`,
    `- Source: ${manifest.source.repository ?? 'local'} at ${codeSpan(manifest.source.commit ?? 'unknown')}${
      manifest.source.pullRequest !== null ? `, pull request #${manifest.source.pullRequest}` : ''
    }${manifest.source.runUrl !== null ? `, [training run](${manifest.source.runUrl})` : ''}`,
    `- Hardware: ${
      manifest.environment.gpus.length > 0
        ? manifest.environment.gpus.map((g) => escapeUserText(g.name, 80)).join(', ')
        : 'CPU'
    } on ${manifest.environment.runner.os}/${manifest.environment.runner.arch}`,
    ...(card.owners !== undefined && card.owners.length > 0
      ? [`- Owners: ${card.owners.map((o) => escapeUserText(o, 80)).join(', ')}`]
      : []),
    '',
    '## Intended use',
    '',
    prose(card.intendedUse),
    '',
    '### Out of scope',
    '',
    prose(card.outOfScope),
    '',
    '## Data',
    '',
    '| set | file | sha256 | bytes |',
    '| --- | --- | --- | --- |',
    ...[
      ...manifest.data.train.map((f) => ['training', f] as const),
      ...manifest.data.eval.map((f) => ['evaluation', f] as const),
    ].map(
      ([set, f]) =>
        `| ${set} | ${escapeMarkdownCell(f.path)} | ${codeSpan(f.digest.slice(0, 19))} | ${f.bytes} |`,
    ),
    '',
    'The reference profile of the training data (`profile.json`) is published beside this card; drift checks compare fresh data with it.',
    '',
    '## Metrics',
    '',
  ];
  if (report !== null) {
    lines.push(
      `Measured by \`evaluate\` on ${report.rows} records of the pinned evaluation set${
        report.baseline !== null ? `, against ${escapeUserText(report.baseline.label, 80)}` : ''
      }:`,
      '',
      '| metric | value |',
      '| --- | --- |',
      ...Object.entries(report.candidate.metrics.values).map(
        ([name, value]) => `| ${escapeMarkdownCell(name)} | ${formatValue(value)} |`,
      ),
    );
    for (const slice of report.slices) {
      for (const gap of slice.largestGap) {
        lines.push(
          '',
          `Largest gap in ${escapeMarkdownCell(gap.metric)} across ${escapeMarkdownCell(slice.column)}: ${formatValue(gap.candidate.gap)} (best ${escapeMarkdownCell(gap.candidate.best)}, worst ${escapeMarkdownCell(gap.candidate.worst)}).`,
        );
      }
    }
  } else if (Object.keys(manifest.metrics).length > 0) {
    lines.push(
      'As reported by training (no evaluation report was given to `publish-model`):',
      '',
      '| metric | value |',
      '| --- | --- |',
      ...Object.entries(manifest.metrics).map(
        ([name, value]) => `| ${escapeMarkdownCell(name)} | ${formatValue(value)} |`,
      ),
    );
  } else {
    lines.push('_No metrics were recorded._');
  }
  lines.push(
    '',
    '## Limitations',
    '',
    prose(card.limitations),
    '',
    '## Ethical considerations',
    '',
    prose(card.ethicalConsiderations),
    '',
  );
  return lines.join('\n');
}
