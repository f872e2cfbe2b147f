/**
 * The body of a version's release: provenance first (commit, pull request, run, digest), then what
 * evaluation measured, then the hidden marker that lets a re-run find this release. Promotions
 * append their own lines later (`stageNote`). Bodies stay far below GitHub's 125,000-character
 * release limit: every table here is bounded by the number of metrics.
 */
import { historyBlocks, type MetricHistory } from '../evaluate/metric-history.js';
import type { EvaluationReport } from '../evaluate/report.js';
import type { Manifest } from '../manifest/manifest.js';
import { codeSpan, escapeMarkdownCell, escapeUserText } from '../markdown/escape.js';
import { formatSigned, formatValue } from '../markdown/number-format.js';
import { renderBlocks } from '../markdown/truncate.js';
import { MLOPS_VERSION } from '../mlops-version.js';
import { failedGatesWarning } from './failed-gates.js';
import type { StageAssignment } from './registry-port.js';
import { formatReleaseMarker } from './registry-writer.js';

export interface ReleaseNotesInput {
  readonly model: string;
  readonly version: string;
  readonly commit: string | null;
  readonly pullRequest: number | null;
  readonly runUrl: string | null;
  readonly digest: string;
  readonly manifest: Manifest;
  readonly report: EvaluationReport | null;
  readonly current: StageAssignment | null;
  /** The chosen metrics of the versions released before this one, oldest first. */
  readonly history?: MetricHistory | null | undefined;
}

export function renderReleaseNotes(input: ReleaseNotesInput): string {
  const { manifest, report } = input;
  const lines = [
    // Published with allow-failed-gates: said first, before the provenance.
    ...(report !== null && !report.passed ? [failedGatesWarning(report.gates), ''] : []),
    `**${escapeUserText(input.model, 100)} v${input.version}**, registered by mlops-actions ${MLOPS_VERSION}.`,
    '',
    `- Model: ${codeSpan(input.digest)} (${manifest.model.file.bytes} bytes, ${manifest.model.task ?? 'task not stated'})`,
    `- Commit: ${codeSpan(input.commit ?? 'unknown')}${input.pullRequest !== null ? ` from pull request #${input.pullRequest}` : ''}`,
    ...(input.runUrl !== null ? [`- Published by [this run](${input.runUrl})`] : []),
    ...(manifest.source.runUrl !== null
      ? [`- Trained by [this run](${manifest.source.runUrl})`]
      : []),
    `- Production when published: ${input.current === null ? 'none' : `v${input.current.version} (${codeSpan(input.current.tag)})`}`,
    '',
    "Assets: `model.onnx`, `manifest.json` (provenance), `metrics.json`, `model-card.md`, and `profile.json` (the training data profile drift checks compare with) when training data is configured. Each asset's sha256 is in the manifest.",
  ];
  if (report !== null) {
    lines.push(
      '',
      `### Evaluation (${report.rows} records, ${report.passed ? 'all gates passed' : 'gates FAILED'})`,
      '',
      `| metric | ${report.baseline !== null ? `${escapeMarkdownCell(report.baseline.label)} | ` : ''}this version | ${report.baseline !== null ? 'delta |' : ''}`,
      `| --- | ${report.baseline !== null ? '--- | ' : ''}--- |${report.baseline !== null ? ' --- |' : ''}`,
    );
    for (const [metric, value] of Object.entries(report.candidate.metrics.values)) {
      const delta = report.deltas.find((d) => d.metric === metric);
      const base = report.baseline?.metrics.values[metric];
      lines.push(
        report.baseline !== null
          ? `| ${escapeMarkdownCell(metric)} | ${base === undefined ? '' : formatValue(base)} | ${formatValue(value)} | ${delta === undefined ? '' : `${formatSigned(delta.delta)}${delta.significant ? ' (significant)' : ''}`} |`
          : `| ${escapeMarkdownCell(metric)} | ${formatValue(value)} |`,
      );
    }
  }
  const history =
    input.history == null
      ? []
      : historyBlocks(input.history, {
          current: {
            label: `v${input.version}`,
            metrics: report?.candidate.metrics.values ?? manifest.metrics,
          },
        });
  if (history.length > 0) lines.push('', '### History', '', renderBlocks(history));
  lines.push(
    '',
    formatReleaseMarker({ model: input.model, commit: input.commit, digest: input.digest }),
  );
  return lines.join('\n');
}

/** The line a promotion appends to the new holder's release notes, and to the previous one's. */
export function stageNote(options: {
  readonly kind: 'assigned' | 'replaced';
  readonly stage: string;
  readonly tag: string;
  readonly version: string;
  readonly pullRequest: number | null;
  readonly approvedBy: readonly string[];
  readonly run: string | null;
  readonly at: Date;
  /** The version's evaluation failed its gates and it was promoted anyway (allow-failed-gates). */
  readonly failedGates?: boolean | undefined;
}): string {
  const when = options.at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const who =
    options.approvedBy.length > 0
      ? `, approved by ${options.approvedBy.map((login) => `@${login}`).join(', ')}`
      : '';
  const pr = options.pullRequest !== null ? ` in pull request #${options.pullRequest}` : '';
  const run = options.run !== null ? ` ([run](${options.run}))` : '';
  return options.kind === 'assigned'
    ? `- ${when}: promoted to **${options.stage}** as ${codeSpan(options.tag)}${pr}${who}${run}${options.failedGates === true ? ', although its evaluation FAILED its gates (allow-failed-gates)' : ''}.`
    : `- ${when}: replaced in **${options.stage}** by v${options.version} (${codeSpan(options.tag)})${pr}${run}.`;
}
