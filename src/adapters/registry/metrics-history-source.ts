/**
 * The released metrics of a model's newest versions, for the history chart of the PR comment and
 * the release notes: each version's `metrics.json`, fetched through the registry's verified asset
 * download (its bytes must match the digest the version's manifest records). A version that fails
 * is skipped with a warning rather than failing the evaluation: history informs a reviewer, it
 * gates nothing, and a tampered file must never be drawn.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isUserError } from '../../core/errors.js';
import type { ReleasedMetrics } from '../../core/evaluate/metric-history.js';
import type {
  MetricsHistorySource,
  ReleasedMetricsResult,
} from '../../core/evaluate/metrics-history-port.js';
import type { Logger } from '../../core/logger.js';
import { parseTrainingMetrics } from '../../core/metrics/training-metrics.js';
import type { RegistryVersionsReader } from '../../core/registry/registry-port.js';

/** The asset holding what evaluation measured (written by `publish-model`). */
export const METRICS_HISTORY_ASSET = 'metrics.json';

export interface MetricsHistorySourceOptions {
  readonly registry: RegistryVersionsReader;
  /** Where downloaded files go (one folder per version). */
  readonly downloadDir: string;
  readonly logger: Logger;
}

export function createMetricsHistorySource(
  options: MetricsHistorySourceOptions,
): MetricsHistorySource {
  const { registry, logger } = options;
  return {
    async releasedMetrics(model, limit, extra): Promise<ReleasedMetricsResult> {
      if (limit <= 0) return { versions: [], skipped: [] };
      const listed = (await registry.listVersions(model)).filter(
        (v) => v.version !== extra?.exclude,
      );
      const versions: ReleasedMetrics[] = [];
      const skipped: { version: string; reason: string }[] = [];
      for (const version of listed) {
        if (versions.length + skipped.length >= limit) break;
        // A version published without metrics (before they were recorded) is not history.
        if (!version.assets.some((asset) => asset.name === METRICS_HISTORY_ASSET)) continue;
        try {
          const file = await registry.downloadAsset(
            model,
            version.version,
            METRICS_HISTORY_ASSET,
            path.join(options.downloadDir, `v${version.version}`),
          );
          const metrics = parseTrainingMetrics(
            await readFile(file, 'utf8'),
            `${version.tag} ${METRICS_HISTORY_ASSET}`,
          );
          versions.push({ version: version.version, releaseUrl: version.releaseUrl, metrics });
        } catch (error) {
          if (!isUserError(error)) throw error;
          logger.warning(`History: ${version.tag} is left out: ${error.message}`);
          skipped.push({
            version: version.version,
            reason: /digest/i.test(error.message)
              ? `its ${METRICS_HISTORY_ASSET} does not match the digest its manifest records`
              : `its ${METRICS_HISTORY_ASSET} could not be read or verified (see the run log)`,
          });
        }
      }
      // Listed newest first; charts read left to right, oldest first.
      return { versions: versions.reverse(), skipped: skipped.reverse() };
    },
  };
}
