/**
 * GitHub Actions: workflow dispatches (recorded, and each starts a queued run as on GitHub),
 * workflow runs, and run artifacts with their zip download (302 to storage, as GitHub redirects).
 */
import { ApiError, notFound, unprocessable } from './api-error.js';
import { countedPage } from './pagination.js';
import { repositoryJson } from './repos.js';
import { optionalBoolean, requiredString } from './request-body.js';
import { repoRoute, route, type RepoContext, type Route } from './router.js';
import type { ArtifactRecord, RepoState, WorkflowRecord, WorkflowRunRecord } from './state.js';
import type { Urls } from './urls.js';
import { nodeId, userJson } from './users.js';

/** GitHub's limit on the inputs of one dispatch. */
const MAX_INPUTS = 25;

export function workflowRunJson(
  run: WorkflowRunRecord,
  repo: RepoState,
  urls: Urls,
): Record<string, unknown> {
  const api = `${urls.repoApi(repo)}/actions/runs/${run.id}`;
  const workflow = repo.workflows.get(run.workflowId);
  const commit = repo.commits.get(run.headSha);
  const repository = repositoryJson(repo, urls);
  const headRepo =
    run.headRepositoryId === undefined ? repo : (repo.world.repoById(run.headRepositoryId) ?? repo);
  // As GitHub lists them: the OPEN pull requests whose head is the run's commit or branch (a
  // closed or merged one is no longer listed; a fork's are never listed).
  const repoRef = (r: RepoState) => ({ id: r.id, url: urls.repoApi(r), name: r.name });
  const pulls =
    headRepo !== repo
      ? []
      : [...repo.pulls.values()].filter(
          (p) =>
            (p.headSha === run.headSha || p.headRef === run.headBranch) &&
            repo.issue(p.number)?.state === 'open',
        );
  return {
    id: run.id,
    name: workflow?.name ?? null,
    node_id: nodeId('WFR', run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: workflow?.path ?? '',
    display_title: run.displayTitle,
    run_number: run.runNumber,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    check_suite_id: run.id + 1,
    check_suite_node_id: nodeId('CS', run.id + 1),
    url: api,
    html_url: `${urls.repoHtml(repo)}/actions/runs/${run.id}`,
    pull_requests: pulls.map((p) => ({
      url: `${urls.repoApi(repo)}/pulls/${p.number}`,
      id: p.id,
      number: p.number,
      head: { ref: p.headRef, sha: p.headSha, repo: repoRef(repo) },
      base: { ref: p.baseRef, sha: p.baseSha, repo: repoRef(repo) },
    })),
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor: userJson(run.actor, repo, urls),
    run_attempt: run.runAttempt ?? 1,
    referenced_workflows: run.referencedWorkflows ?? [],
    run_started_at: run.createdAt,
    triggering_actor: userJson(run.actor, repo, urls),
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `${urls.repoApi(repo)}/check-suites/${run.id + 1}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${urls.repoApi(repo)}/actions/workflows/${run.workflowId}`,
    head_commit:
      commit === undefined
        ? null
        : {
            id: commit.sha,
            tree_id: commit.treeSha,
            message: commit.message,
            timestamp: commit.committer.date,
            author: { name: commit.author.name, email: commit.author.email },
            committer: { name: commit.committer.name, email: commit.committer.email },
          },
    repository,
    head_repository: headRepo === repo ? repository : repositoryJson(headRepo, urls),
    head_repository_id: headRepo.id,
  };
}

export function artifactJson(
  artifact: ArtifactRecord,
  repo: RepoState,
  urls: Urls,
): Record<string, unknown> {
  const api = `${urls.repoApi(repo)}/actions/artifacts/${artifact.id}`;
  const run = repo.runs.get(artifact.runId);
  return {
    id: artifact.id,
    node_id: nodeId('MDg', artifact.id),
    name: artifact.name,
    size_in_bytes: artifact.zip.length,
    url: api,
    archive_download_url: `${api}/zip`,
    expired: artifact.expired,
    digest: artifact.digest,
    created_at: artifact.createdAt,
    updated_at: artifact.createdAt,
    expires_at: artifact.expiresAt,
    workflow_run:
      run === undefined
        ? null
        : {
            id: run.id,
            repository_id: repo.id,
            head_repository_id: run.headRepositoryId ?? repo.id,
            head_branch: run.headBranch ?? '',
            head_sha: run.headSha,
          },
  };
}

/** A workflow by its numeric ID or its file name, as the API accepts either. */
function findWorkflow(ctx: RepoContext): WorkflowRecord {
  const key = ctx.params['workflow_id'] ?? '';
  for (const workflow of ctx.repo.workflows.values()) {
    if (String(workflow.id) === key || workflow.path.split('/').pop() === key) return workflow;
  }
  throw notFound();
}

function findRun(ctx: RepoContext): WorkflowRunRecord {
  const run = ctx.repo.runs.get(Number(ctx.params['run_id']));
  if (run === undefined) throw notFound();
  return run;
}

function findArtifact(ctx: RepoContext): ArtifactRecord {
  const artifact = ctx.repo.artifacts.get(Number(ctx.params['artifact_id']));
  if (artifact === undefined) throw notFound();
  return artifact;
}

const ACTIONS = '/repos/{owner}/{repo}/actions';

export const actionRoutes: readonly Route[] = [
  repoRoute(
    'POST',
    `${ACTIONS}/workflows/{workflow_id}/dispatches`,
    'actions/workflows#create-a-workflow-dispatch-event',
    (ctx) => {
      const workflow = findWorkflow(ctx);
      const body = ctx.body();
      const ref = requiredString(body, 'ref');
      const inputs = body['inputs'] ?? {};
      if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
        throw unprocessable(
          'Invalid request.\n\nFor \'properties/inputs\', "inputs" is not an object.',
        );
      }
      if (Object.keys(inputs).length > MAX_INPUTS) {
        throw unprocessable(
          `Invalid request.\n\nNo more than ${MAX_INPUTS} properties are allowed; ${Object.keys(inputs).length} were supplied.`,
        );
      }
      const branch = ref.replace(/^refs\/heads\//, '');
      const sha = ctx.repo.resolveCommitish(ref);
      if (sha === undefined) throw unprocessable(`No ref found for: ${ref}`);
      const run = ctx.repo.addWorkflowRun(workflow, {
        event: 'workflow_dispatch',
        branch: ctx.repo.refs.has(`refs/heads/${branch}`) ? branch : null,
        headSha: sha,
        status: 'queued',
        actor: ctx.actor.login,
      });
      ctx.repo.dispatches.push({
        workflowId: workflow.id,
        workflowPath: workflow.path,
        ref,
        inputs: inputs as Record<string, unknown>,
        actor: ctx.actor.login,
        runId: run.id,
        at: ctx.state.timestamp(),
      });
      if (optionalBoolean(body, 'return_run_details') === true) {
        return {
          status: 200,
          body: {
            workflow_run_id: run.id,
            run_url: `${ctx.urls.repoApi(ctx.repo)}/actions/runs/${run.id}`,
            html_url: `${ctx.urls.repoHtml(ctx.repo)}/actions/runs/${run.id}`,
          },
        };
      }
      return { status: 204 };
    },
  ),

  repoRoute(
    'GET',
    `${ACTIONS}/workflows/{workflow_id}/runs`,
    'actions/workflow-runs#list-workflow-runs-for-a-workflow',
    (ctx) => {
      const workflow = findWorkflow(ctx);
      const q = ctx.query;
      const runs = [...ctx.repo.runs.values()]
        .filter((r) => r.workflowId === workflow.id)
        .filter((r) => q.get('branch') === null || r.headBranch === q.get('branch'))
        .filter((r) => q.get('event') === null || r.event === q.get('event'))
        .filter((r) => q.get('head_sha') === null || r.headSha === q.get('head_sha'))
        .filter((r) => {
          const status = q.get('status');
          return status === null || r.status === status || r.conclusion === status;
        })
        .sort((a, b) => b.id - a.id);
      return countedPage(runs, 'workflow_runs', (r) => workflowRunJson(r, ctx.repo, ctx.urls), ctx);
    },
  ),

  repoRoute(
    'GET',
    `${ACTIONS}/runs/{run_id}`,
    'actions/workflow-runs#get-a-workflow-run',
    (ctx) => ({
      status: 200,
      body: workflowRunJson(findRun(ctx), ctx.repo, ctx.urls),
    }),
  ),

  repoRoute(
    'GET',
    `${ACTIONS}/runs/{run_id}/artifacts`,
    'actions/artifacts#list-workflow-run-artifacts',
    (ctx) => {
      const run = findRun(ctx);
      const name = ctx.query.get('name');
      const artifacts = [...ctx.repo.artifacts.values()]
        .filter((a) => a.runId === run.id)
        .filter((a) => name === null || a.name === name)
        .sort((a, b) => b.id - a.id);
      return countedPage(artifacts, 'artifacts', (a) => artifactJson(a, ctx.repo, ctx.urls), ctx);
    },
  ),

  repoRoute(
    'GET',
    `${ACTIONS}/artifacts/{artifact_id}`,
    'actions/artifacts#get-an-artifact',
    (ctx) => ({
      status: 200,
      body: artifactJson(findArtifact(ctx), ctx.repo, ctx.urls),
    }),
  ),

  repoRoute(
    'GET',
    `${ACTIONS}/artifacts/{artifact_id}/{archive_format}`,
    'actions/artifacts#download-an-artifact',
    (ctx) => {
      const artifact = findArtifact(ctx);
      if (ctx.params['archive_format'] !== 'zip') throw notFound();
      if (artifact.expired) throw new ApiError(410, 'Artifact has expired');
      return {
        status: 302,
        headers: {
          location: `${ctx.urls.origin}/_storage/artifacts/${artifact.id}/${artifact.downloadKey}/${encodeURIComponent(artifact.name)}.zip`,
        },
      };
    },
  ),

  route(
    'GET',
    '/_storage/artifacts/{artifact_id}/{key}/{file}',
    undefined,
    (ctx) => {
      const id = Number(ctx.params['artifact_id']);
      for (const repo of ctx.state.repos.values()) {
        const artifact = repo.artifacts.get(id);
        if (artifact === undefined || artifact.downloadKey !== ctx.params['key']) continue;
        return {
          status: 200,
          raw: artifact.zip,
          headers: {
            'content-type': 'application/zip',
            'content-disposition': `attachment; filename=${artifact.name}.zip`,
          },
        };
      }
      throw notFound();
    },
    { public: true },
  ),
];
