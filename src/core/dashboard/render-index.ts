/** The dashboard's front page: one row per model, with traffic lights for drift and performance. */
import {
  escapeHtml,
  formatNumber,
  formatTime,
  link,
  renderPage,
  repositoryLinks,
  trafficLight,
} from './render-html.js';
import type { SiteIndex } from './site-data.js';

export function renderIndexPage(index: SiteIndex): string {
  const links = repositoryLinks(index.serverUrl, index.repository);
  const rows = index.models.map((entry) => {
    const metrics = Object.entries(entry.metrics)
      .map(([name, value]) => `${escapeHtml(name)} ${formatNumber(value)}`)
      .join('<br>');
    const driftTitle =
      entry.drift === null
        ? ''
        : `<br><span class="muted">share ${formatNumber(entry.drift.share, 2)}</span>`;
    return `<tr>
<th scope="row"><a href="models/${escapeHtml(entry.slug)}/index.html">${escapeHtml(entry.model)}</a></th>
<td>${entry.production === null ? '<span class="muted">none</span>' : escapeHtml(`v${entry.production}`)}</td>
<td>${entry.latest === null ? '—' : escapeHtml(`v${entry.latest}`)}</td>
<td class="num">${entry.versions}</td>
<td>${metrics === '' ? '—' : metrics}</td>
<td>${trafficLight(entry.drift?.severity ?? null)}${driftTitle}</td>
<td>${trafficLight(entry.performance?.severity ?? null)}</td>
<td>${formatTime(entry.lastCheck)}</td>
</tr>`;
  });
  const source =
    links.base === null
      ? 'a local registry'
      : link(index.repository ?? '', links.base, `repository ${index.repository ?? ''}`);
  const body = `<h1>Models</h1>
<p>Versions, stages, metrics, drift and monitoring of every model in ${source}. Each model's page has its version table, stage timeline and charts; the JSON beside the pages (<a href="data/index.json">data/index.json</a>) holds the same data.</p>
<div class="table-wrap">
<table id="models">
<caption>${index.models.length} model${index.models.length === 1 ? '' : 's'}</caption>
<thead><tr><th scope="col">Model</th><th scope="col">Production</th><th scope="col">Latest</th><th scope="col">Versions</th><th scope="col">Key metrics (production, else latest)</th><th scope="col">Drift</th><th scope="col">Performance</th><th scope="col">Last check</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</div>`;
  return renderPage({
    title: 'Models — mlops dashboard',
    root: '',
    breadcrumbs: [{ text: 'Models', href: null }],
    body,
    generatedAt: index.generatedAt,
    hasCharts: false,
  });
}
