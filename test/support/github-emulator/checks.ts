/**
 * Check runs, created as the GitHub Actions app creates them for `GITHUB_TOKEN`. GitHub takes at
 * most 50 annotations per request and appends those of each update to the run's list.
 */
import { notFound, unprocessable, validationFailed } from './api-error.js';
import { countedPage, paginate } from './pagination.js';
import { nullableString, optionalEnum, optionalString, requiredString } from './request-body.js';
import { repoRoute, type RepoContext, type Route } from './router.js';
import type {
  AnnotationRecord,
  CheckConclusion,
  CheckRunRecord,
  CheckStatus,
  RepoState,
} from './state.js';
import type { Urls } from './urls.js';
import { nodeId, simpleUser } from './users.js';

const STATUSES: readonly CheckStatus[] = ['queued', 'in_progress', 'completed'];
const CONCLUSIONS: readonly CheckConclusion[] = [
  'success',
  'failure',
  'neutral',
  'cancelled',
  'skipped',
  'timed_out',
  'action_required',
];
const LEVELS = ['notice', 'warning', 'failure'] as const;
const MAX_ANNOTATIONS = 50;

/** The GitHub Actions app, owner of the check runs a workflow's token creates. */
function actionsApp(urls: Urls): Record<string, unknown> {
  return {
    id: 15368,
    slug: 'github-actions',
    client_id: 'Iv1.05c79e9ad1f6bdfa',
    node_id: 'MDM6QXBwMTUzNjg=',
    owner: simpleUser(
      {
        login: 'github',
        id: 9919,
        type: 'Organization',
        siteAdmin: false,
        name: null,
        email: null,
      },
      urls,
    ),
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: urls.html('/apps/github-actions'),
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2024-04-10T20:33:16Z',
    permissions: {
      actions: 'write',
      checks: 'write',
      contents: 'write',
      metadata: 'read',
      pull_requests: 'write',
      statuses: 'write',
    },
    events: ['check_run', 'check_suite', 'pull_request', 'push', 'release', 'workflow_dispatch'],
  };
}

export function checkRunJson(
  run: CheckRunRecord,
  repo: RepoState,
  urls: Urls,
): Record<string, unknown> {
  const url = `${urls.repoApi(repo)}/check-runs/${run.id}`;
  const pulls = [...repo.pulls.values()].filter(
    (p) => p.headSha === run.headSha && repo.issue(p.number)?.state === 'open',
  );
  const repoRef = { id: repo.id, url: urls.repoApi(repo), name: repo.name };
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('CR', run.id),
    head_sha: run.headSha,
    external_id: run.externalId,
    url,
    html_url: `${urls.repoHtml(repo)}/runs/${run.id}`,
    details_url: run.detailsUrl ?? `${urls.repoHtml(repo)}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${url}/annotations`,
    },
    check_suite: { id: run.checkSuiteId },
    app:
      run.app === undefined
        ? actionsApp(urls)
        : {
            ...actionsApp(urls),
            id: run.app.id,
            slug: run.app.slug,
            name: run.app.name,
            client_id: `Iv1.${run.app.id}`,
            node_id: nodeId('A', run.app.id),
            html_url: urls.html(`/apps/${run.app.slug}`),
          },
    pull_requests: pulls.map((p) => ({
      url: `${urls.repoApi(repo)}/pulls/${p.number}`,
      id: p.id,
      number: p.number,
      head: { ref: p.headRef, sha: p.headSha, repo: repoRef },
      base: { ref: p.baseRef, sha: p.baseSha, repo: repoRef },
    })),
  };
}

function annotations(value: unknown): AnnotationRecord[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw validationFailed({ resource: 'CheckRun', code: 'invalid', field: 'output.annotations' });
  }
  if (value.length > MAX_ANNOTATIONS) {
    // GitHub's words, as integrations that sent more have quoted them.
    throw unprocessable(
      `Invalid request.\n\nNo more than ${MAX_ANNOTATIONS} items are allowed; ${value.length} were supplied.`,
    );
  }
  return value.map((raw: unknown) => {
    const a = (raw ?? {}) as Record<string, unknown>;
    const level = a['annotation_level'];
    const valid =
      typeof a['path'] === 'string' &&
      Number.isInteger(a['start_line']) &&
      Number.isInteger(a['end_line']) &&
      typeof a['message'] === 'string' &&
      typeof level === 'string' &&
      (LEVELS as readonly string[]).includes(level);
    if (!valid) {
      throw validationFailed({
        resource: 'CheckRun',
        code: 'invalid',
        field: 'output.annotations',
      });
    }
    return a as unknown as AnnotationRecord;
  });
}

