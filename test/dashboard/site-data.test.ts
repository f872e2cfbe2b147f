/**
 * The dashboard's pure data model and pages: hand-worked stage timelines (rollbacks,
 * unassignments), incremental merges (what is kept, what is read, what is added once), the index
 * row, and the escaping of everything that comes from a registry or a report.
 */
import { describe, expect, it } from 'vitest';
import { metricChart } from '../../src/core/dashboard/chart-specs.js';
import { parseDriftRun } from '../../src/core/dashboard/report-input.js';
import { link, safeHref } from '../../src/core/dashboard/render-html.js';
import { renderSite } from '../../src/core/dashboard/render-site.js';
import {
  HISTOGRAM_RUNS,
  SITE_DATA_SCHEMA,
  columnSlug,
  gateBands,
  indexEntry,
  mergeDriftRuns,
  mergeHistograms,
  mergePerformance,
  modelSlug,
  planVersions,
  stageEntries,
  stageHolder,
  type DriftRunInput,
  type ModelData,
  type PerformanceInput,
} from '../../src/core/dashboard/site-data.js';
import { DataError } from '../../src/core/errors.js';
import type { ModelVersion } from '../../src/core/registry/registry-port.js';
import type { StageHistoryEntry } from '../../src/core/registry/registry-writer.js';

function event(
  n: number,
  version: string | null,
  action: 'assign' | 'unassign' = 'assign',
  stage = 'production',
): StageHistoryEntry {
  return {
    stage,
    action,
    n,
    version,
    pullRequest: 10 + n,
    approvedBy: ['alice'],
    run: null,
    tag: `iris#${stage}${action === 'unassign' ? '!' : ''}#${n}`,
  };
}

function modelData(overrides: Partial<ModelData> = {}): ModelData {
  return {
    schema: SITE_DATA_SCHEMA,
    model: 'iris',
    slug: 'iris',
    versions: [],
    stages: [],
    production: null,
    gates: [],
    drift: [],
    performance: null,
    ...overrides,
  };
}

function driftInput(id: string, checkedAt: string, withHistogram = false): DriftRunInput {
  return {
    id,
    checkedAt,
    runUrl: null,
    issueUrl: null,
    report: {
      model: 'iris',
      reference: 'r',
      current: 'c',
      severity: 'none',
      share: 0,
      drifted: 0,
      thresholds: { moderate: 0.25, severe: 0.5 },
      prediction_drift: null,
      columns: [
        {
          name: 'petal_length',
          column: 'petal_length',
          kind: 'numerical',
          test: 'ks',
          statistic: 0.1,
          p_value: 0.4,
          threshold: 0.05,
          drifted: false,
          nan: { reference: 0, current: 0 },
          inf: { reference: 0, current: 0 },
        },
      ],
      notes: [],
    },
    histograms: withHistogram
      ? { petal_length: { bins: ['a', 'b'], reference: [0.5, 0.5], current: [0.2, 0.8] } }
      : null,
  };
}

describe('the stage timeline', () => {
  it('marks who held the stage before each event, and an assignment of a lower version as a rollback', () => {
    // 1.0.0 → 1.2.0 → back to 1.0.0 (rollback) → unassigned → 1.3.0; staging has its own holder.
    const history = [
      event(1, '1.0.0'),
      event(2, '1.2.0'),
      event(3, '1.1.0', 'assign', 'staging'),
      event(4, '1.0.0'),
      event(5, '1.0.0', 'unassign'),
      event(6, '1.3.0'),
    ].reverse();
    const stages = stageEntries(history, null, '2026-01-01T00:00:00.000Z');
    expect(stages.map((s) => [s.n, s.previous, s.rollback])).toEqual([
      [6, null, false],
      [5, '1.0.0', false],
      [4, '1.2.0', true],
      [3, null, false],
      [2, '1.0.0', false],
      [1, null, false],
    ]);
    expect(stageHolder(stages, 'production')).toBe('1.3.0');
    expect(stageHolder(stages, 'staging')).toBe('1.1.0');
    expect(stages.every((s) => s.firstSeen === null)).toBe(true);
  });

  it('dates an event first seen by an incremental build, and keeps the dates it had', () => {
    const first = stageEntries([event(1, '1.0.0')], modelData(), '2026-01-01T00:00:00.000Z');
    const second = stageEntries(
      [event(2, '1.1.0'), event(1, '1.0.0')],
      modelData({ stages: first }),
      '2026-02-01T00:00:00.000Z',
    );
    expect(second.map((s) => s.firstSeen)).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
  });
});

