import { describe, expect, it } from 'vitest';
import {
  MAX_CHECK_OUTPUT,
  publishCheckRun,
  shortDescription,
  truncateWithNote,
} from '../../src/adapters/github/check-run.js';
import { GitHubApiError } from '../../src/core/errors.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import type { Octokit } from '../../src/adapters/github/octokit.js';
import { emulatorOctokit, useGitHubEmulator } from '../support/github-emulator/harness.js';

const gh = useGitHubEmulator();
const NOT_ACCESSIBLE = {
  message: 'Resource not accessible by integration',
  documentation_url: 'https://docs.github.com/rest/checks/runs#create-a-check-run',
  status: '403',
};

function headCommit(): string {
  return gh.emulator.repo.commitOnBranch('feature', `change ${Math.random()}`).sha;
}

function publish(
  headSha: string,
  overrides: Partial<Parameters<typeof publishCheckRun>[0]> = {},
  octokit: Octokit = gh.octokit,
) {
  return publishCheckRun({
    octokit,
    ...gh.repo,
    headSha,
    name: 'mlops / evaluate iris',
    conclusion: 'success',
    title: 'Candidate passes all gates',
    summary: '| metric | delta |\n|---|---|\n| accuracy | +0.02 |',
    ...overrides,
  });
}

describe('publishCheckRun', () => {
  it('creates one run per commit and name, and updates it on a re-run', async () => {
    const sha = headCommit();
    const created = await publish(sha, { detailsUrl: 'https://example.com/run/1' });
    expect(created).toMatchObject({ kind: 'check-run', action: 'created' });
    expect(created.url).toBe(`${gh.emulator.url}/octo-org/models/runs/${created.id}`);

    const updated = await publish(sha, {
      conclusion: 'failure',
      title: 'accuracy dropped',
      summary: 'worse',
      text: 'details',
    });
    expect(updated).toMatchObject({ id: created.id, kind: 'check-run', action: 'updated' });
    const runs = [...gh.emulator.repo.checkRuns.values()].filter((r) => r.headSha === sha);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      name: 'mlops / evaluate iris',
      status: 'completed',
      conclusion: 'failure',
      detailsUrl: 'https://example.com/run/1',
      output: { title: 'accuracy dropped', summary: 'worse', text: 'details' },
    });

    // Another name, or another commit, is another run.
    await publish(sha, { name: 'mlops / evaluate rose' });
    await publish(headCommit());
    expect([...gh.emulator.repo.checkRuns.values()].filter((r) => r.headSha === sha)).toHaveLength(
      2,
    );
  });

  it('cuts a summary over 65,535 characters with a note', async () => {
    const sha = headCommit();
    const rows = Array.from({ length: 4000 }, (_, i) => `| row ${i} | ${'x'.repeat(20)} |`);
    const summary = rows.join('\n');
    expect(summary.length).toBeGreaterThan(MAX_CHECK_OUTPUT);
    await publish(sha, { summary, text: summary });
    const run = [...gh.emulator.repo.checkRuns.values()].find((r) => r.headSha === sha);
    const stored = run?.output.summary ?? '';
    expect(stored.length).toBeLessThanOrEqual(MAX_CHECK_OUTPUT);
    expect(stored).toMatch(
      /_Truncated: \d+ of \d+ characters left out \(GitHub allows 65535\)\._$/,
    );
    // Cut at a line end: the last kept row is whole.
    expect(stored.split('\n\n…')[0]).toMatch(/\| row \d+ \| x{20} \|$/);
    expect(run?.output.text?.length).toBeLessThanOrEqual(MAX_CHECK_OUTPUT);
  });

  it('falls back to a commit status when the token may not write check runs', async () => {
    const sha = headCommit();
    gh.emulator.faults.push({
      method: 'POST',
      path: '/repos/octo-org/models/check-runs',
      status: 403,
      body: NOT_ACCESSIBLE,
    });
    const logger = createMemoryLogger();
    const title = `Candidate fails the accuracy gate: ${'very long explanation '.repeat(10)}`;
    const result = await publish(sha, {
      conclusion: 'failure',
      title,
      detailsUrl: 'https://example.com/run/2',
      logger,
    });
    expect(result).toMatchObject({ kind: 'status', url: 'https://example.com/run/2' });
    const statuses = gh.emulator.repo.statuses.filter((s) => s.sha === sha);
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toMatchObject({
      id: result.id,
      state: 'failure',
      context: 'mlops / evaluate iris',
      targetUrl: 'https://example.com/run/2',
    });
    expect(statuses[0]?.description?.length).toBeLessThanOrEqual(140);
    expect(statuses[0]?.description?.endsWith('…')).toBe(true);
    expect(logger.messages('warning')).toEqual([
      expect.stringContaining('Resource not accessible by integration'),
    ]);
    expect(logger.messages('warning')[0]).toContain('Publishing a commit status instead');
    expect([...gh.emulator.repo.checkRuns.values()].filter((r) => r.headSha === sha)).toEqual([]);
  });

  it('reports a neutral verdict as a non-blocking status', async () => {
    const sha = headCommit();
    gh.emulator.faults.push({
      method: 'POST',
      path: '/repos/octo-org/models/check-runs',
      status: 403,
      body: NOT_ACCESSIBLE,
    });
    await publish(sha, { conclusion: 'neutral', title: 'No production model to compare' });
    expect(gh.emulator.repo.statuses.filter((s) => s.sha === sha)).toMatchObject([
      { state: 'success', description: 'Neutral: No production model to compare' },
    ]);
  });

  it("fails with both reasons when a fork's read-only token can write neither", async () => {
    gh.emulator.state.addToken('ghs_fork', 'github-actions[bot]', 'read');
    const fork = emulatorOctokit(gh.emulator, { token: 'ghs_fork' });
    const sha = headCommit();
    const error = await publish(sha, {}, fork).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBe(403);
    expect((error as Error).message).toMatch(
      /neither a check run \(.*Resource not accessible by integration\) nor a commit status \(.*Resource not accessible by integration\)/,
    );
  });

  it('does not mistake a failure other than a 403 for a permission problem', async () => {
    const sha = headCommit();
    gh.emulator.faults.push({
      method: 'POST',
      path: '/repos/octo-org/models/check-runs',
      status: 422,
      body: { message: 'Validation Failed', documentation_url: 'x', status: '422', errors: [] },
    });
    await expect(publish(sha)).rejects.toThrow(/failed with 422/);
    expect(gh.emulator.repo.statuses.filter((s) => s.sha === sha)).toEqual([]);
  });
});

describe('output limits', () => {
  it('leaves text within the limit alone and never splits a surrogate pair', () => {
    expect(truncateWithNote('short', 100)).toBe('short');
    const exact = 'a'.repeat(MAX_CHECK_OUTPUT);
    expect(truncateWithNote(exact)).toBe(exact);
    const emoji = '😀'.repeat(200);
    const cut = truncateWithNote(emoji, 150);
    expect(cut.length).toBeLessThanOrEqual(150);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(cut).toContain('Truncated');
  });

  it('shortens a status description to one line of 140 characters', () => {
    expect(shortDescription('Passes\n all gates')).toBe('Passes all gates');
    const long = shortDescription('x'.repeat(200));
    expect(long).toHaveLength(140);
    expect(long.endsWith('…')).toBe(true);
  });
});
