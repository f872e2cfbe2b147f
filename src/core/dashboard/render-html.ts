/**
 * The HTML shell and helpers shared by the dashboard's pages. Every value from the registry or a
 * report goes through `escapeHtml` (model and column names, versions, logins, URLs); URLs are
 * also limited to http(s) and relative ones (`safeHref`), so a crafted run URL cannot be a
 * `javascript:` link.
 */
import { light, type Light } from './site-data.js';
import type { DriftSeverity } from '../drift-report/report.js';
import type { PerformanceGrade } from '../monitor/performance-report.js';

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** The URL when it is http(s), `file:` (a local registry's release folder) or relative; else null. */
export function safeHref(url: string | null | undefined): string | null {
  if (url === null || url === undefined || url === '') return null;
  if (/^(https?:|file:)/i.test(url)) return url;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return null;
  return url;
}

/** A link, or the escaped text alone when there is no (safe) URL. */
export function link(text: string, url: string | null | undefined, label?: string): string {
  const href = safeHref(url);
  if (href === null) return escapeHtml(text);
  const aria = label === undefined ? '' : ` aria-label="${escapeHtml(label)}"`;
  return `<a href="${escapeHtml(href)}"${aria}>${escapeHtml(text)}</a>`;
}

export interface RepositoryLinks {
  /** `https://github.com/owner/repo`, null for a local registry. */
  readonly base: string | null;
}

export function repositoryLinks(serverUrl: string, repository: string | null): RepositoryLinks {
  return { base: repository === null ? null : `${serverUrl.replace(/\/+$/, '')}/${repository}` };
}

export function pullRequestLink(links: RepositoryLinks, number: number | null): string {
  if (number === null) return '—';
  return link(`#${number}`, links.base === null ? null : `${links.base}/pull/${number}`);
}

export function commitLink(links: RepositoryLinks, commit: string | null): string {
  if (commit === null) return '—';
  return `<code>${link(commit.slice(0, 7), links.base === null ? null : `${links.base}/commit/${commit}`, `commit ${commit}`)}</code>`;
}

/** A run link labelled "run", or a dash. */
export function runLink(url: string | null, text = 'run'): string {
  return safeHref(url) === null ? '—' : link(text, url);
}

const LIGHT_WORDS: Record<Light, string> = {
  green: 'OK',
  amber: 'attention',
  red: 'alert',
  grey: 'unknown',
};

/** A traffic light: a coloured dot and the grade in words (colour is never the only cue). */
export function trafficLight(
  severity: DriftSeverity | PerformanceGrade | null | undefined,
): string {
  const colour = light(severity);
  const grade = severity ?? 'no check yet';
  return `<span class="light light-${colour}"><span class="dot" aria-hidden="true"></span><span class="grade">${escapeHtml(grade)}</span><span class="visually-hidden"> (${LIGHT_WORDS[colour]})</span></span>`;
}

export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(2);
  return String(Number(value.toFixed(digits)));
}

/** `2026-12-05 06:00 UTC`, or a dash. */
export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(iso.replace('T', ' ').slice(0, 16))} UTC</time>`;
}

/** A chart placeholder: rendered by assets/charts.js, described for screen readers. */
export function chart(spec: string, label: string, extra = ''): string {
  return `<div class="chart" data-chart="${escapeHtml(spec)}" role="img" aria-label="${escapeHtml(label)}"${extra}><p class="no-js">The chart needs JavaScript; the table below holds the same data.</p></div>`;
}

export interface PageOptions {
  readonly title: string;
  /** `../../` from the page to the site's root ('' for the index). */
  readonly root: string;
  readonly breadcrumbs: readonly { readonly text: string; readonly href: string | null }[];
  readonly body: string;
  readonly generatedAt: string;
  readonly hasCharts: boolean;
}

export function renderPage(options: PageOptions): string {
  const crumbs = options.breadcrumbs
    .map((crumb, index) =>
      crumb.href === null || index === options.breadcrumbs.length - 1
        ? `<li aria-current="page">${escapeHtml(crumb.text)}</li>`
        : `<li><a href="${escapeHtml(crumb.href)}">${escapeHtml(crumb.text)}</a></li>`,
    )
    .join('');
  const script = options.hasCharts
    ? `\n<script src="${options.root}assets/charts.js" defer></script>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${options.root}assets/site.css">${script}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<nav aria-label="Breadcrumb"><ol class="crumbs">${crumbs}</ol></nav>
</header>
<main id="main" tabindex="-1">
${options.body}
</main>
<footer><p>Generated by mlops-actions <code>mlops dashboard build</code> at ${formatTime(options.generatedAt)}. Data: <a href="${options.root}data/index.json">data/index.json</a>.</p></footer>
</body>
</html>
`;
}

/** The site's stylesheet: system fonts, contrast of at least 4.5:1 for text, visible focus. */
export const SITE_CSS = `:root { color-scheme: light; --fg: #1b1f24; --muted: #4a5560; --link: #0550ae; --border: #d0d7de; --bg-alt: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 0 1rem 2rem; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fff; }
a { color: var(--link); }
a:focus-visible, [tabindex]:focus-visible { outline: 3px solid #bf8700; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
.skip:focus { left: 1rem; }
.crumbs { list-style: none; display: flex; gap: .5rem; padding: 0; margin: 1rem 0 0; flex-wrap: wrap; }
.crumbs li + li::before { content: "/"; margin-right: .5rem; color: var(--muted); }
h1 { font-size: 1.75rem; margin: 1rem 0 .5rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.1rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid var(--border); padding: .3rem .6rem; text-align: left; vertical-align: top; }
thead th { background: var(--bg-alt); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted, footer { color: var(--muted); }
time { white-space: nowrap; }
.summary { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
.summary dd { margin: 0; }
footer { margin-top: 3rem; font-size: .9rem; }
.light { display: inline-flex; align-items: center; gap: .35rem; }
.dot { width: .8rem; height: .8rem; border-radius: 50%; border: 1px solid #1b1f24; display: inline-block; }
.light-green .dot { background: #1a7f37; } .light-amber .dot { background: #bf8700; }
.light-red .dot { background: #cf222e; } .light-grey .dot { background: #8c959f; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.chart { width: 100%; min-height: 2rem; margin: .5rem 0; }
.chart .no-js { color: var(--muted); font-size: .9rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; }
figure { margin: 0; }
.rollback { font-weight: 600; color: #a40e26; }
`;
