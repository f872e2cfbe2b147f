import { describe, expect, it } from 'vitest';
import { toGitHubApiError } from '../../src/adapters/github/octokit.js';
import { useGitHubEmulator } from '../support/github-emulator/harness.js';

const gh = useGitHubEmulator();

const annotation = (line: number) => ({
  path: 'data/train.csv',
  start_line: line,
  end_line: line,
  annotation_level: 'failure' as const,
  message: `age is out of range on line ${line}`,
});

describe('check runs', () => {
  it('creates a run, completes it with annotations, and lists it for the ref', async () => {
    const { octokit, repo } = gh;
    const head = gh.emulator.repo.commitOnBranch('pr-branch', 'Change data');
    await octokit.rest.pulls.create({ ...repo, title: 'data', head: 'pr-branch', base: 'main' });

    const created = await octokit.rest.checks.create({
      ...repo,
      name: 'mlops / evaluate',
      head_sha: head.sha,
      status: 'in_progress',
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      name: 'mlops / evaluate',
      status: 'in_progress',
      conclusion: null,
      head_sha: head.sha,
      app: { slug: 'github-actions' },
    });
    expect(created.data.pull_requests.map((p) => p.head.ref)).toEqual(['pr-branch']);

    const first = await octokit.rest.checks.update({
      ...repo,
      check_run_id: created.data.id,
      output: { title: 'Evaluating', summary: 'Half way', annotations: [annotation(3)] },
    });
    expect(first.data.output.annotations_count).toBe(1);
    const done = await octokit.rest.checks.update({
      ...repo,
      check_run_id: created.data.id,
      conclusion: 'failure',
      output: {
        title: 'Gates failed',
        summary: 'accuracy below 0.9',
        annotations: [annotation(7)],
      },
    });
    expect(done.data).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'Gates failed', summary: 'accuracy below 0.9', annotations_count: 2 },
    });
    expect(done.data.completed_at).toMatch(/Z$/);
    expect(
      gh.emulator.repo.checkRuns.get(created.data.id)?.annotations.map((a) => a.start_line),
    ).toEqual([3, 7]);

    await octokit.rest.checks.create({
      ...repo,
      name: 'other',
      head_sha: head.sha,
      conclusion: 'success',
    });
    const listed = await octokit.rest.checks.listForRef({ ...repo, ref: 'pr-branch' });
    expect(listed.data.total_count).toBe(2);
    const named = await octokit.rest.checks.listForRef({
      ...repo,
      ref: head.sha,
      check_name: 'mlops / evaluate',
    });
    expect(named.data.check_runs.map((r) => r.id)).toEqual([created.data.id]);
    const got = await octokit.rest.checks.get({ ...repo, check_run_id: created.data.id });
    expect(got.data.conclusion).toBe('failure');
  });

  it('refuses more than 50 annotations in one request and a completed run without conclusion', async () => {
    const { octokit, repo } = gh;
    const sha = gh.emulator.repo.refs.get('refs/heads/main') as string;
    const tooMany = await octokit.rest.checks
      .create({
        ...repo,
        name: 'many',
        head_sha: sha,
        output: {
          title: 't',
          summary: 's',
          annotations: Array.from({ length: 51 }, (_, i) => annotation(i + 1)),
        },
      })
      .catch((e: unknown) => toGitHubApiError(e));
    expect(tooMany).toMatchObject({ status: 422 });
    expect((tooMany as Error).message).toContain(
      'No more than 50 items are allowed; 51 were supplied.',
    );
    const incomplete = await octokit.rest.checks
      .create({ ...repo, name: 'x', head_sha: sha, status: 'completed' })
      .catch((e: unknown) => toGitHubApiError(e));
    expect(incomplete).toMatchObject({ status: 422 });
  });
});

describe('check run annotations', () => {
  it('appends 50 per update and lists them all in pages, in the order they were sent', async () => {
    const { octokit, repo } = gh;
    const sha = gh.emulator.repo.refs.get('refs/heads/main') as string;
    const batch = (from: number) => Array.from({ length: 50 }, (_, i) => annotation(from + i));
    const created = await octokit.rest.checks.create({
      ...repo,
      name: 'mlops/validate',
      head_sha: sha,
      status: 'completed',
      conclusion: 'failure',
      output: { title: 't', summary: 's', annotations: batch(1) },
    });
    for (const from of [51, 101]) {
      const updated = await octokit.rest.checks.update({
        ...repo,
        check_run_id: created.data.id,
        output: { title: 't', summary: 's', annotations: batch(from) },
      });
      expect(updated.data.output.annotations_count).toBe(from + 49);
    }
    // 150 annotations at 100 a page: a first page with a `next` link, then the last 50.
    const first = await octokit.rest.checks.listAnnotations({
      ...repo,
      check_run_id: created.data.id,
      per_page: 100,
    });
    expect(first.data).toHaveLength(100);
    expect(first.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.rest.checks.listAnnotations, {
      ...repo,
      check_run_id: created.data.id,
      per_page: 100,
    });
    expect(all.map((a) => a.start_line)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(all[0]).toMatchObject({
      path: 'data/train.csv',
      annotation_level: 'failure',
      blob_href: expect.stringContaining(`/blob/${sha}/data/train.csv`) as unknown,
    });
  });
});

describe('commit statuses', () => {
  it('creates statuses and lists them newest first', async () => {
    const { octokit, repo } = gh;
    const sha = gh.emulator.repo.refs.get('refs/heads/main') as string;
    const pending = await octokit.rest.repos.createCommitStatus({
      ...repo,
      sha,
      state: 'pending',
      context: 'mlops/drift',
      description: 'Checking',
    });
    expect(pending.status).toBe(201);
    expect(pending.data).toMatchObject({
      state: 'pending',
      context: 'mlops/drift',
      creator: { login: 'github-actions[bot]' },
    });
    await octokit.rest.repos.createCommitStatus({
      ...repo,
      sha,
      state: 'success',
      context: 'mlops/drift',
      target_url: 'https://example.com/report',
    });
    const listed = await octokit.rest.repos.listCommitStatusesForRef({ ...repo, ref: 'main' });
    expect(listed.data.map((s) => s.state)).toEqual(['success', 'pending']);

    const invalid = await octokit.rest.repos
      .createCommitStatus({ ...repo, sha, state: 'bogus' as 'success' })
      .catch((e: unknown) => toGitHubApiError(e));
    expect(invalid).toMatchObject({ status: 422 });
  });
});
