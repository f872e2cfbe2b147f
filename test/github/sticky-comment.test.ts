import { describe, expect, it } from 'vitest';
import {
  GITHUB_ACTIONS_BOT,
  MAX_COMMENT_LENGTH,
  stickyBody,
  upsertStickyComment,
} from '../../src/adapters/github/sticky-comment.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import type { Octokit } from '../../src/adapters/github/octokit.js';
import { emulatorOctokit, useGitHubEmulator } from '../support/github-emulator/harness.js';

const gh = useGitHubEmulator();
const MARKER = '<!-- mlops-actions:evaluate:iris -->';

function newPullConversation(): number {
  return gh.emulator.repo.addIssue({ title: 'Train on more data' }).number;
}

function upsert(
  issueNumber: number,
  body: string,
  extra: {
    octokit?: Octokit;
    author?: string;
    logger?: ReturnType<typeof createMemoryLogger>;
  } = {},
) {
  return upsertStickyComment({
    octokit: extra.octokit ?? gh.octokit,
    ...gh.repo,
    issueNumber,
    marker: MARKER,
    body,
    logger: extra.logger ?? createMemoryLogger(),
    ...(extra.author !== undefined && { author: extra.author }),
  });
}

/** The comments on `issueNumber` as GitHub holds them, oldest first. */
function comments(issueNumber: number) {
  return [...gh.emulator.repo.comments.values()]
    .filter((c) => c.issueNumber === issueNumber)
    .sort((a, b) => a.id - b.id);
}

function marked(issueNumber: number, login = GITHUB_ACTIONS_BOT) {
  return comments(issueNumber).filter((c) => c.body.includes(MARKER) && c.user === login);
}

function writesSince(from: number): string[] {
  return gh.emulator.exchanges
    .slice(from)
    .filter((e) => e.method !== 'GET' && !e.fault)
    .map((e) => `${e.method} ${e.status}`);
}

