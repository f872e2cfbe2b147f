/**
 * The performance issue's body and comments, and the job summary (the same body). Model and
 * metric names come from mlops.yml and the release; they are escaped anyway, as the drift issue
 * does. Bodies stay under GitHub's 65,536-character limit: the oldest windows go first.
 */
import { escapeUserText } from '../markdown/escape.js';
import { fullReportLine, safeLink } from '../markdown/report-link.js';
import { formatCount, formatValue } from '../markdown/number-format.js';
import { clipText, fitMarkdown, type MarkdownBlock } from '../markdown/truncate.js';
import type { PerformanceReport, PerformanceSeverity } from './performance-report.js';
import type { ServiceHealth } from './service-health.js';

export const MAX_ISSUE_BODY = 65_536;

/** The hidden marker that finds the model's performance issue again. */
export function performanceIssueMarker(model: string): string {
  return `<!-- mlops-actions:performance:${model.replace(/--+|>/g, '_')} -->`;
}

export function performanceIssueTitle(report: PerformanceReport): string {
  const slo = report.health?.broken === true ? ', service-level objective broken' : '';
  return clipText(`Model performance of ${report.model}: ${report.severity}${slo}`, 200);
}

const name = (text: string) => escapeUserText(text, 80);
const value = (x: number | null) => (x === null ? '—' : formatValue(x));
const ms = (x: number | null) => (x === null ? '—' : `${x.toFixed(1)} ms`);
const share = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)}%`);

/** What was done about it and how the issue closes: what a maintainer reads after the grade. */
function nextSteps(report: PerformanceReport, options: PerformanceIssueOptions): string {
  const lines: string[] = ['### What happens next'];
  if (report.severity === 'moderate') {
    lines.push(
      options.retrainWorkflow === undefined
        ? '- **Moderate:** the scheduled check dispatches the retraining workflow when `retrain-workflow` is set; its pull request then compares a retrained candidate with production on recent labelled records.'
        : options.retrainWorkflow === null
          ? '- **Moderate:** no retraining workflow is set (`retrain-workflow`): retrain in a pull request, and let evaluate compare the candidate with production.'
          : `- **Moderate:** retraining was dispatched (${name(options.retrainWorkflow)}); its pull request compares the retrained candidate with production. Review and merge it, then promote.`,
    );
  } else if (report.severity === 'severe') {
    lines.push(
      '- **Severe:** investigate before retraining: check the label feed and the data pipeline first (a late or wrong label source looks like a drop), compare with the drift issue of the same model, and roll back to an earlier version through a promotion pull request if the drop hurts users now.',
    );
  } else if (report.severity === 'insufficient-labels') {
    lines.push(
      `- **Not graded:** fewer than ${report.min_labels} labelled predictions in every window; the grade waits for labels.`,
    );
  }
  if (report.health?.broken === true) {
    lines.push(
      '- **A service-level objective is broken:** look at the latency and error figures below and at the server (load, batch sizes, the model version that is served).',
    );
  }
  lines.push(
    '- **This issue closes** when a later check grades the latest window with enough labels `none` and every service-level objective is met.',
  );
  return lines.join('\n');
}

function severityLine(report: PerformanceReport): string {
  if (report.severity === 'insufficient-labels') {
    return `**Severity: insufficient-labels** — no window has ${report.min_labels} labelled predictions yet; the model is not graded.`;
  }
  const window = report.windows.find((w) => w.start === report.graded_window);
  const worst = window?.grades.filter((g) => g.grade === report.severity) ?? [];
  const what = worst
    .map((g) => `${name(g.metric)} ${value(g.observed)} (released ${value(g.released)})`)
    .join(', ');
  return (
    `**Severity: ${report.severity}** — window from ${report.graded_window ?? '—'}, ` +
    `${window?.labelled ?? 0} labelled predictions${what !== '' ? `: ${what}` : ''}.`
  );
}

function coverageTable(report: PerformanceReport): MarkdownBlock {
  const c = report.coverage;
  return {
    kind: 'table',
    table: {
      header: [
        'Predictions',
        'Labelled',
        'Never labelled',
        'Without key',
        'Labels matching no prediction',
        'Duplicate labels',
        'Late labels',
      ],
      align: ['right', 'right', 'right', 'right', 'right', 'right', 'right'],
      rows: [
        [
          c.predictions,
          c.labelled,
          c.never_labelled,
          c.without_key,
          c.unmatched_labels,
          c.duplicate_labels,
          c.late_labels,
        ].map(formatCount),
      ],
    },
  };
}

function windowsTable(report: PerformanceReport): MarkdownBlock {
  const metrics = report.windows[0]?.grades.map((g) => g.metric) ?? [];
  // Newest first: when rows are cut to fit, the oldest windows go.
  const rows = [...report.windows]
    .reverse()
    .map((w) => [
      w.start.replace(/:00\.000Z$/, 'Z'),
      formatCount(w.predictions),
      formatCount(w.labelled),
      formatCount(w.late_labels),
      ...w.grades.map(
        (g) => `${value(g.observed)} (${g.grade === 'not-computed' ? '—' : g.grade})`,
      ),
      w.severity,
    ]);
  return {
    kind: 'table',
    table: {
      header: ['Window (UTC)', 'Predictions', 'Labelled', 'Late', ...metrics.map(name), 'Grade'],
      align: ['left', 'right', 'right', 'right', ...metrics.map(() => 'right' as const), 'left'],
      rows,
    },
  };
}

function thresholdLine(report: PerformanceReport): string {
  const grades = report.windows[0]?.grades ?? [];
  return grades
    .map(
      (g) =>
        `${name(g.metric)}: released ${value(g.released)}, moderate from a worsening of ${value(g.moderate)}, severe from ${value(g.severe)}`,
    )
    .join('; ');
}

/** The health section: volume, errors, latency, and each objective met or broken. */
export function healthBlocks(health: ServiceHealth): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [{ kind: 'text', text: '### Service health' }];
  const broken = health.objectives.filter((o) => o.met === false);
  if (broken.length > 0) {
    blocks.push({
      kind: 'text',
      text: `**Service-level objective broken:** ${broken
        .map((o) =>
          o.objective === 'error-rate'
            ? `error rate ${share(o.observed)} > ${share(o.target)}`
            : `${o.objective.replace('-ms', '')} latency ${ms(o.observed)} > ${ms(o.target)}`,
        )
        .join('; ')}.`,
    });
  }
  const s = health.scrape;
  if (s !== null) {
    blocks.push({
      kind: 'table',
      table: {
        header: ['Requests', '4xx', '5xx', 'Error rate', 'p50', 'p95', 'p99'],
        align: ['right', 'right', 'right', 'right', 'right', 'right', 'right'],
        rows: [
          [
            formatCount(s.requests),
            formatCount(s.client_errors),
            formatCount(s.server_errors),
            share(s.error_rate),
            ms(s.p50_ms),
            ms(s.p95_ms),
            ms(s.p99_ms),
          ],
        ],
      },
    });
  }
  if (health.objectives.length > 0) {
    blocks.push({
      kind: 'table',
      table: {
        header: ['Objective', 'Target', 'Observed', 'Met'],
        align: ['left', 'right', 'right', 'center'],
        rows: health.objectives.map((o) => [
          o.objective,
          o.objective === 'error-rate' ? share(o.target) : ms(o.target),
          o.objective === 'error-rate' ? share(o.observed) : ms(o.observed),
          o.met === null ? 'unknown' : o.met ? 'yes' : '**no**',
        ]),
      },
    });
  }
  if (health.volume.length > 0) {
    blocks.push({
      kind: 'details',
      summary: 'Requests per window (prediction log)',
      blocks: [
        {
          kind: 'table',
          table: {
            header: ['Window (UTC)', 'Requests', 'Records'],
            align: ['left', 'right', 'right'],
            rows: [...health.volume]
              .reverse()
              .map((v) => [v.start, formatCount(v.requests), formatCount(v.records)]),
          },
        },
      ],
    });
  }
  return blocks;
}

export interface PerformanceIssueOptions {
  readonly runUrl: string | null;
  /** Where the JSON report is; only a URL is linked (a runner's path means nothing later). */
  readonly reportLocation?: string | null;
  /** The uploaded report artifact's page. */
  readonly reportArtifactUrl?: string | null;
  /**
   * The workflow a moderate drop dispatches; null when none is; absent when the caller does not
   * say (the CLI), and then the body states the rule.
   */
  readonly retrainWorkflow?: string | null;
  readonly maxLength?: number;
}

export function renderPerformanceIssueBody(
  report: PerformanceReport,
  options: PerformanceIssueOptions,
): string {
  const marker = performanceIssueMarker(report.model);
  const blocks: MarkdownBlock[] = [
    { kind: 'text', text: `## Model performance of ${name(report.model)}` },
    { kind: 'text', text: severityLine(report) },
    {
      kind: 'text',
      text:
        `Released: ${name(report.model)}${report.released.version !== null ? `@v${name(report.released.version)}` : ''}  \n` +
        `Labels joined by ${report.key}, windows of ${report.window}, graded from ${report.min_labels} labelled predictions` +
        (safeLink(options.runUrl) !== null ? `  \nRun: ${safeLink(options.runUrl)}` : '') +
        `  \n${fullReportLine(options, 'performance-report.json')}`,
    },
    { kind: 'text', text: `Thresholds: ${thresholdLine(report)}.` },
    { kind: 'text', text: nextSteps(report, options) },
  ];
  for (const note of report.notes)
    blocks.push({ kind: 'text', text: `> ${name(note).slice(0, 500)}` });
  blocks.push({ kind: 'text', text: '### Label coverage' }, coverageTable(report));
  if (report.health !== null) blocks.push(...healthBlocks(report.health));
  blocks.push({ kind: 'text', text: '### Metrics per window' }, windowsTable(report));
  const body = fitMarkdown(blocks, {
    maxLength: (options.maxLength ?? MAX_ISSUE_BODY) - marker.length - 1,
    sectionsOmittedNote: (n) =>
      `${n} sections omitted to fit GitHub's size limit; see the full report.`,
    rowsOmittedNote: (n) => `${n} more windows in the full report.`,
    cutNote: '… cut to fit GitHub’s size limit; see the full report.',
  });
  return `${marker}\n${body}`;
}

