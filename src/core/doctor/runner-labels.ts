/**
 * The train job's `runs-on` as `mlops init --gpu-runner-labels` and `mlops doctor` take it, and
 * as the reusable workflow's `gpu-runner-labels` input holds it (a JSON array, or a JSON string:
 * a runner scale set's name). Comma-separated labels are accepted too, for the command line.
 */
import { ConfigError } from '../errors.js';

/** A GitHub-hosted runner label: `ubuntu-latest`, `ubuntu-24.04`, `windows-2025`, ... */
export const HOSTED_RUNNER_LABEL = /^(ubuntu|windows|macos)-[\w.-]+$/;

/**
 * The labels of a self-hosted runner, or [] for training on GitHub-hosted runners (nothing given,
 * or a single GitHub-hosted label).
 */
export function parseRunnerLabels(text: string | undefined, where: string): string[] {
  if (text === undefined || text.trim() === '') return [];
  const trimmed = text.trim();
  let labels: string[];
  if (trimmed.startsWith('[') || trimmed.startsWith('"')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new ConfigError(
        `${where}: ${trimmed} is not valid JSON; give a JSON array of labels, a JSON string or comma-separated labels`,
      );
    }
    const list = typeof parsed === 'string' ? [parsed] : parsed;
    if (!Array.isArray(list) || !list.every((l): l is string => typeof l === 'string')) {
      throw new ConfigError(`${where}: expected a JSON array of strings or a JSON string`);
    }
    labels = list;
  } else {
    labels = trimmed.split(',');
  }
  labels = labels.map((l) => l.trim()).filter((l) => l !== '');
  return labels.length === 1 && HOSTED_RUNNER_LABEL.test(labels[0] as string) ? [] : labels;
}
