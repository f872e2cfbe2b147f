/**
 * Where a step runs, read from the variables a GitHub runner sets (all null outside Actions), so
 * manifests and reports can link back to the commit, the pull request and the run.
 */
export interface RunContext {
  readonly inActions: boolean;
  readonly repository: string | null;
  readonly commit: string | null;
  readonly ref: string | null;
  readonly pullRequest: number | null;
  readonly runUrl: string | null;
  readonly workflow: string | null;
  readonly job: string | null;
  readonly actor: string | null;
  readonly runnerName: string | null;
  readonly eventName: string | null;
}

export function runContextFromEnv(env: NodeJS.ProcessEnv, event?: unknown): RunContext {
  const value = (name: string) => {
    const text = env[name];
    return text === undefined || text === '' ? null : text;
  };
  const server = value('GITHUB_SERVER_URL') ?? 'https://github.com';
  const repository = value('GITHUB_REPOSITORY');
  const runId = value('GITHUB_RUN_ID');
  const attempt = value('GITHUB_RUN_ATTEMPT');
  return {
    inActions: env.GITHUB_ACTIONS === 'true',
    repository,
    // On pull_request events GITHUB_SHA is a merge commit; the head commit is what was reviewed.
    commit: pullRequestHead(event) ?? value('GITHUB_SHA'),
    ref: value('GITHUB_REF'),
    pullRequest: pullRequestNumber(event) ?? pullRequestFromRef(value('GITHUB_REF')),
    runUrl:
      repository && runId
        ? `${server}/${repository}/actions/runs/${runId}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`
        : null,
    workflow: value('GITHUB_WORKFLOW'),
    job: value('GITHUB_JOB'),
    actor: value('GITHUB_ACTOR'),
    runnerName: value('RUNNER_NAME'),
    eventName: value('GITHUB_EVENT_NAME'),
  };
}

function pullRequestOf(event: unknown): Record<string, unknown> | undefined {
  if (event && typeof event === 'object' && 'pull_request' in event) {
    const pr = (event as { pull_request: unknown }).pull_request;
    if (pr && typeof pr === 'object') return pr as Record<string, unknown>;
  }
  return undefined;
}

function pullRequestNumber(event: unknown): number | null {
  const number = pullRequestOf(event)?.number;
  return typeof number === 'number' ? number : null;
}

function pullRequestHead(event: unknown): string | null {
  const head = pullRequestOf(event)?.head;
  if (head && typeof head === 'object' && 'sha' in head && typeof head.sha === 'string')
    return head.sha;
  return null;
}

function pullRequestFromRef(ref: string | null): number | null {
  const match = ref === null ? null : /^refs\/pull\/(\d+)\/(merge|head)$/.exec(ref);
  return match ? Number(match[1]) : null;
}