describe('upsertStickyComment', () => {
  it('creates, then updates, then leaves an unchanged body alone', async () => {
    const pr = newPullConversation();
    const created = await upsert(pr, '## Evaluation\nAccuracy 0.91');
    expect(created.action).toBe('created');
    expect(marked(pr)).toHaveLength(1);
    expect(marked(pr)[0]?.body).toBe(`${MARKER}\n## Evaluation\nAccuracy 0.91`);
    expect(created.url).toBe(
      `${gh.emulator.url}/octo-org/models/issues/${pr}#issuecomment-${created.id}`,
    );

    const updated = await upsert(pr, '## Evaluation\nAccuracy 0.93');
    expect(updated).toMatchObject({ id: created.id, action: 'updated' });
    expect(marked(pr)[0]?.body).toBe(`${MARKER}\n## Evaluation\nAccuracy 0.93`);

    const from = gh.emulator.exchanges.length;
    const unchanged = await upsert(pr, '## Evaluation\nAccuracy 0.93');
    expect(unchanged).toMatchObject({ id: created.id, action: 'unchanged' });
    expect(writesSince(from)).toEqual([]);
    expect(comments(pr)).toHaveLength(1);
  });

  it('keeps a body that already starts with the marker as it is', async () => {
    const pr = newPullConversation();
    await upsert(pr, `${MARKER}\nHello`);
    expect(marked(pr)[0]?.body).toBe(`${MARKER}\nHello`);
  });

  it('ignores a marked comment written by someone else', async () => {
    const pr = newPullConversation();
    const forged = gh.emulator.repo.addComment(pr, `${MARKER}\nI copied the marker`, 'mallory');
    const result = await upsert(pr, 'Real results');
    expect(result.action).toBe('created');
    expect(result.id).not.toBe(forged.id);
    expect(gh.emulator.repo.comments.get(forged.id)?.body).toBe(`${MARKER}\nI copied the marker`);
    expect(marked(pr)).toHaveLength(1);
    // Comments of ours without the marker, or with another model's, are not touched either.
    gh.emulator.repo.addComment(pr, 'Unrelated', GITHUB_ACTIONS_BOT);
    gh.emulator.repo.addComment(pr, '<!-- mlops-actions:evaluate:rose -->\nx', GITHUB_ACTIONS_BOT);
    expect((await upsert(pr, 'Second run')).action).toBe('updated');
    expect(comments(pr)).toHaveLength(4);
  });

  it('converges on one comment when a concurrent run already created a second', async () => {
    const pr = newPullConversation();
    const oldest = gh.emulator.repo.addComment(pr, `${MARKER}\nrun 1`, GITHUB_ACTIONS_BOT);
    gh.emulator.repo.addComment(pr, `${MARKER}\nrun 2`, GITHUB_ACTIONS_BOT);
    const logger = createMemoryLogger();
    const result = await upsert(pr, 'run 3', { logger });
    expect(result).toMatchObject({ id: oldest.id, action: 'updated' });
    expect(marked(pr).map((c) => [c.id, c.body])).toEqual([[oldest.id, `${MARKER}\nrun 3`]]);
    expect(logger.messages('info').some((m) => m.startsWith('Deleted duplicate'))).toBe(true);
  });

  it('closes the race: a run that created after another re-lists and keeps the oldest', async () => {
    const pr = newPullConversation();
    // The other run creates its comment right after our first listing answered "none".
    let other: number | undefined;
    const stop = gh.emulator.onExchange((exchange) => {
      if (
        other === undefined &&
        exchange.method === 'GET' &&
        exchange.path.endsWith(`/issues/${pr}/comments`)
      ) {
        other = gh.emulator.repo.addComment(pr, `${MARKER}\nother run`, GITHUB_ACTIONS_BOT).id;
      }
    });
    try {
      const result = await upsert(pr, 'our run');
      expect(result).toMatchObject({ id: other, action: 'updated' });
    } finally {
      stop();
    }
    expect(marked(pr).map((c) => [c.id, c.body])).toEqual([[other, `${MARKER}\nour run`]]);
  });

  it('ends with one comment through 5xx faults on listing and creating', async () => {
    const pr = newPullConversation();
    const path = `/repos/octo-org/models/issues/${pr}/comments`;
    const listing = gh.emulator.faults.push({ method: 'GET', path, status: 502, times: 2 });
    const creating = gh.emulator.faults.push({ method: 'POST', path, status: 503 });
    const result = await upsert(pr, 'through faults');
    expect(result.action).toBe('created');
    expect(listing.hits).toBe(2);
    expect(creating.hits).toBe(1);
    expect(marked(pr)).toHaveLength(1);
  });

  it('ends with one comment when a create that failed had in fact gone through', async () => {
    const pr = newPullConversation();
    const path = `/repos/octo-org/models/issues/${pr}/comments`;
    gh.emulator.faults.push({ method: 'POST', path, status: 502 });
    // GitHub wrote the comment but the answer was lost: the retry writes a twin.
    const twins: number[] = [];
    const stop = gh.emulator.onExchange((exchange) => {
      if (exchange.fault && exchange.method === 'POST' && exchange.path === path) {
        const { body } = JSON.parse(exchange.requestBody.toString('utf8')) as { body: string };
        twins.push(gh.emulator.repo.addComment(pr, body, GITHUB_ACTIONS_BOT).id);
      }
    });
    try {
      const result = await upsert(pr, 'retried create');
      // The first attempt's comment is the older twin: it stays, already showing our body.
      expect(result).toMatchObject({ id: twins[0], action: 'unchanged' });
    } finally {
      stop();
    }
    expect(marked(pr).map((c) => c.body)).toEqual([`${MARKER}\nretried create`]);
  });

  it('waits out secondary rate limits on listing and creating', async () => {
    const pr = newPullConversation();
    const path = `/repos/octo-org/models/issues/${pr}/comments`;
    const logger = createMemoryLogger();
    gh.emulator.faults.push({ method: 'GET', path, rateLimit: 'secondary', retryAfter: 1 });
    gh.emulator.faults.push({
      method: 'POST',
      path,
      rateLimit: 'secondary',
      status: 429,
      retryAfter: 1,
    });
    const octokit = emulatorOctokit(gh.emulator, { logger });
    const result = await upsert(pr, 'after limits', { octokit, logger });
    expect(result.action).toBe('created');
    expect(marked(pr)).toHaveLength(1);
    expect(
      logger.messages('warning').filter((m) => m.includes('secondary rate limit')),
    ).toHaveLength(2);
  });

  it('finds comments across pages', async () => {
    const pr = newPullConversation();
    for (let i = 0; i < 120; i += 1) gh.emulator.repo.addComment(pr, `chatter ${i}`, 'bob');
    const first = await upsert(pr, 'v1');
    for (let i = 0; i < 30; i += 1) gh.emulator.repo.addComment(pr, `more ${i}`, 'bob');
    expect(await upsert(pr, 'v2')).toMatchObject({ id: first.id, action: 'updated' });
    expect(marked(pr)).toHaveLength(1);
  });

  it('uses the login GET /user gives for a user token', async () => {
    gh.emulator.state.addToken('ghp_alice', 'alice');
    const viaUser: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname === '/user') {
        return new Response(JSON.stringify({ login: 'alice', id: 7, type: 'User' }), {
          status: 200,
          headers: { 'content-type': 'application/json; charset=utf-8' },
        });
      }
      return fetch(input, init);
    };
    const octokit = emulatorOctokit(gh.emulator, {
      token: 'ghp_alice',
      request: { fetch: viaUser },
    });
    const pr = newPullConversation();
    gh.emulator.repo.addComment(pr, `${MARKER}\nby the bot`, GITHUB_ACTIONS_BOT);
    const first = await upsert(pr, 'by alice', { octokit });
    expect(first.action).toBe('created');
    expect(gh.emulator.repo.comments.get(first.id)?.user).toBe('alice');
    expect(await upsert(pr, 'by alice, again', { octokit })).toMatchObject({
      id: first.id,
      action: 'updated',
    });
    expect(marked(pr, 'alice')).toHaveLength(1);
    expect(marked(pr)).toHaveLength(1);
  });

  it('takes an explicit author (an App token) and warns when GitHub says otherwise', async () => {
    const pr = newPullConversation();
    const appComment = gh.emulator.repo.addComment(pr, `${MARKER}\nold`, 'mlops-app[bot]');
    const logger = createMemoryLogger();
    // This token writes as github-actions[bot], so the explicit author is wrong for it.
    const result = await upsert(pr, 'new', { author: 'mlops-app[bot]', logger });
    expect(result).toMatchObject({ id: appComment.id, action: 'updated' });

    const other = newPullConversation();
    const created = await upsert(other, 'first', { author: 'mlops-app[bot]', logger });
    expect(created.action).toBe('created');
    expect(logger.messages('warning')).toEqual([
      expect.stringContaining(
        `were looked up as written by mlops-app[bot], but GitHub wrote this one as github-actions[bot]`,
      ),
    ]);
  });

  it('refuses a body over the limit and a malformed marker before any request', async () => {
    const pr = newPullConversation();
    const from = gh.emulator.exchanges.length;
    const room = MAX_COMMENT_LENGTH - MARKER.length - 1;
    expect(stickyBody(MARKER, 'x'.repeat(room))).toHaveLength(MAX_COMMENT_LENGTH);
    // Characters are counted as GitHub counts them: one per code point.
    expect(() => stickyBody(MARKER, '😀'.repeat(room))).not.toThrow();
    await expect(upsert(pr, 'x'.repeat(room + 1))).rejects.toThrow(
      /65537 characters with its marker, over GitHub's limit of 65536/,
    );
    await expect(
      upsertStickyComment({
        octokit: gh.octokit,
        ...gh.repo,
        issueNumber: pr,
        marker: 'evaluate',
        body: 'x',
      }),
    ).rejects.toThrow(TypeError);
    expect(() => stickyBody('<!-- a -- b -->', 'x')).toThrow(TypeError);
    expect(gh.emulator.exchanges.length).toBe(from);
  });
});
