/**
 * The drill-down page of one drifted column: its statistic across checks and its reference
 * against current distribution, for the check named in the address (`?run=<id>`, set by a click
 * on the heatmap) or else the newest check that kept its histograms.
 */
import type { DriftHistogram } from '../drift-report/report.js';
import { chart, escapeHtml, formatNumber, formatTime, renderPage, runLink } from './render-html.js';
import type { ModelData, SiteIndex } from './site-data.js';

export interface ColumnPageOptions {
  readonly index: SiteIndex;
  readonly data: ModelData;
  readonly column: string;
  /** Spec files, relative to the model's folder. */
  readonly statisticChart: string;
  readonly histogramChart: string | null;
  /** The newest kept histogram of this column, for the table. */
  readonly latestHistogram: { readonly run: string; readonly histogram: DriftHistogram } | null;
}

export function renderColumnPage(options: ColumnPageOptions): string {
  const { data, column } = options;
  const checks = data.drift.flatMap((run) => {
    const found = run.columns.find((c) => c.name === column);
    return found === undefined ? [] : [{ run, found }];
  });
  const rows = [...checks].reverse().map(
    ({ run, found }) => `<tr id="check-${escapeHtml(run.id.replace(/[^A-Za-z0-9_-]/g, '_'))}">
<td>${formatTime(run.checkedAt)}</td>
<td>${escapeHtml(found.test)}</td>
<td class="num">${formatNumber(found.statistic)}</td>
<td class="num">${formatNumber(found.p_value)}</td>
<td class="num">${formatNumber(found.threshold)}</td>
<td>${found.drifted ? 'drifted' : 'not drifted'}</td>
<td>${runLink(run.runUrl)}</td>
</tr>`,
  );
  const latest = options.latestHistogram;
  const histogramTable =
    latest === null
      ? "<p>None of the newest checks' reports carries this column's distributions (the report's optional <code>histograms</code> field, see docs/dashboard.md).</p>"
      : `<div class="table-wrap"><table id="histogram">
<caption>Share of rows per bin at the newest check with histograms (${escapeHtml(
          formatCheck(data, latest.run),
        )})</caption>
<thead><tr><th scope="col">Bin</th><th scope="col">Reference</th><th scope="col">Current</th></tr></thead>
<tbody>
${latest.histogram.bins
  .map(
    (bin, i) =>
      `<tr><th scope="row">${escapeHtml(bin)}</th><td class="num">${formatShare(latest.histogram.reference[i])}</td><td class="num">${formatShare(latest.histogram.current[i])}</td></tr>`,
  )
  .join('\n')}
</tbody></table></div>`;
  const histogramChart =
    options.histogramChart === null
      ? ''
      : `<figure>${chart(`../charts/${options.histogramChart}`, `Reference and current distribution of ${column}`, ' data-filter-from-address="run"')}<figcaption>Reference (blue) and current (orange) share of rows per bin, at the check selected on the heatmap (else the newest).</figcaption></figure>`;
  const body = `<h1>${escapeHtml(column)} <span class="muted">in ${escapeHtml(data.model)}</span></h1>
<h2>Distributions</h2>
${histogramChart}
${histogramTable}
<h2>Drift statistic across checks</h2>
<figure>${chart(`../charts/${options.statisticChart}`, `Drift statistic of ${column} across ${checks.length} checks`)}<figcaption>The statistic per check; the tick marks its threshold.</figcaption></figure>
<div class="table-wrap"><table id="column-checks">
<caption>${checks.length} check${checks.length === 1 ? '' : 's'} of ${escapeHtml(column)}, newest first</caption>
<thead><tr><th scope="col">Checked</th><th scope="col">Test</th><th scope="col">Statistic</th><th scope="col">p-value</th><th scope="col">Threshold</th><th scope="col">Result</th><th scope="col">Run</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`;
  return renderPage({
    title: `${column} — ${data.model} — mlops dashboard`,
    root: '../../../',
    breadcrumbs: [
      { text: 'Models', href: '../../../index.html' },
      { text: data.model, href: '../index.html' },
      { text: column, href: null },
    ],
    body,
    generatedAt: options.index.generatedAt,
    hasCharts: true,
  });
}

function formatShare(value: number | undefined): string {
  return value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
}

function formatCheck(data: ModelData, id: string): string {
  const run = data.drift.find((r) => r.id === id);
  return run === undefined ? id : `${run.checkedAt.replace('T', ' ').slice(0, 16)} UTC`;
}
