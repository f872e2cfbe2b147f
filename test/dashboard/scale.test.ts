/**
 * Issue 19's scale test: a generated registry of 500 versions and 730 daily drift reports (two
 * years) builds in under a minute, and an incremental build that adds one drift check and one
 * version reads a handful of files: one manifest, the previous site's index, model data and
 * histograms; not the 500 manifests or the 730 reports again.
 */
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderPreviousSite } from '../../src/adapters/dashboard/previous-site.js';
import { readDriftReports } from '../../src/adapters/dashboard/read-reports.js';
import { createSiteFolder } from '../../src/adapters/dashboard/site-folder.js';
import { createLocalRegistry } from '../../src/adapters/registry/local-registry.js';
import type { DashboardRegistry } from '../../src/core/dashboard/dashboard-port.js';
import type { ModelData, SiteIndex } from '../../src/core/dashboard/site-data.js';
import { createSilentLogger } from '../../src/core/logger.js';
import { buildDashboard } from '../../src/steps/dashboard.js';
import {
  COLUMNS,
  MODEL,
  accuracyAt,
  drifted,
  versionAt,
  writeDriftReports,
  writeRegistry,
  writeVersion,
} from './generate-registry.js';

const VERSIONS = 500;
const DAYS = 730;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mlops-dashboard-scale-'));
  await writeRegistry(path.join(dir, 'registry'), VERSIONS);
  await writeDriftReports(path.join(dir, 'reports'), 0, DAYS);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The local registry, counting the manifests read through it. */
function counting(root: string): DashboardRegistry & { manifests: number } {
  const registry = createLocalRegistry(root);
  const counted = {
    manifests: 0,
    listModels: () => registry.listModels(),
    listVersions: (model: string) => registry.listVersions(model),
    stageHistory: (model: string) => registry.stageHistory(model),
    readManifest: (model: string, version: string) => {
      counted.manifests++;
      return registry.readManifest(model, version);
    },
  };
  return counted;
}

async function siteSize(root: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return { files, bytes };
}

describe('a registry of 500 versions and 730 drift checks', () => {
  const out = () => path.join(dir, 'site');

  it('builds in under a minute, and the data holds every version and check', async () => {
    const registry = counting(path.join(dir, 'registry'));
    const started = performance.now();
    const drift = await readDriftReports({ cwd: dir, paths: ['reports'], what: '--drift' });
    const output = createSiteFolder(out());
    const result = await buildDashboard({
      registry,
      previous: null,
      output,
      drift,
      performance: [],
      gates: { model: MODEL, gates: [{ metric: 'accuracy', min: 0.8, max: null }] },
      repository: 'octo-org/models',
      serverUrl: 'https://github.com',
      now: '2027-01-01T00:00:00.000Z',
      chartsScript: '/* charts */',
      logger: createSilentLogger(),
    });
    await output.commit();
    const seconds = (performance.now() - started) / 1000;
    const size = await siteSize(out());
    console.log(
      `scale: ${VERSIONS} versions, ${DAYS} drift checks: ${seconds.toFixed(1)} s, ${size.files} files, ${(size.bytes / 1024 / 1024).toFixed(1)} MiB`,
    );
    expect(seconds).toBeLessThan(60);
    expect(registry.manifests).toBe(VERSIONS);
    expect(result.driftAdded).toBe(DAYS);

    const data = JSON.parse(
      await readFile(path.join(out(), 'data', 'models', `${MODEL}.json`), 'utf8'),
    ) as ModelData;
    expect(data.versions).toHaveLength(VERSIONS);
    expect(data.versions[0]!.version).toBe(versionAt(VERSIONS - 1));
    expect(data.versions.at(-1)!.metrics['accuracy']).toBe(accuracyAt(0));
    // 49 promotions (versions 10, 20, … 490), then a rollback to version 480.
    expect(data.stages).toHaveLength(50);
    expect(data.stages[0]).toMatchObject({ rollback: true, version: '1.4.80', previous: '1.4.90' });
    expect(data.production).toBe('1.4.80');
    expect(data.drift).toHaveLength(DAYS);
    const day100 = data.drift[100]!;
    expect(day100.columns.filter((c) => c.drifted).map((c) => c.name)).toEqual(
      COLUMNS.filter((_, c) => drifted(100, c)),
    );
    // Pages' published-site limit is 1 GB; the site stays far below it.
    expect(size.bytes).toBeLessThan(100 * 1024 * 1024);
  }, 120_000);

  it('adds one drift check and one version reading three files of the previous site and one manifest', async () => {
    await writeVersion(path.join(dir, 'registry'), VERSIONS);
    const [newReport] = await writeDriftReports(path.join(dir, 'new-report'), DAYS, DAYS + 1, 1);
    const registry = counting(path.join(dir, 'registry'));
    const previous = folderPreviousSite(out());
    const started = performance.now();
    const drift = await readDriftReports({ cwd: dir, paths: [newReport!], what: '--drift' });
    const output = createSiteFolder(out());
    const result = await buildDashboard({
      registry,
      previous,
      output,
      drift,
      performance: [],
      gates: null,
      repository: 'octo-org/models',
      serverUrl: 'https://github.com',
      now: '2027-01-02T00:00:00.000Z',
      chartsScript: '/* charts */',
      logger: createSilentLogger(),
    });
    await output.commit();
    const seconds = (performance.now() - started) / 1000;
    console.log(`scale: incremental build ${seconds.toFixed(1)} s`);
    expect(registry.manifests).toBe(1);
    expect(previous.reads).toBe(3);
    expect(result.driftAdded).toBe(1);
    const index = JSON.parse(
      await readFile(path.join(out(), 'data', 'index.json'), 'utf8'),
    ) as SiteIndex;
    expect(index.models[0]).toMatchObject({ model: MODEL, versions: VERSIONS + 1 });
    const data = JSON.parse(
      await readFile(path.join(out(), 'data', 'models', `${MODEL}.json`), 'utf8'),
    ) as ModelData;
    expect(data.drift).toHaveLength(DAYS + 1);
    expect(data.drift.at(-1)!.checkedAt).toBe(
      new Date(Date.UTC(2025, 0, 1, 6) + DAYS * 86_400_000).toISOString(),
    );
    expect(data.versions[0]!.version).toBe(versionAt(VERSIONS));
  }, 120_000);
});
