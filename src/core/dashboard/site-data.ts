/**
 * The dashboard's data: the JSON files the site publishes beside its pages (`data/index.json`,
 * `data/models/<slug>.json`, `data/models/<slug>-histograms.json`), which other tools can read and
 * the next build reads back to stay incremental. Pure: the step reads the registry and reports,
 * these functions merge what was new into what the previous site published.
 *
 * What "incremental" saves: a version's manifest is read once, when the version first appears
 * (a known tag with the same model digest keeps its published row); a drift or performance check
 * is added once, by its id; the stage timeline is kept when the registry's stage tag names are
 * the ones it holds (a new promotion or rollback reads the history again).
 */
import type { Manifest } from '../manifest/manifest.js';
import type { DriftHistogram, DriftReport, DriftSeverity } from '../drift-report/report.js';
import type { PerformanceGrade, PerformanceReport } from '../monitor/performance-report.js';
import {
  MODEL_FILE,
  compareSemver,
  latestStageEvent,
  type ModelVersion,
} from '../registry/registry-port.js';
import type { StageHistoryEntry } from '../registry/registry-writer.js';

/** Bumped when a published file changes shape; a previous site of another schema is rebuilt. */
export const SITE_DATA_SCHEMA = 1;
/** Drift checks whose histograms are kept for the drill-down (older ones keep their statistics). */
export const HISTOGRAM_RUNS = 30;
/** Metrics shown on the index per model. */
export const KEY_METRICS = 4;

