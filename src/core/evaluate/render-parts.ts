/**
 * The top of an evaluation report as markdown blocks: verdict, what was compared on which data,
 * the metric table, McNemar's test and the links. Shared by the PR comment, the job summary and the
 * check run. Every value that came from data or a pull request (labels, names, file names) goes
 * through `escapeUserText`; numbers are formatted by `number-format.ts` (4 decimal places).
 */
import { escapeUserText } from '../markdown/escape.js';
import {
  formatCount,
  formatPercent,
  formatPValue,
  formatSigned,
  formatValue,
  valueFormatLegend,
} from '../markdown/number-format.js';
import type { MarkdownBlock } from '../markdown/truncate.js';
import type { EvaluationReport, GateResult, MetricDelta } from './report.js';

/** Longest shown form of each kind of user value; the report artifact keeps them whole. */
export const limits = {
  metric: 60,
  model: 60,
  label: 80,
  file: 120,
  note: 300,
  detail: 300,
} as const;

export const statusIcon: Record<GateResult['status'], string> = {
  passed: '✅',
  failed: '❌',
  skipped: '⏭️',
};

export function metricName(metric: string): string {
  return escapeUserText(metric, limits.metric);
}

export function modelLabel(label: string): string {
  return escapeUserText(label, limits.model);
}

/** "accuracy max-drop 1% (relative)": how a gate is named in lists. */
export function gateName(gate: GateResult): string {
  return `${metricName(gate.metric)} ${escapeUserText(gate.rule, limits.detail)}`;
}

export function failedGates(report: EvaluationReport): GateResult[] {
  return report.gates.filter((gate) => gate.status === 'failed');
}

