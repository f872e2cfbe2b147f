/**
 * The fixed inputs of the metric tests, written by scripts/reference/metrics_reference.py into
 * fixtures/metrics-fixture.json (JSON doubles round-trip exactly, so these are the very arrays
 * scikit-learn scored), and a tolerance check.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { MetricSet } from '../../src/core/evaluate/report.js';
import type { ClassificationInput, RegressionInput } from '../../src/core/metrics/metric-input.js';

interface FixtureJson {
  binary: {
    classes: string[];
    truth: number[];
    weights: number[];
    candidate: { predicted: number[]; probabilities: number[] };
    baseline: { predicted: number[]; probabilities: number[] };
  };
  multiclass: {
    classes: string[];
    truth: number[];
    weights: number[];
    predicted: number[];
    probabilities: number[];
    probabilities5: number[];
  };
  regression: { truth: number[]; weights: number[]; predicted: number[] };
}

const json = JSON.parse(
  readFileSync(new URL('./fixtures/metrics-fixture.json', import.meta.url), 'utf8'),
) as FixtureJson;

export const binary = {
  classes: json.binary.classes,
  truth: Int32Array.from(json.binary.truth),
  weights: Int32Array.from(json.binary.weights),
  candidate: {
    predicted: Int32Array.from(json.binary.candidate.predicted),
    probabilities: Float64Array.from(json.binary.candidate.probabilities),
  },
  baseline: {
    predicted: Int32Array.from(json.binary.baseline.predicted),
    probabilities: Float64Array.from(json.binary.baseline.probabilities),
  },
};

export function binaryInput(model: 'candidate' | 'baseline'): ClassificationInput {
  return { truth: binary.truth, classes: binary.classes, ...binary[model] };
}

export const multiclass = {
  classes: json.multiclass.classes,
  truth: Int32Array.from(json.multiclass.truth),
  weights: Int32Array.from(json.multiclass.weights),
  predicted: Int32Array.from(json.multiclass.predicted),
  probabilities: Float64Array.from(json.multiclass.probabilities),
  probabilities5: Float64Array.from(json.multiclass.probabilities5),
};

export const regression: RegressionInput & { weights: Int32Array } = {
  truth: Float64Array.from(json.regression.truth),
  predicted: Float64Array.from(json.regression.predicted),
  weights: Int32Array.from(json.regression.weights),
};

/** |actual − expected| ≤ relative·|expected| + absolute; exact when expected is 0 by default. */
export function expectClose(
  actual: number | undefined,
  expected: number,
  relative = 1e-12,
  absolute = 0,
): void {
  expect(actual, `expected ${expected}`).toBeTypeOf('number');
  const tolerance = relative * Math.abs(expected) + absolute;
  if (!(Math.abs(actual! - expected) <= tolerance)) {
    expect.fail(`${actual} is not within ${tolerance} of ${expected}`);
  }
}

export function expectValuesClose(
  values: Readonly<Record<string, number>>,
  expected: Readonly<Record<string, number>>,
): void {
  expect(Object.keys(values).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, value] of Object.entries(expected)) expectClose(values[name], value);
}

export interface PerClassReference {
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
}

export function expectPerClassClose(set: MetricSet, expected: PerClassReference): void {
  const perClass = set.perClass ?? [];
  expect(perClass.map((c) => c.support)).toEqual(expected.support);
  perClass.forEach((c, i) => {
    expectClose(c.precision, expected.precision[i]!);
    expectClose(c.recall, expected.recall[i]!);
    expectClose(c.f1, expected.f1[i]!);
  });
}

/** The records repeated weights[i] times: what a weight means, built the slow, obvious way. */
export function repeatRecords<T extends Int32Array | Float64Array>(
  array: T,
  weights: Int32Array,
  width = 1,
): T {
  const out: number[] = [];
  weights.forEach((w, i) => {
    for (let r = 0; r < w; r++) {
      for (let j = 0; j < width; j++) out.push(array[i * width + j]!);
    }
  });
  return (array instanceof Int32Array ? Int32Array.from(out) : Float64Array.from(out)) as T;
}
