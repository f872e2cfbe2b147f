/**
 * Reading the reports a dashboard adds: `check-drift`'s and `check-performance`'s JSON, as they
 * write them. Only the fields the dashboard shows are checked; a report missing one is a
 * DataError naming the file and the field. Optional fields a report may carry beside the
 * documented ones: `checked_at` (ISO time of the check), `run_url`, `issue_url`, and, for drift,
 * `histograms` (reference and current shares per distribution, as `compareProfiles` returns them).
 */
import { z } from 'zod';
import { DataError } from '../errors.js';
import type { DriftReport } from '../drift-report/report.js';
import type { PerformanceReport } from '../monitor/performance-report.js';
import type { DriftRunInput, PerformanceInput } from './site-data.js';

const histogramSchema = z.object({
  bins: z.array(z.string()),
  reference: z.array(z.number()),
  current: z.array(z.number()),
});

const extras = {
  checked_at: z.iso.datetime({ offset: true }).optional(),
  run_url: z.string().optional(),
  issue_url: z.string().optional(),
};

const driftSchema = z.looseObject({
  model: z.string().min(1),
  reference: z.string(),
  current: z.string(),
  severity: z.enum(['none', 'moderate', 'severe']),
  share: z.number(),
  drifted: z.int().min(0),
  columns: z.array(
    z.looseObject({
      name: z.string(),
      test: z.string(),
      statistic: z.number(),
      p_value: z.number().nullable(),
      threshold: z.number(),
      drifted: z.boolean(),
    }),
  ),
  histograms: z.record(z.string(), histogramSchema).optional(),
  ...extras,
});

const performanceSchema = z.looseObject({
  model: z.string().min(1),
  severity: z.enum(['none', 'moderate', 'severe', 'insufficient-labels']),
  windows: z.array(
    z.looseObject({
      start: z.string(),
      end: z.string(),
      predictions: z.number(),
      labelled: z.number(),
      severity: z.enum(['none', 'moderate', 'severe', 'insufficient-labels']),
      metrics: z.record(z.string(), z.number()),
    }),
  ),
  health: z
    .looseObject({
      scrape: z
        .looseObject({
          p50_ms: z.number().nullable(),
          p95_ms: z.number().nullable(),
          p99_ms: z.number().nullable(),
          error_rate: z.number().nullable(),
        })
        .nullable(),
    })
    .nullable()
    .optional(),
  ...extras,
});

/** What the adapter knows of a report file besides its text. */
export interface ReportFileFacts {
  /** For messages. */
  readonly display: string;
  /** A digest of the file's bytes: the check's id when it names no run. */
  readonly digest: string;
  /** The file's modification time (ISO): the check's time when it records none. */
  readonly modified: string;
  /** The run that made it, when the caller knows (an action input). */
  readonly runUrl?: string | null | undefined;
}

function parse<T>(schema: z.ZodType<T>, text: string, facts: ReportFileFacts, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DataError(`the ${what} is not JSON: ${(error as Error).message}`, {
      location: { file: facts.display },
      cause: error,
    });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.reduce<unknown>(
      (value, key) =>
        typeof value === 'object' && value !== null
          ? (value as Record<PropertyKey, unknown>)[key]
          : undefined,
      json,
    );
    const detail = field === undefined ? 'the field is missing' : issue.message;
    throw new DataError(`not a ${what}: ${detail}`, {
      location: { file: facts.display, field: issue.path.join('.') || undefined },
    });
  }
  return result.data;
}

export function parseDriftRun(text: string, facts: ReportFileFacts): DriftRunInput {
  const parsed = parse(driftSchema, text, facts, 'check-drift report');
  const runUrl = parsed.run_url ?? facts.runUrl ?? null;
  return {
    id: runUrl ?? facts.digest,
    checkedAt: new Date(parsed.checked_at ?? facts.modified).toISOString(),
    runUrl,
    issueUrl: parsed.issue_url ?? null,
    report: parsed as unknown as DriftReport,
    histograms: parsed.histograms ?? null,
  };
}

export function parsePerformanceRun(text: string, facts: ReportFileFacts): PerformanceInput {
  const parsed = parse(performanceSchema, text, facts, 'check-performance report');
  return {
    checkedAt: new Date(parsed.checked_at ?? facts.modified).toISOString(),
    runUrl: parsed.run_url ?? facts.runUrl ?? null,
    report: parsed as unknown as PerformanceReport,
  };
}

/** Previously published data of our own schema, or null (another schema: rebuilt whole). */
export function previousData<T extends { readonly schema: number }>(
  value: unknown,
  schema: number,
): T | null {
  return typeof value === 'object' && value !== null && (value as T).schema === schema
    ? (value as T)
    : null;
}
