import { describe, expect, it } from 'vitest';
import type { Cell, DataBatch } from '../../src/core/data/batch.js';
import { compareProfiles } from '../../src/core/drift-report/compare-profiles.js';
import {
  driftIssueMarker,
  renderDriftIssueBody,
  MAX_ISSUE_BODY,
  severityOfBody,
} from '../../src/core/drift-report/render-drift-issue.js';
import type { DriftColumnResult } from '../../src/core/drift-report/report.js';
import {
  driftSeverity,
  driftShare,
  reachesSeverity,
} from '../../src/core/drift-report/severity.js';
import { DataError } from '../../src/core/errors.js';
import { createProfileBuilder, type DataProfile } from '../../src/core/profile/profile.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';

const thresholds = { moderate: 0.25, severe: 0.5 };

function profile(schemaText: string, columns: string[], rows: Cell[][]): DataProfile {
  const builder = createProfileBuilder({ schema: parseDatasetSchema(schemaText, 'schema.yml') });
  const batch: DataBatch = {
    file: 'data.csv',
    format: 'csv',
    columns,
    values: columns.map((_, c) => rows.map((row) => row[c] ?? null)),
    lines: rows.map((_, r) => r + 2),
    rows: rows.length,
  };
  if (rows.length > 0) builder.add(batch);
  return builder.finish();
}

const SCHEMA = `version: 1
columns:
  x: { type: number }
  c: { type: category }
  t: { type: text }
`;

const col = (name: string, drifted: boolean, kind: DriftColumnResult['kind'] = 'numerical') =>
  ({
    name,
    column: name.split(':')[0]!,
    kind,
    test: 'ks',
    statistic: 0,
    p_value: 0.5,
    threshold: 0.05,
    drifted,
    nan: { reference: 0, current: 0 },
    inf: { reference: 0, current: 0 },
  }) satisfies DriftColumnResult;

describe('severity', () => {
  it('grades the share against the thresholds, boundaries included', () => {
    expect(driftSeverity(0, null, thresholds)).toBe('none');
    expect(driftSeverity(0.24, false, thresholds)).toBe('none');
    expect(driftSeverity(0.25, null, thresholds)).toBe('moderate');
    expect(driftSeverity(0.49, null, thresholds)).toBe('moderate');
    expect(driftSeverity(0.5, null, thresholds)).toBe('severe');
    expect(driftSeverity(1, true, thresholds)).toBe('severe');
  });

  it('makes prediction drift alone at least moderate', () => {
    expect(driftSeverity(0, true, thresholds)).toBe('moderate');
  });

  it('rejects thresholds out of order', () => {
    expect(() => driftSeverity(0, null, { moderate: 0.6, severe: 0.5 })).toThrow(RangeError);
  });

  it('counts a text column once, and prediction apart', () => {
    const share = driftShare([
      col('t:length', false, 'text'),
      col('t:tokens', true, 'text'),
      col('x', false),
      col('y', false),
      col('prediction', true, 'prediction'),
    ]);
    expect(share).toEqual({ columns: 3, drifted: 1, share: 1 / 3, predictionDrift: true });
  });

  it('fails at or above the chosen level', () => {
    expect(reachesSeverity('moderate', 'severe')).toBe(false);
    expect(reachesSeverity('severe', 'moderate')).toBe(true);
    expect(reachesSeverity('severe', 'never')).toBe(false);
    expect(reachesSeverity('none', 'moderate')).toBe(false);
  });
});

