/**
 * The top of an evaluation report as markdown blocks: verdict, what was compared on which data,
 * the metric table, McNemar's test and the links. Shared by the PR comment, the job summary and the
 * check run. Every value that came from data or a pull request (labels, names, file names) goes
 * through `escapeUserText`; numbers are formatted by `number-format.ts` (4 decimal places).
 */
import { escapeUserText } from '../markdown/escape.js';
import {
  comparisonFormatLegend,
  formatCount,
  formatDelta,
  formatInterval,
  formatParameter,
  formatPercent,
  formatPValue,
  formatValue,
  valueFormatLegend,
} from '../markdown/number-format.js';
import type { MarkdownBlock } from '../markdown/truncate.js';
import {
  compareDelta,
  compareMetrics,
  metricDirection,
  orderMetrics,
  overallVerdict,
  type Direction,
  type MetricComparison,
} from './comparison.js';
import { COST_METRICS } from './latency.js';
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

/**
 * Sign of the heading: ❌ a gate failed; ⚠️ nothing gates the merge, or the gates held although
 * the candidate is significantly worse on some metric (a reviewer should look); ✅ otherwise.
 */
function headingIcon(report: EvaluationReport): string {
  if (!report.passed) return '❌';
  if (report.gates.length === 0) return '⚠️';
  const verdict =
    report.baseline === null ? 'no-difference' : overallVerdict(compareMetrics(report));
  return verdict === 'worse' || verdict === 'mixed' ? '⚠️' : '✅';
}

function metricList(comparisons: readonly MetricComparison[], withDelta: boolean): string {
  const shown = comparisons.slice(0, 8).map((comparison) => {
    const name = metricName(comparison.metric);
    if (!withDelta) return name;
    const direction =
      comparison.direction === 'unknown' ? '' : ` (${directionWords[comparison.direction]})`;
    return `**${name}** ${formatDelta(comparison.delta.delta)}${direction}`;
  });
  if (comparisons.length > shown.length) shown.push(`${comparisons.length - shown.length} more`);
  return shown.join(withDelta ? '; ' : ', ');
}

const directionWords: Record<'higher' | 'lower', string> = {
  higher: 'higher is better',
  lower: 'lower is better',
};

/** "the candidate is worse than production v1.0.0": the comparison in one phrase. */
export function comparisonPhrase(report: EvaluationReport): string {
  if (report.baseline === null) return 'first evaluation, no baseline to compare with';
  const baseline = modelLabel(report.baseline.label);
  const candidate = modelLabel(report.candidate.label);
  switch (overallVerdict(compareMetrics(report))) {
    case 'better':
      return `${candidate} is better than ${baseline}`;
    case 'worse':
      return `${candidate} is worse than ${baseline}`;
    case 'mixed':
      return `${candidate} is better on some metrics and worse on others than ${baseline}`;
    case 'no-difference':
      return `no significant difference between ${candidate} and ${baseline}`;
  }
}

/**
 * The decision first: the heading says how the candidate compares (better, worse, mixed, no
 * significant difference) and whether the gates held; then which metrics made it so, then each
 * gate, or a warning that none is configured.
 */