/** Fields shared by create and update; `run` is updated in place. */
function applyFields(ctx: RepoContext, run: CheckRunRecord, body: Record<string, unknown>): void {
  const status = optionalEnum(body, 'status', STATUSES);
  const conclusion = optionalEnum(body, 'conclusion', CONCLUSIONS);
  const detailsUrl = nullableString(body, 'details_url');
  const externalId = optionalString(body, 'external_id');
  const startedAt = optionalString(body, 'started_at');
  const completedAt = optionalString(body, 'completed_at');
  const name = optionalString(body, 'name');
  const output = body['output'] as Record<string, unknown> | undefined;
  if (output !== undefined) {
    if (typeof output !== 'object' || output === null) {
      throw validationFailed({ resource: 'CheckRun', code: 'invalid', field: 'output' });
    }
    run.output = {
      title: optionalString(output, 'title') ?? run.output.title,
      summary: requiredString(output, 'summary'),
      text: optionalString(output, 'text') ?? run.output.text,
    };
    run.annotations.push(...annotations(output['annotations']));
  }
  if (name !== undefined) run.name = name;
  if (detailsUrl !== undefined) run.detailsUrl = detailsUrl;
  if (externalId !== undefined) run.externalId = externalId;
  if (startedAt !== undefined) run.startedAt = startedAt;
  if (conclusion !== undefined) {
    // A conclusion completes the run, whatever status came with it.
    run.conclusion = conclusion;
    run.status = 'completed';
    run.completedAt = completedAt ?? run.completedAt ?? ctx.state.timestamp();
  } else if (status !== undefined) {
    if (status === 'completed' && run.conclusion === null) {
      throw validationFailed({
        resource: 'CheckRun',
        code: 'missing_field',
        field: 'conclusion',
        message: 'Conclusion is required when status is completed',
      });
    }
    run.status = status;
  }
  if (completedAt !== undefined) run.completedAt = completedAt;
}

const CHECK_RUNS = '/repos/{owner}/{repo}/check-runs';

export const checkRoutes: readonly Route[] = [
  repoRoute('POST', CHECK_RUNS, 'checks/runs#create-a-check-run', (ctx) => {
    const body = ctx.body();
    const name = requiredString(body, 'name');
    const headSha = requiredString(body, 'head_sha');
    const sha = ctx.repo.resolveCommitish(headSha);
    if (sha === undefined || sha !== headSha) {
      throw unprocessable('No commit found for SHA: ' + headSha);
    }
    const now = ctx.state.timestamp();
    const run: CheckRunRecord = {
      id: ctx.state.nextId(),
      checkSuiteId: ctx.state.nextId(),
      name,
      headSha,
      status: 'queued',
      conclusion: null,
      externalId: '',
      detailsUrl: null,
      startedAt: now,
      completedAt: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
    };
    applyFields(ctx, run, body);
    ctx.repo.checkRuns.set(run.id, run);
    return { status: 201, body: checkRunJson(run, ctx.repo, ctx.urls) };
  }),

  repoRoute('GET', `${CHECK_RUNS}/{check_run_id}`, 'checks/runs#get-a-check-run', (ctx) => {
    const run = ctx.repo.checkRuns.get(Number(ctx.params['check_run_id']));
    if (run === undefined) throw notFound();
    return { status: 200, body: checkRunJson(run, ctx.repo, ctx.urls) };
  }),

  repoRoute('PATCH', `${CHECK_RUNS}/{check_run_id}`, 'checks/runs#update-a-check-run', (ctx) => {
    const run = ctx.repo.checkRuns.get(Number(ctx.params['check_run_id']));
    if (run === undefined) throw notFound();
    applyFields(ctx, run, ctx.body());
    return { status: 200, body: checkRunJson(run, ctx.repo, ctx.urls) };
  }),

  repoRoute(
    'GET',
    `${CHECK_RUNS}/{check_run_id}/annotations`,
    'checks/runs#list-check-run-annotations',
    (ctx) => {
      const run = ctx.repo.checkRuns.get(Number(ctx.params['check_run_id']));
      if (run === undefined) throw notFound();
      // In the order they were sent, across the create and every update; paged like any list.
      const page = paginate(run.annotations, ctx.req, ctx);
      return {
        status: 200,
        headers: page.headers,
        body: page.items.map((a) => ({
          path: a.path,
          blob_href: `${ctx.urls.repoHtml(ctx.repo)}/blob/${run.headSha}/${a.path}`,
          start_line: a.start_line,
          end_line: a.end_line,
          start_column: a.start_column ?? null,
          end_column: a.end_column ?? null,
          annotation_level: a.annotation_level,
          title: a.title ?? null,
          message: a.message,
          raw_details: a.raw_details ?? null,
        })),
      };
    },
  ),

  repoRoute(
    'GET',
    '/repos/{owner}/{repo}/commits/{ref}/check-runs',
    'checks/runs#list-check-runs-for-a-git-reference',
    (ctx) => {
      const sha = ctx.repo.resolveCommitish(ctx.params['ref'] ?? '');
      if (sha === undefined) throw unprocessable(`No commit found for SHA: ${ctx.params['ref']}`);
      const name = ctx.query.get('check_name');
      const status = ctx.query.get('status');
      const runs = [...ctx.repo.checkRuns.values()]
        .filter((r) => r.headSha === sha)
        .filter((r) => name === null || r.name === name)
        .filter((r) => status === null || r.status === status)
        .sort((a, b) => b.id - a.id);
      return countedPage(runs, 'check_runs', (r) => checkRunJson(r, ctx.repo, ctx.urls), ctx);
    },
  ),
];
