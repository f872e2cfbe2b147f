/**
 * The check-performance step (journey 5, Serve and watch): reads `mlops serve`'s prediction log
 * and the true labels that arrived later, joins them (`core/monitor/join-labels.ts`), computes the
 * model's metrics per window with evaluate's metric code and grades them against the metrics the
 * production release recorded (`metrics.json`), adds the service's health (request volume from
 * the log; errors and latency from a `/metrics` scrape) against the objectives, writes the JSON
 * report, and then acts as check-drift does: a moderate or severe drop opens or updates the
 * model's one performance issue (moderate also dispatches the retrain workflow); a recovered
 * model closes it. With too few labels nothing is opened or closed: no grade, no alarm.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expandDataPaths, readDataset } from '../adapters/data/open-dataset.js';
import { toDisplayPath } from '../adapters/fs/display-path.js';
import type { LoadedConfig } from '../adapters/fs/load-config.js';
import { loadDatasetSchema } from '../adapters/fs/load-dataset-schema.js';
import { writeFileAtomic } from '../adapters/fs/write-file-atomic.js';
import type { Cell } from '../core/data/batch.js';
import { ConfigError, DataError } from '../core/errors.js';
import type { Task } from '../core/evaluate/report.js';
import type { Logger } from '../core/logger.js';
import { metricInfo } from '../core/metrics/metric-info.js';
import { parseTrainingMetrics } from '../core/metrics/training-metrics.js';
import { parseDuration } from '../core/monitor/duration.js';
import {
  joinLabels,
  type LabelEntry,
  type LogEntry,
  type PerformanceKey,
} from '../core/monitor/join-labels.js';
import {
  computePerformance,
  defaultGradedMetrics,
  type MetricThresholds,
} from '../core/monitor/performance.js';
import type {
  LabelsCommandRunner,
  PerformanceIssueTracker,
  PerformanceRegistry,
  RetrainDispatcher,
} from '../core/monitor/performance-port.js';
import type { PerformanceReport, PerformanceSeverity } from '../core/monitor/performance-report.js';
import { parsePrometheusText, type PrometheusScrape } from '../core/monitor/prometheus-text.js';
import {
  performanceIssueTitle,
  renderPerformanceComment,
  renderPerformanceIssueBody,
  renderPerformanceResolvedComment,
} from '../core/monitor/render-performance-issue.js';
import { serviceHealth } from '../core/monitor/service-health.js';
import { actionWording, type OptionWording } from '../core/option-wording.js';
import { trainingProcessEnv } from '../core/train/training-env.js';
import { LOG_KEY, parseLoggedPrediction } from '../core/serve/prediction-log-record.js';

export const METRICS_ASSET = 'metrics.json';
const LABELS_COMMAND_TIMEOUT_MS = 30 * 60_000;
/** The label of a performance issue while a service-level objective is broken. */
export const SLO_LABEL = 'slo-broken';
/** The severity labels, shared with the drift issue (not imported: check-drift loads onnxruntime). */
export const SEVERITY_LABELS: Record<PerformanceSeverity & ('moderate' | 'severe'), string> = {
  moderate: 'retrain',
  severe: 'needs-investigation',
};

export interface CheckPerformanceOptions {
  readonly cwd: string;
  readonly loaded: LoadedConfig;
  /** Prediction log files or globs, relative to `cwd`; default monitoring.logs. */
  readonly logs?: readonly string[] | undefined;
  /** Label files or globs, relative to `cwd`; default monitoring.labels. */
  readonly labels?: readonly string[] | undefined;
  /** A bash command whose stdout is labels; default monitoring.labels-command. */
  readonly labelsCommand?: string | undefined;
  /** Runs the labels command; null where none may run. */
  readonly commands?: LabelsCommandRunner | null;
  /** A Prometheus scrape file, relative to `cwd`; default monitoring.prometheus. */
  readonly prometheus?: string | undefined;
  /** The released metrics: a metrics.json (relative to `cwd`) instead of the production release's. */
  readonly releasedMetrics?: string | undefined;
  readonly reportPath: string;
  readonly registry: PerformanceRegistry | null;
  readonly issues: PerformanceIssueTracker | null;
  readonly dispatcher: RetrainDispatcher | null;
  readonly retrainWorkflow?: string | undefined;
  readonly runUrl: string | null;
  readonly reportLocation?: string | null;
  /** Uploads the written report and returns its page (an Actions artifact); null when not. */
  readonly uploadReport?: ((file: string) => Promise<string | null>) | undefined;
  readonly workDir: string;
  readonly logger: Logger;
  readonly wording?: OptionWording | undefined;
}

