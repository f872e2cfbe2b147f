import { readFileSync } from 'node:fs';

/** The workflow's event payload (`GITHUB_EVENT_PATH`), or undefined outside a run. */
export function readEventPayload(env: NodeJS.ProcessEnv = process.env): unknown {
  const file = env.GITHUB_EVENT_PATH;
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
