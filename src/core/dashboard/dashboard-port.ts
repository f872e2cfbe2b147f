/**
 * The ports the dashboard step needs. Interfaces and types only.
 *
 * - `DashboardRegistry`: the slice of the registry a dashboard reads. Both registries
 *   (`adapters/registry/local-registry.ts`, `adapters/github/github-registry-writer.ts`) implement
 *   it as part of `RegistryWriter`.
 * - `PreviousSite`: what the last build published (a folder, or the Pages URL), read file by file
 *   so an incremental build reads only the few JSON files it needs.
 * - `SiteOutput`: where the new site is written.
 */
import type { Manifest } from '../manifest/manifest.js';
import type { ModelVersion } from '../registry/registry-port.js';
import type { StageHistoryEntry } from '../registry/registry-writer.js';

export interface DashboardRegistry {
  /** Models that have at least one version. */
  listModels(): Promise<readonly string[]>;
  /** Published versions of `model`, newest first. */
  listVersions(model: string): Promise<readonly ModelVersion[]>;
  /** Every stage event of `model`, newest first. */
  stageHistory(model: string): Promise<readonly StageHistoryEntry[]>;
  /** A registered version's manifest, validated. */
  readManifest(model: string, version: string): Promise<Manifest>;
  /**
   * The names of `model`'s stage tags, without reading each tag (one listing): when they are the
   * ones the previous site holds, its timeline is kept and `stageHistory` is not called. A
   * registry where the history is one cheap read leaves it out.
   */
  stageTagNames?(model: string): Promise<readonly string[]>;
}

export interface PreviousSite {
  /** Where it was read from, for messages. */
  readonly location: string;
  /** The parsed JSON at `relativePath` (such as `data/index.json`), or null when it is absent. */
  readJson(relativePath: string): Promise<unknown>;
}

export interface SiteOutput {
  /** Writes (or replaces) one file of the site; `relativePath` uses `/`. */
  write(relativePath: string, content: string | Uint8Array): Promise<void>;
}