/** "2 passed, 1 skipped" in the order failed, passed, skipped; empty parts left out. */
export function gateCounts(gates: readonly GateResult[]): string {
  return (['failed', 'passed', 'skipped'] as const)
    .map((status) => [status, gates.filter((gate) => gate.status === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
}

/**
 * The gates in a phrase: "1 of 3 gates failed", "all 2 gates passed", "2 gates passed, 1 skipped",
 * "no gates configured".
 */
export function gateVerdict(gates: readonly GateResult[]): string {
  const count = (status: GateResult['status']): number =>
    gates.filter((gate) => gate.status === status).length;
  const plural = (n: number): string => `${n} gate${n === 1 ? '' : 's'}`;
  const failed = count('failed');
  const skipped = count('skipped');
  if (gates.length === 0) return 'no gates configured';
  if (failed > 0) return `${failed} of ${plural(gates.length)} failed`;
  if (skipped === 0)
    return gates.length === 1 ? '1 gate passed' : `all ${plural(gates.length)} passed`;
  return `${plural(count('passed'))} passed, ${skipped} skipped`;
}

export function verdictBlocks(report: EvaluationReport): MarkdownBlock[] {
  const model = escapeUserText(report.model, limits.model);
  const failed = failedGates(report);
  const heading = report.passed
    ? `### ✅ ${model} passed evaluation: ${gateVerdict(report.gates)}`
    : `### ❌ ${model} failed evaluation: ${gateVerdict(report.gates)}`;
  const blocks: MarkdownBlock[] = [{ kind: 'text', text: heading }];
  if (failed.length > 0) {
    // The failing gates with their numbers: the first thing a reviewer needs, kept above the fold.
    const shown = failed.slice(0, 5);
    const lines = shown.map(
      (gate) => `- ❌ **${gateName(gate)}**: ${escapeUserText(gate.detail, limits.detail)}`,
    );
    if (failed.length > shown.length) {
      lines.push(`- … and ${failed.length - shown.length} more failed gates (see the gate list)`);
    }
    blocks.push({ kind: 'text', text: lines.join('\n') });
  }
  return blocks;
}

const sha256Digest = /^sha256:[0-9a-f]{64}$/;

/** A digest in a code span when it has the expected form; otherwise escaped text. */
function digest(value: string, short = false): string {
  if (!sha256Digest.test(value)) return escapeUserText(value, 80);
  return `\`${short ? `${value.slice(0, 19)}…` : value}\``;
}

/** Which bytes were evaluated, against what, on which data. */
export function identityBlock(report: EvaluationReport): MarkdownBlock {
  const lines = [
    `Candidate model ${digest(report.candidate.digest)}: these exact bytes are what gets published.`,
  ];
  const files = report.data.slice(0, 5).map((file) => {
    return `${escapeUserText(file.path, limits.file)} (${digest(file.digest, true)})`;
  });
  if (report.data.length > files.length)
    files.push(`and ${report.data.length - files.length} more files`);
  const data =
    report.data.length === 0
      ? `${formatCount(report.rows)} records`
      : `${formatCount(report.rows)} records of ${files.join(', ')}`;
  lines.push(
    report.baseline === null
      ? `Evaluated on ${data}.`
      : `Compared with ${modelLabel(report.baseline.label)} (${digest(report.baseline.digest)}) on the same ${data}.`,
  );
  // Two lines of one paragraph: a trailing backslash is a hard line break in GFM.
  return { kind: 'text', text: lines.join('\\\n') };
}

/** The metrics of the table, in order: chosen ones, else the compared ones, then gated ones. */
export function shownMetrics(
  report: EvaluationReport,
  metricsToShow?: readonly string[],
): string[] {
  const candidate = report.candidate.metrics.values;
  const shown = new Set<string>(
    metricsToShow ?? [...report.deltas.map((delta) => delta.metric), ...Object.keys(candidate)],
  );
  // A gated metric is always visible, so the table shows why a gate failed.
  for (const gate of report.gates)
    if (Object.hasOwn(candidate, gate.metric)) shown.add(gate.metric);
  return [...shown];
}

/** ✅ when a metric's gates all passed, ❌ when one failed, — when none applied. */
export function metricGateIcon(report: EvaluationReport, metric: string): string {
  const gates = report.gates.filter((gate) => gate.metric === metric);
  if (gates.some((gate) => gate.status === 'failed')) return '❌';
  if (gates.some((gate) => gate.status === 'passed')) return '✅';
  return '—';
}

function value(values: Readonly<Record<string, number>> | undefined, metric: string): string {
  const found = values?.[metric];
  return found === undefined ? '—' : formatValue(found);
}

export function intervalHeader(report: EvaluationReport): string {
  return `${formatPercent(report.bootstrap.confidence)} interval`;
}

export function metricTableBlocks(
  report: EvaluationReport,
  metricsToShow?: readonly string[],
): MarkdownBlock[] {
  const metrics = shownMetrics(report, metricsToShow);
  const candidate = report.candidate.metrics.values;
  const candidateLabel = modelLabel(report.candidate.label);
  if (report.baseline === null) {
    const skipped = report.gates.filter((gate) => gate.status === 'skipped').length;
    const note = escapeUserText(report.baselineNote ?? 'none was given', limits.note);
    return [
      {
        kind: 'table',
        table: {
          header: ['Metric', candidateLabel, 'Gate'],
          align: ['left', 'right', 'center'],
          rows: metrics.map((metric) => [
            metricName(metric),
            value(candidate, metric),
            metricGateIcon(report, metric),
          ]),
        },
      },
      {
        kind: 'text',
        text:
          `No baseline to compare with: ${note}. ` +
          (skipped > 0
            ? `${skipped} gate${skipped === 1 ? '' : 's'} relative to a baseline (min-gain, max-drop) ${skipped === 1 ? 'was' : 'were'} skipped.`
            : 'Gates relative to a baseline (min-gain, max-drop) are skipped until there is one.') +
          ` ${valueFormatLegend}.`,
      },
    ];
  }
  const baseline = report.baseline.metrics.values;
  const baselineLabel = modelLabel(report.baseline.label);
  const deltas = new Map<string, MetricDelta>(report.deltas.map((delta) => [delta.metric, delta]));
  const rows = metrics.map((metric) => {
    const delta = deltas.get(metric);
    const c = candidate[metric];
    const b = baseline[metric];
    let shownDelta = '—';
    let interval = '—';
    if (delta !== undefined) {
      shownDelta = delta.significant
        ? `**${formatSigned(delta.delta)}**`
        : formatSigned(delta.delta);
      interval = `[${formatSigned(delta.interval[0])}, ${formatSigned(delta.interval[1])}]`;
    } else if (c !== undefined && b !== undefined) {
      // Compared without a bootstrap (e.g. a metric a resample cannot compute): no interval.
      shownDelta = formatSigned(c - b);
    }
    return [
      metricName(metric),
      value(baseline, metric),
      value(candidate, metric),
      shownDelta,
      interval,
      metricGateIcon(report, metric),
    ];
  });
  const { resamples, seed } = report.bootstrap;
  return [
    {
      kind: 'table',
      table: {
        header: ['Metric', baselineLabel, candidateLabel, 'Δ', intervalHeader(report), 'Gate'],
        align: ['left', 'right', 'right', 'right', 'center', 'center'],
        rows,
      },
    },
    {
      kind: 'text',
      text:
        `Δ = ${candidateLabel} − ${baselineLabel}; **bold** Δ: significant, its ${intervalHeader(report)} ` +
        `(paired bootstrap over the same records, ${formatCount(resamples)} resamples, seed ${seed}) excludes 0. ` +
        `${valueFormatLegend}.`,
    },
  ];
}

export function mcnemarBlock(report: EvaluationReport): MarkdownBlock | null {
  if (report.mcnemar === null || report.baseline === null) return null;
  const { baselineOnly, candidateOnly, pValue } = report.mcnemar;
  return {
    kind: 'text',
    text:
      `McNemar's exact test on accuracy: ${modelLabel(report.baseline.label)} alone right on ` +
      `${formatCount(baselineOnly)} records, ${modelLabel(report.candidate.label)} alone on ${formatCount(candidateOnly)}; ` +
      `${formatPValue(pValue)} (two-sided${pValue < 0.05 ? ', the two models differ' : ''}).`,
  };
}

const githubRunUrl =
  /^(https:\/\/[A-Za-z0-9.-]+(?::\d+)?\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)\/actions\/runs\/\d+(?:\/attempts\/\d+)?$/;
const safeUrl = /^https?:\/\/[A-Za-z0-9._~:/?#[\]@!$&'*+,;=%-]+$/;
const commitSha = /^[0-9a-f]{7,64}$/;

/** Workflow run and commit: links only when they have the shape GitHub gives them. */
export function linksBlock(report: EvaluationReport): MarkdownBlock {
  const parts: string[] = [];
  const { url, commit } = report.run;
  const safeRunUrl = url !== null && safeUrl.test(url) && !/[()<>\s]/.test(url) ? url : null;
  if (safeRunUrl !== null) parts.push(`[Workflow run](${safeRunUrl})`);
  if (commit !== null && commitSha.test(commit)) {
    const repository = safeRunUrl === null ? undefined : githubRunUrl.exec(safeRunUrl)?.[1];
    parts.push(
      repository === undefined
        ? `commit \`${commit.slice(0, 12)}\``
        : `commit [\`${commit.slice(0, 12)}\`](${repository}/commit/${commit})`,
    );
  }
  parts.push(`report created ${escapeUserText(report.createdAt, 40)}`);
  return { kind: 'text', text: `<sub>${parts.join(' · ')}</sub>` };
}
