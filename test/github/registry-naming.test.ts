import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import {
  compareSemver,
  formatStageTag,
  formatStageTagMessage,
  formatVersionTag,
  isSemver,
  latestStageEvent,
  maxSemver,
  normalizeVersion,
  parseSemver,
  parseStageTag,
  parseStageTagMessage,
  parseVersionTag,
} from '../../src/core/registry/registry-port.js';

describe('semver 2.0.0', () => {
  it('orders the precedence chain given in §11 of semver.org', () => {
    // Verbatim from the specification: each is lower than the next.
    const chain = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ];
    for (let i = 0; i < chain.length - 1; i += 1) {
      expect(compareSemver(chain[i] as string, chain[i + 1] as string)).toBe(-1);
      expect(compareSemver(chain[i + 1] as string, chain[i] as string)).toBe(1);
    }
    const shuffled = [...chain].reverse().sort(compareSemver);
    expect(shuffled).toEqual(chain);
    // §11.2: 1.0.0 < 2.0.0 < 2.1.0 < 2.1.1, numerically, not lexically.
    expect(['2.1.1', '2.0.0', '1.0.0', '2.1.0', '10.0.0'].sort(compareSemver)).toEqual([
      '1.0.0',
      '2.0.0',
      '2.1.0',
      '2.1.1',
      '10.0.0',
    ]);
  });

  it('ignores build metadata in precedence (§10) and keeps it when parsing', () => {
    expect(compareSemver('1.0.0+20130313144700', '1.0.0')).toBe(0);
    expect(compareSemver('1.0.0-beta+exp.sha.5114f85', '1.0.0-beta')).toBe(0);
    expect(parseSemver('1.0.0-rc.1+build.1')).toMatchObject({
      major: '1',
      minor: '0',
      patch: '0',
      prerelease: [
        { kind: 'alphanumeric', value: 'rc' },
        { kind: 'numeric', value: '1' },
      ],
      build: ['build', '1'],
    });
  });

  it('compares numbers beyond 2^53 exactly and identifiers in ASCII order', () => {
    expect(compareSemver('9007199254740993.0.0', '9007199254740992.0.0')).toBe(1);
    expect(compareSemver('1.0.0-alpha.9007199254740993', '1.0.0-alpha.9007199254740992')).toBe(1);
    // Numeric identifiers rank below alphanumeric ones; "B" (0x42) sorts before "a" (0x61).
    expect(compareSemver('1.0.0-999', '1.0.0-a')).toBe(-1);
    expect(compareSemver('1.0.0-B', '1.0.0-a')).toBe(-1);
    expect(compareSemver('1.0.0-alpha-1', '1.0.0-alpha')).toBe(1);
  });

  it('rejects what the specification does not allow', () => {
    for (const bad of [
      '1.2',
      '1.2.3.4',
      '01.2.3',
      '1.02.3',
      '1.2.3-01',
      '1.2.3-',
      '1.2.3+',
      '1.2.3-a..b',
      'v1.2.3',
      ' 1.2.3',
      '1.2.3-Ω',
    ]) {
      expect(isSemver(bad), bad).toBe(false);
      expect(parseSemver(bad), bad).toBeNull();
    }
    expect(isSemver('0.0.0-0A.is.legal')).toBe(true);
    expect(() => compareSemver('1.2', '1.2.0')).toThrow(TypeError);
  });

  it('finds the greatest version', () => {
    expect(maxSemver(['1.2.0', '1.10.0', '1.9.9', '1.10.0-rc.1'])).toBe('1.10.0');
    expect(maxSemver([])).toBeUndefined();
  });
});

