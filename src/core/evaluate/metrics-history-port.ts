/**
 * What the evaluate and publish steps need to draw a model's metrics across its released
 * versions: the recorded `metrics.json` of the newest versions, each verified against the digest
 * its version's manifest records.
 */
import type { ReleasedMetrics } from './metric-history.js';

export interface ReleasedMetricsResult {
  /** Oldest first. */
  readonly versions: readonly ReleasedMetrics[];
  /** Versions left out, with why in words a reviewer can act on (no local paths). */
  readonly skipped: readonly { readonly version: string; readonly reason: string }[];
}

export interface MetricsHistorySource {
  /**
   * The `metrics.json` of the newest `limit` released versions of `model` that have one, oldest
   * first. A version whose file is missing, unreadable or does not match its manifest's digest is
   * skipped (and named in `skipped`), never shown.
   */
  releasedMetrics(
    model: string,
    limit: number,
    options?: { readonly exclude?: string },
  ): Promise<ReleasedMetricsResult>;
}