export function verdictBlocks(report: EvaluationReport): MarkdownBlock[] {
  const model = escapeUserText(report.model, limits.model);
  const gates =
    report.gates.length === 0
      ? 'no gates configured'
      : `${report.passed ? 'passed' : 'failed'} evaluation, ${gateVerdict(report.gates)}`;
  const heading = `### ${headingIcon(report)} ${model}: ${comparisonPhrase(report)} — ${gates}`;
  const blocks: MarkdownBlock[] = [{ kind: 'text', text: heading }];

  if (report.baseline !== null) {
    const comparisons = compareMetrics(report);
    const of = (outcome: MetricComparison['outcome']): MetricComparison[] =>
      comparisons.filter((comparison) => comparison.outcome === outcome);
    const lines: string[] = [];
    if (of('worse').length > 0)
      lines.push(`🔴 Significantly worse: ${metricList(of('worse'), true)}.`);
    if (of('better').length > 0)
      lines.push(`🟢 Significantly better: ${metricList(of('better'), true)}.`);
    if (of('changed').length > 0)
      lines.push(
        `Significantly changed, direction unknown: ${metricList(of('changed'), true)} (set greater-is-better on a gate to say which way is better).`,
      );
    if (of('no-difference').length > 0)
      lines.push(`No significant difference: ${metricList(of('no-difference'), false)}.`);
    if (lines.length > 0) blocks.push({ kind: 'text', text: lines.join('\\\n') });
  }

  if (report.gates.length === 0) {
    blocks.push({
      kind: 'text',
      text:
        '> [!WARNING]\n' +
        '> No gates are configured, so this check passes whatever the metrics say. Add gates under ' +
        '`evaluate.gates` in mlops.yml, for example `{ metric: roc_auc, max-drop: 0.01 }` or ' +
        '`{ metric: recall, min: 0.9 }` (see the README).',
    });
    return blocks;
  }
  // Every gate with its numbers, failed ones first: the decision a reviewer checks.
  const ordered = [
    ...report.gates.filter((gate) => gate.status === 'failed'),
    ...report.gates.filter((gate) => gate.status !== 'failed'),
  ];
  const shown = ordered.slice(0, 8);
  const lines = shown.map(
    (gate) =>
      `- ${statusIcon[gate.status]} **${gateName(gate)}**: ${escapeUserText(gate.detail, limits.detail)}`,
  );
  if (ordered.length > shown.length) {
    lines.push(`- … and ${ordered.length - shown.length} more gates (see the gate list)`);
  }
  blocks.push({ kind: 'text', text: lines.join('\n') });
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
  if (report.task === 'binary-classification' && report.positiveClass != null) {
    lines.push(
      `Positive class: **${escapeUserText(report.positiveClass, limits.label)}** (precision, recall, F1, ROC AUC, PR AUC and Brier score are computed for it; set \`evaluate.positive-class\` to change it).`,
    );
  }
  // Lines of one paragraph: a trailing backslash is a hard line break in GFM.
  return { kind: 'text', text: lines.join('\\\n') };
}

/**
 * The metrics of the table: chosen ones, else the compared ones and the rest, plus gated ones; in
 * one fixed order (the task's canonical order, then the others), so comments line up over time.
 */
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
  return orderMetrics(report.task, [...shown]);
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

/** "↑ higher", "↓ lower", "?": which way is better, in the table's second column. */
export function directionCell(direction: Direction): string {
  if (direction === 'higher') return '↑ higher';
  if (direction === 'lower') return '↓ lower';
  return '?';
}

const outcomeCell: Record<MetricComparison['outcome'], string> = {
  better: '🟢 better',
  worse: '🔴 worse',
  changed: 'changed',
  'no-difference': 'not significant',
};

