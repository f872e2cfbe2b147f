/**
 * The guards of our release (scripts/release-guards.mjs): the pure rules with hand-worked cases
 * (semantic-version order from semver.org §11, a Keep-a-Changelog file), and `check-source`
 * against the GitHub emulator, through the script's command line as the release workflow runs it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  changelogEntry,
  checkSource,
  ciVerdict,
  compareVersions,
  githubApi,
  parseVersion,
  shouldMoveMajor,
  treeProblems,
} from '../../scripts/release-guards.mjs';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';

const root = path.resolve(import.meta.dirname, '../..');
const script = path.join(root, 'scripts/release-guards.mjs');

const CHANGELOG = `# Changelog

## [Unreleased]

### Added

- something not released yet

## [1.2.0] - 2026-12-01

### Added

- the thing released in 1.2.0

## [1.1.0] - 2026-11-01

- older

[1.2.0]: https://github.com/mlops-actions/mlops-actions/releases/tag/v1.2.0
`;

describe('versions', () => {
  it('accepts vMAJOR.MINOR.PATCH and prereleases, refuses the rest with the expected form', () => {
    expect(parseVersion('v1.2.3')).toEqual({
      tag: 'v1.2.3',
      major: 1,
      minor: 2,
      patch: 3,
      prerelease: null,
    });
    expect(parseVersion('v1.3.0-rc.1').prerelease).toBe('rc.1');
    for (const bad of ['1.2.3', 'v1', 'v1.2', 'v01.2.3', 'v1.2.3-', 'v1.2.3 ', 'release/v1.2.3']) {
      expect(() => parseVersion(bad), bad).toThrow(/expected vMAJOR\.MINOR\.PATCH/);
    }
  });

  it('orders versions as semver.org §11 does', () => {
    // The example chain of semver.org §11, each lower than the next.
    const chain = [
      'v1.0.0-alpha',
      'v1.0.0-alpha.1',
      'v1.0.0-alpha.beta',
      'v1.0.0-beta',
      'v1.0.0-beta.2',
      'v1.0.0-beta.11',
      'v1.0.0-rc.1',
      'v1.0.0',
      'v1.0.1',
      'v1.1.0',
      'v1.10.0',
      'v2.0.0',
    ].map(parseVersion);
    for (let i = 0; i + 1 < chain.length; i += 1) {
      expect(compareVersions(chain[i]!, chain[i + 1]!), chain[i]!.tag).toBe(-1);
      expect(compareVersions(chain[i + 1]!, chain[i]!), chain[i]!.tag).toBe(1);
    }
    expect(compareVersions(parseVersion('v1.2.3'), parseVersion('v1.2.3'))).toBe(0);
  });

  it('moves the major tag only for the newest release of that major', () => {
    const tags = ['v1', 'v1.0.0', 'v1.1.0', 'v1.3.0', 'v1.4.0-rc.1', 'v2.0.0', 'v0.9.0'];
    expect(shouldMoveMajor(parseVersion('v1.3.1'), tags)).toBe(true);
    expect(shouldMoveMajor(parseVersion('v1.4.0'), tags)).toBe(true);
    // A patch of an older minor leaves v1 on v1.3.0.
    expect(shouldMoveMajor(parseVersion('v1.1.1'), tags)).toBe(false);
    // Prereleases never move it.
    expect(shouldMoveMajor(parseVersion('v1.5.0-rc.1'), tags)).toBe(false);
    // The first release of a major.
    expect(shouldMoveMajor(parseVersion('v3.0.0'), tags)).toBe(true);
  });
});

describe('changelogEntry', () => {
  it('is the text under the version heading, up to the next heading, without link references', () => {
    expect(changelogEntry(CHANGELOG, 'v1.2.0')).toBe('### Added\n\n- the thing released in 1.2.0');
    expect(changelogEntry(CHANGELOG, 'v1.1.0')).toBe('- older');
  });

  it('is null for a version without an entry, and does not take a longer version for it', () => {
    expect(changelogEntry(CHANGELOG, 'v1.3.0')).toBeNull();
    expect(changelogEntry('## [1.2.0-rc.1]\n\n- rc\n', 'v1.2.0')).toBeNull();
    expect(changelogEntry('## [1.2.0]\n\n## [1.1.0]\n- x\n', 'v1.2.0')).toBeNull();
  });
});

describe('ciVerdict', () => {
  const sha = 'a'.repeat(40);
  const run = (over: Partial<Parameters<typeof ciVerdict>[0][number]>) => ({
    head_sha: sha,
    head_branch: 'main',
    event: 'push',
    status: 'completed',
    conclusion: 'success',
    ...over,
  });

  it('accepts a successful push run of this commit on the default branch', () => {
    expect(ciVerdict([run({ conclusion: 'failure' }), run({})], { sha, branch: 'main' })).toBe(
      null,
    );
  });

  it('does not count pull request runs, other branches or other commits', () => {
    for (const other of [
      run({ event: 'pull_request' }),
      run({ head_branch: 'feature' }),
      run({ head_sha: 'b'.repeat(40) }),
    ]) {
      expect(ciVerdict([other], { sha, branch: 'main' })).toMatch(/^no ci\.yml run for a push/);
    }
  });

  it('says whether CI is still running or failed', () => {
    expect(
      ciVerdict([run({ status: 'in_progress', conclusion: null })], { sha, branch: 'main' }),
    ).toMatch(/has not finished/);
    expect(ciVerdict([run({ conclusion: 'failure' })], { sha, branch: 'main' })).toMatch(
      /did not pass on .* \(failure\)/,
    );
  });
});

describe('treeProblems', () => {
  const version = 'v1.2.0';
  const complete: Record<string, string> = {
    'action.yml':
      'runs:\n  using: node24\n  main: dist/index.js\n# uses: mlops-actions/mlops-actions@v1.2.0\n',
    'actions/train/action.yml': "runs:\n  using: node24\n  main: '../../dist/train.js'\n",
    '.github/workflows/mlops-pull-request.yml':
      'jobs:\n  t:\n    steps:\n      - uses: mlops-actions/mlops-actions/actions/train@v1.2.0\n',
    'workflows/mlops-pull-request.yml':
      'jobs:\n  c:\n    uses: mlops-actions/mlops-actions/.github/workflows/mlops-pull-request.yml@v1.2.0\n',
    'package.json': '{}',
    LICENSE: 'MIT',
    'README.md': '',
    'CHANGELOG.md': '',
    'bin/mlops.js': '',
    'dist/index.js': '',
    'dist/cli.js': '',
    'dist/train.js': '',
    'dist/node_modules/onnxruntime-node/package.json': '{}',
    'dist/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node': '',
    'dist/node_modules/onnxruntime-common/package.json': '{}',
    'schemas/mlops.schema.json': '{}',
    'schemas/dataset-schema.schema.json': '{}',
  };
  const problems = (files: Record<string, string>) =>
    treeProblems(Object.keys(files), (file) => files[file] ?? '', version);

  it('finds nothing wrong with a complete tree', () => {
    expect(problems(complete)).toEqual([]);
  });

  it('names a missing bundle, an action whose main is missing and a missing binary', () => {
    const { 'dist/index.js': _index, 'dist/train.js': _train, ...rest } = complete;
    const noBinary = Object.fromEntries(
      Object.entries(rest).filter(([file]) => !file.includes('/bin/napi-')),
    );
    expect(problems(noBinary)).toEqual([
      'dist/index.js is missing',
      'action.yml runs dist/index.js, which is missing',
      'actions/train/action.yml runs dist/train.js, which is missing',
      'onnxruntime-node has no linux/x64 binaries',
    ]);
  });

  it('refuses our own uses at another ref, or naming what the tree lacks', () => {
    expect(
      problems({
        ...complete,
        'workflows/mlops-drift.yml':
          'jobs:\n  d:\n    uses: mlops-actions/mlops-actions/.github/workflows/mlops-drift.yml@v1\n' +
          '  e:\n    uses: mlops-actions/mlops-actions/.github/workflows/mlops-drift.yml@v1.2.0\n' +
          '  f:\n    steps:\n      - uses: mlops-actions/mlops-actions/actions/evaluate@v1.2.0\n',
      }),
    ).toEqual([
      'workflows/mlops-drift.yml: `mlops-actions/mlops-actions/.github/workflows/mlops-drift.yml@v1` is not at v1.2.0',
      'workflows/mlops-drift.yml: `mlops-actions/mlops-actions/.github/workflows/mlops-drift.yml@v1.2.0` names .github/workflows/mlops-drift.yml, which the tree lacks',
      'workflows/mlops-drift.yml: `mlops-actions/mlops-actions/actions/evaluate@v1.2.0` names actions/evaluate, which the tree lacks',
    ]);
  });
});

describe('check-source against the GitHub API', () => {
  let emulator: GitHubEmulator;
  let dir: string;
  let sha: string;
  const version = 'v1.2.0';

  beforeEach(async () => {
    emulator = await startGitHubEmulator();
    dir = await mkdtemp(path.join(os.tmpdir(), 'mlops-release-guards-'));
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ version: '1.2.0' }));
    await writeFile(path.join(dir, 'CHANGELOG.md'), CHANGELOG);
    sha = emulator.repo.refs.get('refs/heads/main') as string;
    const ci = emulator.repo.addWorkflow('ci.yml', 'ci');
    emulator.repo.addWorkflowRun(ci, { event: 'push', branch: 'main', headSha: sha });
    emulator.repo.refs.set('refs/tags/v1.1.0', sha);
    emulator.repo.refs.set('refs/tags/v1', sha);
  });

  afterEach(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the script as release.yml's guard step does; its exit status, stdout and outputs. */
  async function run(over: Record<string, string> = {}, args: string[] = []) {
    const output = path.join(dir, 'github-output');
    await writeFile(output, '');
    const result = await promisify(execFile)(
      process.execPath,
      [script, 'check-source', '--version', version, '--root', dir, ...args],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          GITHUB_API_URL: emulator.url,
          GITHUB_TOKEN: emulator.token,
          GITHUB_REPOSITORY: emulator.repo.fullName,
          GITHUB_SHA: sha,
          GITHUB_REF: 'refs/heads/main',
          GITHUB_OUTPUT: output,
          ...over,
        },
      },
    ).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    return { ...result, outputs: await readFile(output, 'utf8') };
  }

  it('passes a CI-green head of the default branch with a new version, and says v1 moves', async () => {
    const result = await run();
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs).toBe(
      'tag=v1.2.0\nmajor=v1\nprerelease=false\nmove-major=true\nlatest=true\n',
    );
  });

  it('refuses a version tag that exists: versions are never moved', async () => {
    emulator.repo.refs.set('refs/tags/v1.2.0', sha);
    const result = await run();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^::error title=release::the tag v1\.2\.0 exists .*released versions are never moved/m,
    );
    expect(result.outputs).toBe('');
  });

  it('refuses a run from another branch, and a commit CI did not pass on a push', async () => {
    const other = await run({ GITHUB_REF: 'refs/heads/feature' });
    expect(other.code).toBe(1);
    expect(other.stdout).toContain(
      'the release runs from refs/heads/feature: run it on the default branch main',
    );

    const untested = emulator.repo.commitOnBranch('main').sha;
    const ci = [...emulator.repo.workflows.values()].find((w) => w.path.endsWith('/ci.yml'))!;
    // CI passed on the pull request's run of it, and failed on the push: not good enough.
    emulator.repo.addWorkflowRun(ci, { event: 'pull_request', branch: 'main', headSha: untested });
    emulator.repo.addWorkflowRun(ci, {
      event: 'push',
      branch: 'main',
      headSha: untested,
      conclusion: 'failure',
    });
    const failed = await run({ GITHUB_SHA: untested });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`ci.yml did not pass on ${untested} (failure): fix main first`);
  });

  it('refuses when package.json or the CHANGELOG do not name the version, saying both', async () => {
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ version: '1.1.0' }));
    await writeFile(path.join(dir, 'CHANGELOG.md'), '# Changelog\n\n## [Unreleased]\n\n- x\n');
    const result = await run();
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').filter((l) => l.startsWith('::error'))).toEqual([
      "::error title=release::package.json's version is 1.1.0, not 1.2.0: the version's one source is package.json; change it in a pull request first",
      '::error title=release::CHANGELOG.md has no entry "## [1.2.0]": move the Unreleased notes under it first',
    ]);
  });

  it('leaves v1 where it is for a patch of an older minor, and for a prerelease', async () => {
    emulator.repo.refs.set('refs/tags/v1.3.0', sha);
    const get = githubApi({ apiUrl: emulator.url, token: emulator.token });
    const common = {
      get,
      repository: emulator.repo.fullName,
      sha,
      ref: 'refs/heads/main',
      changelog: `${CHANGELOG}\n## [1.4.0-rc.1]\n\n- rc\n`,
    };
    await expect(checkSource({ ...common, version, packageVersion: '1.2.0' })).resolves.toEqual({
      tag: 'v1.2.0',
      major: 'v1',
      prerelease: false,
      moveMajor: false,
      latest: false,
    });
    await expect(
      checkSource({ ...common, version: 'v1.4.0-rc.1', packageVersion: '1.4.0-rc.1' }),
    ).resolves.toEqual({
      tag: 'v1.4.0-rc.1',
      major: 'v1',
      prerelease: true,
      moveMajor: false,
      latest: false,
    });
  });

  it('moves v1 but does not mark a v1 fix "latest" once v2 exists', async () => {
    emulator.repo.refs.set('refs/tags/v2.0.0', sha);
    const result = await checkSource({
      get: githubApi({ apiUrl: emulator.url, token: emulator.token }),
      repository: emulator.repo.fullName,
      sha,
      ref: 'refs/heads/main',
      changelog: CHANGELOG,
      version,
      packageVersion: '1.2.0',
    });
    expect(result).toMatchObject({ moveMajor: true, latest: false });
  });
});