export interface VersionEntry {
  readonly version: string;
  readonly tag: string;
  readonly releaseUrl: string;
  /** The manifest's `createdAt`. */
  readonly createdAt: string | null;
  readonly commit: string | null;
  readonly pullRequest: number | null;
  /** The workflow run that trained it. */
  readonly runUrl: string | null;
  /** `sha256:<hex>` of model.onnx. */
  readonly digest: string | null;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface StageEntry {
  readonly n: number;
  readonly stage: string;
  readonly action: 'assign' | 'unassign';
  readonly version: string | null;
  /** Who held the stage before this event. */
  readonly previous: string | null;
  /** An assignment of a lower version than the one it replaces. */
  readonly rollback: boolean;
  readonly pullRequest: number | null;
  readonly approvedBy: readonly string[];
  readonly run: string | null;
  readonly tag: string;
  /**
   * When a dashboard build first saw the event: stage tags carry no time the port reports, so
   * events found by the first build have null (their run link says when).
   */
  readonly firstSeen: string | null;
}

export interface DriftColumnEntry {
  readonly name: string;
  readonly test: string;
  readonly statistic: number;
  readonly p_value: number | null;
  readonly threshold: number;
  readonly drifted: boolean;
}

export interface DriftRunEntry {
  readonly id: string;
  readonly checkedAt: string;
  readonly runUrl: string | null;
  readonly issueUrl: string | null;
  readonly severity: DriftSeverity;
  readonly share: number;
  readonly drifted: number;
  readonly reference: string;
  readonly current: string;
  readonly columns: readonly DriftColumnEntry[];
}

export interface PerformanceWindowEntry {
  readonly start: string;
  readonly end: string;
  readonly predictions: number;
  readonly labelled: number;
  readonly severity: PerformanceGrade;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface LatencyEntry {
  readonly checkedAt: string;
  readonly runUrl: string | null;
  readonly p50_ms: number | null;
  readonly p95_ms: number | null;
  readonly p99_ms: number | null;
  readonly error_rate: number | null;
}

export interface PerformanceData {
  readonly severity: PerformanceGrade;
  readonly checkedAt: string;
  readonly runUrl: string | null;
  readonly windows: readonly PerformanceWindowEntry[];
  readonly latency: readonly LatencyEntry[];
}

/** An absolute gate of `evaluate.gates` (min and/or max), drawn as a band. */
export interface GateBand {
  readonly metric: string;
  readonly min: number | null;
  readonly max: number | null;
}

export interface ModelData {
  readonly schema: typeof SITE_DATA_SCHEMA;
  readonly model: string;
  readonly slug: string;
  /** Newest first. */
  readonly versions: readonly VersionEntry[];
  /** Newest first (greatest counter). */
  readonly stages: readonly StageEntry[];
  readonly production: string | null;
  readonly gates: readonly GateBand[];
  /** Oldest first. */
  readonly drift: readonly DriftRunEntry[];
  readonly performance: PerformanceData | null;
}

/** Reference and current shares per drift check id, then per distribution name. */
export interface HistogramData {
  readonly schema: typeof SITE_DATA_SCHEMA;
  readonly runs: Readonly<Record<string, Readonly<Record<string, DriftHistogram>>>>;
}

export type Light = 'green' | 'amber' | 'red' | 'grey';

export interface IndexEntry {
  readonly model: string;
  readonly slug: string;
  readonly production: string | null;
  readonly latest: string | null;
  readonly versions: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly drift: {
    readonly severity: DriftSeverity;
    readonly share: number;
    readonly checkedAt: string;
    readonly runUrl: string | null;
  } | null;
  readonly performance: {
    readonly severity: PerformanceGrade;
    readonly checkedAt: string;
    readonly runUrl: string | null;
  } | null;
  /** The most recent check of either kind. */
  readonly lastCheck: string | null;
}

export interface SiteIndex {
  readonly schema: typeof SITE_DATA_SCHEMA;
  readonly generatedAt: string;
  /** `owner/repo`, null for a local registry. */
  readonly repository: string | null;
  /** `https://github.com` or a GitHub Enterprise Server URL. */
  readonly serverUrl: string;
  readonly models: readonly IndexEntry[];
}

/** A drift check to add: a `check-drift` report with when and where it ran. */
export interface DriftRunInput {
  /** Stable across builds: the run URL when known, else a digest of the report's bytes. */
  readonly id: string;
  readonly checkedAt: string;
  readonly runUrl: string | null;
  readonly issueUrl: string | null;
  readonly report: DriftReport;
  readonly histograms: Readonly<Record<string, DriftHistogram>> | null;
}

/** A performance check to add: a `check-performance` report with when and where it ran. */
export interface PerformanceInput {
  readonly checkedAt: string;
  readonly runUrl: string | null;
  readonly report: PerformanceReport;
}

/** `team/iris` → `team__iris`: model names hold only `[a-z0-9/-]`, so `__` cannot clash. */
export function modelSlug(model: string): string {
  return model.replaceAll('/', '__');
}

/** A file name for a column (names can hold anything); the index keeps it unique. */
export function columnSlug(column: string, index: number): string {
  const words = column
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${index + 1}-${words === '' ? 'column' : words}`;
}

function modelDigest(version: ModelVersion): string | null {
  return version.assets.find((asset) => asset.name === MODEL_FILE)?.digest ?? null;
}

/** A version's row from its registry listing and manifest. */
export function versionEntry(version: ModelVersion, manifest: Manifest): VersionEntry {
  return {
    version: version.version,
    tag: version.tag,
    releaseUrl: version.releaseUrl,
    createdAt: manifest.createdAt,
    commit: manifest.publication?.commit ?? manifest.source.commit,
    pullRequest: manifest.publication?.pullRequest ?? manifest.source.pullRequest,
    runUrl: manifest.source.runUrl,
    digest: modelDigest(version) ?? manifest.model.file.digest,
    // The evaluation's metrics (what the gates judge) first; training's fill in the others.
    metrics: { ...manifest.metrics, ...(manifest.publication?.evaluation?.metrics ?? {}) },
  };
}

/**
 * The versions listed now whose published row can be kept (same tag, same model digest when
 * the store reports one); the others need their manifest read.
 */
export function planVersions(
  listed: readonly ModelVersion[],
  previous: ModelData | null,
): { readonly keep: ReadonlyMap<string, VersionEntry>; readonly read: readonly ModelVersion[] } {
  const known = new Map((previous?.versions ?? []).map((entry) => [entry.tag, entry]));
  const keep = new Map<string, VersionEntry>();
  const read: ModelVersion[] = [];
  for (const version of listed) {
    const entry = known.get(version.tag);
    const digest = modelDigest(version);
    if (entry !== undefined && (digest === null || digest === entry.digest)) {
      keep.set(version.tag, entry);
    } else {
      read.push(version);
    }
  }
  return { keep, read };
}

/**
 * The stage timeline from the full history, newest first: who held the stage before each event
 * and whether an assignment rolled back to a lower version. `firstSeen` carries over from the
 * previous site, and is `now` for events it did not have (null when there was no previous site).
 */
export function stageEntries(
  history: readonly StageHistoryEntry[],
  previous: ModelData | null,
  now: string,
): StageEntry[] {
  const seen = new Map((previous?.stages ?? []).map((entry) => [entry.tag, entry.firstSeen]));
  const holders = new Map<string, string | null>();
  const entries: StageEntry[] = [];
  const ascending = [...history].sort(
    (a, b) => a.n - b.n || (a.action === b.action ? 0 : a.action === 'assign' ? -1 : 1),
  );
  for (const event of ascending) {
    const before = holders.get(event.stage) ?? null;
    const rollback =
      event.action === 'assign' &&
      before !== null &&
      event.version !== null &&
      compareSemver(event.version, before) < 0;
    holders.set(event.stage, event.action === 'assign' ? event.version : null);
    entries.push({
      n: event.n,
      stage: event.stage,
      action: event.action,
      version: event.version,
      previous: before,
      rollback,
      pullRequest: event.pullRequest,
      approvedBy: event.approvedBy,
      run: event.run,
      tag: event.tag,
      firstSeen: seen.has(event.tag)
        ? (seen.get(event.tag) ?? null)
        : previous === null
          ? null
          : now,
    });
  }
  return entries.reverse();
}

/** The current holder of `stage`, from the timeline. */
export function stageHolder(stages: readonly StageEntry[], stage: string): string | null {
  const latest = latestStageEvent(stages.filter((entry) => entry.stage === stage));
  return latest === undefined || latest.action === 'unassign' ? null : latest.version;
}

function driftRunEntry(input: DriftRunInput): DriftRunEntry {
  const { report } = input;
  return {
    id: input.id,
    checkedAt: input.checkedAt,
    runUrl: input.runUrl,
    issueUrl: input.issueUrl,
    severity: report.severity,
    share: report.share,
    drifted: report.drifted,
    reference: report.reference,
    current: report.current,
    columns: report.columns.map((column) => ({
      name: column.name,
      test: column.test,
      statistic: column.statistic,
      p_value: column.p_value,
      threshold: column.threshold,
      drifted: column.drifted,
    })),
  };
}

const byCheckTime = (a: { checkedAt: string; id: string }, b: { checkedAt: string; id: string }) =>
  a.checkedAt < b.checkedAt ? -1 : a.checkedAt > b.checkedAt ? 1 : a.id < b.id ? -1 : 1;

/** Previous checks plus the new ones (by id; a check already published is not replaced). */
export function mergeDriftRuns(
  previous: readonly DriftRunEntry[],
  added: readonly DriftRunInput[],
): DriftRunEntry[] {
  const byId = new Map(previous.map((run) => [run.id, run]));
  for (const input of added) if (!byId.has(input.id)) byId.set(input.id, driftRunEntry(input));
  return [...byId.values()].sort(byCheckTime);
}

/** The histograms of the newest `HISTOGRAM_RUNS` checks that have them. */
export function mergeHistograms(
  previous: HistogramData | null,
  added: readonly DriftRunInput[],
  runs: readonly DriftRunEntry[],
): HistogramData {
  const all: Record<string, Readonly<Record<string, DriftHistogram>>> = {
    ...(previous?.runs ?? {}),
  };
  for (const input of added) {
    if (input.histograms !== null && all[input.id] === undefined) all[input.id] = input.histograms;
  }
  const kept = runs
    .filter((run) => all[run.id] !== undefined)
    .slice(-HISTOGRAM_RUNS)
    .map((run) => [run.id, all[run.id]!] as const);
  return { schema: SITE_DATA_SCHEMA, runs: Object.fromEntries(kept) };
}

/** Previous performance data plus the new checks: windows by start (newer wins), latency by time. */
export function mergePerformance(
  previous: PerformanceData | null,
  added: readonly PerformanceInput[],
): PerformanceData | null {
  if (added.length === 0) return previous;
  const windows = new Map((previous?.windows ?? []).map((w) => [w.start, w]));
  const latency = new Map((previous?.latency ?? []).map((l) => [l.checkedAt, l]));
  let latest: PerformanceInput | null = null;
  for (const input of [...added].sort((a, b) => (a.checkedAt < b.checkedAt ? -1 : 1))) {
    for (const window of input.report.windows) {
      windows.set(window.start, {
        start: window.start,
        end: window.end,
        predictions: window.predictions,
        labelled: window.labelled,
        severity: window.severity,
        metrics: window.metrics,
      });
    }
    const scrape = input.report.health?.scrape ?? null;
    if (scrape !== null) {
      latency.set(input.checkedAt, {
        checkedAt: input.checkedAt,
        runUrl: input.runUrl,
        p50_ms: scrape.p50_ms,
        p95_ms: scrape.p95_ms,
        p99_ms: scrape.p99_ms,
        error_rate: scrape.error_rate,
      });
    }
    latest = input;
  }
  const newer =
    previous !== null && latest !== null && previous.checkedAt > latest.checkedAt ? null : latest;
  return {
    severity: newer?.report.severity ?? previous!.severity,
    checkedAt: newer?.checkedAt ?? previous!.checkedAt,
    runUrl: newer === null ? previous!.runUrl : newer.runUrl,
    windows: [...windows.values()].sort((a, b) => (a.start < b.start ? -1 : 1)),
    latency: [...latency.values()].sort((a, b) => (a.checkedAt < b.checkedAt ? -1 : 1)),
  };
}

/** The metric names shown first: gated metrics, then the rest in the version's order. */
export function keyMetricNames(data: ModelData): string[] {
  const names: string[] = [];
  for (const gate of data.gates) if (!names.includes(gate.metric)) names.push(gate.metric);
  for (const version of data.versions) {
    for (const name of Object.keys(version.metrics)) if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** The index row of a model. */
export function indexEntry(data: ModelData): IndexEntry {
  const shown = data.production ?? data.versions[0]?.version ?? null;
  const metrics = data.versions.find((v) => v.version === shown)?.metrics ?? {};
  const key = keyMetricNames(data).filter((name) => metrics[name] !== undefined);
  const lastDrift = data.drift[data.drift.length - 1];
  const drift =
    lastDrift === undefined
      ? null
      : {
          severity: lastDrift.severity,
          share: lastDrift.share,
          checkedAt: lastDrift.checkedAt,
          runUrl: lastDrift.runUrl,
        };
  const performance =
    data.performance === null
      ? null
      : {
          severity: data.performance.severity,
          checkedAt: data.performance.checkedAt,
          runUrl: data.performance.runUrl,
        };
  const times = [drift?.checkedAt, performance?.checkedAt].filter(
    (t): t is string => t !== undefined,
  );
  return {
    model: data.model,
    slug: data.slug,
    production: data.production,
    latest: data.versions[0]?.version ?? null,
    versions: data.versions.length,
    metrics: Object.fromEntries(key.slice(0, KEY_METRICS).map((name) => [name, metrics[name]!])),
    drift,
    performance,
    lastCheck: times.length === 0 ? null : times.sort().at(-1)!,
  };
}

/** The traffic light of a drift grade or performance grade. */
export function light(severity: DriftSeverity | PerformanceGrade | null | undefined): Light {
  switch (severity) {
    case 'none':
      return 'green';
    case 'moderate':
      return 'amber';
    case 'severe':
      return 'red';
    default:
      return 'grey';
  }
}

/** The columns of a model's drift history, in the order of their first appearance. */
export function driftColumns(runs: readonly DriftRunEntry[]): string[] {
  const names: string[] = [];
  const known = new Set<string>();
  for (const run of runs) {
    for (const column of run.columns) {
      if (!known.has(column.name)) {
        known.add(column.name);
        names.push(column.name);
      }
    }
  }
  return names;
}

/** Versions newest first, by semver. */
export function sortVersions(entries: Iterable<VersionEntry>): VersionEntry[] {
  return [...entries].sort((a, b) => compareSemver(b.version, a.version));
}

/** The absolute gates (`min`, `max`) of `evaluate.gates`; change gates have no fixed band. */
export function gateBands(
  gates: readonly {
    readonly metric: string;
    readonly min?: number | undefined;
    readonly max?: number | undefined;
  }[],
): GateBand[] {
  return gates
    .filter((gate) => gate.min !== undefined || gate.max !== undefined)
    .map((gate) => ({ metric: gate.metric, min: gate.min ?? null, max: gate.max ?? null }));
}
