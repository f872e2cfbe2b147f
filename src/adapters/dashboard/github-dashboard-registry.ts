/**
 * The GitHub registry as the dashboard reads it: the registry writer's reads, plus the names of a
 * model's stage tags from one `matching-refs` listing, so an incremental build reads no tag when
 * no promotion happened since the last one (reading the history peels every tag: one request
 * each).
 */
import { parseStageTag } from '../../core/registry/registry-port.js';
import type { DashboardRegistry } from '../../core/dashboard/dashboard-port.js';
import { GitHubRegistryWriter } from '../github/github-registry-writer.js';

export class GitHubDashboardRegistry extends GitHubRegistryWriter implements DashboardRegistry {
  async stageTagNames(model: string): Promise<readonly string[]> {
    return (await this.matchingTags(`${model}#`))
      .map((ref) => ref.ref.replace(/^refs\/tags\//, ''))
      .filter((tag) => {
        const parsed = parseStageTag(tag);
        return parsed !== null && parsed.model === model && parsed.n !== null;
      });
  }
}
