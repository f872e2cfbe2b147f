/**
 * Vega-Lite specifications of the dashboard's charts, with their data inline, written as JSON
 * files beside the pages; `assets/charts.js` (vega-embed, bundled) renders each one into its
 * `<div data-chart>`. Pure: plain objects, no rendering here. Every chart has a table beside it
 * in the page, so nothing depends on JavaScript.
 */
import type { DriftHistogram } from '../drift-report/report.js';
import type { DriftRunEntry, GateBand, ModelData, PerformanceData } from './site-data.js';
import { compareSemver } from '../registry/registry-port.js';

export type VegaLiteSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** Above this many heatmap cells a canvas draws faster than SVG. */
export const SVG_CELL_LIMIT = 6000;

/** Okabe-Ito colours: told apart with any colour vision, dark enough on white. */
const COLOURS = { line: '#0072B2', band: '#009E73', drifted: '#D55E00', stable: '#56B4E9' };

/** One metric across versions, oldest first, with its gate as a band. */
export function metricChart(data: ModelData, metric: string): VegaLiteSpec {
  const values = [...data.versions]
    .filter((v) => v.metrics[metric] !== undefined)
    .sort((a, b) => compareSemver(a.version, b.version))
    .map((v) => ({ version: v.version, value: v.metrics[metric]!, created: v.createdAt }));
  const gate: GateBand | undefined = data.gates.find((g) => g.metric === metric);
  const layers: VegaLiteSpec[] = [];
  if (gate !== undefined && values.length > 0) {
    const observed = values.map((v) => v.value);
    const low = gate.min ?? Math.min(...observed, gate.max ?? Infinity);
    const high = gate.max ?? Math.max(...observed, gate.min ?? -Infinity);
    layers.push({
      data: { values: [{ low, high, gate: describeGate(gate) }] },
      mark: { type: 'rect', color: COLOURS.band, opacity: 0.15 },
      encoding: {
        y: { field: 'low', type: 'quantitative' },
        y2: { field: 'high' },
        tooltip: [{ field: 'gate', title: 'gate' }],
      },
    });
  }
  // x sits on the line and points only: the band, without x, spans the whole width.
  const x = {
    field: 'version',
    type: 'ordinal',
    sort: values.map((v) => v.version),
    title: 'version',
  };
  layers.push(
    { mark: { type: 'line', color: COLOURS.line }, encoding: { x } },
    {
      mark: { type: 'point', filled: true, size: 60, color: COLOURS.line },
      encoding: {
        x,
        tooltip: [
          { field: 'version', title: 'version' },
          { field: 'value', title: metric, format: '.4~f' },
          { field: 'created', title: 'created' },
        ],
      },
    },
  );
  return {
    $schema: SCHEMA,
    description: `${metric} of ${data.model} across versions`,
    width: 'container',
    height: 220,
    data: { values },
    encoding: {
      y: { field: 'value', type: 'quantitative', title: metric, scale: { zero: false } },
    },
    layer: layers,
  };
}

/** `min 0.9`, `max 0.2`, `0.9 – 1` */
export function describeGate(gate: GateBand): string {
  if (gate.min !== null && gate.max !== null) return `${gate.min} – ${gate.max}`;
  return gate.min !== null ? `min ${gate.min}` : `max ${gate.max}`;
}

/** Short label of a check: its date and time in UTC, to the minute. */
export function checkLabel(checkedAt: string): string {
  return checkedAt.replace('T', ' ').slice(0, 16);
}

/**
 * The drift heatmap: one cell per check and distribution, coloured by whether it drifted, the
 * statistic in the tooltip; a click opens the column's page on that check (`href`).
 */
export function driftHeatmap(
  runs: readonly DriftRunEntry[],
  columnHref: (column: string, run: DriftRunEntry) => string,
): VegaLiteSpec {
  const values = runs.flatMap((run) =>
    run.columns.map((column) => ({
      check: checkLabel(run.checkedAt),
      checkedAt: run.checkedAt,
      column: column.name,
      test: column.test,
      statistic: column.statistic,
      p_value: column.p_value,
      state: column.drifted ? 'drifted' : 'not drifted',
      href: columnHref(column.name, run),
    })),
  );
  return {
    $schema: SCHEMA,
    description: 'Drift per column and check',
    width: 'container',
    height: { step: 16 },
    usermeta: { renderer: values.length > SVG_CELL_LIMIT ? 'canvas' : 'svg' },
    data: { values },
    mark: { type: 'rect', cursor: 'pointer', stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: {
        field: 'checkedAt',
        type: 'ordinal',
        title: 'check (UTC)',
        axis: { labelExpr: "replace(slice(datum.value, 0, 16), 'T', ' ')", labelOverlap: true },
      },
      y: { field: 'column', type: 'nominal', title: null, sort: null },
      color: {
        field: 'state',
        type: 'nominal',
        title: 'column',
        scale: {
          domain: ['not drifted', 'drifted'],
          range: [COLOURS.stable, COLOURS.drifted],
        },
      },
      href: { field: 'href' },
      tooltip: [
        { field: 'check', title: 'check' },
        { field: 'column' },
        { field: 'test' },
        { field: 'statistic', format: '.4~g' },
        { field: 'p_value', title: 'p-value', format: '.3~g' },
        { field: 'state', title: 'drift' },
      ],
    },
  };
}

