/**
 * Reading the `mlops.*` metadata properties of a model (the training contract's interface:
 * `mlops.task`, `mlops.features`, `mlops.classes`). Models come from users' code, so anything
 * malformed reads as absent rather than failing.
 */
import type { Task } from '../evaluate/report.js';

/** A JSON array of strings, or null. */
export function metadataList(text: string | undefined): string[] | null {
  if (text === undefined) return null;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : null;
  } catch {
    return null;
  }
}

export function metadataTask(text: string | undefined): Task | null {
  return text === 'binary-classification' ||
    text === 'multiclass-classification' ||
    text === 'regression'
    ? text
    : null;
}
