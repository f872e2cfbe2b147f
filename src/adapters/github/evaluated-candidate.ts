/**
 * `model: pr-artifact`: the candidate that the merged pull request's evaluation ran on, so what
 * was reviewed is what ships, with no retraining.
 *
 * Anyone who can push a branch can run a workflow with `checks: write` and create a check run of
 * the same name on the pull request's head, pointing at their own run's artifacts. So nothing is
 * trusted for being there; each link is bound to the pull request:
 * - the check run (`mlops/evaluate (<model>)`, successful, on the head commit) must come from the
 *   `github-actions` app, and every such successful check run must name the same digest;
 * - its workflow run (`details_url`, read back with `GET /actions/runs/{id}`) must be a
 *   `pull_request` run of the expected workflow file (`workflow`, default
 *   `.github/workflows/mlops-pull-request.yml`: the caller in this repository; a reusable
 *   workflow it calls shows in `referenced_workflows`, never in `path`) on this pull request's
 *   head commit, head branch and head repository; while pull requests are open on that head,
 *   GitHub lists them on the run and this one must be among them, into the default branch;
 * - each artifact's own `workflow_run` must be that run on that commit;
 * - `model.onnx` must have the digest the check run records (`external_id` and the evaluation
 *   record at the top of its summary), and the report the sha256 that evaluate recorded there,
 *   after uploading it and before writing the check run.
 * What GitHub's run object cannot show: the base of a pull_request run once its pull request is
 * closed. A writer who opens a second pull request from the same head into another base and
 * closes it before this publish is not told apart; the tag rulesets in the README's security
 * section keep such writers few.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { DataError, PolicyError } from '../../core/errors.js';
import { parseEvaluationRecord } from '../../core/evaluate/evaluation-record.js';
import type { Logger } from '../../core/logger.js';
import { sha256Digest } from '../../core/provenance/sha256.js';
import { MANIFEST_FILE, MODEL_FILE } from '../../core/registry/registry-port.js';
import { writeFileAtomic } from '../fs/write-file-atomic.js';
import { withGitHubErrors, type Octokit } from './octokit.js';

/** The artifact evaluate uploads its report in (inside Actions). */
export function evaluationArtifactName(model: string): string {
  return `evaluation-${model}`;
}

/** The app that owns the check runs a workflow's `GITHUB_TOKEN` writes. */
export const GITHUB_ACTIONS_APP = 'github-actions';
/** The starter pull request workflow, as copied into a model's repository. */
export const DEFAULT_EVALUATION_WORKFLOW = '.github/workflows/mlops-pull-request.yml';

export interface EvaluatedCandidate {
  readonly modelPath: string;
  /** The manifest `train` wrote, from the same artifact; null when the artifact has none. */
  readonly manifestPath: string | null;
  /** That evaluation's report, verified against the sha256 evaluate recorded. */
  readonly reportPath: string;
  readonly digest: string;
  readonly runId: number;
  readonly checkRunUrl: string;
}

export interface FindEvaluatedCandidateOptions {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
  readonly model: string;
  /** The merged pull request, as the API reports it. */
  readonly pull: {
    readonly number: number;
    readonly headSha: string;
    readonly headRef: string | null;
    readonly headRepositoryId: number | null;
  };
  readonly defaultBranch: string;
  /** The workflow file whose pull_request run evaluated the candidate. */
  readonly workflowPath: string;
  readonly checkName: string;
  readonly artifactName: string;
  readonly destDir: string;
  readonly logger: Logger;
}

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

/** `.github/workflows/x.yml` from a run's `path`, which may carry `owner/repo/` and `@ref`. */
export function workflowFileOfRun(runPath: string, fullName: string): string {
  let file = runPath.replace(/@[^@/]*(?:\/[^@]*)?$/, '');
  const prefix = `${fullName}/`;
  if (file.toLowerCase().startsWith(prefix.toLowerCase())) file = file.slice(prefix.length);
  return file;
}

