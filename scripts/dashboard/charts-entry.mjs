/* global window, document, URLSearchParams */
// The dashboard's one script, bundled by scripts/dashboard/build-charts.mjs into the site's
// assets/charts.js (vega-embed, Vega and Vega-Lite inside: no CDN, so a private repository's
// Pages site and an air-gapped GitHub Enterprise Server work). It renders every
// <div data-chart="spec.json"> from the Vega-Lite spec beside the page; a div with
// data-filter-from-address keeps the rows whose usermeta.filterField equals the page address's
// ?<param>= (else usermeta.defaultValue), which is how the heatmap's drill-down picks a check.
import embed from 'vega-embed';

function filtered(spec, element) {
  const param = element.getAttribute('data-filter-from-address');
  const meta = spec.usermeta ?? {};
  if (param === null || meta.filterField === undefined || !Array.isArray(spec.data?.values)) {
    return spec;
  }
  const rows = (value) => spec.data.values.filter((row) => row[meta.filterField] === value);
  const asked = new URLSearchParams(window.location.search).get(param);
  // A check without histograms (or an unknown one) shows the newest that has them.
  const shown = asked !== null && rows(asked).length > 0 ? asked : meta.defaultValue;
  element.setAttribute('data-filter-value', String(shown));
  return { ...spec, data: { values: rows(shown) } };
}

function explain(element, message) {
  const note = document.createElement('p');
  note.className = 'no-js';
  note.textContent = message;
  element.replaceChildren(note);
  element.setAttribute('data-rendered', 'failed');
}

async function render(element) {
  const source = element.getAttribute('data-chart');
  let spec;
  try {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`${source}: HTTP ${response.status}`);
    spec = await response.json();
  } catch (error) {
    explain(
      element,
      window.location.protocol === 'file:'
        ? 'Charts read their JSON over HTTP: open this site on GitHub Pages or serve the folder (for example `npx http-server site`). The table below holds the same data.'
        : `The chart could not be loaded (${error.message}); the table below holds the same data.`,
    );
    return;
  }
  const shown = filtered(spec, element);
  const renderer = spec.usermeta?.renderer === 'canvas' ? 'canvas' : 'svg';
  element.replaceChildren();
  await embed(element, shown, { renderer, actions: false, mode: 'vega-lite' });
  element.setAttribute('data-rendered', 'true');
}

async function renderAll() {
  const charts = [...document.querySelectorAll('[data-chart]')];
  await Promise.all(charts.map((element) => render(element)));
  document.documentElement.setAttribute('data-charts', 'ready');
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => void renderAll());
} else {
  void renderAll();
}
