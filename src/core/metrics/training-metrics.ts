/**
 * `metrics.json`, as a training command may write it: one flat JSON object of named numbers.
 * Names and values come from the pull request's code, so they are data: checked here, escaped
 * wherever they are shown.
 */
import { DataError } from '../errors.js';

/** Names people use for metrics: letters, digits and `_ . - /`, at most 100 characters. */
const metricName = /^[A-Za-z0-9_.\-/]{1,100}$/;

export function parseTrainingMetrics(text: string, file: string): Record<string, number> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataError(
      `not valid JSON (${(error as Error).message}); expected an object of named numbers such as {"accuracy": 0.93}`,
      {
        location: { file },
        cause: error,
      },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DataError('expected a JSON object of named numbers such as {"accuracy": 0.93}', {
      location: { file },
    });
  }
  const metrics: Record<string, number> = {};
  for (const [name, metric] of Object.entries(value)) {
    if (!metricName.test(name)) {
      throw new DataError(
        `metric name ${JSON.stringify(name.slice(0, 120))} is not allowed; expected letters, digits, "_", ".", "-" or "/" (at most 100)`,
        {
          location: { file, field: name.slice(0, 100) },
        },
      );
    }
    if (typeof metric !== 'number' || !Number.isFinite(metric)) {
      throw new DataError(
        `expected a finite number, got ${JSON.stringify(metric)?.slice(0, 80) ?? String(metric)}`,
        {
          location: { file, field: name },
        },
      );
    }
    metrics[name] = metric;
  }
  if (Object.keys(metrics).length > 1000) {
    throw new DataError('more than 1000 metrics; expected a summary, not a log', {
      location: { file },
    });
  }
  return metrics;
}
