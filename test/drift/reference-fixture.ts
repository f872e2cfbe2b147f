/**
 * The scipy / Evidently reference values written by scripts/reference/drift_reference.py
 * (scipy 1.10.1, numpy 1.24.2, pandas 1.5.3) to test/fixtures/drift/scipy-reference.json: each
 * case's samples as value counts plus the expected results, and grids of special-function values.
 * Non-finite numbers are stored as the strings 'NaN', 'Infinity' and '-Infinity'.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import {
  categoricalDistributionFromCounts,
  numericDistributionFromCounts,
  type ColumnKind,
  type Distribution,
} from '../../src/core/drift/distribution.js';
import type { StatTestName } from '../../src/core/drift/stat-test.js';

type Num = number | 'NaN' | 'Infinity' | '-Infinity';

interface NumericSample {
  values: number[];
  counts: number[];
  nan: number;
  posInf: number;
  negInf: number;
}

interface CategoricalSample {
  categories: [string, number][];
  missing: number;
}

export interface ExpectedResult {
  statistic: Num;
  pValue?: Num;
  method?: 'exact' | 'asymptotic';
  evidentlyPValue?: Num;
}

export interface ReferenceCase {
  name: string;
  description: string;
  kind: ColumnKind;
  reference: NumericSample | CategoricalSample;
  current: NumericSample | CategoricalSample;
  defaultTest: StatTestName;
  expected: Partial<Record<StatTestName, ExpectedResult>> & { binEdges?: number[] };
}

export interface ReferenceFixture {
  versions: Record<string, string>;
  cases: ReferenceCase[];
  kstwoSf: [n: number, d: number, sf: number][];
  smirnov: [n: number, d: number, sf: number][];
  chi2Sf: [x: number, df: number, sf: number][];
  normalSf: [z: number, sf: number][];
}

export const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/drift/scipy-reference.json', import.meta.url), 'utf8'),
) as ReferenceFixture;

export function num(x: Num): number {
  return typeof x === 'number' ? x : Number(x);
}

export function toDistribution(sample: NumericSample | CategoricalSample): Distribution {
  if ('values' in sample) {
    return numericDistributionFromCounts(sample.values, sample.counts, sample);
  }
  return categoricalDistributionFromCounts(sample.categories, sample.missing);
}

export function caseNamed(name: string): ReferenceCase {
  const found = fixture.cases.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no reference case ${name}`);
  return found;
}

/** Relative tolerance of every comparison with scipy, and the absolute floor for tiny values. */
export const RELATIVE_TOLERANCE = 1e-9;
export const ABSOLUTE_FLOOR = 1e-300;

/** The largest relative error seen in this test file, for the record. */
export const worst = { relative: 0, where: '' };

/**
 * actual ≈ expected within 1e-9 relative (or 1e-300 absolute); NaN matches NaN, infinities
 * must be equal.
 */
export function expectClose(actual: number, expectedRaw: Num, where: string): void {
  const expected = num(expectedRaw);
  if (Number.isNaN(expected)) {
    expect(actual, where).toBeNaN();
    return;
  }
  if (!Number.isFinite(expected)) {
    expect(actual, where).toBe(expected);
    return;
  }
  const error = Math.abs(actual - expected);
  const relative = error === 0 ? 0 : error / Math.abs(expected);
  if (error > ABSOLUTE_FLOOR && relative > worst.relative) {
    worst.relative = relative;
    worst.where = where;
  }
  expect(
    error <= Math.max(RELATIVE_TOLERANCE * Math.abs(expected), ABSOLUTE_FLOOR),
    `${where}: ${actual} vs ${expected} (relative error ${relative})`,
  ).toBe(true);
}
