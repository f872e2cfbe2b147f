/**
 * The demo's dashboard in a real browser (playwright-core driving Debian's chromium, headless):
 * `npm run demo` builds the site; two more drift checks with histograms (the real comparison of
 * the production profile with the evaluation data and with the drifted batch) are added by an
 * incremental `mlops dashboard build`; then the pages load with no console error, every chart
 * renders the number of marks its data calls for, the tables match the registry, navigation and
 * the heatmap's drill-down work, the tables read without JavaScript, and the index and model
 * page are saved as docs/images/dashboard-*.png for the README.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalRegistry } from '../../src/adapters/registry/local-registry.js';
import { MODEL as SCALE_MODEL, writeDriftReports, writeRegistry } from './generate-registry.js';
import { writeHistogramReport } from './histogram-reports.js';
import { serveFolder } from './static-server.js';

const root = path.resolve(import.meta.dirname, '../..');
// The README's screenshots are rewritten only when asked (MLOPS_UPDATE_SCREENSHOTS=1): a test run
// must not change tracked files. Otherwise they go to bench/out (git-ignored), still taken, so a
// page that cannot be captured still fails.
const screenshots =
  process.env['MLOPS_UPDATE_SCREENSHOTS'] === '1'
    ? path.join(root, 'docs/images')
    : path.join(root, 'bench/out/dashboard-screenshots');
const CHROMIUM = '/usr/bin/chromium';
const MODEL = 'breast-cancer';
const run = promisify(execFile);

let out: string;
let work: string;
let site: string;
let server: { url: string; close(): Promise<void> };
let browser: Browser;
/** The drift reports on the site, as written (their columns and histograms). */
const reports: Record<string, unknown>[] = [];
const errors: string[] = [];

interface Column {
  name: string;
}
interface Histogram {
  bins: string[];
}

beforeAll(async () => {
  if (!existsSync(path.join(root, 'dist', 'dashboard', 'charts.js'))) {
    throw new Error('dist/dashboard/charts.js is missing: run `npm run build` first');
  }
  out = path.join(await realpath(await mkdtemp(path.join(os.tmpdir(), 'mlops-dash-'))), 'out');
  await run(process.execPath, [path.join(root, 'scripts/demo.mjs')], {
    cwd: root,
    env: { ...process.env, MLOPS_DEMO_OUTPUT: out },
  });
  work = path.join(out, 'work');
  site = path.join(out, 'site');
  for (const name of ['drift-report.json', 'serve-drift-report.json']) {
    reports.push(
      JSON.parse(await readFile(path.join(out, name), 'utf8')) as Record<string, unknown>,
    );
  }
  const profile = path.join(work, '.mlops/registry', MODEL, 'v1.0.0', 'profile.json');
  const later = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
  for (const [i, data] of ['data/eval.csv', 'data/drifted-batch.csv'].entries()) {
    reports.push(
      await writeHistogramReport({
        work,
        model: MODEL,
        referenceProfile: profile,
        data,
        checkedAt: later(i + 1),
        runUrl: `https://github.com/octo-org/models/actions/runs/${700 + i}`,
        file: path.join(out, `check-${i}.json`),
      }),
    );
  }
  await run(
    process.execPath,
    [
      path.join(root, 'bin/mlops.js'),
      'dashboard',
      'build',
      '--out',
      site,
      '--drift',
      path.join(out, 'check-0.json'),
      '--drift',
      path.join(out, 'check-1.json'),
    ],
    { cwd: work },
  );
  server = await serveFolder(site);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (out !== undefined) await rm(path.dirname(out), { recursive: true, force: true });
});

