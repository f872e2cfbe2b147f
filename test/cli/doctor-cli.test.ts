/**
 * `mlops doctor` (the bundled CLI) against the emulator's settings endpoints: each check in an
 * ok and a missing case, a token refused with 403 reported as unknown (never failing), and the
 * exit status (1 only when a required setting is missing). The expected verdicts follow from the
 * settings each test seeds and GitHub's documented meaning of them (docs/gpu-runners.md).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { refPatternMatches } from '../../src/core/doctor/diagnose.js';
import {
  forbidRunnerGroups,
  orgRunnerGroups,
  repoSettings,
  startGitHubEmulator,
  type GitHubEmulator,
  type RepoState,
} from '../support/github-emulator/index.js';
import { OpenApiConformance } from '../support/github-emulator/openapi-conformance.js';
import { mlops } from '../support/run-cli.js';

let emulator: GitHubEmulator;
let personal: GitHubEmulator;
let dir: string;
const saved = { token: process.env.GITHUB_TOKEN, api: process.env.GITHUB_API_URL };
const GPU = '["self-hosted", "linux", "x64", "gpu"]';

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  personal = await startGitHubEmulator({ owner: 'alice', repo: 'models' });
  dir = await mkdtemp(path.join(tmpdir(), 'mlops-doctor-'));
  process.env.GITHUB_TOKEN = emulator.token;
  process.env.GITHUB_API_URL = emulator.url;
});

afterAll(async () => {
  for (const [key, value] of [
    ['GITHUB_TOKEN', saved.token],
    ['GITHUB_API_URL', saved.api],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    for (const e of [emulator, personal]) {
      expect(e.crashes).toEqual([]);
      expect(OpenApiConformance.load().check(e.exchanges).problems).toEqual([]);
    }
  } finally {
    await emulator.close();
    await personal.close();
    await rm(dir, { recursive: true, force: true });
  }
});

/** Back to GitHub's defaults: nothing configured. */
function reset(repo: RepoState): void {
  const settings = repoSettings(repo);
  settings.forkApprovalPolicy = 'first_time_contributors';
  settings.defaultWorkflowPermissions = 'read';
  settings.canApprovePullRequestReviews = false;
  settings.environments.clear();
  settings.rulesets.clear();
  settings.forbidden.clear();
  orgRunnerGroups(emulator.state, repo.owner.login).length = 0;
}

/** The settings a careful team has: every check ok. */
function secure(repo: RepoState): void {
  const settings = repoSettings(repo);
  settings.forkApprovalPolicy = 'all_external_contributors';
  repo.world.addUser('maintainer');
  settings.addEnvironment('gpu-training', { reviewers: ['maintainer'], preventSelfReview: true });
  settings.addRuleset({ name: 'model versions', include: ['refs/tags/*@v*'] });
  settings.addRuleset({
    name: 'stages',
    include: ['refs/tags/*#*'],
    rules: ['creation', 'update', 'deletion'],
  });
  orgRunnerGroups(emulator.state, repo.owner.login).push({
    id: 2,
    name: 'gpu',
    visibility: 'selected',
    repositories: [repo.name],
    restrictedToWorkflows: true,
    selectedWorkflows: [
      `${repo.fullName}/.github/workflows/mlops-pull-request.yml@refs/heads/main`,
    ],
    allowsPublicRepositories: false,
    runners: [
      { id: 7, name: 'gpu-1', labels: ['self-hosted', 'linux', 'x64', 'gpu'], ephemeral: true },
    ],
  });
}

/** `[status] title` lines, by finding. */
function verdicts(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of stdout.matchAll(
    /^\[(ok|MISSING|unknown)\] (.+?) \((required|recommended)\)$/gm,
  )) {
    out[match[2] as string] = `${match[1]} ${match[3]}`;
  }
  return out;
}

const FORK = 'Fork pull requests wait for approval';
const ENV = 'Environment "gpu-training" has required reviewers';
const GROUP =
  'GPU runners: a group limited to this repository and its workflows, ephemeral runners';