export interface CheckPerformanceResult {
  readonly report: PerformanceReport;
  readonly reportPath: string;
  readonly issueBody: string;
  readonly issue: {
    readonly number: number;
    readonly url: string;
    readonly action: 'created' | 'updated' | 'closed';
  } | null;
  readonly dispatched: boolean;
}

export async function checkPerformance(
  options: CheckPerformanceOptions,
): Promise<CheckPerformanceResult> {
  const { cwd, loaded, logger } = options;
  const { config, dir } = loaded;
  const wording = options.wording ?? actionWording;
  const monitoring = config.monitoring;
  const settings = monitoring?.performance;
  const model = config.model.name;
  const where = (field: string) => ({ file: loaded.displayPath, field });

  const windowText = settings?.window ?? '1d';
  const windowMs = parseDuration(windowText, where('monitoring.performance.window'));
  const minLabels = settings?.['min-labels'] ?? 30;
  const schemaPath = path.resolve(dir, config.data.schema);
  const schema = await loadDatasetSchema(schemaPath, toDisplayPath(cwd, schemaPath), {
    optional: true,
    cwd,
  });
  const hasIdColumn = schema !== null && Object.values(schema.columns).some((c) => c.role === 'id');
  const key: PerformanceKey = settings?.key ?? (hasIdColumn ? 'id' : 'request');

  const labelsCommand = options.labelsCommand ?? monitoring?.['labels-command'];
  const patterns = (
    given: readonly string[] | undefined,
    configured: readonly string[] | undefined,
    what: 'logs' | 'labels',
  ) => {
    const list =
      given !== undefined
        ? given.map((p) => path.resolve(cwd, p))
        : (configured ?? []).map((p) => path.resolve(dir, p));
    // The labels may all come from the labels command.
    if (list.length === 0 && !(what === 'labels' && labelsCommand !== undefined)) {
      throw new ConfigError(
        `no ${what === 'logs' ? 'prediction log' : 'labels'}: set monitoring.${what}${what === 'labels' ? ' or monitoring.labels-command' : ''} in mlops.yml or give ${wording.option(what)}`,
        { location: where(`monitoring.${what}`) },
      );
    }
    return list;
  };
  const logFiles = await expandDataPaths(patterns(options.logs, monitoring?.logs, 'logs'), cwd, {
    origin: { field: 'monitoring.logs' },
  });
  const labelPatterns = patterns(options.labels, monitoring?.labels, 'labels');
  const labelFiles =
    labelPatterns.length === 0
      ? []
      : await expandDataPaths(labelPatterns, cwd, { origin: { field: 'monitoring.labels' } });
  if (labelsCommand !== undefined) {
    labelFiles.push(await fetchLabels(labelsCommand, options));
  }

  const entries = await readLog(logFiles, logger);
  if (entries.length === 0) {
    throw new DataError('the prediction log holds no predictions; nothing to check', {
      location: { file: logFiles.map((f) => f.displayName).join(', ') },
    });
  }
  const labels = await readLabels(labelFiles, {
    id: settings?.['id-column'] ?? 'id',
    label: settings?.['label-column'] ?? 'label',
    time: settings?.['time-column'] ?? 'time',
    nullValues: config.data['null-values'],
  });

  const released = await releasedMetrics(options);
  const task = config.model.task ?? inferTask(entries);
  const graded: Record<string, MetricThresholds> = settings?.metrics ?? defaultGradedMetrics(task);
  for (const metric of Object.keys(graded)) {
    const info = metricInfo(metric);
    if (info === undefined || !info.tasks.includes(task)) {
      throw new ConfigError(
        `${JSON.stringify(metric)} is not a metric evaluate computes for ${task}; name one of its metrics`,
        { location: where(`monitoring.performance.metrics.${metric}`) },
      );
    }
  }

  const join = joinLabels(entries, labels, key);
  const performance = computePerformance({
    model,
    task,
    classes: config.evaluate?.classes,
    join,
    key,
    window: windowText,
    windowMs,
    minLabels,
    released,
    graded,
    predictionTimes: entries.map((e) => e.timeMs),
  });
  const scrapeFile =
    options.prometheus !== undefined
      ? path.resolve(cwd, options.prometheus)
      : monitoring?.prometheus !== undefined
        ? path.resolve(dir, monitoring.prometheus)
        : null;
  const scrape =
    scrapeFile === null ? null : await readScrape(scrapeFile, toDisplayPath(cwd, scrapeFile));
  const health = serviceHealth({
    entries,
    windowMs,
    scrape,
    objectives: monitoring?.latency ?? {},
  });
  const report: PerformanceReport = { ...performance, health };
  await writeFileAtomic(options.reportPath, `${JSON.stringify(report, null, 2)}\n`);
  const c = report.coverage;
  logger.info(
    `Performance: ${report.severity} — ${c.labelled} of ${c.predictions} predictions labelled, ` +
      `${c.never_labelled} not yet, ${c.unmatched_labels} labels matching no prediction, ` +
      `${c.late_labels} late (report: ${toDisplayPath(cwd, options.reportPath)}).`,
  );
  for (const note of report.notes) logger.info(note);
  if (health.broken) {
    logger.warning(
      `A service-level objective is broken: ${health.objectives
        .filter((o) => o.met === false)
        .map((o) => `${o.objective} ${o.observed} > ${o.target}`)
        .join(', ')}.`,
    );
  }

  const reportArtifactUrl = (await options.uploadReport?.(options.reportPath)) ?? null;
  if (reportArtifactUrl !== null) logger.info(`Performance report: ${reportArtifactUrl}`);
  const issueBody = renderPerformanceIssueBody(report, {
    runUrl: options.runUrl,
    reportLocation: options.reportLocation ?? null,
    reportArtifactUrl,
    ...(options.dispatcher !== null ? { retrainWorkflow: options.retrainWorkflow ?? null } : {}),
  });
  let issue: CheckPerformanceResult['issue'] = null;
  let dispatched = false;
  const severity = report.severity;
  const dropped = severity === 'moderate' || severity === 'severe';
  const broken = health.broken;
  // A drop or a broken objective keeps the issue open; it closes only when the model is graded
  // none with every objective met. Too few labels and no broken objective change nothing.
  if ((dropped || broken) && options.issues !== null) {
    const severityLabels: string[] = Object.values(SEVERITY_LABELS);
    const labels = [
      ...(dropped ? [SEVERITY_LABELS[severity]] : []),
      ...(broken ? [SLO_LABEL] : []),
    ];
    const opened = await options.issues.open({
      model,
      title: performanceIssueTitle(report),
      body: issueBody,
      comment: (previous: PerformanceSeverity | null) =>
        renderPerformanceComment(report, { runUrl: options.runUrl, previous }),
      labels,
      // A severity label goes once graded otherwise; with too few labels the last grade stays.
      removeLabels: [
        ...(severity === 'insufficient-labels'
          ? []
          : severityLabels.filter((l) => !labels.includes(l))),
        ...(broken ? [] : [SLO_LABEL]),
      ],
    });
    issue = {
      number: opened.number,
      url: opened.url,
      action: opened.created ? 'created' : 'updated',
    };
  }
  if (
    severity === 'moderate' &&
    options.retrainWorkflow !== undefined &&
    options.dispatcher !== null
  ) {
    const window = report.windows.find((w) => w.start === report.graded_window);
    const worse = (window?.grades ?? [])
      .filter((g) => g.grade !== 'none' && g.grade !== 'not-computed')
      .map((g) => `${g.metric} ${g.observed?.toFixed(4)} (released ${g.released.toFixed(4)})`);
    await options.dispatcher.dispatch(options.retrainWorkflow, {
      model,
      reason: `moderate performance drop: ${worse.join(', ')}`.slice(0, 1000),
      report: options.reportLocation ?? options.runUrl ?? toDisplayPath(cwd, options.reportPath),
    });
    dispatched = true;
  }
  if (severity === 'none' && !broken && options.issues !== null) {
    const closed = await options.issues.resolve({
      model,
      comment: renderPerformanceResolvedComment(report, { runUrl: options.runUrl }),
    });
    if (closed !== null) issue = { ...closed, action: 'closed' };
  }
  return { report, reportPath: options.reportPath, issueBody, issue, dispatched };
}