export function renderPerformanceComment(
  report: PerformanceReport,
  options: { runUrl: string | null; previous: PerformanceSeverity | null },
): string {
  const change =
    options.previous !== null && options.previous !== report.severity
      ? ` (was ${options.previous})`
      : '';
  const broken = report.health?.broken === true ? ' A service-level objective is broken.' : '';
  return clipText(
    `Performance checked again${options.runUrl !== null ? ` in ${options.runUrl}` : ''}: **${report.severity}**${change}, ` +
      `${report.coverage.labelled} of ${report.coverage.predictions} predictions labelled.${broken}\n\nThe issue body shows the latest check.`,
    MAX_ISSUE_BODY - 100,
  );
}

export function renderPerformanceResolvedComment(
  report: PerformanceReport,
  options: { runUrl: string | null },
): string {
  return (
    `The model has recovered${options.runUrl !== null ? ` (checked in ${options.runUrl})` : ''}: ` +
    `no graded metric is worse than its moderate threshold in the window from ${report.graded_window ?? '—'}, and no service-level objective is broken. Closing this issue.`
  );
}

/** The severity a previous body recorded. */
export function performanceSeverityOfBody(
  body: string | null | undefined,
): PerformanceSeverity | null {
  const match = /\*\*Severity: (none|moderate|severe)\*\*/.exec(body ?? '');
  return (match?.[1] as PerformanceSeverity | undefined) ?? null;
}