/** One column's statistic across checks, its threshold as a rule. */
export function columnStatisticChart(runs: readonly DriftRunEntry[], column: string): VegaLiteSpec {
  const values = runs.flatMap((run) => {
    const found = run.columns.find((c) => c.name === column);
    return found === undefined
      ? []
      : [
          {
            checkedAt: run.checkedAt,
            statistic: found.statistic,
            threshold: found.threshold,
            test: found.test,
            state: found.drifted ? 'drifted' : 'not drifted',
          },
        ];
  });
  return {
    $schema: SCHEMA,
    description: `Drift statistic of ${column} across checks`,
    width: 'container',
    height: 200,
    data: { values },
    encoding: { x: { field: 'checkedAt', type: 'temporal', title: 'check (UTC)' } },
    layer: [
      {
        mark: { type: 'line', color: COLOURS.line },
        encoding: { y: { field: 'statistic', type: 'quantitative', title: 'statistic' } },
      },
      {
        mark: { type: 'point', filled: true, size: 50 },
        encoding: {
          y: { field: 'statistic', type: 'quantitative' },
          color: {
            field: 'state',
            type: 'nominal',
            title: 'drift',
            scale: {
              domain: ['not drifted', 'drifted'],
              range: [COLOURS.stable, COLOURS.drifted],
            },
          },
          tooltip: [
            { field: 'checkedAt', title: 'check', type: 'temporal', format: '%Y-%m-%d %H:%M' },
            { field: 'test' },
            { field: 'statistic', format: '.4~g' },
            { field: 'threshold' },
          ],
        },
      },
      {
        mark: { type: 'tick', color: '#555', thickness: 1 },
        encoding: { y: { field: 'threshold', type: 'quantitative' } },
      },
    ],
  };
}

/**
 * Reference against current shares of one column, for every kept check: the page shows the check
 * named by its `?run=` (`usermeta.filterParam`), else the newest (`usermeta.defaultValue`).
 */
export function columnHistogramChart(
  column: string,
  histograms: readonly { readonly run: string; readonly histogram: DriftHistogram }[],
): VegaLiteSpec {
  const values = histograms.flatMap(({ run, histogram }) =>
    histogram.bins.flatMap((bin, index) => [
      { run, bin, order: index, side: 'reference', share: histogram.reference[index] ?? 0 },
      { run, bin, order: index, side: 'current', share: histogram.current[index] ?? 0 },
    ]),
  );
  return {
    $schema: SCHEMA,
    description: `Reference and current distribution of ${column}`,
    width: 'container',
    height: 220,
    usermeta: {
      filterField: 'run',
      filterParam: 'run',
      defaultValue: histograms.at(-1)?.run ?? null,
    },
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'bin', type: 'ordinal', sort: { field: 'order' }, title: column },
      xOffset: { field: 'side', sort: ['reference', 'current'] },
      y: { field: 'share', type: 'quantitative', title: 'share of rows', axis: { format: '%' } },
      color: {
        field: 'side',
        type: 'nominal',
        title: null,
        scale: { domain: ['reference', 'current'], range: [COLOURS.line, COLOURS.drifted] },
      },
      tooltip: [{ field: 'bin' }, { field: 'side' }, { field: 'share', format: '.1%' }],
    },
  };
}

/** The served model's metrics per window, one line per metric. */
export function performanceChart(performance: PerformanceData): VegaLiteSpec {
  const values = performance.windows.flatMap((window) =>
    Object.entries(window.metrics).map(([metric, value]) => ({
      start: window.start,
      metric,
      value,
      labelled: window.labelled,
    })),
  );
  return {
    $schema: SCHEMA,
    description: 'Metrics of the served model per window',
    width: 'container',
    height: 220,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'start', type: 'temporal', title: 'window (UTC)' },
      y: { field: 'value', type: 'quantitative', scale: { zero: false }, title: 'value' },
      color: { field: 'metric', type: 'nominal' },
      tooltip: [
        { field: 'start', type: 'temporal', format: '%Y-%m-%d %H:%M' },
        { field: 'metric' },
        { field: 'value', format: '.4~f' },
        { field: 'labelled' },
      ],
    },
  };
}

/** Latency percentiles per performance check. */
export function latencyChart(performance: PerformanceData): VegaLiteSpec {
  const values = performance.latency.flatMap((entry) =>
    (['p50_ms', 'p95_ms', 'p99_ms'] as const).flatMap((key) =>
      entry[key] === null
        ? []
        : [{ checkedAt: entry.checkedAt, percentile: key.slice(0, 3), ms: entry[key] }],
    ),
  );
  return {
    $schema: SCHEMA,
    description: 'Latency percentiles per check',
    width: 'container',
    height: 200,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'checkedAt', type: 'temporal', title: 'check (UTC)' },
      y: { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
      color: { field: 'percentile', type: 'nominal', sort: ['p50', 'p95', 'p99'] },
      tooltip: [{ field: 'checkedAt', type: 'temporal' }, { field: 'percentile' }, { field: 'ms' }],
    },
  };
}
