/** A model's page: versions, stage timeline, metrics across versions, drift and performance. */
import { checkLabel, describeGate } from './chart-specs.js';
import {
  chart,
  commitLink,
  escapeHtml,
  formatNumber,
  formatTime,
  link,
  pullRequestLink,
  renderPage,
  repositoryLinks,
  runLink,
  trafficLight,
  type RepositoryLinks,
} from './render-html.js';
import {
  driftColumns,
  keyMetricNames,
  type ModelData,
  type PerformanceData,
  type SiteIndex,
} from './site-data.js';

/** Metric charts drawn per model (the table holds every metric). */
export const MAX_METRIC_CHARTS = 6;

export interface ModelPageOptions {
  readonly index: SiteIndex;
  readonly data: ModelData;
  /** File name of each metric's chart spec, by metric. */
  readonly metricCharts: ReadonlyMap<string, string>;
  /** Column page file by column name (relative to the model page). */
  readonly columnPages: ReadonlyMap<string, string>;
}

function approvers(data: ModelData, version: string): string[] {
  const logins = new Set<string>();
  for (const event of data.stages) {
    if (event.action === 'assign' && event.version === version) {
      for (const login of event.approvedBy) logins.add(login);
    }
  }
  return [...logins];
}

function versionTable(data: ModelData, links: RepositoryLinks, metrics: readonly string[]): string {
  const head = metrics.map((m) => `<th scope="col">${escapeHtml(m)}</th>`).join('');
  const rows = data.versions.map((v) => {
    const approved = approvers(data, v.version);
    const stage = data.production === v.version ? ' <span class="muted">(production)</span>' : '';
    return `<tr>
<th scope="row">${link(`v${v.version}`, v.releaseUrl, `release ${v.tag}`)}${stage}</th>
<td>${formatTime(v.createdAt)}</td>
<td>${commitLink(links, v.commit)}</td>
<td>${v.digest === null ? '—' : `<code title="${escapeHtml(v.digest)}">${escapeHtml(v.digest.replace(/^sha256:/, '').slice(0, 12))}</code>`}</td>
<td>${pullRequestLink(links, v.pullRequest)}</td>
<td>${approved.length === 0 ? '—' : approved.map(escapeHtml).join(', ')}</td>
<td>${runLink(v.runUrl)}</td>
${metrics.map((m) => `<td class="num">${formatNumber(v.metrics[m])}</td>`).join('')}
</tr>`;
  });
  return `<div class="table-wrap"><table id="versions">
<caption>${data.versions.length} version${data.versions.length === 1 ? '' : 's'}, newest first</caption>
<thead><tr><th scope="col">Version</th><th scope="col">Created</th><th scope="col">Commit</th><th scope="col">Digest (sha256)</th><th scope="col">Pull request</th><th scope="col">Approved by</th><th scope="col">Training run</th>${head}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`;
}

function stageTable(data: ModelData, links: RepositoryLinks): string {
  if (data.stages.length === 0) return '<p>No version has been promoted to a stage yet.</p>';
  const rows = data.stages.map((event) => {
    const what =
      event.action === 'unassign'
        ? 'unassigned'
        : event.rollback
          ? '<span class="rollback">rollback</span>'
          : 'promoted';
    return `<tr>
<td class="num">${event.n}</td>
<td>${escapeHtml(event.stage)}</td>
<td>${what}</td>
<td>${event.version === null ? '—' : escapeHtml(`v${event.version}`)}</td>
<td>${event.previous === null ? '—' : escapeHtml(`v${event.previous}`)}</td>
<td>${pullRequestLink(links, event.pullRequest)}</td>
<td>${event.approvedBy.length === 0 ? '—' : event.approvedBy.map(escapeHtml).join(', ')}</td>
<td>${runLink(event.run)}</td>
<td><code>${escapeHtml(event.tag)}</code></td>
<td>${formatTime(event.firstSeen)}</td>
</tr>`;
  });
  return `<div class="table-wrap"><table id="stages">
<caption>Stage events, newest first (the counter orders them, as GTO's tags do)</caption>
<thead><tr><th scope="col">n</th><th scope="col">Stage</th><th scope="col">Event</th><th scope="col">Version</th><th scope="col">Replaced</th><th scope="col">Pull request</th><th scope="col">Approved by</th><th scope="col">Run</th><th scope="col">Tag</th><th scope="col">First seen</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`;
}

