/**
 * Metrics per group of one column ("slices"): does the candidate do worse for some users than for
 * others, and worse than the baseline did there?
 *
 * Each group is scored through the models' prepared metrics with 0/1 weights (1 for the group's
 * records), so nothing is copied and scores are sorted once, not once per group. Two ways in:
 * the predictions (`SliceInput`, prepared here), or a scoring function over weights
 * (`ScoredSliceInput`) for a caller that has prepared the models already.
 *
 * Small groups: a metric on a handful of records is mostly noise, and a column with thousands of
 * values would flood the PR comment. Groups with fewer than `minRows` records (default 20), and
 * those beyond the `maxGroups` largest (default 50), are folded into ONE group named
 * "other (k groups)", scored like any group, so every record is still counted somewhere. The
 * folded group is a mixture, not a group, so it takes no part in `largestGap`.
 *
 * Groups are listed largest first (then by value, by code unit, for a stable order), the folded
 * group last. `largestGap` compares, per metric, the best and worst group by the metric's
 * direction; a metric with fewer than two groups where it is defined has no entry.
 */
import { metricInfo } from '../metrics/metric-info.js';
import { prepareMetrics } from '../metrics/compute-metrics.js';
import type { MetricInput } from '../metrics/compute-metrics.js';
import type { MetricEvaluator } from '../metrics/metric-evaluator.js';
import type { SliceResult, Task } from './report.js';

export type ModelPredictions =
  | { readonly predicted: Int32Array; readonly probabilities?: Float64Array | undefined }
  | { readonly predicted: Float64Array };

export interface SliceInput {
  readonly column: string;
  /** The group value of each record (the caller decides how a missing value reads). */
  readonly groupOf: readonly string[];
  readonly task: Task;
  readonly truth: Int32Array | Float64Array;
  /** Classification: class names, in index order. */
  readonly classes?: readonly string[] | undefined;
  readonly candidate: ModelPredictions;
  readonly baseline?: ModelPredictions | undefined;
  /** Metric names to report, in order; those a group does not have are left out. */
  readonly metrics: readonly string[];
  readonly minRows?: number | undefined;
  readonly maxGroups?: number | undefined;
}

/** Both models' metrics with record i counted weights[i] times (0 or 1 here). */
export type SliceScorer = (weights: Int32Array) => {
  readonly candidate: Readonly<Record<string, number>>;
  readonly baseline?: Readonly<Record<string, number>> | undefined;
};

/**
 * The same, for a caller that has already prepared the models (the evaluate step does, for the
 * bootstrap): `compute` scores with weights, e.g. through MetricEvaluator.values. Its result
 * must not depend on the array after it returns (the array is reused).
 */
export interface ScoredSliceInput {
  readonly column: string;
  readonly groupOf: readonly string[];
  readonly compute: SliceScorer;
  readonly metrics: readonly string[];
  readonly minRows?: number | undefined;
  readonly maxGroups?: number | undefined;
}

export const DEFAULT_MIN_ROWS = 20;
export const DEFAULT_MAX_GROUPS = 50;

export function computeSlices(input: SliceInput | ScoredSliceInput): SliceResult {
  if ('compute' in input) return slicesOf(input);
  const model = (predictions: ModelPredictions): MetricEvaluator => {
    const evaluator = prepareMetrics(input.task, {
      truth: input.truth,
      ...predictions,
      ...(input.classes === undefined ? {} : { classes: input.classes }),
    } as MetricInput);
    if (evaluator.rows !== input.groupOf.length) {
      throw new RangeError(`${input.groupOf.length} group values for ${evaluator.rows} records`);
    }
    return evaluator;
  };
  const candidate = model(input.candidate);
  const baseline = input.baseline === undefined ? undefined : model(input.baseline);
  return slicesOf({
    column: input.column,
    groupOf: input.groupOf,
    compute: (weights) => ({
      candidate: candidate.values(weights),
      ...(baseline === undefined ? {} : { baseline: baseline.values(weights) }),
    }),
    metrics: input.metrics,
    minRows: input.minRows,
    maxGroups: input.maxGroups,
  });
}