const VERSIONS = 'A tag ruleset protects *@v* (model versions)';
const STAGES = 'A tag ruleset protects *#* (stage assignments)';
const RELEASES = 'A tag ruleset protects v* (releases of the actions)';
const TOKEN = 'GITHUB_TOKEN is read-only by default and cannot approve pull requests';

async function doctor(...args: string[]) {
  return mlops(dir, 'doctor', '--repo', emulator.repo.fullName, ...args);
}

describe('mlops doctor', () => {
  beforeEach(() => reset(emulator.repo));

  it('on a repository left at GitHub defaults, with GPU runners: every gate is missing, exit 1', async () => {
    const run = await doctor('--gpu-runner-labels', GPU);
    expect(run.code, run.stderr).toBe(1);
    expect(verdicts(run.stdout)).toEqual({
      [FORK]: 'MISSING required',
      [ENV]: 'MISSING required',
      // No runner with these labels in any group visible to the repository.
      [GROUP]: 'unknown required',
      [VERSIONS]: 'MISSING recommended',
      [STAGES]: 'MISSING recommended',
      [TOKEN]: 'ok recommended',
    });
    expect(run.stdout).toContain('the policy is first_time_contributors');
    expect(run.stdout).toContain(
      "GitHub creates it on the train job's first run, with no protection",
    );
    expect(run.stdout).toContain('"Require approval for all external contributors"');
    expect(run.stdout).toContain('2 required settings are missing.');
  });

  it('with every setting in place: all ok, exit 0', async () => {
    secure(emulator.repo);
    const run = await doctor('--gpu-runner-labels', 'self-hosted,gpu', '--release-tags');
    // v* is not covered by the two registry rulesets: --release-tags makes it required.
    expect(verdicts(run.stdout)).toEqual({
      [FORK]: 'ok required',
      [ENV]: 'ok required',
      [GROUP]: 'ok required',
      [VERSIONS]: 'ok recommended',
      [STAGES]: 'ok recommended',
      [RELEASES]: 'MISSING required',
      [TOKEN]: 'ok recommended',
    });
    expect(run.code).toBe(1);
    repoSettings(emulator.repo).addRuleset({ name: 'releases', include: ['refs/tags/v*'] });
    const again = await doctor('--gpu-runner-labels', 'self-hosted,gpu', '--release-tags');
    expect(again.code, again.stdout).toBe(0);
    expect(verdicts(again.stdout)[RELEASES]).toBe('ok required');
    expect(again.stdout).toContain('No required setting is missing.');
    expect(again.stdout).toContain(
      '"stages": updates and deletions restricted; creation restricted too',
    );
  });

  it('reports each half-done setting as missing, saying what is wrong', async () => {
    secure(emulator.repo);
    const settings = repoSettings(emulator.repo);
    settings.environments.clear();
    settings.addEnvironment('gpu-training'); // exists, no reviewers
    settings.rulesets.clear();
    settings.addRuleset({ name: 'versions', include: ['refs/tags/*@v*'], enforcement: 'disabled' });
    settings.addRuleset({ name: 'stages', include: ['refs/tags/*#*'], rules: ['deletion'] });
    settings.canApprovePullRequestReviews = true;
    const group = orgRunnerGroups(emulator.state, emulator.repo.owner.login)[0];
    if (group === undefined) throw new Error('secure() adds a group');
    group.visibility = 'all';
    group.restrictedToWorkflows = false;
    group.runners.push({
      id: 8,
      name: 'gpu-2',
      labels: ['self-hosted', 'linux', 'x64', 'gpu'],
      ephemeral: false,
    });

    const run = await doctor('--gpu-runner-labels', GPU);
    expect(run.code).toBe(1);
    expect(verdicts(run.stdout)).toEqual({
      [FORK]: 'ok required',
      [ENV]: 'MISSING required',
      [GROUP]: 'MISSING required',
      [VERSIONS]: 'MISSING recommended',
      [STAGES]: 'MISSING recommended',
      [TOKEN]: 'MISSING recommended',
    });
    expect(run.stdout).toContain('"gpu-training" exists without required reviewers');
    expect(run.stdout).toContain('group "gpu" is visible to all repositories');
    expect(run.stdout).toContain('group "gpu" runs any workflow');
    expect(run.stdout).toContain('runners gpu-2 in "gpu" are not ephemeral');
    expect(run.stdout).toContain('"versions" is disabled');
    expect(run.stdout).toContain('lack "update"');
    expect(run.stdout).toContain(
      '"Allow GitHub Actions to create and approve pull requests" is on',
    );
  });

  it('reports what the token may not read (403) as unknown and does not fail on it', async () => {
    const settings = repoSettings(emulator.repo);
    for (const area of [
      'fork-approval',
      'environments',
      'rulesets',
      'workflow-permissions',
    ] as const) {
      settings.forbidden.add(area);
    }
    forbidRunnerGroups(emulator.state, emulator.repo.owner.login);
    const summary = path.join(dir, 'summary.md');
    const run = await doctor('--gpu-runner-labels', GPU, '--summary', summary);
    expect(run.code, run.stderr).toBe(0);
    expect(Object.values(verdicts(run.stdout)).map((v) => v.split(' ')[0])).toEqual(
      Array(6).fill('unknown'),
    );
    expect(run.stdout).toContain('could not read it (403');
    expect(run.stdout).toContain('6 could not be read with this token');
    const markdown = await readFile(summary, 'utf8');
    expect(markdown).toContain('| unknown | Fork pull requests wait for approval |');
  });

  it('training on GitHub-hosted runners: fork approval is advice, no environment or runner group is needed', async () => {
    const run = await doctor('--gpu-runner-labels', '"ubuntu-latest"');
    expect(run.code, run.stdout).toBe(0);
    expect(verdicts(run.stdout)).toEqual({
      [FORK]: 'MISSING recommended',
      [GROUP]: 'ok recommended',
      [VERSIONS]: 'MISSING recommended',
      [STAGES]: 'MISSING recommended',
      [TOKEN]: 'ok recommended',
    });
  });

  it('fails with --fail-on never only when asked not to, and refuses bad flags with exit 2', async () => {
    const never = await doctor('--gpu-runner-labels', GPU, '--fail-on', 'never');
    expect(never.code).toBe(0);
    expect(never.stdout).toContain('[MISSING] Fork pull requests wait for approval');
    const bad = await doctor('--gpu-runner-labels', '[gpu');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--gpu-runner-labels: [gpu is not valid JSON');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('a personal repository has no runner groups: unknown, with the advice that applies', async () => {
    process.env.GITHUB_API_URL = personal.url;
    process.env.GITHUB_TOKEN = personal.token;
    try {
      const run = await mlops(
        dir,
        'doctor',
        '--repo',
        personal.repo.fullName,
        '--gpu-runner-labels',
        GPU,
      );
      expect(run.code, run.stderr).toBe(1);
      expect(verdicts(run.stdout)[GROUP]).toBe('unknown required');
      expect(run.stdout).toContain('a personal repository has no runner groups');
    } finally {
      process.env.GITHUB_API_URL = emulator.url;
      process.env.GITHUB_TOKEN = emulator.token;
    }
  });
});

describe('ruleset ref patterns (fnmatch, as GitHub documents for rulesets)', () => {
  it('matches * within a segment, ** across, and ~ALL everything', () => {
    expect(refPatternMatches('refs/tags/*@v*', 'refs/tags/iris@v1.2.0')).toBe(true);
    expect(refPatternMatches('refs/tags/*#*', 'refs/tags/iris#production#3')).toBe(true);
    expect(refPatternMatches('refs/tags/v*', 'refs/tags/iris@v1.2.0')).toBe(false);
    expect(refPatternMatches('refs/tags/*', 'refs/tags/team/iris@v1')).toBe(false);
    expect(refPatternMatches('refs/tags/**', 'refs/tags/team/iris@v1')).toBe(true);
    expect(refPatternMatches('~ALL', 'refs/tags/anything')).toBe(true);
    expect(refPatternMatches('refs/tags/v1.?', 'refs/tags/v1.2')).toBe(true);
  });
});
