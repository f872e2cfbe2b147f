import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../src/core/logger.js';
import {
  createOctokit,
  toGitHubApiError,
  withGitHubErrors,
} from '../../src/adapters/github/octokit.js';
import {
  emulatorOctokit,
  useGitHubEmulator,
  githubError,
} from '../support/github-emulator/harness.js';

const gh = useGitHubEmulator();

/** Requests the emulator saw for `path` since `from`. */
function attempts(path: string, from: number): number {
  return gh.emulator.exchanges.slice(from).filter((e) => e.path === path).length;
}

describe('error shapes mapped to GitHubApiError', () => {
  it('401 for a wrong token and for none', async () => {
    const { repo } = gh;
    const wrong = emulatorOctokit(gh.emulator, { token: 'ghp_wrong' });
    const bad = await githubError(wrong.rest.issues.listForRepo(repo));
    expect(bad.status).toBe(401);
    expect(bad.message).toBe(
      `GitHub API GET /repos/octo-org/models/issues failed with 401: Bad credentials`,
    );
    expect((bad.cause as { response: { data: unknown } }).response.data).toEqual({
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    });

    const anonymous = emulatorOctokit(gh.emulator, { token: '' });
    const none = await githubError(anonymous.rest.issues.listForRepo(repo));
    expect(none.status).toBe(401);
    expect(none.message).toContain('Requires authentication');
  });

  it('404 for an unknown repository, with the operation’s documentation link', async () => {
    const error = await githubError(
      gh.octokit.rest.issues.listForRepo({ owner: 'octo-org', repo: 'absent' }),
    );
    expect(error.status).toBe(404);
    expect(error.request).toEqual({
      method: 'GET',
      url: `${gh.emulator.url}/repos/octo-org/absent/issues`,
    });
    expect(error.message).toBe(
      'GitHub API GET /repos/octo-org/absent/issues failed with 404: Not Found',
    );
    expect(
      (error.cause as { response: { data: { documentation_url: string } } }).response.data
        .documentation_url,
    ).toBe('https://docs.github.com/rest/issues/issues#list-repository-issues');
  });

  it('403 for a write with a read-only token, as a fork’s token gets', async () => {
    gh.emulator.state.addToken('ghs_fork', 'github-actions[bot]', 'read');
    const fork = emulatorOctokit(gh.emulator, { token: 'ghs_fork' });
    const error = await githubError(fork.rest.issues.create({ ...gh.repo, title: 'x' }));
    expect(error.status).toBe(403);
    expect(error.message).toContain('Resource not accessible by integration');
    expect((await fork.rest.issues.listForRepo(gh.repo)).status).toBe(200);
  });

  it('leaves errors that are not request failures alone, and maps anything on demand', async () => {
    const bug = new TypeError('not a request');
    await expect(withGitHubErrors(() => Promise.reject(bug))).rejects.toBe(bug);
    const mapped = toGitHubApiError(bug);
    expect(mapped).toMatchObject({ status: 0, request: { method: 'UNKNOWN', url: '' } });
    expect(mapped.cause).toBe(bug);
    expect(toGitHubApiError(mapped)).toBe(mapped);
  });

  it('puts GitHub’s rate-limit and request headers on every response', async () => {
    const from = gh.emulator.exchanges.length;
    const ok = await gh.octokit.rest.issues.listForRepo(gh.repo);
    await githubError(gh.octokit.rest.issues.get({ ...gh.repo, issue_number: 999_999 }));
    for (const exchange of gh.emulator.exchanges.slice(from)) {
      expect(Object.keys(exchange.responseHeaders)).toEqual(
        expect.arrayContaining([
          'x-ratelimit-limit',
          'x-ratelimit-remaining',
          'x-ratelimit-reset',
          'x-ratelimit-used',
          'x-ratelimit-resource',
          'x-github-request-id',
        ]),
      );
    }
    expect(ok.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(ok.headers['x-ratelimit-remaining'])).toBeLessThan(5000);
  });
});

