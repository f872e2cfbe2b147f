/**
 * Gates: the conditions in `evaluate.gates` that a candidate model must meet, evaluated with
 * MLflow's `MetricThreshold` semantics (mlflow/models/evaluation/validation.py, `_validate`):
 *
 * - `min` / `max`: absolute bounds, inclusive (MLflow's `threshold`, which is a lower bound when
 *   greater is better and an upper bound otherwise; here the user says which).
 * - `min-gain`: MLflow's `min_absolute_change` (a number) or `min_relative_change` (a percentage),
 *   in the metric's direction: greater is better → candidate ≥ baseline + d, or ≥ baseline·(1 + r);
 *   lower is better → candidate ≤ baseline − d, or ≤ baseline·(1 − r).
 * - `max-drop`: the worsening tolerated, the mirror image: greater is better → candidate ≥
 *   baseline − d, or ≥ baseline·(1 − r); lower is better → candidate ≤ baseline + d, or
 *   ≤ baseline·(1 + r).
 *
 * Without a baseline (the first model) the gates relative to it are skipped, as TFX's Evaluator
 * ignores change thresholds then. A gate on a metric that does not exist fails: a typo must not
 * pass silently.
 */
import type { MlopsConfig } from '../config/mlops-config.js';
import { formatDistinct, formatParameter, formatValue } from '../markdown/number-format.js';
import type { GateResult } from './report.js';

export type GateConfig = NonNullable<MlopsConfig['evaluate']>['gates'][number];

export interface EvaluateGatesInput {
  readonly gates: readonly GateConfig[];
  readonly candidate: Readonly<Record<string, number>>;
  /** The baseline's metrics on the same records; null when there is no baseline. */
  readonly baseline: Readonly<Record<string, number>> | null;
  /** The known direction of a built-in metric; undefined when unknown. */
  readonly greaterIsBetter: (metric: string) => boolean | undefined;
}

export const noBaselineDetail = 'no baseline: relative gates are skipped';

/**
 * MLflow's fallback for a relative gain on a baseline of 0, where no relative change exists:
 * the candidate must merely be better, by 1e-10 (`operator_fn(baseline_metric_value, 1e-10)`).
 */
export const zeroBaselineEpsilon = 1e-10;

type Change =
  | { readonly kind: 'absolute'; readonly amount: number; readonly text: string }
  | { readonly kind: 'relative'; readonly fraction: number; readonly text: string };

/** One result per rule of each gate, in config order (min, max, min-gain, max-drop). */
export function evaluateGates(input: EvaluateGatesInput): GateResult[] {
  return input.gates.flatMap((gate) => evaluateGate(gate, input));
}

/** The verdict: passed when no gate failed (skipped gates do not fail). */
export function gatesPassed(results: readonly GateResult[]): boolean {
  return results.every((result) => result.status !== 'failed');
}

function evaluateGate(gate: GateConfig, input: EvaluateGatesInput): GateResult[] {
  const { metric } = gate;
  const rules: { rule: string; evaluate: () => Omit<GateResult, 'metric' | 'rule'> }[] = [];
  const candidate = input.candidate[metric];

  if (gate.min !== undefined) {
    const min = gate.min;
    rules.push({
      rule: `≥ ${formatParameter(min)}`,
      evaluate: () => compare(candidate as number, '≥', min, ''),
    });
  }
  if (gate.max !== undefined) {
    const max = gate.max;
    rules.push({
      rule: `≤ ${formatParameter(max)}`,
      evaluate: () => compare(candidate as number, '≤', max, ''),
    });
  }
  for (const kind of ['min-gain', 'max-drop'] as const) {
    const value = gate[kind];
    if (value === undefined) continue;
    const change = parseChange(value);
    rules.push({
      rule: `${kind} ${change.text} (${change.kind})`,
      evaluate: () => evaluateChange(kind, change, gate, input),
    });
  }

  // A missing metric fails every rule of the gate at once, in one result: the fix is one edit.
  if (!Object.hasOwn(input.candidate, metric)) {
    const available = Object.keys(input.candidate);
    return [
      {
        metric,
        rule: rules.map((rule) => rule.rule).join(', '),
        status: 'failed',
        detail:
          available.length === 0
            ? `metric ${JSON.stringify(metric)} does not exist: the evaluation produced no metrics`
            : `metric ${JSON.stringify(metric)} does not exist; available: ${listNames(available)}`,
      },
    ];
  }
  if (Number.isNaN(candidate)) {
    return rules.map((rule) => ({
      metric,
      rule: rule.rule,
      status: 'failed',
      detail: `the candidate's ${metric} is NaN (undefined on this data), so no rule can hold`,
    }));
  }
  return rules.map((rule) => ({ metric, rule: rule.rule, ...rule.evaluate() }));
}

