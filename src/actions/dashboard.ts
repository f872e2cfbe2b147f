/** Entrypoint of `actions/dashboard`: builds the Pages site of every model in this repository. */
import path from 'node:path';
import * as core from '@actions/core';
import { createActionsLogger } from '../adapters/actions/actions-logger.js';
import { readChartsBundle } from '../adapters/dashboard/charts-bundle.js';
import { openPreviousSite } from '../adapters/dashboard/previous-site.js';
import { readDriftReports, readPerformanceReports } from '../adapters/dashboard/read-reports.js';
import { GitHubDashboardRegistry } from '../adapters/dashboard/github-dashboard-registry.js';
import { assertReplaceable, createSiteFolder } from '../adapters/dashboard/site-folder.js';
import { loadMlopsConfig } from '../adapters/fs/load-config.js';
import { gateBands } from '../core/dashboard/site-data.js';
import { buildDashboard } from '../steps/dashboard.js';
import { actionGitHub } from './action-github.js';
import { listInput, optionalInput } from './action-inputs.js';
import { runEntrypoint } from './run-entrypoint.js';

await runEntrypoint(async () => {
  const logger = createActionsLogger();
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const github = actionGitHub(logger, 'read the registry for the dashboard');
  const outDir = path.resolve(cwd, optionalInput('out') ?? '_site');
  await assertReplaceable({ outDir, cwd, force: false, field: 'out' });
  const previousInput = optionalInput('previous');
  const previous = previousInput === undefined ? null : openPreviousSite(previousInput, cwd);
  const loaded = await loadMlopsConfig({
    cwd,
    path: optionalInput('config') ?? 'mlops.yml',
    optional: true,
  });
  const runUrl = optionalInput('run-url') ?? null;
  const drift = await readDriftReports({
    cwd,
    paths: listInput('drift-reports') ?? [],
    what: 'drift-reports',
    runUrl,
  });
  const performance = await readPerformanceReports({
    cwd,
    paths: listInput('performance-reports') ?? [],
    what: 'performance-reports',
    runUrl,
  });
  const charts = await readChartsBundle();
  const output = createSiteFolder(outDir);
  try {
    const result = await buildDashboard({
      registry: new GitHubDashboardRegistry({ ...github, logger }),
      previous,
      output,
      drift,
      performance,
      gates:
        loaded === undefined
          ? null
          : {
              model: loaded.config.model.name,
              gates: gateBands(loaded.config.evaluate?.gates ?? []),
            },
      repository: `${github.owner}/${github.repo}`,
      serverUrl: process.env.GITHUB_SERVER_URL ?? 'https://github.com',
      now: new Date().toISOString(),
      chartsScript: charts.bytes,
      logger,
    });
    await output.commit();
    logger.info(
      `Dashboard: ${result.index.models.length} models, ${result.manifestsRead} manifests read, ${result.driftAdded} drift checks added, ${result.files} files (${(result.bytes / 1024 / 1024).toFixed(1)} MiB)${previous === null ? '' : `, extending ${previous.location}`}.`,
    );
    core.setOutput('site', outDir);
    core.setOutput('models', String(result.index.models.length));
    core.setOutput('bytes', String(result.bytes));
    const rows = result.index.models
      .map(
        (m) =>
          `| ${m.model} | ${m.production === null ? '—' : `v${m.production}`} | ${m.versions} | ${m.drift?.severity ?? '—'} | ${m.performance?.severity ?? '—'} |`,
      )
      .join('\n');
    await core.summary
      .addRaw(
        `### Dashboard\n\n| Model | Production | Versions | Drift | Performance |\n| --- | --- | --- | --- | --- |\n${rows}\n`,
      )
      .write();
  } catch (error) {
    await output.discard();
    throw error;
  }
});