describe('retries and rate limits', () => {
  it('retries a 502 twice and then succeeds', async () => {
    const issue = gh.emulator.repo.addIssue({ title: 'flaky' });
    const path = `/repos/octo-org/models/issues/${issue.number}`;
    const fault = gh.emulator.faults.push({ path, status: 502, times: 2 });
    const from = gh.emulator.exchanges.length;
    const response = await gh.octokit.rest.issues.get({ ...gh.repo, issue_number: issue.number });
    expect(response.status).toBe(200);
    expect(response.data.title).toBe('flaky');
    expect(fault.hits).toBe(2);
    expect(attempts(path, from)).toBe(3);
  });

  it('waits out a secondary rate limit as retry-after says, logging a warning', async () => {
    const logger = createMemoryLogger();
    const octokit = emulatorOctokit(gh.emulator, { logger });
    const path = '/repos/octo-org/models/issues';
    gh.emulator.faults.push({
      method: 'POST',
      path,
      rateLimit: 'secondary',
      status: 403,
      retryAfter: 1,
    });
    gh.emulator.faults.push({
      method: 'POST',
      path,
      rateLimit: 'secondary',
      status: 429,
      retryAfter: 1,
    });
    const from = gh.emulator.exchanges.length;
    const created = await octokit.rest.issues.create({ ...gh.repo, title: 'after a limit' });
    expect(created.status).toBe(201);
    expect(attempts(path, from)).toBe(3);
    const [first] = gh.emulator.exchanges.slice(from);
    expect(first).toMatchObject({ status: 403, responseHeaders: { 'retry-after': '1' } });
    expect(String((first?.responseBody as { message: string }).message)).toMatch(
      /^You have exceeded a secondary rate limit\. Please wait a few minutes before you try again\./,
    );
    expect(logger.messages('warning')).toEqual([
      expect.stringMatching(
        /secondary rate limit hit on POST \/repos\/\{owner\}\/\{repo\}\/issues; retrying in 1 s \(retry 1 of 3\)/,
      ),
      expect.stringMatching(/retrying in 1 s \(retry 2 of 3\)/),
    ]);
  });

  it('waits as long as retry-after asks, scaled by retryAfterBaseValue', async () => {
    const octokit = emulatorOctokit(gh.emulator, { retryAfterBaseValue: 40 });
    const path = '/repos/octo-org/models/labels';
    gh.emulator.faults.push({ path, rateLimit: 'secondary', retryAfter: 3 });
    const from = gh.emulator.exchanges.length;
    await octokit.rest.issues.listLabelsForRepo(gh.repo);
    const [limited, retried] = gh.emulator.exchanges.slice(from);
    expect(limited?.status).toBe(403);
    expect(retried?.status).toBe(200);
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(3 * 40 - 5);
  });

  it('waits for x-ratelimit-reset on a primary rate limit', async () => {
    const logger = createMemoryLogger();
    const octokit = emulatorOctokit(gh.emulator, { logger });
    const path = '/repos/octo-org/models/labels';
    gh.emulator.faults.push({ path, rateLimit: 'primary', resetAfter: 2 });
    const from = gh.emulator.exchanges.length;
    const labels = await octokit.rest.issues.listLabelsForRepo(gh.repo);
    expect(labels.status).toBe(200);
    const [limited] = gh.emulator.exchanges.slice(from);
    expect(limited).toMatchObject({
      status: 403,
      responseHeaders: { 'x-ratelimit-remaining': '0' },
    });
    // Reset is 2 s away; the plugin adds a second so as to retry after it.
    expect(logger.messages('warning')[0]).toMatch(
      /^GitHub rate limit hit on GET .*; retrying in [23] s/,
    );
  });

  it('gives up when the limit asks for a longer wait than allowed', async () => {
    const logger = createMemoryLogger();
    const octokit = emulatorOctokit(gh.emulator, {
      logger,
      throttle: { writeIntervalMs: 0, notificationIntervalMs: 0, maxRetryAfter: 60 },
    });
    gh.emulator.faults.push({
      path: '/repos/octo-org/models/labels',
      rateLimit: 'secondary',
      retryAfter: 120,
    });
    const error = await githubError(octokit.rest.issues.listLabelsForRepo(gh.repo));
    expect(error.status).toBe(403);
    expect(error.message).toContain('You have exceeded a secondary rate limit');
    expect(logger.messages('warning')[0]).toContain(
      'asks to wait 120 s, more than the 60 s allowed',
    );
  });

  it('ends a fault that never clears in a GitHubApiError with its status', async () => {
    const issue = gh.emulator.repo.addIssue({ title: 'down' });
    const path = `/repos/octo-org/models/issues/${issue.number}`;
    const fault = gh.emulator.faults.push({ path, status: 503, times: Infinity });
    const from = gh.emulator.exchanges.length;
    const error = await githubError(
      gh.octokit.rest.issues.get({ ...gh.repo, issue_number: issue.number }),
    );
    expect(error.status).toBe(503);
    expect(error.message).toBe(`GitHub API GET ${path} failed with 503: Service Unavailable`);
    expect(attempts(path, from)).toBe(4);
    expect(fault.hits).toBe(4);

    const throttled = createMemoryLogger();
    const secondary = gh.emulator.faults.push({
      path: '/repos/octo-org/models',
      rateLimit: 'secondary',
      retryAfter: 1,
      times: Infinity,
    });
    const limited = await githubError(
      emulatorOctokit(gh.emulator, { logger: throttled, retries: 2 }).rest.repos.get(gh.repo),
    );
    expect(limited.status).toBe(403);
    expect(secondary.hits).toBe(3);
    expect(throttled.messages('warning').at(-1)).toContain('giving up after 2 retries');
    gh.emulator.faults.clear();
  });

  it('reports a dropped connection as status 0 after retrying it', async () => {
    const path = '/repos/octo-org/models/releases';
    gh.emulator.faults.push({ path, disconnect: true, times: Infinity });
    const error = await githubError(gh.octokit.rest.repos.listReleases(gh.repo));
    expect(error.status).toBe(0);
    expect(error.message).toMatch(
      /^GitHub API GET \/repos\/octo-org\/models\/releases failed: no response/,
    );
    expect(gh.emulator.exchanges.filter((e) => e.path === path && e.status === 0)).toHaveLength(4);
    gh.emulator.faults.clear();
  });

  it('answers 403 once the primary rate limit is spent', async () => {
    const rate = gh.emulator.state.rateLimit;
    const saved = { ...rate };
    rate.remaining = 0;
    try {
      const error = await githubError(
        emulatorOctokit(gh.emulator, { retries: 0 }).rest.issues.listForRepo(gh.repo),
      );
      expect(error.status).toBe(403);
      expect(error.message).toContain('API rate limit exceeded for user ID 41898282.');
    } finally {
      Object.assign(rate, saved);
    }
  });

  it('defaults baseUrl to GITHUB_API_URL', async () => {
    const previous = process.env['GITHUB_API_URL'];
    process.env['GITHUB_API_URL'] = gh.emulator.url;
    try {
      const octokit = createOctokit({ token: gh.emulator.token });
      expect((await octokit.rest.repos.get(gh.repo)).data.full_name).toBe('octo-org/models');
    } finally {
      if (previous === undefined) delete process.env['GITHUB_API_URL'];
      else process.env['GITHUB_API_URL'] = previous;
    }
  });
});