/**
 * Runs the labels command in mlops.yml's folder and keeps its standard output as a label file:
 * JSONL when it starts with `{`, else CSV with a header. The command gets the allow-listed
 * environment train's command gets (MLOPS_* included), never the runner's credentials.
 */
async function fetchLabels(
  command: string,
  options: CheckPerformanceOptions,
): Promise<{ path: string; displayName: string }> {
  const { logger } = options;
  if (options.commands === null || options.commands === undefined) {
    throw new ConfigError('the labels command cannot run here (no command runner)', {
      location: { file: options.loaded.displayPath, field: 'monitoring.labels-command' },
    });
  }
  const lines: string[] = [];
  const run = await options.commands.runCommand({
    command,
    cwd: options.loaded.dir,
    env: trainingProcessEnv({ env: process.env, extra: [], contract: {} }),
    timeoutMs: LABELS_COMMAND_TIMEOUT_MS,
    onOutput: (stream, line) => {
      if (stream === 'stdout') lines.push(line);
      else logger.info(`labels command: ${line}`);
    },
  });
  if (run.exitCode !== 0) {
    const why = run.timedOut
      ? `did not finish in ${LABELS_COMMAND_TIMEOUT_MS / 60_000} minutes`
      : `exited with ${run.exitCode === null ? `signal ${run.signal ?? '?'}` : `code ${run.exitCode}`}`;
    throw new ConfigError(
      `the labels command ${why}; its last output:\n${run.tail.slice(-10).join('\n')}`,
      { location: { file: options.loaded.displayPath, field: 'monitoring.labels-command' } },
    );
  }
  const jsonl = (lines.find((l) => l.trim() !== '') ?? '').trimStart().startsWith('{');
  const file = path.join(options.workDir, `labels-command.${jsonl ? 'jsonl' : 'csv'}`);
  await writeFileAtomic(file, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  logger.info(`The labels command wrote ${lines.length} lines.`);
  return { path: file, displayName: 'the output of monitoring.labels-command' };
}

/** The task from the log: scores or class names mean classification, numbers regression. */
function inferTask(entries: readonly LogEntry[]): Task {
  const scored = entries.find((e) => e.logged.probabilities !== undefined);
  if (scored !== undefined) {
    return Object.keys(scored.logged.probabilities ?? {}).length === 2
      ? 'binary-classification'
      : 'multiclass-classification';
  }
  if (entries.every((e) => typeof e.logged.prediction === 'number')) return 'regression';
  const classes = new Set(entries.map((e) => String(e.logged.prediction)));
  return classes.size <= 2 ? 'binary-classification' : 'multiclass-classification';
}

/** The metrics the production release recorded (its verified metrics.json), or a given file. */
async function releasedMetrics(
  options: CheckPerformanceOptions,
): Promise<{ version: string | null; metrics: Record<string, number> }> {
  const { cwd, loaded } = options;
  const model = loaded.config.model.name;
  if (options.releasedMetrics !== undefined) {
    const file = path.resolve(cwd, options.releasedMetrics);
    const display = toDisplayPath(cwd, file);
    const text = await readFile(file, 'utf8').catch((error: unknown) => {
      throw new ConfigError(`cannot read the released metrics: ${(error as Error).message}`, {
        location: { file: display },
        cause: error,
      });
    });
    return { version: null, metrics: parseTrainingMetrics(text, display) };
  }
  if (options.registry === null) {
    throw new ConfigError(
      `the released metrics come from the production release, which needs a registry; or give ${(options.wording ?? actionWording).option('released-metrics')}`,
    );
  }
  const stage = await options.registry.findStage(model);
  if (stage === null) {
    throw new DataError(
      `${model} has no production version whose metrics the served model can be compared with; promote one, or give the released metrics`,
      { location: { file: loaded.displayPath, field: 'model.name' } },
    );
  }
  const file = await options.registry.downloadAsset(
    model,
    stage.version,
    METRICS_ASSET,
    path.join(options.workDir, 'released'),
  );
  const text = await readFile(file, 'utf8');
  return {
    version: stage.version,
    metrics: parseTrainingMetrics(text, `${model}@v${stage.version} ${METRICS_ASSET}`),
  };
}

/** Reads the prediction log; damaged lines (a crash mid-write) are warned about and skipped. */
async function readLog(
  files: readonly { path: string; displayName: string }[],
  logger: Logger,
): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for (const file of files) {
    let skipped = 0;
    for await (const event of readDataset(file.path, {
      displayName: file.displayName,
      format: 'jsonl',
    })) {
      if (event.kind === 'issue') {
        if (event.issue.line === null) {
          throw new DataError(event.issue.message, { location: { file: file.displayName } });
        }
        skipped++;
        continue;
      }
      const { batch } = event;
      const column = batch.columns.indexOf(LOG_KEY);
      if (column === -1) {
        skipped += batch.rows;
        continue;
      }
      const cells = batch.values[column] ?? [];
      for (let r = 0; r < batch.rows; r++) {
        const line = batch.lines[r] ?? 0;
        const logged = parseLoggedPrediction({ [LOG_KEY]: parseNested(cells[r] ?? null) });
        const timeMs = logged === null ? NaN : Date.parse(logged.time);
        if (logged === null || Number.isNaN(timeMs)) {
          skipped++;
          continue;
        }
        entries.push({ logged, timeMs, file: file.displayName, line });
      }
    }
    if (skipped > 0) {
      logger.warning(
        `${file.displayName}: ${skipped} lines are not prediction records of mlops serve and were skipped.`,
        {
          file: file.displayName,
        },
      );
    }
  }
  return entries;
}

