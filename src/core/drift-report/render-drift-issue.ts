/**
 * The drift issue's body and comments. Everything from the data (column names, categories) is
 * escaped; charts are Mermaid `xychart-beta` bar charts (current as bars, reference as a line,
 * over the same bins) with a table of the same numbers beside each, since GitHub does not say
 * which Mermaid version it runs. Bodies stay under GitHub's 65,536-character limit: charts and
 * the table of columns without drift are the first to go.
 */
import { escapeUserText } from '../markdown/escape.js';
import { fullReportLine, safeLink } from '../markdown/report-link.js';
import { renderXyBarChart } from '../markdown/mermaid.js';
import { formatParameter, formatValue } from '../markdown/number-format.js';
import { clipText, fitMarkdown, type MarkdownBlock } from '../markdown/truncate.js';
import type { DriftComparison } from './compare-profiles.js';
import type { DriftColumnResult, DriftReport, DriftSeverity } from './report.js';

/** GitHub's limit on issue bodies and comments, in characters. */
export const MAX_ISSUE_BODY = 65_536;

/** The hidden marker that finds the model's drift issue again. */
export function driftIssueMarker(model: string): string {
  return `<!-- mlops-actions:drift:${model.replace(/--+|>/g, '_')} -->`;
}

export function driftIssueTitle(report: DriftReport): string {
  return clipText(`Data drift in ${report.model}: ${report.severity}`, 200);
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const name = (text: string) => escapeUserText(text, 80);

/** How far past its threshold a column is: > 1 when drifted, for ranking. */
export function driftScore(column: DriftColumnResult): number {
  if (column.p_value !== null) return column.threshold / Math.max(column.p_value, 1e-300);
  return column.threshold > 0 ? column.statistic / column.threshold : column.statistic;
}

function statisticCell(column: DriftColumnResult): string {
  return formatValue(column.statistic);
}

function pValueCell(column: DriftColumnResult): string {
  if (column.p_value === null) return '—';
  return column.p_value < 1e-4 ? '< 0.0001' : column.p_value.toFixed(4);
}

function ruleCell(column: DriftColumnResult): string {
  return column.p_value === null
    ? `statistic ≥ ${formatParameter(column.threshold)}`
    : `p ≤ ${formatParameter(column.threshold)}`;
}

function droppedCell(column: DriftColumnResult): string {
  const parts: string[] = [];
  if (column.nan.reference + column.nan.current > 0) {
    parts.push(`NaN ${column.nan.reference} / ${column.nan.current}`);
  }
  if (column.inf.reference + column.inf.current > 0) {
    parts.push(`∞ ${column.inf.reference} / ${column.inf.current}`);
  }
  if (column.oov_rate !== undefined) parts.push(`OOV ${percent(column.oov_rate)}`);
  return parts.join(', ') || '—';
}

function columnsTable(columns: readonly DriftColumnResult[]): MarkdownBlock {
  return {
    kind: 'table',
    table: {
      header: ['Column', 'Kind', 'Test', 'Statistic', 'p-value', 'Drift when', 'Drifted', 'Notes'],
      align: ['left', 'left', 'left', 'right', 'right', 'left', 'center', 'left'],
      rows: columns.map((c) => [
        name(c.name),
        c.kind,
        c.test,
        statisticCell(c),
        pValueCell(c),
        ruleCell(c),
        c.drifted ? 'yes' : 'no',
        droppedCell(c),
      ]),
    },
  };
}

function chartBlocks(comparison: DriftComparison, column: DriftColumnResult): MarkdownBlock[] {
  const histogram = comparison.histograms.get(column.name);
  if (histogram === undefined || histogram.bins.length === 0) return [];
  const max = Math.max(...histogram.reference, ...histogram.current, 0.01);
  const chart = renderXyBarChart({
    title: `${column.name}: current (bars) vs reference (line)`,
    categories: histogram.bins,
    yAxis: { title: 'share', min: 0, max: Math.min(1, Math.ceil(max * 20) / 20) },
    bars: histogram.current,
    line: histogram.reference,
  });
  return [
    {
      kind: 'text',
      text: `#### ${name(column.name)}: ${column.test} ${formatValue(column.statistic)}\n\n${chart}`,
    },
    {
      kind: 'table',
      table: {
        header: ['Bin', 'Reference', 'Current'],
        align: ['left', 'right', 'right'],
        rows: histogram.bins.map((bin, i) => [
          name(bin),
          percent(histogram.reference[i] ?? 0),
          percent(histogram.current[i] ?? 0),
        ]),
      },
    },
  ];
}

function severityLine(report: DriftReport): string {
  const checked = new Set(
    report.columns.filter((c) => c.kind !== 'prediction').map((c) => c.column),
  ).size;
  const prediction =
    report.prediction_drift === null
      ? ''
      : report.prediction_drift
        ? ' The model’s predictions drifted.'
        : ' The model’s predictions did not drift.';
  return (
    `**Severity: ${report.severity}** — ${report.drifted} of ${checked} columns drifted ` +
    `(share ${report.share.toFixed(2)}; moderate from ${formatParameter(report.thresholds.moderate)}, ` +
    `severe from ${formatParameter(report.thresholds.severe)}).${prediction}`
  );
}

export interface DriftIssueOptions {
  /** The workflow run that checked, linked from the body. */
  readonly runUrl: string | null;
  /** Charts of the most drifted columns (default 5). */
  readonly maxCharts?: number;
  /**
   * Where the full JSON report is. Only a URL (the uploaded artifact, the run) is linked: a local
   * path means nothing to a reader of the issue, so it is shown as the file name alone.
   */
  readonly reportLocation?: string | null;
  /** The uploaded report artifact's URL, linked as the full report when given. */
  readonly reportArtifactUrl?: string | null;
  /**
   * The workflow that moderate drift dispatches for retraining (the check-drift action's
   * `retrain-workflow`); null when none is dispatched; absent when the caller does not say, and
   * then the body states the rule rather than what was done.
   */
  readonly retrainWorkflow?: string | null;
  /** What to work through on severe drift; default `defaultSevereChecklist`. */
  readonly severeChecklist?: readonly string[];
  readonly maxLength?: number;
}

/** The experimentation checklist of a severe-drift issue, when the caller gives none. */
export const defaultSevereChecklist: readonly string[] = [
  'Check the data pipeline first: a changed unit, scale, encoding or upstream source often looks like drift in many columns at once.',
  'Compare the charts below with what changed in the world (season, market, a new scanner or sensor) to tell real change from a broken feed.',
  'If the change is real: add recent data to the training set, retrain in a pull request, and let evaluate compare the candidate with production on recent labelled records.',
  'If the current model must keep serving meanwhile, watch its live metrics (check-performance) until the new version is promoted.',
  'Adjust the drift thresholds or per-column tests in mlops.yml only with a reason written down in the pull request.',
];

const runUrlShape =
  /^(https:\/\/[A-Za-z0-9.-]+(?::\d+)?\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)\/actions\/runs\/\d+(?:\/attempts\/\d+)?$/;

function columnList(columns: readonly DriftColumnResult[], max = 8): string {
  const shown = columns.slice(0, max).map((c) => `${name(c.name)} (${c.test})`);
  if (columns.length > shown.length) shown.push(`and ${columns.length - shown.length} more`);
  return shown.join(', ');
}

/**
 * Why the grade, what was done, how the issue closes: the three things a maintainer reading the
 * issue needs before the charts.
 */
export function driftNextSteps(
  report: DriftReport,
  drifted: readonly DriftColumnResult[],
  options: DriftIssueOptions,
): MarkdownBlock[] {
  const { moderate, severe } = report.thresholds;
  const share = report.share.toFixed(2);
  const dataColumns = drifted.filter((c) => c.kind !== 'prediction');
  const predictions = drifted.filter((c) => c.kind === 'prediction');
  const byShare = report.share >= moderate;
  let why: string;
  if (report.severity === 'none') {
    why = `No grade: the share of drifted columns (${share}) is below ${formatParameter(moderate)} and the predictions did not drift.`;
  } else if (report.severity === 'severe') {
    why = `**Severe** because the share of drifted columns, ${share}, reaches ${formatParameter(severe)}: ${columnList(dataColumns)}.`;
  } else if (byShare) {
    why =
      `**Moderate** because the share of drifted columns, ${share}, reaches ${formatParameter(moderate)} (severe from ${formatParameter(severe)}): ${columnList(dataColumns)}.` +
      (report.prediction_drift === true
        ? ` The model's predictions drifted as well${predictions.length > 0 ? ` (${columnList(predictions, 3)})` : ''}.`
        : '');
  } else {
    why =
      `**Moderate**: the grade came from prediction drift${predictions.length > 0 ? ` (${columnList(predictions, 3)})` : ''}. ` +
      `The share of drifted columns alone, ${share}, is below ${formatParameter(moderate)}` +
      (dataColumns.length > 0 ? ` (${columnList(dataColumns)}).` : '.');
  }

  const lines: string[] = [`**Why:** ${why}`];
  if (report.severity === 'moderate') {
    const workflow = options.retrainWorkflow;
    const repository = runUrlShape.exec(safeLink(options.runUrl) ?? '')?.[1];
    if (workflow === undefined) {
      // The caller did not say whether it dispatches: state the rule, not a guess.
      lines.push(
        '**What happens next:** moderate drift dispatches the retraining workflow when the check-drift action has `retrain-workflow` set; otherwise retrain in a pull request.',
      );
    } else if (workflow !== null && workflow !== '') {
      const shown = name(workflow);
      const link =
        repository !== undefined && /^[A-Za-z0-9_.-]+\.ya?ml$/.test(workflow)
          ? ` ([its runs](${repository}/actions/workflows/${workflow}))`
          : '';
      lines.push(
        `**What was done:** retraining was dispatched: workflow ${shown}${link}. Its pull request is evaluated against production like any other.`,
      );
    } else {
      lines.push(
        '**What was done:** nothing automatic: no retraining workflow is set (the check-drift action’s `retrain-workflow` input). Retrain in a pull request, or set it.',
      );
    }
  } else if (report.severity === 'severe') {
    lines.push(
      '**What was done:** severe drift is not retrained automatically, because retraining on a broken feed would publish a broken model. Work through this checklist:',
    );
  }
  const blocks: MarkdownBlock[] = [{ kind: 'text', text: lines.join('\n\n') }];
  if (report.severity === 'severe') {
    const checklist = options.severeChecklist ?? defaultSevereChecklist;
    blocks.push({
      kind: 'text',
      text: checklist.map((item) => `- [ ] ${escapeUserText(item, 500)}`).join('\n'),
    });
  }
  if (report.severity !== 'none') {
    blocks.push({
      kind: 'text',
      text:
        `**How this closes:** every scheduled check updates this issue (a comment when the grade changes); ` +
        `the first check that finds the share below ${formatParameter(moderate)} with stable predictions closes it.`,
    });
  }
  return blocks;
}

/** The issue body, marker first, within `maxLength` (default 65,536) characters. */
export function renderDriftIssueBody(
  comparison: DriftComparison,
  options: DriftIssueOptions,
): string {
  const { report } = comparison;
  const marker = driftIssueMarker(report.model);
  const drifted = report.columns
    .filter((c) => c.drifted)
    .sort((a, b) => driftScore(b) - driftScore(a));
  const stable = report.columns.filter((c) => !c.drifted);
  const blocks: MarkdownBlock[] = [
    { kind: 'text', text: `## Data drift in ${name(report.model)}` },
    { kind: 'text', text: severityLine(report) },
    ...driftNextSteps(report, drifted, options),
    {
      kind: 'text',
      text:
        `Reference: ${name(report.reference)}  \nCurrent: ${name(report.current)}` +
        (safeLink(options.runUrl) !== null ? `  \nRun: ${safeLink(options.runUrl)}` : '') +
        `  \n${fullReportLine(options)}`,
    },
  ];
  for (const note of report.notes) {
    blocks.push({ kind: 'text', text: `> ${name(note).slice(0, 500)}` });
  }
  const charts = drifted
    .slice(0, options.maxCharts ?? 5)
    .flatMap((c) => chartBlocks(comparison, c));
  if (charts.length > 0) {
    blocks.push({ kind: 'text', text: '### The most drifted columns' }, ...charts);
  }
  if (drifted.length > 0) {
    // The longest part of a big report: its rows are the first cut to fit the limit.
    blocks.push({ kind: 'text', text: '### Drifted columns' }, columnsTable(drifted));
  }
  if (stable.length > 0) {
    blocks.push({
      kind: 'details',
      summary: `${stable.length} columns without drift`,
      blocks: [columnsTable(stable)],
    });
  }
  blocks.push({
    kind: 'text',
    text: '<sub>Statistics: K-S D and χ² with p-values, Wasserstein distance normed by the reference’s standard deviation, Jensen-Shannon distance (natural log). NaN and ±∞ are counted (reference / current) and left out of the tests.</sub>',
  });
  const maxLength = (options.maxLength ?? MAX_ISSUE_BODY) - marker.length - 1;
  const body = fitMarkdown(blocks, {
    maxLength,
    sectionsOmittedNote: (n) =>
      `${n} sections omitted to fit GitHub's size limit; see the full report.`,
    rowsOmittedNote: (n) => `${n} more rows in the full report.`,
    cutNote: '… cut to fit GitHub’s size limit; see the full report.',
  });
  return `${marker}\n${body}`;
}

/** The comment a re-run adds to the open issue. */
export function renderDriftComment(
  report: DriftReport,
  options: { runUrl: string | null; previous: DriftSeverity | null },
): string {
  const drifted = report.columns
    .filter((c) => c.drifted)
    .sort((a, b) => driftScore(b) - driftScore(a));
  const change =
    options.previous !== null && options.previous !== report.severity
      ? ` (was ${options.previous})`
      : '';
  const listed = drifted.slice(0, 30).map((c) => `${name(c.name)} (${c.test})`);
  const more = drifted.length > listed.length ? `, and ${drifted.length - listed.length} more` : '';
  const text =
    `Drift checked again${options.runUrl !== null ? ` in ${options.runUrl}` : ''}: ` +
    `**${report.severity}**${change}, ${report.drifted} columns drifted (share ${report.share.toFixed(2)}).` +
    (listed.length > 0 ? `\n\nDrifted: ${listed.join(', ')}${more}.` : '') +
    '\n\nThe issue body shows the latest check.';
  return clipText(text, MAX_ISSUE_BODY - 100);
}

/** The comment that closes the issue once drift is gone. */
export function renderDriftResolvedComment(
  report: DriftReport,
  options: { runUrl: string | null },
): string {
  return (
    `Drift is gone${options.runUrl !== null ? ` (checked in ${options.runUrl})` : ''}: ` +
    `${report.drifted} columns drifted (share ${report.share.toFixed(2)}, below the moderate threshold ` +
    `${formatParameter(report.thresholds.moderate)})${report.prediction_drift === true ? '' : ' and the predictions are stable'}. Closing this issue.`
  );
}

/** The severity a previous body recorded, read back from its "Severity:" line. */
export function severityOfBody(body: string | null | undefined): DriftSeverity | null {
  const match = /\*\*Severity: (none|moderate|severe)\*\*/.exec(body ?? '');
  return (match?.[1] as DriftSeverity | undefined) ?? null;
}