export async function downloadEvaluatedCandidate(
  options: FindEvaluatedCandidateOptions,
): Promise<EvaluatedCandidate> {
  const { octokit, owner, repo, pull } = options;
  const where = `commit ${pull.headSha.slice(0, 7)} (the head of pull request #${pull.number})`;
  const refuse = (why: string): never => {
    throw new PolicyError(
      `refusing to publish the candidate of pull request #${pull.number}: ${why}. Nothing was written.`,
    );
  };
  const checkRuns = await withGitHubErrors(() =>
    octokit.paginate(octokit.rest.checks.listForRef, {
      owner,
      repo,
      ref: pull.headSha,
      check_name: options.checkName,
      filter: 'all',
      per_page: 100,
    }),
  );
  const successful = checkRuns.filter(
    (run) => run.status === 'completed' && run.conclusion === 'success',
  );
  const foreign = successful.filter((run) => run.app?.slug !== GITHUB_ACTIONS_APP);
  for (const run of foreign) {
    options.logger.warning(
      `Ignored check run ${run.id} "${options.checkName}" on ${where}: written by the app "${run.app?.slug ?? 'unknown'}", not ${GITHUB_ACTIONS_APP}.`,
    );
  }
  const trusted = successful
    .filter((run) => run.app?.slug === GITHUB_ACTIONS_APP)
    .sort((a, b) => (b.completed_at ?? '').localeCompare(a.completed_at ?? '') || b.id - a.id);
  const passed = trusted[0];
  if (passed === undefined) {
    if (foreign.length > 0) {
      refuse(
        `its only successful "${options.checkName}" check run(s) on ${where} were written by ${foreign.map((r) => `the app "${r.app?.slug ?? 'unknown'}"`).join(', ')}, not by GitHub Actions (${GITHUB_ACTIONS_APP}) running evaluate`,
      );
    }
    throw new DataError(
      `no successful "${options.checkName}" check run on ${where}: the candidate must pass evaluate in its pull request before it is published (or give model: <path>).`,
    );
  }
  const digests = [...new Set(trusted.map((run) => run.external_id ?? ''))];
  if (digests.length > 1) {
    refuse(
      `its successful "${options.checkName}" check runs on ${where} disagree on the candidate (${trusted.map((r) => `check run ${r.id}: ${JSON.stringify(r.external_id ?? '')}`).join('; ')}); re-run the pull request's evaluation so that one candidate was reviewed`,
    );
  }
  const digest = passed.external_id ?? '';
  const record = parseEvaluationRecord(passed.output?.summary);
  const runId = Number(/\/actions\/runs\/(\d+)/.exec(passed.details_url ?? '')?.[1] ?? NaN);
  if (!DIGEST_RE.test(digest) || !Number.isSafeInteger(runId)) {
    refuse(
      `the "${options.checkName}" check run on ${where} does not record the candidate's digest and run (external_id ${JSON.stringify(digest)}, details_url ${JSON.stringify(passed.details_url)}); was it written by mlops-actions evaluate?`,
    );
  }
  if (record === null || record.model !== digest) {
    refuse(
      `the "${options.checkName}" check run on ${where} does not carry evaluate's record of the candidate and its report${record === null ? '' : ` (it names ${record.model}, its external_id ${digest})`}; re-run the pull request's evaluation with this version of mlops-actions`,
    );
  }
  const report = record as NonNullable<typeof record>;

  // The run the check run points at must be this pull request's evaluation.
  const { data: run } = await withGitHubErrors(() =>
    octokit.rest.actions.getWorkflowRun({ owner, repo, run_id: runId }),
  );
  const runName = `workflow run ${runId}`;
  if (run.event !== 'pull_request') {
    refuse(
      `${runName}, named by its check run, was started by a "${run.event}" event, not by a pull_request`,
    );
  }
  const file = workflowFileOfRun(run.path, `${owner}/${repo}`);
  if (file !== options.workflowPath) {
    refuse(
      `${runName}, named by its check run, is a run of ${file}, not of ${options.workflowPath} (the workflow that evaluates pull requests; set the workflow input if yours is another)`,
    );
  }
  if (run.head_sha !== pull.headSha) {
    refuse(
      `${runName} ran on commit ${run.head_sha.slice(0, 7)}, not on the pull request's head ${pull.headSha.slice(0, 7)}`,
    );
  }
  if (pull.headRef !== null && run.head_branch !== pull.headRef) {
    refuse(
      `${runName} ran for the branch ${JSON.stringify(run.head_branch)}, not for the pull request's head branch ${JSON.stringify(pull.headRef)}`,
    );
  }
  if (pull.headRepositoryId !== null && run.head_repository?.id !== pull.headRepositoryId) {
    refuse(
      `${runName} ran for the repository ${run.head_repository?.full_name ?? '(unknown)'}, not for the pull request's head repository`,
    );
  }
  const listed = run.pull_requests ?? [];
  if (
    listed.length > 0 &&
    !listed.some((p) => p.number === pull.number && p.base.ref === options.defaultBranch)
  ) {
    refuse(
      `${runName} belongs to pull request(s) ${listed.map((p) => `#${p.number} into ${p.base.ref}`).join(', ')}, not to #${pull.number} into ${options.defaultBranch}`,
    );
  }
  options.logger.info(
    `Evaluation: ${runName} (${file}, pull_request, head ${pull.headSha.slice(0, 7)})${(run.referenced_workflows ?? []).length > 0 ? `, calling ${(run.referenced_workflows ?? []).map((w) => w.path).join(', ')}` : ''}.`,
  );

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
    refuse(
      `the ${MODEL_FILE} in artifact "${options.artifactName}" of run ${runId} has digest ${actual}, but the evaluation recorded ${digest}: it is not the model that was reviewed`,
    );
  }
  const reportBytes = await downloadReport(options, runId, report.report, refuse);
  const reportJson = JSON.parse(Buffer.from(reportBytes).toString('utf8')) as {
    candidate?: { digest?: unknown };
  };
  if (reportJson.candidate?.digest !== digest) {
    refuse(
      `the evaluation report of run ${runId} describes the model ${String(reportJson.candidate?.digest)}, not ${digest}`,
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
  const reportPath = path.join(options.destDir, 'evaluate-report.json');
  await writeFileAtomic(reportPath, reportBytes);
  options.logger.info(
    `Candidate from run ${runId} (artifact "${options.artifactName}"): ${MODEL_FILE} ${digest}, as evaluated; report ${report.report}, as recorded.`,
  );
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
 * The report evaluate uploaded in the same run (`evaluation-<model>`): the file whose sha256 is
 * the one evaluate recorded on its check run; anything else is refused.
 */
async function downloadReport(
  options: FindEvaluatedCandidateOptions,
  runId: number,
  recorded: string,
  refuse: (why: string) => never,
): Promise<Uint8Array> {
  const name = evaluationArtifactName(options.model);
  const entries = await runArtifact(options, runId, name);
  if (entries === null) {
    refuse(
      `run ${runId} has no unexpired "${name}" artifact, so the report evaluate recorded (${recorded}) cannot be checked`,
    );
  }
  for (const bytes of Object.values(entries as Record<string, Uint8Array>)) {
    if (sha256Digest(bytes) === recorded) return bytes;
  }
  return refuse(
    `no file of artifact "${name}" of run ${runId} has the sha256 evaluate recorded for its report (${recorded}): the report was changed after the evaluation`,
  );
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
  // The listing is of this run, but the artifact's own record must say so too.
  const from = artifact.workflow_run;
  if (from?.id !== runId || from.head_sha !== options.pull.headSha) {
    throw new PolicyError(
      `refusing to publish the candidate of pull request #${options.pull.number}: artifact "${name}" (id ${artifact.id}) listed for run ${runId} was made by run ${from?.id ?? 'unknown'} on commit ${from?.head_sha?.slice(0, 7) ?? 'unknown'}, not by run ${runId} on ${options.pull.headSha.slice(0, 7)}. Nothing was written.`,
    );
  }
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
