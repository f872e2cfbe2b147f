/**
 * The dashboard step: builds the static site of every model in the registry (versions, stage
 * timeline, metrics across versions, drift and performance history) and writes it through the
 * `SiteOutput` port.
 *
 * Incremental (issue 19): with the previous site, it reads `data/index.json` and, per model,
 * `data/models/<slug>.json` and its histograms (three reads per model), keeps every version row whose tag and model
 * digest are unchanged (no manifest read), and adds only the drift and performance checks it is
 * given that the previous site does not hold. Pages are rendered again each time (cheap, pure).
 */
import {
  SITE_DATA_SCHEMA,
  indexEntry,
  mergeDriftRuns,
  mergeHistograms,
  mergePerformance,
  modelSlug,
  planVersions,
  sortVersions,
  stageEntries,
  stageHolder,
  versionEntry,
  type DriftRunInput,
  type GateBand,
  type HistogramData,
  type ModelData,
  type PerformanceInput,
  type SiteIndex,
  type StageEntry,
  type VersionEntry,
} from '../core/dashboard/site-data.js';
import type {
  DashboardRegistry,
  PreviousSite,
  SiteOutput,
} from '../core/dashboard/dashboard-port.js';
import { previousData } from '../core/dashboard/report-input.js';
import {
  INDEX_DATA,
  histogramDataPath,
  modelDataPath,
  renderSite,
} from '../core/dashboard/render-site.js';
import { DEFAULT_STAGE, type ModelVersion } from '../core/registry/registry-port.js';
import type { Logger } from '../core/logger.js';

/** Manifests read at once on a first build (each one a download from the registry). */
const MANIFEST_CONCURRENCY = 8;

export interface BuildDashboardOptions {
  readonly registry: DashboardRegistry;
  readonly previous: PreviousSite | null;
  readonly output: SiteOutput;
  readonly drift: readonly DriftRunInput[];
  readonly performance: readonly PerformanceInput[];
  /** The config's absolute gates, for the model the config names. */
  readonly gates: { readonly model: string; readonly gates: readonly GateBand[] } | null;
  /** `owner/repo` for links, null for a local registry. */
  readonly repository: string | null;
  readonly serverUrl: string;
  /** ISO time of this build. */
  readonly now: string;
  /** The bundled charts script (vega-embed), copied to assets/charts.js. */
  readonly chartsScript: string | Uint8Array;
  readonly logger: Logger;
}

export interface BuildDashboardResult {
  readonly index: SiteIndex;
  /** Manifests read from the registry: versions the previous site did not hold. */
  readonly manifestsRead: number;
  /** Drift checks added (not in the previous site). */
  readonly driftAdded: number;
  readonly files: number;
  readonly bytes: number;
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The stage timeline: the previous site's when the registry lists exactly the tags it holds (no
 * tag read one by one), else built again from the whole history.
 */
async function timeline(
  registry: DashboardRegistry,
  model: string,
  before: ModelData | null,
  now: string,
): Promise<StageEntry[]> {
  if (before !== null && registry.stageTagNames !== undefined) {
    const names = new Set(await registry.stageTagNames(model));
    const known = new Set(before.stages.map((entry) => entry.tag));
    if (names.size === known.size && [...names].every((name) => known.has(name))) {
      return [...before.stages];
    }
  }
  return stageEntries(await registry.stageHistory(model), before, now);
}

export async function buildDashboard(
  options: BuildDashboardOptions,
): Promise<BuildDashboardResult> {
  const { registry, previous, logger } = options;
  const previousIndex =
    previous === null
      ? null
      : previousData<SiteIndex>(await previous.readJson(INDEX_DATA), SITE_DATA_SCHEMA);
  if (previous !== null && previousIndex === null) {
    logger.info(`No previous dashboard data at ${previous.location}: building the whole site.`);
  }

  const registered = await registry.listModels();
  const models = new Set<string>(registered);
  for (const run of options.drift) models.add(run.report.model);
  for (const run of options.performance) models.add(run.report.model);
  for (const entry of previousIndex?.models ?? []) {
    if (entry.drift !== null || entry.performance !== null) models.add(entry.model);
  }

  let manifestsRead = 0;
  let driftAdded = 0;
  const built: ModelData[] = [];
  const histograms = new Map<string, HistogramData>();
  for (const model of [...models].sort()) {
    const slug = modelSlug(model);
    const known = previousIndex?.models.some((m) => m.model === model) === true;
    const before =
      previous !== null && known
        ? previousData<ModelData>(await previous.readJson(modelDataPath(slug)), SITE_DATA_SCHEMA)
        : null;
    const driftInputs = options.drift.filter((run) => run.report.model === model);
    // Read back whole: the drill-down pages are rendered from them again.
    const beforeHistograms =
      previous !== null && known
        ? previousData<HistogramData>(
            await previous.readJson(histogramDataPath(slug)),
            SITE_DATA_SCHEMA,
          )
        : null;

    const listed: readonly ModelVersion[] = registered.includes(model)
      ? await registry.listVersions(model)
      : [];
    const plan = planVersions(listed, before);
    const fresh = await mapLimited(plan.read, MANIFEST_CONCURRENCY, async (version) =>
      versionEntry(version, await registry.readManifest(model, version.version)),
    );
    manifestsRead += fresh.length;
    const versions: VersionEntry[] = sortVersions([...plan.keep.values(), ...fresh]);

    const stages = registered.includes(model)
      ? await timeline(registry, model, before, options.now)
      : [];
    const drift = mergeDriftRuns(before?.drift ?? [], driftInputs);
    driftAdded += drift.length - (before?.drift.length ?? 0);
    const data: ModelData = {
      schema: SITE_DATA_SCHEMA,
      model,
      slug,
      versions,
      stages,
      production: stageHolder(stages, DEFAULT_STAGE),
      gates: options.gates?.model === model ? options.gates.gates : [],
      drift,
      performance: mergePerformance(
        before?.performance ?? null,
        options.performance.filter((run) => run.report.model === model),
      ),
    };
    built.push(data);
    histograms.set(slug, mergeHistograms(beforeHistograms, driftInputs, drift));
  }

  const index: SiteIndex = {
    schema: SITE_DATA_SCHEMA,
    generatedAt: options.now,
    repository: options.repository,
    serverUrl: options.serverUrl,
    models: built.map(indexEntry),
  };
  const files = renderSite({ index, models: built, histograms });
  let bytes = 0;
  for (const file of files) {
    await options.output.write(file.path, file.content);
    bytes += Buffer.byteLength(file.content);
  }
  await options.output.write('assets/charts.js', options.chartsScript);
  bytes +=
    typeof options.chartsScript === 'string'
      ? Buffer.byteLength(options.chartsScript)
      : options.chartsScript.byteLength;
  return { index, manifestsRead, driftAdded, files: files.length + 1, bytes };
}
