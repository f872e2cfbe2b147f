/**
 * Every file of the site but the charts script (which the adapter copies from the build): the
 * JSON data, the pages, the chart specs and the stylesheet. Pure; the paths use `/`.
 *
 * ```
 * index.html                              the models
 * data/index.json                         SiteIndex
 * data/models/<slug>.json                 ModelData
 * data/models/<slug>-histograms.json      HistogramData (the newest checks' distributions)
 * models/<slug>/index.html                the model's page
 * models/<slug>/drift/<column>.html       one column's drill-down
 * models/<slug>/charts/*.json             Vega-Lite specs with their data
 * assets/site.css, assets/charts.js
 * ```
 */
import type { DriftHistogram } from '../drift-report/report.js';
import {
  columnHistogramChart,
  columnStatisticChart,
  driftHeatmap,
  latencyChart,
  metricChart,
  performanceChart,
} from './chart-specs.js';
import { renderColumnPage } from './render-column.js';
import { SITE_CSS } from './render-html.js';
import { renderIndexPage } from './render-index.js';
import { MAX_METRIC_CHARTS, renderModelPage } from './render-model.js';
import {
  columnSlug,
  driftColumns,
  keyMetricNames,
  type HistogramData,
  type ModelData,
  type SiteIndex,
} from './site-data.js';

export interface SiteFile {
  readonly path: string;
  readonly content: string;
}

export interface RenderSiteInput {
  readonly index: SiteIndex;
  readonly models: readonly ModelData[];
  /** By model slug. */
  readonly histograms: ReadonlyMap<string, HistogramData>;
}

export const INDEX_DATA = 'data/index.json';
export const modelDataPath = (slug: string): string => `data/models/${slug}.json`;
export const histogramDataPath = (slug: string): string => `data/models/${slug}-histograms.json`;

const json = (value: unknown): string => `${JSON.stringify(value)}\n`;

function modelFiles(
  index: SiteIndex,
  data: ModelData,
  histograms: HistogramData | undefined,
): SiteFile[] {
  const dir = `models/${data.slug}`;
  const files: SiteFile[] = [];
  const metricCharts = new Map<string, string>();
  const withValues = keyMetricNames(data).filter((metric) =>
    data.versions.some((v) => v.metrics[metric] !== undefined),
  );
  withValues.slice(0, MAX_METRIC_CHARTS).forEach((metric, i) => {
    const file = `metric-${i + 1}.json`;
    metricCharts.set(metric, file);
    files.push({ path: `${dir}/charts/${file}`, content: json(metricChart(data, metric)) });
  });
  const columns = driftColumns(data.drift);
  const columnPages = new Map(columns.map((c, i) => [c, `drift/${columnSlug(c, i)}.html`]));
  if (data.drift.length > 0) {
    const heatmap = driftHeatmap(
      data.drift,
      (column, run) => `${columnPages.get(column)!}?run=${encodeURIComponent(run.id)}`,
    );
    files.push({ path: `${dir}/charts/drift-heatmap.json`, content: json(heatmap) });
  }
  const runs = histograms?.runs ?? {};
  columns.forEach((column, i) => {
    const slug = columnSlug(column, i);
    const kept = data.drift.flatMap((run) => {
      const histogram: DriftHistogram | undefined = runs[run.id]?.[column];
      return histogram === undefined ? [] : [{ run: run.id, histogram }];
    });
    const statisticChart = `column-${slug}-statistic.json`;
    files.push({
      path: `${dir}/charts/${statisticChart}`,
      content: json(columnStatisticChart(data.drift, column)),
    });
    let histogramChart: string | null = null;
    if (kept.length > 0) {
      histogramChart = `column-${slug}-histogram.json`;
      files.push({
        path: `${dir}/charts/${histogramChart}`,
        content: json(columnHistogramChart(column, kept)),
      });
    }
    files.push({
      path: `${dir}/${columnPages.get(column)!}`,
      content: renderColumnPage({
        index,
        data,
        column,
        statisticChart,
        histogramChart,
        latestHistogram: kept.at(-1) ?? null,
      }),
    });
  });
  if (data.performance !== null) {
    files.push({
      path: `${dir}/charts/performance.json`,
      content: json(performanceChart(data.performance)),
    });
    if (data.performance.latency.length > 0) {
      files.push({
        path: `${dir}/charts/latency.json`,
        content: json(latencyChart(data.performance)),
      });
    }
  }
  files.push({
    path: `${dir}/index.html`,
    content: renderModelPage({ index, data, metricCharts, columnPages }),
  });
  files.push({ path: modelDataPath(data.slug), content: json(data) });
  if (histograms !== undefined) {
    files.push({ path: histogramDataPath(data.slug), content: json(histograms) });
  }
  return files;
}

export function renderSite(input: RenderSiteInput): SiteFile[] {
  return [
    { path: INDEX_DATA, content: json(input.index) },
    { path: 'index.html', content: renderIndexPage(input.index) },
    { path: 'assets/site.css', content: SITE_CSS },
    ...input.models.flatMap((data) =>
      modelFiles(input.index, data, input.histograms.get(data.slug)),
    ),
  ];
}
