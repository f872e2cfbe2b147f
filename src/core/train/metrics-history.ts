/**
 * `metrics-history.jsonl`, the optional per-step record a training command may write beside
 * `metrics.json` in `MLOPS_OUTPUT_DIR`: one JSON object per line with `step` and/or `epoch`, then
 * named metric values, as DVCLive logs them (`{"step": 3, "epoch": 1, "train_loss": 0.41}`). A
 * `timestamp` is accepted and ignored. Names and values come from the pull request's code, so they
 * are checked here (errors name the line) and escaped wherever they are shown.
 */
import { z } from 'zod';
import { DataError } from '../errors.js';

export const METRICS_HISTORY_FILE = 'metrics-history.jsonl';

/** Bounds that keep a runaway logger from filling the manifest's reader or a comment. */
export const maxHistoryLines = 100_000;
export const maxHistoryMetrics = 50;

/** The same names `metrics.json` accepts. */
const metricName = /^[A-Za-z0-9_.\-/]{1,100}$/;

const lineSchema = z
  .object({
    step: z.int().min(0).optional(),
    epoch: z.number().min(0).optional(),
    timestamp: z.union([z.number(), z.string()]).optional(),
  })
  .catchall(z.number().refine(Number.isFinite, { message: 'expected a finite number' }))
  .refine((line) => line.step !== undefined || line.epoch !== undefined, {
    message: 'each line needs a "step" or an "epoch"',
  })
  .superRefine((line, context) => {
    const names = Object.keys(line).filter((k) => !['step', 'epoch', 'timestamp'].includes(k));
    if (names.length === 0) {
      context.addIssue({ code: 'custom', message: 'no metric values besides step/epoch' });
    }
    for (const name of names) {
      if (!metricName.test(name)) {
        context.addIssue({
          code: 'custom',
          path: [name],
          message: 'a metric name is letters, digits and _ . - /, at most 100 characters',
        });
      }
    }
  });

export interface HistoryPoint {
  readonly step: number | null;
  readonly epoch: number | null;
  readonly values: Readonly<Record<string, number>>;
}

export interface TrainingHistory {
  /** What the x axis counts: `step` when every line has one, else `epoch`. */
  readonly axis: 'step' | 'epoch';
  /** Metric names in the order they first appear. */
  readonly metrics: readonly string[];
  readonly points: readonly HistoryPoint[];
}

/** Parses the file's text; a `DataError` naming the line for anything that does not fit. */
export function parseMetricsHistory(text: string, file: string): TrainingHistory {
  const points: HistoryPoint[] = [];
  const metrics: string[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    if (raw.trim() === '') continue;
    if (points.length >= maxHistoryLines) {
      throw new DataError(
        `more than ${maxHistoryLines.toLocaleString('en-US')} lines: log less often`,
        {
          location: { file, line },
        },
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new DataError(
        `not valid JSON (${(error as Error).message}); expected one object per line such as {"epoch": 1, "loss": 0.42}`,
        { location: { file, line }, cause: error },
      );
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new DataError('expected a JSON object such as {"epoch": 1, "loss": 0.42}', {
        location: { file, line },
      });
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.map(String).join('.') ?? '';
      throw new DataError(issue?.message ?? 'invalid line', {
        location: { file, line, ...(field === '' ? {} : { field }) },
        cause: parsed.error,
      });
    }
    const { step, epoch, timestamp: _timestamp, ...rest } = parsed.data;
    const values = rest as Record<string, number>;
    for (const name of Object.keys(values)) {
      if (seen.has(name)) continue;
      if (seen.size >= maxHistoryMetrics) {
        throw new DataError(`more than ${maxHistoryMetrics} metric names`, {
          location: { file, line, field: name },
        });
      }
      seen.add(name);
      metrics.push(name);
    }
    points.push({ step: step ?? null, epoch: epoch ?? null, values });
  }
  if (points.length === 0) {
    throw new DataError('no lines: write one JSON object per step or epoch, or no file at all', {
      location: { file },
    });
  }
  const axis = points.every((p) => p.step !== null) ? 'step' : 'epoch';
  if (axis === 'epoch' && points.some((p) => p.epoch === null)) {
    const line =
      lines.findIndex((raw, i) => raw.trim() !== '' && i >= 0 && !/"epoch"/.test(raw)) + 1;
    throw new DataError(
      'some lines have only a "step" and others only an "epoch": use one axis throughout',
      {
        location: { file, ...(line > 0 ? { line } : {}) },
      },
    );
  }
  return { axis, metrics, points };
}