function evaluateChange(
  kind: 'min-gain' | 'max-drop',
  change: Change,
  gate: GateConfig,
  input: EvaluateGatesInput,
): Omit<GateResult, 'metric' | 'rule'> {
  const { metric } = gate;
  // MLflow requires `greater_is_better` before it evaluates anything, baseline or not: a gate
  // whose direction is unknown would otherwise only fail later, on the second model.
  const greaterIsBetter = gate['greater-is-better'] ?? input.greaterIsBetter(metric);
  if (greaterIsBetter === undefined) {
    return {
      status: 'failed',
      detail: `the direction of ${JSON.stringify(metric)} is unknown: set greater-is-better: true (or false) on this gate in mlops.yml`,
    };
  }
  if (input.baseline === null) return { status: 'skipped', detail: noBaselineDetail };
  if (!Object.hasOwn(input.baseline, metric)) {
    // MLflow fails here too ("metric … was missing from the evaluation result of the baseline").
    return {
      status: 'failed',
      detail: `the baseline has no ${JSON.stringify(metric)} to compare with; available: ${listNames(Object.keys(input.baseline))}`,
    };
  }
  const baseline = input.baseline[metric] as number;
  const candidate = input.candidate[metric] as number;
  if (!Number.isFinite(baseline)) {
    return {
      status: 'failed',
      detail: `the baseline's ${metric} is ${formatValue(baseline)}, so no change can be measured`,
    };
  }

  // Improvement (min-gain) moves the bound in the metric's better direction, a tolerated drop
  // (max-drop) in its worse direction. A negative min-gain is a tolerated drop as well.
  const better = greaterIsBetter ? 1 : -1;
  const sign = kind === 'min-gain' ? better : -better;
  const relation = greaterIsBetter ? '≥' : '≤';
  const b = formatValue(baseline);

  if (change.kind === 'absolute') {
    const bound = baseline + sign * change.amount;
    const operator = sign * Math.sign(change.amount) >= 0 ? '+' : '−';
    return compare(
      candidate,
      relation,
      bound,
      ` = ${b} ${operator} ${formatParameter(Math.abs(change.amount))}`,
    );
  }

  const r = change.fraction;
  if (baseline === 0 && kind === 'min-gain' && r >= 0) {
    // No relative change exists from 0: MLflow falls back to "strictly better than the
    // baseline", comparing against baseline ± 1e-10 (validation.py, `_validate`).
    const bound = baseline + better * zeroBaselineEpsilon;
    return compare(
      candidate,
      relation,
      bound,
      ` = 0 ${better > 0 ? '+' : '−'} 1e-10 (the baseline is 0, so a relative gain means any improvement, as in MLflow)`,
    );
  }
  // The relative amount is taken of |baseline|. For a positive baseline this is exactly MLflow's
  // baseline·(1 ± r); for a negative one (r2, a log-likelihood) MLflow's (c − b)/b flips sign and
  // would demand a worse model, so "2% better" keeps meaning better here.
  const bound = baseline + sign * r * Math.abs(baseline);
  const operator = sign * Math.sign(r) >= 0 ? '+' : '−';
  const ratio = formatParameter(Math.abs(r));
  const expression =
    baseline >= 0 ? `${b} × (1 ${operator} ${ratio})` : `${b} ${operator} ${ratio} × |${b}|`;
  return compare(candidate, relation, bound, ` = ${expression}`);
}

/**
 * Compares with a tolerance of a few units in the last place. MLflow compares the float bound
 * exactly, so there 0.2 + 0.1 = 0.30000000000000004 fails a candidate of exactly 0.3, a rounding
 * artefact no metric can resolve; bounds are otherwise inclusive, as in MLflow.
 */
function compare(
  candidate: number,
  relation: '≥' | '≤',
  bound: number,
  boundExpression: string,
): Omit<GateResult, 'metric' | 'rule'> {
  const tolerance =
    Number.isFinite(candidate) && Number.isFinite(bound)
      ? 4 * Number.EPSILON * Math.max(Math.abs(candidate), Math.abs(bound))
      : 0;
  const passed = relation === '≥' ? candidate >= bound - tolerance : candidate <= bound + tolerance;
  // Within the tolerance the two are equal, and shown so; otherwise with the digits that differ.
  const [c, b] =
    Math.abs(candidate - bound) <= tolerance
      ? [formatValue(candidate), formatValue(bound)]
      : formatDistinct(candidate, bound);
  const shown = passed ? relation : relation === '≥' ? '<' : '>';
  return { status: passed ? 'passed' : 'failed', detail: `${c} ${shown} ${b}${boundExpression}` };
}

/** "2%" is relative (0.02), a number is absolute. The config schema has checked the format. */
function parseChange(value: number | string): Change {
  if (typeof value === 'number') {
    return { kind: 'absolute', amount: value, text: formatParameter(value) };
  }
  const percent = Number(value.trim().replace(/%$/, ''));
  return { kind: 'relative', fraction: percent / 100, text: `${formatParameter(percent)}%` };
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 30).join(', ');
  return names.length > 30 ? `${shown} and ${names.length - 30} more` : shown || '(none)';
}
