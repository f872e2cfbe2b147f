/**
 * The pure rules behind findings 3 and 4 of issue 13: who may approve a promotion (two people,
 * every commit attributed), which tags are trusted, and what a version tag records. Expected
 * values are written out by hand from the rules in the files' comments.
 */
import { describe, expect, it } from 'vitest';
import { checkApproval, type ApprovalInput } from '../../src/core/registry/approval.js';
import { parsePromotionFile } from '../../src/core/registry/promotion-file.js';
import { formatStageTagMessage } from '../../src/core/registry/registry-port.js';
import {
  formatVersionTagMessage,
  parseTagFields,
  taggerLogin,
  untrustedTagReason,
} from '../../src/core/registry/tag-trust.js';

const HEAD = 'a'.repeat(40);
const BOT = 'github-actions[bot]';

function input(overrides: Partial<ApprovalInput> = {}): ApprovalInput {
  return {
    author: BOT,
    headSha: HEAD,
    reviews: [{ user: 'alice', state: 'APPROVED', commitId: HEAD, id: 1 }],
    permissions: new Map([
      ['alice', 'write'],
      ['carol', 'maintain'],
    ]),
    commits: [{ sha: HEAD, author: BOT, committer: BOT, authorIdentity: `${BOT} <x>` }],
    ...overrides,
  };
}

describe('checkApproval: two people', () => {
  it('counts an approval by someone who did not change the pull request', () => {
    expect(checkApproval(input())).toEqual({ approved: true, approvers: ['alice'], problems: [] });
  });

  it('refuses the approval of a reviewer who authored or committed one of its commits', () => {
    const pushed = 'b'.repeat(40);
    for (const commit of [
      { sha: pushed, author: 'Alice', committer: BOT, authorIdentity: 'Alice <a@x>' },
      { sha: pushed, author: BOT, committer: 'alice', authorIdentity: `${BOT} <x>` },
    ]) {
      const verdict = checkApproval(
        input({
          commits: [{ sha: HEAD, author: BOT, committer: BOT, authorIdentity: '' }, commit],
        }),
      );
      expect(verdict.approved).toBe(false);
      expect(verdict.problems).toEqual([
        '@alice approved, but also pushed commit bbbbbbb to this pull request; an approval must come from someone who did not change it.',
      ]);
    }
    // Another reviewer who changed nothing still approves it.
    const both = checkApproval(
      input({
        reviews: [
          { user: 'alice', state: 'APPROVED', commitId: HEAD, id: 1 },
          { user: 'carol', state: 'APPROVED', commitId: HEAD, id: 2 },
        ],
        commits: [{ sha: pushed, author: 'alice', committer: 'alice', authorIdentity: '' }],
      }),
    );
    expect(both).toMatchObject({ approved: true, approvers: ['carol'] });
  });

  it('voids every approval when a commit is attributed to no account', () => {
    const verdict = checkApproval(
      input({
        commits: [{ sha: 'c'.repeat(40), author: null, committer: BOT, authorIdentity: 'G <g@x>' }],
      }),
    );
    expect(verdict.approved).toBe(false);
    expect(verdict.problems).toEqual([
      'commit ccccccc is by G <g@x>, whom GitHub matches to no account, so who changed this pull request cannot be told and no approval counts; push the promotion again from the workflow (mlops promote).',
    ]);
  });
});

describe('tag trust', () => {
  const bot = {
    name: BOT,
    email: '41898282+github-actions[bot]@users.noreply.github.com',
  };
  const author = (tagger: { name: string; email: string } | null, taggedBy: string | null) => ({
    tagger,
    verification: null,
    taggedBy,
  });

  it('reads the login from a noreply address, else the name', () => {
    expect(taggerLogin(bot)).toBe(BOT);
    expect(taggerLogin({ name: 'x', email: '583231+octocat@users.noreply.github.com' })).toBe(
      'octocat',
    );
    expect(taggerLogin({ name: 'Mona', email: 'mona@example.com' })).toBe('Mona');
  });

  it('trusts the bot, App bots and the listed logins; nobody else', () => {
    expect(untrustedTagReason(author(bot, BOT), [])).toBeNull();
    expect(untrustedTagReason(author(bot, null), [])).toBeNull();
    const app = { name: 'my-app[bot]', email: '9+my-app[bot]@users.noreply.github.com' };
    expect(untrustedTagReason(author(app, 'my-app[bot]'), [])).toBeNull();
    const alice = { name: 'alice', email: '7+alice@users.noreply.github.com' };
    expect(untrustedTagReason(author(alice, null), ['alice'])).toBeNull();
    expect(untrustedTagReason(author(alice, BOT), [])).toBe(
      'it was tagged by alice <7+alice@users.noreply.github.com>, not by the identity that publishes and promotes (github-actions[bot] or an App bot)',
    );
    expect(untrustedTagReason(author(null, null), [])).toBe(
      'it is a lightweight tag, and the registry writes annotated tags only',
    );
  });

  it('refuses a message that names another tagger, and a signature that does not verify', () => {
    const app = { name: 'my-app[bot]', email: '9+my-app[bot]@users.noreply.github.com' };
    expect(untrustedTagReason(author(app, BOT), [])).toBe(
      `its message says tagged-by ${BOT}, but it was tagged by my-app[bot] <9+my-app[bot]@users.noreply.github.com>`,
    );
    expect(
      untrustedTagReason(
        { tagger: bot, verification: { verified: false, reason: 'bad_email' }, taggedBy: BOT },
        [],
      ),
    ).toBe('its signature does not verify (bad_email)');
    expect(
      untrustedTagReason(
        { tagger: bot, verification: { verified: false, reason: 'unsigned' }, taggedBy: BOT },
        [],
      ),
    ).toBeNull();
  });

  it('writes and reads back the digest and tagger of a version tag, and of a stage tag', () => {
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
    const text = formatVersionTagMessage({
      model: 'iris',
      version: '1.2.0',
      modelDigest: digest,
      taggedBy: BOT,
    });
    expect(text).toBe(
      `Registering artifact iris version v1.2.0\n\nmodel-digest: ${digest}\ntagged-by: ${BOT}`,
    );
    expect(parseTagFields(text)).toEqual({ modelDigest: digest, taggedBy: BOT });
    expect(parseTagFields('Registering artifact iris version v1.2.0')).toEqual({
      modelDigest: null,
      taggedBy: null,
    });
    const stage = formatStageTagMessage({
      version: '1.2.0',
      pullRequest: 3,
      approvedBy: ['alice'],
      run: null,
      taggedBy: BOT,
    });
    expect(stage).toBe(`version: v1.2.0\npull-request: 3\napproved-by: alice\ntagged-by: ${BOT}`);
    expect(() =>
      formatVersionTagMessage({
        model: 'iris',
        version: '1.2.0',
        modelDigest: 'md5:1',
        taggedBy: BOT,
      }),
    ).toThrow(TypeError);
  });
});

describe('parsePromotionFile', () => {
  it('reads the version of a stage and names the file and field when it cannot', () => {
    expect(
      parsePromotionFile('model: iris\nproduction: v1.3.0\n', 'f.yml', 'iris', 'production'),
    ).toBe('1.3.0');
    expect(() =>
      parsePromotionFile('model: rose\nproduction: v1\n', 'f.yml', 'iris', 'production'),
    ).toThrow('f.yml (model): the file is for model "rose", not "iris"');
    expect(() => parsePromotionFile('model: iris\n', 'f.yml', 'iris', 'production')).toThrow(
      'f.yml (production): expected a version such as v1.2.0 for the stage "production"',
    );
  });
});