export function metricTableBlocks(
  report: EvaluationReport,
  metricsToShow?: readonly string[],
): MarkdownBlock[] {
  const metrics = shownMetrics(report, metricsToShow);
  const candidate = report.candidate.metrics.values;
  const candidateLabel = modelLabel(report.candidate.label);
  const direction = (metric: string): string =>
    directionCell(metricDirection(metric, report.metricDirections));
  if (report.baseline === null) {
    const skipped = report.gates.filter((gate) => gate.status === 'skipped').length;
    const note = escapeUserText(report.baselineNote ?? 'none was given', limits.note);
    return [
      {
        kind: 'table',
        table: {
          header: ['Metric', 'Better', candidateLabel, 'Gate'],
          align: ['left', 'left', 'right', 'center'],
          rows: metrics.map((metric) => [
            metricName(metric),
            direction(metric),
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
    let change = '—';
    if (delta !== undefined) {
      const comparison = compareDelta(delta, report.metricDirections);
      // Bold goes with a mark only: a significant change of a known direction.
      const marked = comparison.outcome === 'better' || comparison.outcome === 'worse';
      shownDelta = marked ? `**${formatDelta(delta.delta)}**` : formatDelta(delta.delta);
      interval = formatInterval(delta.interval);
      change = outcomeCell[comparison.outcome];
    } else if (c !== undefined && b !== undefined) {
      // Compared without a bootstrap (e.g. a metric a resample cannot compute): no interval.
      shownDelta = formatDelta(c - b);
      change = 'not tested';
    }
    return [
      metricName(metric),
      direction(metric),
      value(baseline, metric),
      value(candidate, metric),
      shownDelta,
      interval,
      change,
      metricGateIcon(report, metric),
    ];
  });
  const { resamples, seed } = report.bootstrap;
  return [
    {
      kind: 'table',
      table: {
        header: [
          'Metric',
          'Better',
          baselineLabel,
          candidateLabel,
          'Δ',
          intervalHeader(report),
          'Change',
          'Gate',
        ],
        align: ['left', 'left', 'right', 'right', 'right', 'center', 'left', 'center'],
        rows,
      },
    },
    {
      kind: 'text',
      text:
        `Δ = ${candidateLabel} − ${baselineLabel}. 🟢 better / 🔴 worse (Δ in **bold**): the ${intervalHeader(report)} ` +
        `of Δ (paired bootstrap over the same records, ${formatCount(resamples)} resamples, seed ${seed}) excludes 0, ` +
        `in the metric's better or worse direction. ${comparisonFormatLegend}.`,
    },
  ];
}

/**
 * McNemar's exact test, and why it can disagree with the bootstrap on accuracy: the bootstrap
 * interval is a percentile interval of the accuracy difference over resampled records, McNemar's
 * test counts only the records the models disagree on and is exact, so conservative when those
 * are few. Near the boundary one can reject and the other not; the text says so instead of
 * leaving a reader with two contradicting numbers.
 */
export function mcnemarBlock(report: EvaluationReport): MarkdownBlock | null {
  if (report.mcnemar === null || report.baseline === null) return null;
  const { baselineOnly, candidateOnly, pValue } = report.mcnemar;
  const alpha = 1 - report.bootstrap.confidence;
  const rejects = pValue < alpha;
  let text =
    `McNemar's exact test on accuracy: ${modelLabel(report.baseline.label)} alone right on ` +
    `${formatCount(baselineOnly)} records, ${modelLabel(report.candidate.label)} alone on ${formatCount(candidateOnly)}; ` +
    `${formatPValue(pValue)} (two-sided${rejects ? `, the two models differ at the ${formatParameter(alpha)} level` : ''}).`;
  const accuracy = report.deltas.find((delta) => delta.metric === 'accuracy');
  if (accuracy !== undefined && accuracy.significant !== rejects) {
    const discordant = formatCount(baselineOnly + candidateOnly);
    text += accuracy.significant
      ? ` The bootstrap marks the accuracy change significant but McNemar's test does not: the test looks only at the ${discordant} records where the models disagree and is exact, so it is more cautious with few of them. Treat the accuracy change as borderline.`
      : ` McNemar's test finds a difference but the bootstrap interval of the accuracy change includes 0: the two measure different things (which records change versus how much accuracy moves) and disagree near the boundary. Treat the accuracy change as borderline.`;
  }
  return { kind: 'text', text };
}

/**
 * Latency and file size of both models, with the change in absolute and relative terms. No
 * significance test: the note says how they were timed, so a reviewer can judge the noise.
 */
export function costBlocks(report: EvaluationReport): MarkdownBlock[] {
  const cost = report.cost;
  if (cost === undefined) return [];
  const candidateLabel = modelLabel(report.candidate.label);
  const baseline = report.baseline === null ? null : cost.baseline;
  const rows = COST_METRICS.filter(
    (metric) => cost.candidate.values[metric.name] !== undefined,
  ).map((metric) => {
    const c = cost.candidate.values[metric.name] as number;
    const b = baseline?.values[metric.name];
    const relative =
      b === undefined || b === 0
        ? '—'
        : `${c >= b ? '+' : '-'}${(Math.abs(c / b - 1) * 100).toFixed(1)}%`;
    return [
      `\`${metric.name}\`: ${metric.label}`,
      directionCell('lower'),
      ...(baseline === null ? [] : [b === undefined ? '—' : formatValue(b)]),
      formatValue(c),
      ...(baseline === null ? [] : [b === undefined ? '—' : formatDelta(c - b), relative]),
      metricGateIcon(report, metric.name),
    ];
  });
  if (rows.length === 0) return [];
  const { samples, batchSize } = cost.candidate;
  return [
    {
      kind: 'table',
      table: {
        header: [
          'Latency and size',
          'Better',
          ...(baseline === null || report.baseline === null
            ? []
            : [modelLabel(report.baseline.label)]),
          candidateLabel,
          ...(baseline === null ? [] : ['Δ', 'Δ %']),
          'Gate',
        ],
        align: [
          'left',
          'left',
          ...(baseline === null ? [] : ['right' as const]),
          'right',
          ...(baseline === null ? [] : ['right' as const, 'right' as const]),
          'center',
        ],
        rows,
      },
    },
    {
      kind: 'text',
      text:
        `Timed with onnxruntime on this runner: ${formatCount(samples.single)} single-record runs and ` +
        `${formatCount(samples.batch)} batches of ${formatCount(batchSize)} records per model, after warm-up, ` +
        `${baseline === null ? '' : 'the two models alternated run by run with the same session settings, '}` +
        'wall-clock per run. On shared runners a change of a few percent is often noise; gates can bound ' +
        '`latency_p95_ms` or `model_size_kib` (`max-drop: 10%` allows 10% more).',
    },
  ];
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
