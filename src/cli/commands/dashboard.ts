/**
 * `mlops dashboard build`: the static site of every model in the local registry (or a
 * repository's with `--github`), with the drift and performance reports given, extending the
 * site built before (`--previous`, default `--out`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readChartsBundle } from '../../adapters/dashboard/charts-bundle.js';
import { openPreviousSite } from '../../adapters/dashboard/previous-site.js';
import { readDriftReports, readPerformanceReports } from '../../adapters/dashboard/read-reports.js';
import { assertReplaceable, createSiteFolder } from '../../adapters/dashboard/site-folder.js';
import { toDisplayPath } from '../../adapters/fs/display-path.js';
import { loadMlopsConfig } from '../../adapters/fs/load-config.js';
import { gateBands } from '../../core/dashboard/site-data.js';
import { createConsoleLogger } from '../../core/logger.js';
import { buildDashboard } from '../../steps/dashboard.js';
import type { CommandInput } from '../command-definition.js';
import type { dashboardOptions } from '../command-definitions.js';
import { findConfig } from '../find-config.js';
import { openRegistry } from './registry.js';

export async function runDashboard({
  values,
}: CommandInput<typeof dashboardOptions>): Promise<number> {
  const cwd = process.cwd();
  const logger = createConsoleLogger();
  const outDir = path.resolve(cwd, values.out ?? 'site');
  await assertReplaceable({ outDir, cwd, force: values.force, field: '--out' });
  const { registry, shown } = openRegistry(values);

  const previousValue =
    values.previous ?? (existsSync(path.join(outDir, 'data', 'index.json')) ? outDir : 'none');
  const previous = previousValue === 'none' ? null : openPreviousSite(previousValue, cwd);

  const configPath = values.config === 'none' ? undefined : findConfig(cwd, values.config);
  const loaded =
    configPath === undefined
      ? undefined
      : await loadMlopsConfig({ cwd, path: configPath, optional: values.config === undefined });
  const gates =
    loaded === undefined
      ? null
      : {
          model: loaded.config.model.name,
          gates: gateBands(loaded.config.evaluate?.gates ?? []),
        };

  const runUrl = values['run-url'] ?? null;
  const drift = await readDriftReports({ cwd, paths: values.drift ?? [], what: '--drift', runUrl });
  const performance = await readPerformanceReports({
    cwd,
    paths: values.performance ?? [],
    what: '--performance',
    runUrl,
  });
  const charts = await readChartsBundle();
  const output = createSiteFolder(outDir);
  try {
    const result = await buildDashboard({
      registry,
      previous,
      output,
      drift,
      performance,
      gates,
      repository: values.github ?? process.env.GITHUB_REPOSITORY ?? null,
      serverUrl: process.env.GITHUB_SERVER_URL ?? 'https://github.com',
      now: new Date().toISOString(),
      chartsScript: charts.bytes,
      logger,
    });
    await output.commit();
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    process.stdout.write(
      `Dashboard of ${count(result.index.models.length, 'model')} (${shown}) in ${toDisplayPath(cwd, outDir)}/: ${count(result.files, 'file')}, ${(result.bytes / 1024 / 1024).toFixed(1)} MiB; ${count(result.manifestsRead, 'manifest')} read, ${count(result.driftAdded, 'drift check')} added${previous === null ? '' : ` to ${previous.location}`}.\n`,
    );
  } catch (error) {
    await output.discard();
    throw error;
  }
  return 0;
}