async function open(url: string, options: { javaScript?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: options.javaScript ?? true,
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  await page.goto(url);
  return page;
}

async function chartsReady(page: Page): Promise<void> {
  await page.waitForSelector('html[data-charts="ready"]', { timeout: 30_000 });
}

/** The marks of one chart: Vega's SVG renderer draws each item as a path in its mark's group. */
async function marks(page: Page, chart: string, mark: 'symbol' | 'rect' | 'line'): Promise<number> {
  return page.locator(`[data-chart="${chart}"] svg g.mark-${mark} path`).count();
}

describe('the demo dashboard in chromium', () => {
  it('has chromium where the tests expect it', () => {
    expect(existsSync(CHROMIUM)).toBe(true);
  });

  it('lists the model on the index as the registry holds it, and links to its page', async () => {
    const registry = createLocalRegistry(path.join(work, '.mlops/registry'));
    const versions = await registry.listVersions(MODEL);
    const production = await registry.findStage(MODEL);
    const page = await open(server.url);
    const rows = page.locator('#models tbody tr');
    expect(await rows.count()).toBe((await registry.listModels()).length);
    const cells = await rows.first().locator('th, td').allInnerTexts();
    expect(cells[0]).toBe(MODEL);
    expect(cells[1]).toBe(`v${production!.version}`);
    expect(cells[2]).toBe(`v${versions[0]!.version}`);
    expect(cells[3]).toBe(String(versions.length));
    // The newest check is the drifted batch: 10 of 31 columns, share 0.32, moderate.
    expect(cells[5]).toContain('moderate');
    await page.screenshot({ path: path.join(screenshots, 'dashboard-index.png') });
    // Keyboard: the first Tab reaches the skip link; the model's link is focusable.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.getByRole('link', { name: MODEL }).click();
    await page.waitForURL(/models\/breast-cancer\/index\.html$/);
    expect(await page.locator('h1').innerText()).toBe(MODEL);
    await page.context().close();
  });

  it("shows the model's versions, stages and charts with the right number of marks", async () => {
    const registry = createLocalRegistry(path.join(work, '.mlops/registry'));
    const versions = await registry.listVersions(MODEL);
    const page = await open(`${server.url}models/${MODEL}/index.html`);
    await chartsReady(page);
    const rows = page.locator('#versions tbody tr');
    expect(await rows.count()).toBe(versions.length);
    for (const [i, version] of versions.entries()) {
      const manifest = await registry.readManifest(MODEL, version.version);
      const text = await rows.nth(i).innerText();
      expect(text).toContain(`v${version.version}`);
      expect(text).toContain(manifest.model.file.digest.replace('sha256:', '').slice(0, 12));
      // The gated metric, as the evaluation recorded it at publication.
      const recall = manifest.publication?.evaluation?.metrics['recall'];
      expect(recall).toBeDefined();
      expect(text).toContain(String(Number(recall!.toFixed(4))));
    }
    const history = await registry.stageHistory(MODEL);
    expect(await page.locator('#stages tbody tr').count()).toBe(history.length);

    // Each metric chart: one point per version that has the metric.
    const metricCharts = await page.locator('[data-chart^="charts/metric-"]').all();
    expect(metricCharts.length).toBeGreaterThan(0);
    for (const chart of metricCharts) {
      const spec = (await chart.getAttribute('data-chart'))!;
      expect(await marks(page, spec, 'symbol')).toBe(versions.length);
    }
    // The heatmap: one cell per check and distribution.
    const cells = reports.reduce((sum, r) => sum + (r['columns'] as Column[]).length, 0);
    expect(await marks(page, 'charts/drift-heatmap.json', 'rect')).toBe(cells);
    expect(await page.locator('#drift-checks tbody tr').count()).toBe(reports.length);
    // For the README: the page from its title to the drift heatmap.
    const top = (await page.locator('h1').boundingBox())!;
    const heatmapBox = (await page
      .locator('[data-chart="charts/drift-heatmap.json"]')
      .boundingBox())!;
    const scrollY = await page.evaluate(() => window.scrollY);
    await page.screenshot({
      path: path.join(screenshots, 'dashboard-model.png'),
      fullPage: true,
      clip: {
        x: 0,
        y: top.y + scrollY - 16,
        width: 1280,
        height: heatmapBox.y + heatmapBox.height - top.y + 32,
      },
    });
    await page.context().close();
  });

  it("drills from a heatmap cell into that column's reference and current distributions", async () => {
    const page = await open(`${server.url}models/${MODEL}/index.html`);
    await chartsReady(page);
    // The cell of the newest check (rightmost) in the first row, scrolled into view.
    const heatmap = page.locator('[data-chart="charts/drift-heatmap.json"]');
    await heatmap.scrollIntoViewIfNeeded();
    const boxes = await heatmap.locator('svg g.mark-rect path').evaluateAll((paths) =>
      paths.map((p, index) => {
        const box = p.getBoundingClientRect();
        return { index, x: box.x + box.width / 2, y: box.y + box.height / 2 };
      }),
    );
    const right = Math.max(...boxes.map((b) => b.x));
    const top = Math.min(...boxes.filter((b) => Math.abs(b.x - right) < 1).map((b) => b.y));
    await page.mouse.click(right, top);
    await page.waitForURL(/drift\/.+\.html\?run=/);
    await chartsReady(page);
    const newest = reports.at(-1)!;
    const column = (newest['columns'] as Column[])[0]!.name;
    expect(await page.locator('h1').innerText()).toContain(column);
    const run = new URL(page.url()).searchParams.get('run');
    expect(run).toBe(newest['run_url']);
    const histogram = (newest['histograms'] as Record<string, Histogram>)[column]!;
    const chart = page.locator('[data-filter-from-address="run"]');
    expect(await chart.getAttribute('data-filter-value')).toBe(run);
    const spec = (await chart.getAttribute('data-chart'))!;
    // A reference and a current bar per bin.
    expect(await marks(page, spec, 'rect')).toBe(2 * histogram.bins.length);
    expect(await page.locator('#histogram tbody tr').count()).toBe(histogram.bins.length);
    // Back to the model through the breadcrumb.
    await page.getByRole('link', { name: MODEL }).click();
    await page.waitForURL(/models\/breast-cancer\/index\.html$/);
    await page.context().close();
  });

  it('reads its tables without JavaScript', async () => {
    const registry = createLocalRegistry(path.join(work, '.mlops/registry'));
    const page = await open(`${server.url}models/${MODEL}/index.html`, { javaScript: false });
    expect(await page.locator('#versions tbody tr').count()).toBe(
      (await registry.listVersions(MODEL)).length,
    );
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('svg').count()).toBe(0);
    await page.context().close();
  });

  it('logged no console error on any page', () => {
    expect(errors).toEqual([]);
  });
});

