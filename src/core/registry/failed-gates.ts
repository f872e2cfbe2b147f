/**
 * A version whose evaluation failed its gates is published or promoted only when a person says
 * so (`--allow-failed-gates`, the action input `allow-failed-gates`). What it failed is then the
 * first thing its model card and release notes say, so nobody installs it unaware. Pure.
 */
import type { GateResult } from '../evaluate/report.js';
import { escapeUserText } from '../markdown/escape.js';

/** The gates that failed, in words: `accuracy min 0.99: 0.9561 < 0.99; f1 …` (plain text). */
export function describeFailedGates(gates: readonly GateResult[]): string {
  const failed = gates.filter((gate) => gate.status === 'failed');
  if (failed.length === 0) return 'no gate result was recorded';
  const shown = failed.slice(0, 5).map((gate) => `${gate.metric} ${gate.rule}: ${gate.detail}`);
  return `${shown.join('; ')}${failed.length > shown.length ? `; and ${failed.length - shown.length} more` : ''}`;
}

/**
 * The warning line that opens the model card and the release notes of such a version: markdown,
 * every word from the report escaped (metric names come from mlops.yml).
 */
export function failedGatesWarning(gates: readonly GateResult[] | null): string {
  const what =
    gates === null
      ? 'see the evaluation report of this version'
      : escapeUserText(describeFailedGates(gates), 1000);
  return `> ⚠️ **This version FAILED its evaluation gates** and was published anyway (allow-failed-gates): ${what}.`;
}
