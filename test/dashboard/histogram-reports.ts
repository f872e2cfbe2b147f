/**
 * Drift reports that carry histograms, made by the real comparison (`compareProfiles`) of the
 * production version's reference profile with a data set profiled by the real profiler, as
 * check-drift computes them: the drill-down's distributions come from these.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { profileDataset } from '../../src/adapters/data/profile-dataset.js';
import { loadDatasetSchema } from '../../src/adapters/fs/load-dataset-schema.js';
import { compareProfiles } from '../../src/core/drift-report/compare-profiles.js';
import { DEFAULT_DRIFT_THRESHOLDS } from '../../src/core/drift-report/report.js';
import { createSilentLogger } from '../../src/core/logger.js';
import { readProfileFile } from '../../src/steps/check-drift.js';

export async function writeHistogramReport(options: {
  readonly work: string;
  readonly model: string;
  readonly referenceProfile: string;
  readonly data: string;
  readonly checkedAt: string;
  readonly runUrl: string;
  readonly file: string;
}): Promise<Record<string, unknown>> {
  const schema = await loadDatasetSchema(path.join(options.work, 'schema.yml'), 'schema.yml');
  const reference = await readProfileFile(options.referenceProfile, 'profile.json');
  const current = await profileDataset({
    patterns: [options.data],
    cwd: options.work,
    schema,
    logger: createSilentLogger(),
  });
  const comparison = compareProfiles(reference, current, {
    model: options.model,
    referenceLabel: 'production profile.json',
    currentLabel: options.data,
    thresholds: DEFAULT_DRIFT_THRESHOLDS,
  });
  const report = {
    ...comparison.report,
    checked_at: options.checkedAt,
    run_url: options.runUrl,
    histograms: Object.fromEntries(comparison.histograms),
  };
  await writeFile(options.file, JSON.stringify(report));
  return report;
}
