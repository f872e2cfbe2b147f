/**
 * The previous site read over HTTP, as the workflow reads the published Pages site: an
 * incremental build from its URL reads three files and no manifest, keeps the histograms it
 * published, and adds the new check; a site not deployed yet (404) builds whole; a server error
 * is a DataError naming the URL.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlPreviousSite } from '../../src/adapters/dashboard/previous-site.js';
import { readDriftReports } from '../../src/adapters/dashboard/read-reports.js';
import { createSiteFolder } from '../../src/adapters/dashboard/site-folder.js';
import { createLocalRegistry } from '../../src/adapters/registry/local-registry.js';
import type { HistogramData, ModelData } from '../../src/core/dashboard/site-data.js';
import type { PreviousSite } from '../../src/core/dashboard/dashboard-port.js';
import { DataError } from '../../src/core/errors.js';
import { createSilentLogger } from '../../src/core/logger.js';
import { buildDashboard } from '../../src/steps/dashboard.js';
import { MODEL, writeDriftReports, writeRegistry } from './generate-registry.js';
import { serveFolder } from './static-server.js';

let dir: string;
let server: { url: string; close(): Promise<void> };

async function build(out: string, previous: PreviousSite | null, reports: string[]) {
  const registry = createLocalRegistry(path.join(dir, 'registry'));
  let manifests = 0;
  const output = createSiteFolder(out);
  const result = await buildDashboard({
    registry: {
      listModels: () => registry.listModels(),
      listVersions: (m) => registry.listVersions(m),
      stageHistory: (m) => registry.stageHistory(m),
      readManifest: (m, v) => {
        manifests++;
        return registry.readManifest(m, v);
      },
    },
    previous,
    output,
    drift: await readDriftReports({ cwd: dir, paths: reports, what: '--drift' }),
    performance: [],
    gates: null,
    repository: null,
    serverUrl: 'https://github.com',
    now: new Date().toISOString(),
    chartsScript: '',
    logger: createSilentLogger(),
  });
  await output.commit();
  return { result, manifests };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mlops-dash-url-'));
  await writeRegistry(path.join(dir, 'registry'), 25);
  await writeDriftReports(path.join(dir, 'old'), 0, 5, 2);
  await writeDriftReports(path.join(dir, 'new'), 5, 6, 1);
  await build(path.join(dir, 'published'), null, ['old']);
  server = await serveFolder(path.join(dir, 'published'));
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the previous site over HTTP', () => {
  it('extends the published site reading three files and no manifest', async () => {
    const previous = urlPreviousSite(server.url);
    const { result, manifests } = await build(path.join(dir, 'next'), previous, ['new']);
    expect(previous.reads).toBe(3);
    expect(manifests).toBe(0);
    expect(result.driftAdded).toBe(1);
    const data = JSON.parse(
      await readFile(path.join(dir, 'next/data/models', `${MODEL}.json`), 'utf8'),
    ) as ModelData;
    expect(data.drift).toHaveLength(6);
    expect(data.versions).toHaveLength(25);
    const histograms = JSON.parse(
      await readFile(path.join(dir, 'next/data/models', `${MODEL}-histograms.json`), 'utf8'),
    ) as HistogramData;
    // Days 3 and 4 of the published site, and day 5 now.
    expect(Object.keys(histograms.runs)).toEqual(
      [3, 4, 5].map((day) => `https://github.com/octo-org/models/actions/runs/${100_000 + day}`),
    );
  });

  it('builds the whole site when none is published yet', async () => {
    const previous = urlPreviousSite(`${server.url}nothing-here/`);
    const { result, manifests } = await build(path.join(dir, 'first'), previous, ['new']);
    expect(previous.reads).toBe(1);
    expect(manifests).toBe(25);
    expect(result.driftAdded).toBe(1);
  });

  it('fails with a DataError naming the URL when the server errs', async () => {
    const failing = urlPreviousSite(
      'https://pages.example/site/',
      async () => new Response('', { status: 503 }),
    );
    await expect(failing.readJson('data/index.json')).rejects.toThrow(DataError);
    await expect(failing.readJson('data/index.json')).rejects.toThrow(
      'https://pages.example/site/data/index.json: the previous dashboard answered 503',
    );
  });
});