describe('GTO tag names', () => {
  it('formats and parses version tags', () => {
    expect(formatVersionTag('iris', '1.2.0')).toBe('iris@v1.2.0');
    expect(formatVersionTag('iris', 'v1.2.0-rc.1+b.7')).toBe('iris@v1.2.0-rc.1+b.7');
    expect(parseVersionTag('iris@v1.2.0')).toEqual({
      model: 'iris',
      version: '1.2.0',
      deregistered: false,
      counter: null,
    });
    expect(parseVersionTag('refs/tags/nlp/bert-base@v2.0.0-rc.1!')).toEqual({
      model: 'nlp/bert-base',
      version: '2.0.0-rc.1',
      deregistered: true,
      counter: null,
    });
    expect(parseVersionTag('iris@v1.2.0#4')).toMatchObject({ counter: 4 });
    for (const bad of [
      'iris@1.2.0',
      'Iris@v1.2.0',
      'iris@v1.2',
      'iris@deprecated',
      'iris#prod#1',
    ]) {
      expect(parseVersionTag(bad), bad).toBeNull();
    }
  });

  it('formats and parses stage tags, assignments and unassignments', () => {
    expect(formatStageTag('iris', 'production', 3)).toBe('iris#production#3');
    expect(formatStageTag('iris', 'production', 4, 'unassign')).toBe('iris#production!#4');
    expect(parseStageTag('iris#production#12')).toEqual({
      model: 'iris',
      stage: 'production',
      action: 'assign',
      n: 12,
    });
    expect(parseStageTag('refs/tags/iris#production!#13')).toEqual({
      model: 'iris',
      stage: 'production',
      action: 'unassign',
      n: 13,
    });
    // GTO's "simple" tags carry no counter.
    expect(parseStageTag('iris#staging')).toMatchObject({ stage: 'staging', n: null });
    for (const bad of ['iris#production#x', 'iris#Production#1', 'iris@v1.0.0', 'iris##1']) {
      expect(parseStageTag(bad), bad).toBeNull();
    }
  });

  it('refuses invalid names and versions with a ConfigError', () => {
    expect(() => formatVersionTag('Iris', '1.0.0')).toThrow(ConfigError);
    expect(() => formatVersionTag('iris/', '1.0.0')).toThrow(/not a valid model name/);
    expect(() => formatVersionTag('a//b', '1.0.0')).toThrow(ConfigError);
    expect(() => formatVersionTag('iris', '1.0')).toThrow(/not a semantic version/);
    expect(() => formatStageTag('iris', 'prod uction', 1)).toThrow(/not a valid stage name/);
    expect(() => formatStageTag('iris', 'production', 0)).toThrow(RangeError);
    expect(normalizeVersion('v3.0.1')).toBe('3.0.1');
  });

  it('takes the event with the greatest counter, an unassignment winning a tie', () => {
    const events = [
      { action: 'assign' as const, n: 2, id: 'a' },
      { action: 'assign' as const, n: 10, id: 'b' },
      { action: 'assign' as const, n: 1, id: 'c' },
    ];
    expect(latestStageEvent(events)?.id).toBe('b');
    expect(latestStageEvent([...events, { action: 'unassign' as const, n: 10, id: 'd' }])?.id).toBe(
      'd',
    );
    expect(latestStageEvent([])).toBeUndefined();
  });
});

describe('stage tag messages', () => {
  it('round-trips the fields', () => {
    const text = formatStageTagMessage({
      version: '1.2.0',
      pullRequest: 12,
      approvedBy: ['alice', 'bob'],
      run: 'https://github.com/octo-org/models/actions/runs/42',
    });
    expect(text).toBe(
      'version: v1.2.0\npull-request: 12\napproved-by: alice, bob\nrun: https://github.com/octo-org/models/actions/runs/42',
    );
    expect(parseStageTagMessage(text)).toEqual({
      version: '1.2.0',
      pullRequest: 12,
      approvedBy: ['alice', 'bob'],
      run: 'https://github.com/octo-org/models/actions/runs/42',
    });
    expect(
      formatStageTagMessage({ version: 'v2.0.0', pullRequest: null, approvedBy: [], run: null }),
    ).toBe('version: v2.0.0');
  });

  it('reads messages with a title, CRLF line ends and a trailing newline', () => {
    expect(
      parseStageTagMessage(
        'Promote iris to production\r\n\r\nversion: v1.3.0\r\nPull-Request: #7\r\n',
      ),
    ).toEqual({ version: '1.3.0', pullRequest: 7, approvedBy: [], run: null });
    // GTO's own messages name no version; the reader falls back to the version tag.
    expect(parseStageTagMessage('Assigning stage production to artifact iris')).toEqual({
      version: null,
      pullRequest: null,
      approvedBy: [],
      run: null,
    });
    expect(parseStageTagMessage('version: latest').version).toBeNull();
  });

  it('refuses values that would forge another line', () => {
    expect(() =>
      formatStageTagMessage({
        version: '1.0.0',
        pullRequest: null,
        approvedBy: ['alice\nversion: v9.9.9'],
        run: null,
      }),
    ).toThrow(TypeError);
    expect(() =>
      formatStageTagMessage({ version: '1.0.0', pullRequest: null, approvedBy: [], run: 'a\nb' }),
    ).toThrow(TypeError);
  });
});