describe('incremental merges', () => {
  const listed = (version: string, digest: string | null): ModelVersion => ({
    model: 'iris',
    version,
    tag: `iris@v${version}`,
    releaseUrl: `https://github.com/o/r/releases/tag/iris@v${version}`,
    assets: [{ name: 'model.onnx', size: 3, digest }],
  });
  const row = (version: string, digest: string) => ({
    version,
    tag: `iris@v${version}`,
    releaseUrl: '',
    createdAt: null,
    commit: null,
    pullRequest: null,
    runUrl: null,
    digest,
    metrics: {},
  });

  it('reads the manifest of a new version or of one whose model digest changed, and keeps the others', () => {
    const previous = modelData({
      versions: [row('1.0.0', 'sha256:aa'), row('1.1.0', 'sha256:bb')],
    });
    const plan = planVersions(
      [listed('1.2.0', 'sha256:cc'), listed('1.1.0', 'sha256:XX'), listed('1.0.0', 'sha256:aa')],
      previous,
    );
    expect([...plan.keep.keys()]).toEqual(['iris@v1.0.0']);
    expect(plan.read.map((v) => v.version)).toEqual(['1.2.0', '1.1.0']);
  });

  it('adds a drift check once, in time order, whatever order the reports come in', () => {
    const once = mergeDriftRuns(
      [],
      [driftInput('b', '2026-01-02T00:00:00Z'), driftInput('a', '2026-01-01T00:00:00Z')],
    );
    const twice = mergeDriftRuns(once, [
      driftInput('a', '2026-01-01T00:00:00Z'),
      driftInput('c', '2026-01-03T00:00:00Z'),
    ]);
    expect(twice.map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it(`keeps the histograms of the newest ${HISTOGRAM_RUNS} checks that have them`, () => {
    const inputs = Array.from({ length: HISTOGRAM_RUNS + 5 }, (_, i) =>
      driftInput(`run-${i}`, new Date(Date.UTC(2026, 0, 1 + i)).toISOString(), true),
    );
    const runs = mergeDriftRuns([], inputs);
    const kept = mergeHistograms(null, inputs, runs);
    expect(Object.keys(kept.runs)).toHaveLength(HISTOGRAM_RUNS);
    expect(kept.runs['run-4']).toBeUndefined();
    expect(kept.runs['run-5']).toBeDefined();
  });

  it('merges performance windows by start, the newer check winning, and keeps the latest grade', () => {
    const report = (severity: 'none' | 'severe', accuracy: number): PerformanceInput['report'] => ({
      model: 'iris',
      released: { version: '1.0.0', metrics: {} },
      key: 'id',
      window: '1d',
      min_labels: 1,
      severity,
      graded_window: null,
      coverage: {
        predictions: 1,
        labelled: 1,
        never_labelled: 0,
        without_key: 0,
        unmatched_labels: 0,
        duplicate_labels: 0,
        late_labels: 0,
      },
      windows: [
        {
          start: '2026-01-01T00:00:00Z',
          end: '2026-01-02T00:00:00Z',
          predictions: 1,
          labelled: 1,
          late_labels: 0,
          metrics: { accuracy },
          grades: [],
          severity,
        },
      ],
      health: null,
      notes: [],
    });
    const first = mergePerformance(null, [
      { checkedAt: '2026-01-02T00:00:00Z', runUrl: null, report: report('none', 0.9) },
    ]);
    const second = mergePerformance(first, [
      { checkedAt: '2026-01-03T00:00:00Z', runUrl: null, report: report('severe', 0.5) },
    ]);
    expect(second?.windows).toHaveLength(1);
    expect(second?.windows[0]?.metrics['accuracy']).toBe(0.5);
    expect(second?.severity).toBe('severe');
    expect(mergePerformance(second, [])).toBe(second);
  });
});

describe('the index row', () => {
  it("shows the production version's metrics, gated metrics first, and the newest check", () => {
    const data = modelData({
      versions: [
        {
          ...{
            version: '1.1.0',
            tag: 'iris@v1.1.0',
            releaseUrl: '',
            createdAt: null,
            commit: null,
            pullRequest: null,
            runUrl: null,
            digest: null,
          },
          metrics: { f1: 0.7, recall: 0.6 },
        },
        {
          ...{
            version: '1.0.0',
            tag: 'iris@v1.0.0',
            releaseUrl: '',
            createdAt: null,
            commit: null,
            pullRequest: null,
            runUrl: null,
            digest: null,
          },
          metrics: { f1: 0.8, recall: 0.9 },
        },
      ],
      production: '1.0.0',
      gates: gateBands([{ metric: 'recall', min: 0.85 }, { metric: 'f1' }]),
      drift: mergeDriftRuns([], [driftInput('a', '2026-01-05T00:00:00.000Z')]),
    });
    const entry = indexEntry(data);
    expect(Object.entries(entry.metrics)).toEqual([
      ['recall', 0.9],
      ['f1', 0.8],
    ]);
    expect(entry.latest).toBe('1.1.0');
    expect(entry.lastCheck).toBe('2026-01-05T00:00:00.000Z');
    expect(data.gates).toEqual([{ metric: 'recall', min: 0.85, max: null }]);
  });
});

describe('names, links and escaping', () => {
  it('gives models and columns file names that cannot clash or escape the folder', () => {
    expect(modelSlug('team/iris')).toBe('team__iris');
    expect(columnSlug('../../etc/passwd', 0)).toBe('1-etc-passwd');
    expect(columnSlug('数据', 4)).toBe('5-column');
  });

  it('refuses script URLs and escapes what it links', () => {
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('https://github.com/o/r/actions/runs/1')).toBe(
      'https://github.com/o/r/actions/runs/1',
    );
    expect(link('<b>', 'JaVaScRiPt:alert(1)')).toBe('&lt;b&gt;');
  });

  it('escapes a hostile column name on every page and spec that shows it', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const input = driftInput('a', '2026-01-01T00:00:00.000Z', true);
    const report = { ...input.report, columns: [{ ...input.report.columns[0]!, name: hostile }] };
    const data = modelData({ drift: mergeDriftRuns([], [{ ...input, report }]) });
    const files = renderSite({
      index: {
        schema: SITE_DATA_SCHEMA,
        generatedAt: '2026-01-01T00:00:00.000Z',
        repository: null,
        serverUrl: 'https://github.com',
        models: [indexEntry(data)],
      },
      models: [data],
      histograms: new Map(),
    });
    const pages = files.filter((f) => f.path.endsWith('.html'));
    expect(pages.length).toBeGreaterThan(2);
    for (const page of pages) expect(page.content, page.path).not.toContain('<img');
  });
});

describe('report input', () => {
  it('names the file and field of a report that is not a drift report', () => {
    const facts = {
      display: 'reports/x.json',
      digest: 'sha256:00',
      modified: '2026-01-01T00:00:00.000Z',
    };
    expect(() => parseDriftRun('{"model": "iris", "severity": "odd"}', facts)).toThrow(DataError);
    expect(() => parseDriftRun('{"model": "iris", "severity": "odd"}', facts)).toThrow(
      /reports\/x\.json \(/,
    );
    expect(() => parseDriftRun('not json', facts)).toThrow(
      /reports\/x\.json: the check-drift report is not JSON/,
    );
  });
});

describe('metric chart', () => {
  it('draws the gate as a band from its floor to the best value, across the whole width', () => {
    const data = modelData({
      versions: [
        {
          version: '1.1.0',
          tag: '',
          releaseUrl: '',
          createdAt: null,
          commit: null,
          pullRequest: null,
          runUrl: null,
          digest: null,
          metrics: { recall: 0.95 },
        },
        {
          version: '1.0.0',
          tag: '',
          releaseUrl: '',
          createdAt: null,
          commit: null,
          pullRequest: null,
          runUrl: null,
          digest: null,
          metrics: { recall: 0.9 },
        },
      ],
      gates: [{ metric: 'recall', min: 0.85, max: null }],
    });
    const spec = metricChart(data, 'recall') as {
      layer: { data?: { values: unknown[] }; encoding?: Record<string, unknown> }[];
      data: { values: { version: string }[] };
    };
    expect(spec.data.values.map((v) => v.version)).toEqual(['1.0.0', '1.1.0']);
    expect(spec.layer[0]?.data?.values).toEqual([{ low: 0.85, high: 0.95, gate: 'min 0.85' }]);
    expect(spec.layer[0]?.encoding?.['x']).toBeUndefined();
  });
});