describe('the dashboard of 500 versions and 730 drift checks in chromium', () => {
  it('renders the metric charts point by point and the heatmap on a canvas, without errors', async () => {
    const scale = path.join(path.dirname(out), 'scale');
    await writeRegistry(path.join(scale, 'registry'), 500);
    await writeDriftReports(path.join(scale, 'reports'), 0, 730);
    await run(
      process.execPath,
      [
        path.join(root, 'bin/mlops.js'),
        'dashboard',
        'build',
        '--registry',
        path.join(scale, 'registry'),
        '--out',
        path.join(scale, 'site'),
        '--drift',
        path.join(scale, 'reports'),
        '--config',
        'none',
      ],
      { cwd: scale },
    );
    const scaleServer = await serveFolder(path.join(scale, 'site'));
    try {
      const before = errors.length;
      const started = performance.now();
      const page = await open(`${scaleServer.url}models/${SCALE_MODEL}/index.html`);
      await chartsReady(page);
      const seconds = (performance.now() - started) / 1000;
      console.log(`scale page: charts ready in ${seconds.toFixed(1)} s`);
      expect(await marks(page, 'charts/metric-1.json', 'symbol')).toBe(500);
      // 21,900 cells: drawn on a canvas, which SVG would make slow.
      expect(await page.locator('[data-chart="charts/drift-heatmap.json"] canvas').count()).toBe(1);
      expect(await page.locator('#versions tbody tr').count()).toBe(500);
      expect(await page.locator('#drift-checks tbody tr').count()).toBe(730);
      expect(errors.slice(before)).toEqual([]);
      await page.context().close();
    } finally {
      await scaleServer.close();
    }
  }, 120_000);
});