interface Group {
  readonly value: string;
  readonly records: number[];
}

type Gap = { gap: number; best: string; worst: string };

function slicesOf(input: ScoredSliceInput): SliceResult {
  const { column, groupOf, compute, metrics } = input;
  const minRows = input.minRows ?? DEFAULT_MIN_ROWS;
  const maxGroups = input.maxGroups ?? DEFAULT_MAX_GROUPS;
  const rows = groupOf.length;

  const byValue = new Map<string, number[]>();
  for (let i = 0; i < rows; i++) {
    const value = groupOf[i]!;
    let records = byValue.get(value);
    if (records === undefined) byValue.set(value, (records = []));
    records.push(i);
  }
  const all: Group[] = [...byValue].map(([value, records]) => ({ value, records }));
  all.sort(
    (a, b) =>
      b.records.length - a.records.length || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
  );
  const kept: Group[] = [];
  const folded: Group[] = [];
  for (const group of all) {
    if (group.records.length >= minRows && kept.length < maxGroups) kept.push(group);
    else folded.push(group);
  }
  const listed: Group[] = [...kept];
  if (folded.length > 0) {
    listed.push({
      value: `other (${folded.length} ${folded.length === 1 ? 'group' : 'groups'})`,
      records: folded.flatMap((group) => group.records),
    });
  }

  const weights = new Int32Array(rows);
  const pick = (values: Readonly<Record<string, number>>): Record<string, number> => {
    const picked: Record<string, number> = {};
    for (const metric of metrics) {
      const value = values[metric];
      if (value !== undefined) picked[metric] = value;
    }
    return picked;
  };
  let withBaseline = false;
  const groups = listed.map((group) => {
    for (const i of group.records) weights[i] = 1;
    const scored = compute(weights);
    for (const i of group.records) weights[i] = 0;
    withBaseline ||= scored.baseline !== undefined;
    return {
      value: group.value,
      rows: group.records.length,
      candidate: pick(scored.candidate),
      ...(scored.baseline === undefined ? {} : { baseline: pick(scored.baseline) }),
    };
  });

  const comparable = groups.slice(0, kept.length);
  const largestGap: SliceResult['largestGap'][number][] = [];
  for (const metric of metrics) {
    const greaterIsBetter = metricInfo(metric)?.greaterIsBetter ?? true;
    const candidateGap = gapOf(comparable, (g) => g.candidate[metric], greaterIsBetter);
    if (candidateGap === undefined) continue;
    const baselineGap = withBaseline
      ? gapOf(comparable, (g) => g.baseline?.[metric], greaterIsBetter)
      : undefined;
    largestGap.push({
      metric,
      candidate: candidateGap,
      ...(baselineGap === undefined ? {} : { baseline: baselineGap }),
    });
  }
  return { column, groups, largestGap };
}

function gapOf<G extends { readonly value: string }>(
  groups: readonly G[],
  valueOf: (group: G) => number | undefined,
  greaterIsBetter: boolean,
): Gap | undefined {
  let best: { value: string; metric: number } | undefined;
  let worst: { value: string; metric: number } | undefined;
  let defined = 0;
  for (const group of groups) {
    const metric = valueOf(group);
    if (metric === undefined) continue;
    defined++;
    const better = (a: number, b: number): boolean => (greaterIsBetter ? a > b : a < b);
    if (best === undefined || better(metric, best.metric)) best = { value: group.value, metric };
    if (worst === undefined || better(worst.metric, metric)) worst = { value: group.value, metric };
  }
  if (defined < 2 || best === undefined || worst === undefined) return undefined;
  return { gap: Math.abs(best.metric - worst.metric), best: best.value, worst: worst.value };
}