describe('compareProfiles on hand-built profiles', () => {
  const ref = profile(
    SCHEMA,
    ['x', 'c', 't'],
    [
      ...Array.from({ length: 10 }, (_, i): Cell[] => [
        String(i + 1),
        i < 5 ? 'a' : 'b',
        i < 2 ? 'hello world' : null,
      ]),
      ['NaN', 'a', null],
      ['inf', 'b', null],
    ],
  );
  const cur = profile(
    SCHEMA,
    ['x', 'c', 't'],
    Array.from({ length: 10 }, (_, i): Cell[] => [
      String(i + 11),
      i < 5 ? 'a' : 'b',
      i < 2 ? 'hello there' : null,
    ]),
  );
  const { report, histograms } = compareProfiles(ref, cur, {
    model: 'm',
    referenceLabel: 'ref.csv',
    currentLabel: 'cur.csv',
    thresholds,
  });
  const byName = (name: string) => report.columns.find((c) => c.name === name)!;

  it('runs K-S on a small numeric column with the exact p-value, NaN and ∞ left out', () => {
    // Disjoint samples of 10 and 10: D = 1, exact two-sided p = 2 / C(20, 10) = 2 / 184756.
    const x = byName('x');
    expect(x).toMatchObject({ kind: 'numerical', test: 'ks', statistic: 1, drifted: true });
    expect(x.p_value).toBeCloseTo(2 / 184756, 12);
    expect(x.nan).toEqual({ reference: 1, current: 0 });
    expect(x.inf).toEqual({ reference: 1, current: 0 });
  });

  it('runs the z-test on a two-valued category with equal shares (z = 0, p = 1)', () => {
    const c = byName('c');
    expect(c).toMatchObject({ kind: 'categorical', test: 'z', drifted: false });
    expect(c.p_value).toBeCloseTo(1, 12);
  });

  it('compares text vocabularies by Jensen-Shannon distance with the OOV rate beside', () => {
    // P = (1/2, 1/2, 0), Q = (1/2, 0, 1/2) over hello, world, there: JSD = ln(2)/2, distance its root.
    const tokens = byName('t:tokens');
    expect(tokens).toMatchObject({ kind: 'text', test: 'jensenshannon', drifted: true });
    expect(tokens.statistic).toBeCloseTo(Math.sqrt(Math.LN2 / 2), 12);
    expect(tokens.oov_rate).toBe(0.5);
    expect(tokens.p_value).toBeNull();
    expect(byName('t:length').kind).toBe('text');
  });

  it('grades 2 of 3 columns drifted as severe', () => {
    expect(report.drifted).toBe(2);
    expect(report.share).toBeCloseTo(2 / 3, 15);
    expect(report.severity).toBe('severe');
    expect(report.prediction_drift).toBeNull();
  });

  it('bins both sides the same way for the charts', () => {
    const h = histograms.get('x')!;
    expect(h.bins).toHaveLength(10);
    expect(h.reference.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // Ten equal bins over 1..20 (width 1.9): two values of each side per bin, on its own half.
    expect(h.reference).toEqual([0.2, 0.2, 0.2, 0.2, 0.2, 0, 0, 0, 0, 0]);
    expect(h.current).toEqual([0, 0, 0, 0, 0, 0.2, 0.2, 0.2, 0.2, 0.2]);
  });

  it('uses the test and threshold mlops.yml names', () => {
    const { report: r } = compareProfiles(ref, cur, {
      model: 'm',
      referenceLabel: 'ref.csv',
      currentLabel: 'cur.csv',
      thresholds,
      columns: { x: { test: 'wasserstein', threshold: 5 } },
    });
    const x = r.columns.find((c) => c.name === 'x')!;
    // W1 = 10 (every value moves by 10); reference std of 1..10 = sqrt(8.25).
    expect(x.test).toBe('wasserstein');
    expect(x.statistic).toBeCloseTo(10 / Math.sqrt(8.25), 12);
    expect(x.drifted).toBe(false);
  });

  it('names the column and both types on a type mismatch', () => {
    const other = profile(
      'version: 1\ncolumns:\n  x: { type: category }\n  c: { type: category }\n  t: { type: text }\n',
      ['x', 'c', 't'],
      [['1', 'a', 'hi']],
    );
    expect(() =>
      compareProfiles(ref, other, {
        model: 'm',
        referenceLabel: 'ref.json',
        currentLabel: 'cur.csv',
        thresholds,
      }),
    ).toThrow(
      /cur\.csv \(x\): column "x" is number in the reference \(ref\.json\) but category in the current data/,
    );
  });

  it('refuses empty current data', () => {
    const empty = profile(SCHEMA, ['x', 'c', 't'], []);
    expect(() =>
      compareProfiles(ref, empty, {
        model: 'm',
        referenceLabel: 'r',
        currentLabel: 'cur.csv',
        thresholds,
      }),
    ).toThrow(DataError);
  });
});

describe('renderDriftIssueBody', () => {
  const many = 3000;
  const columns = Array.from({ length: many }, (_, i) => ({
    ...col(`<img src=x>@admin ${'long '.repeat(30)}${i}`, i % 2 === 0),
  }));
  const histograms = new Map(
    columns.map((c) => [
      c.name,
      { bins: ['a|b', '<x>'], reference: [0.5, 0.5], current: [0.9, 0.1] },
    ]),
  );
  const comparison = {
    report: {
      model: 'm',
      reference: 'ref',
      current: 'cur',
      severity: 'severe' as const,
      share: 0.5,
      drifted: many / 2,
      thresholds,
      prediction_drift: null,
      columns,
      notes: [],
    },
    histograms,
  };

  it('stays under GitHub’s limit, marker first, with charts and tables', () => {
    const body = renderDriftIssueBody(comparison, {
      runUrl: 'https://github.com/o/r/actions/runs/1',
    });
    expect(body.length).toBeLessThanOrEqual(MAX_ISSUE_BODY);
    expect(body.startsWith(`${driftIssueMarker('m')}\n`)).toBe(true);
    expect(body).toContain('```mermaid');
    expect(severityOfBody(body)).toBe('severe');
  });

  it('escapes names from the data', () => {
    const body = renderDriftIssueBody(comparison, { runUrl: null, maxCharts: 1 });
    expect(body).not.toContain('<img');
    expect(body).not.toContain('@admin');
    expect(body).toContain('&lt;img');
    expect(body).toContain('a\\|b');
  });
});
