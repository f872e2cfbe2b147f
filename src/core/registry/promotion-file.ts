/**
 * The promotion file: the tracked `.mlops-stages/<model>.yml` a promotion pull request changes,
 * holding the version wanted in each stage. Its path and text live here, in one place, for the step
 * that reads it and the adapter that writes it in a pull request.
 */
import path from 'node:path';
import { normalizeVersion } from './registry-port.js';

/** The tracked file a promotion pull request changes: the version wanted in each stage. */
export function promotionFile(model: string): string {
  return path.posix.join('.mlops-stages', `${model}.yml`);
}

/** The text of that file; `readPromotionFile` reads it back. */
export function renderPromotionFile(
  model: string,
  stages: Readonly<Record<string, string>>,
): string {
  return [
    `# Managed by mlops-actions: the version of ${model} wanted in each stage.`,
    '# Merging a pull request that changes it promotes that version (promote-model), after review.',
    `model: ${model}`,
    ...Object.entries(stages).map(([stage, version]) => `${stage}: v${normalizeVersion(version)}`),
    '',
  ].join('\n');
}