/** The JSONL reader keeps a nested object as its JSON text. */
function parseNested(cell: Cell): unknown {
  if (typeof cell !== 'string') return cell;
  try {
    return JSON.parse(cell);
  } catch {
    return null;
  }
}

async function readLabels(
  files: readonly { path: string; displayName: string }[],
  columns: {
    readonly id: string;
    readonly label: string;
    readonly time: string;
    readonly nullValues: readonly string[] | undefined;
  },
): Promise<LabelEntry[]> {
  const labels: LabelEntry[] = [];
  for (const file of files) {
    for await (const event of readDataset(file.path, {
      displayName: file.displayName,
      ...(columns.nullValues === undefined ? {} : { nullValues: columns.nullValues }),
    })) {
      if (event.kind === 'issue') {
        const { issue } = event;
        throw new DataError(issue.message, {
          location: { file: issue.file, ...(issue.line === null ? {} : { line: issue.line }) },
        });
      }
      const { batch } = event;
      const at = (name: string) => batch.columns.indexOf(name);
      for (const [name, field] of [
        [columns.id, 'id-column'],
        [columns.label, 'label-column'],
      ] as const) {
        if (at(name) === -1) {
          throw new DataError(
            `the labels have no ${JSON.stringify(name)} column (monitoring.performance.${field}); their columns: ${batch.columns.join(', ')}`,
            { location: { file: file.displayName } },
          );
        }
      }
      const ids = batch.values[at(columns.id)] ?? [];
      const values = batch.values[at(columns.label)] ?? [];
      const times = at(columns.time) === -1 ? null : (batch.values[at(columns.time)] ?? []);
      for (let r = 0; r < batch.rows; r++) {
        const line = batch.lines[r] ?? 0;
        const id = ids[r] ?? null;
        const value = values[r] ?? null;
        if (id === null || value === null) continue; // Not labelled yet.
        const timeCell = times?.[r] ?? null;
        let timeMs: number | null = null;
        if (timeCell !== null) {
          timeMs = timeCell instanceof Date ? timeCell.getTime() : Date.parse(String(timeCell));
          if (Number.isNaN(timeMs)) {
            throw new DataError(
              `the label time ${JSON.stringify(String(timeCell)).slice(0, 80)} is not an ISO 8601 time`,
              { location: { file: file.displayName, line, field: columns.time } },
            );
          }
        }
        labels.push({
          key:
            typeof id === 'bigint'
              ? id.toString()
              : id instanceof Date
                ? id.toISOString()
                : String(id),
          label:
            value instanceof Date
              ? value.toISOString()
              : typeof value === 'bigint'
                ? Number(value)
                : value,
          timeMs,
          file: file.displayName,
          line,
        });
      }
    }
  }
  return labels;
}

async function readScrape(file: string, display: string): Promise<PrometheusScrape> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new ConfigError(`cannot read the Prometheus scrape: ${(error as Error).message}`, {
      location: { file: display },
      cause: error,
    });
  });
  return parsePrometheusText(text, display);
}
