/**
 * `mlops doctor`: reads the repository settings that keep fork code off the GPU runners and the
 * registry's tags from being moved, and reports each as ok, missing or unknown (not readable
 * with this token) with the fix. Exit status 1 when a required setting is missing.
 */
import { appendFile } from 'node:fs/promises';
import { doctorMarkdown, formatDoctorReport } from '../../core/doctor/diagnose.js';
import { createOctokit } from '../../adapters/github/octokit.js';
import { GitHubRepositorySettings } from '../../adapters/github/repository-settings.js';
import { parseRunnerLabels } from '../../core/doctor/runner-labels.js';
import { runDoctorStep } from '../../steps/doctor.js';
import { CliUsageError } from '../cli-usage-error.js';
import type { CommandInput } from '../command-definition.js';
import type { doctorOptions } from '../command-definitions.js';

export async function runDoctor({ values }: CommandInput<typeof doctorOptions>): Promise<number> {
  const failOn = values['fail-on'];
  const repository = values.repo ?? process.env['GITHUB_REPOSITORY'];
  if (repository === undefined || repository === '') {
    throw new CliUsageError('give --repo owner/repo (or set GITHUB_REPOSITORY)');
  }
  const [owner, repo, ...rest] = repository.split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new CliUsageError(`--repo expects owner/repo, got "${repository}"`);
  }
  const token = process.env['GITHUB_TOKEN'] || process.env['GH_TOKEN'];
  if (!token) throw new CliUsageError('mlops doctor needs a token in GITHUB_TOKEN or GH_TOKEN');
  const labels = parseRunnerLabels(values['gpu-runner-labels'], '--gpu-runner-labels');
  const environment =
    values.environment !== undefined
      ? values.environment
      : labels.length > 0
        ? 'gpu-training'
        : undefined;

  // GITHUB_API_URL, when set, points the client at GitHub Enterprise (or a test server).
  const port = new GitHubRepositorySettings({ octokit: createOctokit({ token }), owner, repo });
  const report = await runDoctorStep(port, {
    environment,
    gpuRunnerLabels: labels,
    releaseTags: values['release-tags'],
  });
  process.stdout.write(formatDoctorReport(report));
  if (values.summary !== undefined) await appendFile(values.summary, doctorMarkdown(report));
  return report.failed && failOn === 'missing' ? 1 : 0;
}
