import path from 'node:path';
import type { Logger } from '../../core/logger.js';

/**
 * Uploads through the Actions results service. It exists only inside a real run
 * (`ACTIONS_RUNTIME_TOKEN`, `ACTIONS_RESULTS_URL`); elsewhere the upload is skipped and the log
 * says so, so that the same step runs locally and in tests.
 */
export function createArtifactStore(logger: Logger, env: NodeJS.ProcessEnv = process.env) {
  return {
    async upload(name: string, files: string[], rootDirectory: string): Promise<number | null> {
      if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
        logger.info(
          `Not running inside GitHub Actions (no ACTIONS_RUNTIME_TOKEN): skipping the upload of artifact "${name}".`,
        );
        return null;
      }
      // Loaded only when used: the artifact client is large and most runs of the CLI never upload.
      const { DefaultArtifactClient } = await import('@actions/artifact');
      const response = await new DefaultArtifactClient().uploadArtifact(name, files, rootDirectory);
      logger.info(
        `Uploaded artifact "${name}" (${response.size ?? '?'} bytes, id ${response.id ?? '?'}).`,
      );
      return response.id ?? null;
    },
  };
}

/** `@actions/cache` inside a run, nothing outside it. */
export function createCacheStore(logger: Logger) {
  return {
    async restore(paths: string[], key: string): Promise<string | undefined> {
      const cache = await import('@actions/cache');
      if (!cache.isFeatureAvailable()) {
        logger.info('The Actions cache service is not available here: skipping the cache restore.');
        return undefined;
      }
      return cache.restoreCache(paths, key);
    },
    async save(paths: string[], key: string): Promise<void> {
      const cache = await import('@actions/cache');
      if (!cache.isFeatureAvailable()) return;
      try {
        await cache.saveCache(paths, key);
      } catch (error) {
        // Another job saving the same key first is normal; a cache is never worth failing for.
        logger.warning(`Cache not saved: ${(error as Error).message}`);
      }
    },
  };
}

/**
 * Uploads one report file as an artifact of this run and returns its page
 * (`<run url>/artifacts/<id>`), which a reader of an issue or a summary can open after the runner
 * is gone; null outside Actions or without a run URL.
 */
export async function uploadReportArtifact(options: {
  readonly logger: Logger;
  readonly name: string;
  readonly file: string;
  readonly runUrl: string | null;
  readonly env?: NodeJS.ProcessEnv;
}): Promise<string | null> {
  const id = await createArtifactStore(options.logger, options.env).upload(
    options.name,
    [options.file],
    path.dirname(options.file),
  );
  if (id === null || options.runUrl === null) return null;
  return `${options.runUrl}/artifacts/${id}`;
}