function metricSection(data: ModelData, charts: ReadonlyMap<string, string>): string {
  if (charts.size === 0) return '<p>No version has recorded metrics.</p>';
  const figures = [...charts].map(([metric, file]) => {
    const gate = data.gates.find((g) => g.metric === metric);
    const caption = `${metric} across versions${gate === undefined ? '' : `; the band is the gate (${describeGate(gate)})`}`;
    return `<figure>${chart(`charts/${file}`, caption)}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
  });
  return `<div class="charts">${figures.join('\n')}</div>
<p class="muted">The values are in the version table above.</p>`;
}

function driftSection(data: ModelData, columnPages: ReadonlyMap<string, string>): string {
  if (data.drift.length === 0) return '<p>No drift check has been recorded yet.</p>';
  const columns = driftColumns(data.drift);
  const latest = data.drift[data.drift.length - 1]!;
  const columnRows = columns.map((name) => {
    const seen = data.drift.filter((run) => run.columns.some((c) => c.name === name));
    const drifted = seen.filter((run) => run.columns.find((c) => c.name === name)?.drifted).length;
    const last = latest.columns.find((c) => c.name === name);
    return `<tr>
<th scope="row"><a href="${escapeHtml(columnPages.get(name) ?? '#')}">${escapeHtml(name)}</a></th>
<td class="num">${seen.length}</td>
<td class="num">${drifted}</td>
<td>${last === undefined ? '—' : escapeHtml(last.test)}</td>
<td class="num">${formatNumber(last?.statistic)}</td>
<td>${last === undefined ? '—' : last.drifted ? 'drifted' : 'not drifted'}</td>
</tr>`;
  });
  const checkRows = [...data.drift].reverse().map(
    (run) => `<tr>
<td>${formatTime(run.checkedAt)}</td>
<td>${trafficLight(run.severity)}</td>
<td class="num">${formatNumber(run.share, 3)}</td>
<td class="num">${run.drifted}</td>
<td>${runLink(run.runUrl)}</td>
<td>${run.issueUrl === null ? '—' : link('issue', run.issueUrl)}</td>
</tr>`,
  );
  return `<figure>${chart('charts/drift-heatmap.json', `Drift of ${columns.length} columns over ${data.drift.length} checks; select a cell to see that column's distributions`)}<figcaption>Each cell is one column in one check (orange: drifted). Select a cell, or a column below, for its reference and current distributions.</figcaption></figure>
<div class="table-wrap"><table id="drift-columns">
<caption>Columns: how often each drifted; the latest check (${escapeHtml(checkLabel(latest.checkedAt))} UTC)</caption>
<thead><tr><th scope="col">Column</th><th scope="col">Checks</th><th scope="col">Drifted in</th><th scope="col">Test</th><th scope="col">Statistic</th><th scope="col">Latest</th></tr></thead>
<tbody>
${columnRows.join('\n')}
</tbody></table></div>
<div class="table-wrap"><table id="drift-checks">
<caption>${data.drift.length} drift check${data.drift.length === 1 ? '' : 's'}, newest first</caption>
<thead><tr><th scope="col">Checked</th><th scope="col">Grade</th><th scope="col">Share drifted</th><th scope="col">Columns drifted</th><th scope="col">Run</th><th scope="col">Issue</th></tr></thead>
<tbody>
${checkRows.join('\n')}
</tbody></table></div>`;
}

function performanceSection(performance: PerformanceData | null): string {
  if (performance === null) {
    return '<p>No monitoring data yet: the performance check (<code>check-performance</code>) has not reported.</p>';
  }
  const metrics = [...new Set(performance.windows.flatMap((w) => Object.keys(w.metrics)))];
  const windowRows = [...performance.windows]
    .reverse()
    .map(
      (w) =>
        `<tr><td>${formatTime(w.start)}</td><td class="num">${w.predictions}</td><td class="num">${w.labelled}</td><td>${trafficLight(w.severity)}</td>${metrics.map((m) => `<td class="num">${formatNumber(w.metrics[m])}</td>`).join('')}</tr>`,
    );
  const latencyRows = [...performance.latency]
    .reverse()
    .map(
      (l) =>
        `<tr><td>${formatTime(l.checkedAt)}</td><td class="num">${formatNumber(l.p50_ms, 1)}</td><td class="num">${formatNumber(l.p95_ms, 1)}</td><td class="num">${formatNumber(l.p99_ms, 1)}</td><td class="num">${formatNumber(l.error_rate, 4)}</td><td>${runLink(l.runUrl)}</td></tr>`,
    );
  return `<p>Latest grade: ${trafficLight(performance.severity)}, checked ${formatTime(performance.checkedAt)} (${runLink(performance.runUrl)}).</p>
<div class="charts">
<figure>${chart('charts/performance.json', 'Metrics of the served model per window')}<figcaption>Metrics of the served model per window</figcaption></figure>
${performance.latency.length === 0 ? '' : `<figure>${chart('charts/latency.json', 'Latency percentiles per check')}<figcaption>Latency percentiles per check</figcaption></figure>`}
</div>
<div class="table-wrap"><table id="performance-windows">
<caption>Windows, newest first</caption>
<thead><tr><th scope="col">Window start</th><th scope="col">Predictions</th><th scope="col">Labelled</th><th scope="col">Grade</th>${metrics.map((m) => `<th scope="col">${escapeHtml(m)}</th>`).join('')}</tr></thead>
<tbody>
${windowRows.join('\n')}
</tbody></table></div>
${
  performance.latency.length === 0
    ? ''
    : `<div class="table-wrap"><table id="latency">
<caption>Latency and errors per check (from the server's /metrics)</caption>
<thead><tr><th scope="col">Checked</th><th scope="col">p50 (ms)</th><th scope="col">p95 (ms)</th><th scope="col">p99 (ms)</th><th scope="col">Error rate</th><th scope="col">Run</th></tr></thead>
<tbody>
${latencyRows.join('\n')}
</tbody></table></div>`
}`;
}

export function renderModelPage(options: ModelPageOptions): string {
  const { index, data } = options;
  const links = repositoryLinks(index.serverUrl, index.repository);
  const entry = index.models.find((m) => m.model === data.model);
  const metrics = keyMetricNames(data);
  const body = `<h1>${escapeHtml(data.model)}</h1>
<dl class="summary">
<dt>Production</dt><dd>${data.production === null ? 'none' : escapeHtml(`v${data.production}`)}</dd>
<dt>Drift</dt><dd>${trafficLight(entry?.drift?.severity ?? null)} ${formatTime(entry?.drift?.checkedAt ?? null)}</dd>
<dt>Performance</dt><dd>${trafficLight(entry?.performance?.severity ?? null)} ${formatTime(entry?.performance?.checkedAt ?? null)}</dd>
<dt>Data</dt><dd><a href="../../data/models/${escapeHtml(data.slug)}.json">data/models/${escapeHtml(data.slug)}.json</a></dd>
</dl>
<h2 id="versions-heading">Versions</h2>
${versionTable(data, links, metrics)}
<h2 id="stages-heading">Stage timeline</h2>
${stageTable(data, links)}
<h2 id="metrics-heading">Metrics across versions</h2>
${metricSection(data, options.metricCharts)}
<h2 id="drift-heading">Drift history</h2>
${driftSection(data, options.columnPages)}
<h2 id="performance-heading">Performance and latency</h2>
${performanceSection(data.performance)}`;
  return renderPage({
    title: `${data.model} — mlops dashboard`,
    root: '../../',
    breadcrumbs: [
      { text: 'Models', href: '../../index.html' },
      { text: data.model, href: null },
    ],
    body,
    generatedAt: index.generatedAt,
    hasCharts: true,
  });
}
