/**
 * `model: pr-artifact`: the candidate that the merged pull request's last successful evaluation
 * ran on, so what was reviewed is what ships, with no retraining.
 *
 * `evaluate` records the candidate's sha256 as its check run's `external_id` and links the check
 * run to its workflow run (`details_url`). Here: the newest successful check run of that name on
 * the pull request's head commit gives the digest and the run; the run's artifact (uploaded by
 * `train`, `model-<name>`) is downloaded through the workflow-run artifact endpoints, unzipped,
 * and accepted only if `model.onnx` has exactly that digest.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { DataError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { sha256Digest } from '../../core/provenance/sha256.js';
import { MANIFEST_FILE, MODEL_FILE } from '../../core/registry/registry-port.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { withGitHubErrors, type Octokit } from './octokit.js';

/** The artifact evaluate uploads its report in (inside Actions). */
export function evaluationArtifactName(model: string): string {
  return `evaluation-${model}`;
}

export interface EvaluatedCandidate {
  readonly modelPath: string;
  /** The manifest `train` wrote, from the same artifact; null when the artifact has none. */
  readonly manifestPath: string | null;
  /** That evaluation's report, when its run uploaded one for these bytes; else null. */
  readonly reportPath: string | null;
  readonly digest: string;
  readonly runId: number;
  readonly checkRunUrl: string;
}

export interface FindEvaluatedCandidateOptions {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
  readonly model: string;
  /** The pull request's head commit: where evaluate's check run lives. */
  readonly headSha: string;
  readonly checkName: string;
  readonly artifactName: string;
  readonly destDir: string;
  readonly logger: Logger;
}

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

export async function downloadEvaluatedCandidate(
  options: FindEvaluatedCandidateOptions,
): Promise<EvaluatedCandidate> {
  const { octokit, owner, repo } = options;
  const runs = await withGitHubErrors(() =>
    octokit.paginate(octokit.rest.checks.listForRef, {
      owner,
      repo,
      ref: options.headSha,
      check_name: options.checkName,
      filter: 'all',
      per_page: 100,
    }),
  );
  const passed = runs
    .filter((run) => run.status === 'completed' && run.conclusion === 'success')
    .sort((a, b) => (b.completed_at ?? '').localeCompare(a.completed_at ?? '') || b.id - a.id)[0];
  const where = `commit ${options.headSha.slice(0, 7)}`;
  if (passed === undefined) {
    throw new DataError(
      `no successful "${options.checkName}" check run on ${where} (the pull request's head): the candidate must pass evaluate in its pull request before it is published (or give model: <path>).`,
    );
  }
  const digest = passed.external_id ?? '';
  const runId = Number(/\/actions\/runs\/(\d+)/.exec(passed.details_url ?? '')?.[1] ?? NaN);
  if (!DIGEST_RE.test(digest) || !Number.isSafeInteger(runId)) {
    throw new DataError(
      `the "${options.checkName}" check run on ${where} does not record the candidate's digest and run (external_id ${JSON.stringify(digest)}, details_url ${JSON.stringify(passed.details_url)}); was it written by mlops-actions evaluate?`,
    );
  }
  const entries = await runArtifact(options, runId, options.artifactName);
  if (entries === null) {
    throw new DataError(
      `workflow run ${runId}, which evaluated the candidate, has no unexpired artifact "${options.artifactName}" (train uploads it; artifacts expire after the repository's retention period).`,
    );
  }
  const find = (name: string) =>
    Object.entries(entries).find(([entry]) => path.posix.basename(entry) === name)?.[1];
  const model = find(MODEL_FILE);
  if (model === undefined) {
    throw new DataError(
      `artifact "${options.artifactName}" of run ${runId} holds no ${MODEL_FILE} (it has: ${Object.keys(entries).join(', ') || 'nothing'}).`,
    );
  }
  const actual = sha256Digest(model);
  if (actual !== digest) {
    throw new DataError(
      `the ${MODEL_FILE} in artifact "${options.artifactName}" of run ${runId} has digest ${actual}, but the evaluation recorded ${digest}: refusing to publish a model other than the one reviewed.`,
    );
  }
  await mkdir(options.destDir, { recursive: true });
  const modelPath = path.join(options.destDir, MODEL_FILE);
  await writeFileAtomic(modelPath, model);
  const manifest = find(MANIFEST_FILE);
  let manifestPath: string | null = null;
  if (manifest !== undefined) {
    manifestPath = path.join(options.destDir, MANIFEST_FILE);
    await writeFileAtomic(manifestPath, manifest);
  }
  for (const name of ['metrics.json', 'profile.json']) {
    const bytes = find(name);
    if (bytes !== undefined) await writeFileAtomic(path.join(options.destDir, name), bytes);
  }
  options.logger.info(
    `Candidate from run ${runId} (artifact "${options.artifactName}"): ${MODEL_FILE} ${digest}, as evaluated.`,
  );
  const reportPath = await downloadReport(options, runId, digest);
  return {
    modelPath,
    manifestPath,
    reportPath,
    digest,
    runId,
    checkRunUrl: passed.html_url ?? passed.url,
  };
}

/**
 * The evaluation report from the same run (`evaluation-<model>`), kept only when it describes
 * these bytes; null when the run has none (an older evaluate, or one outside Actions).
 */
async function downloadReport(
  options: FindEvaluatedCandidateOptions,
  runId: number,
  digest: string,
): Promise<string | null> {
  const name = evaluationArtifactName(options.model);
  let entries: Record<string, Uint8Array> | null;
  try {
    entries = await runArtifact(options, runId, name);
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    options.logger.warning(`${error.message}: ignored.`);
    return null;
  }
  if (entries === null) {
    options.logger.info(`Run ${runId} has no "${name}" artifact: publishing without its report.`);
    return null;
  }
  for (const [entry, bytes] of Object.entries(entries)) {
    if (!entry.endsWith('.json')) continue;
    let candidate: unknown;
    try {
      candidate = (JSON.parse(Buffer.from(bytes).toString('utf8')) as { candidate?: unknown })
        .candidate;
    } catch {
      continue;
    }
    if ((candidate as { digest?: unknown } | undefined)?.digest !== digest) continue;
    const reportPath = path.join(options.destDir, 'evaluate-report.json');
    await writeFileAtomic(reportPath, bytes);
    return reportPath;
  }
  options.logger.warning(
    `Artifact "${name}" of run ${runId} holds no report for ${digest}: publishing without it.`,
  );
  return null;
}

/** The files of a run's newest unexpired artifact `name`, unzipped; null when there is none. */
async function runArtifact(
  options: FindEvaluatedCandidateOptions,
  runId: number,
  name: string,
): Promise<Record<string, Uint8Array> | null> {
  const { octokit, owner, repo } = options;
  const { data: listed } = await withGitHubErrors(() =>
    octokit.rest.actions.listWorkflowRunArtifacts({
      owner,
      repo,
      run_id: runId,
      name,
      per_page: 100,
    }),
  );
  const artifact = listed.artifacts
    .filter((a) => a.name === name && !a.expired)
    .sort((a, b) => b.id - a.id)[0];
  if (artifact === undefined) return null;
  const { data } = await withGitHubErrors(() =>
    octokit.rest.actions.downloadArtifact({
      owner,
      repo,
      artifact_id: artifact.id,
      archive_format: 'zip',
    }),
  );
  try {
    return unzipSync(new Uint8Array(data as ArrayBuffer));
  } catch (error) {
    throw new DataError(
      `artifact "${name}" of run ${runId} is not a readable zip: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
