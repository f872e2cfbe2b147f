/**
 * `mlops registry show|list --github owner/repo` reads the registry of a repository: versions
 * from its releases, the stage history from its annotated stage tags (the emulator stands in for
 * GitHub through GITHUB_API_URL). Expected values are the seeded ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatStageTagMessage } from '../../src/core/registry/registry-port.js';
import {
  makeManifest,
  modelBytes,
  seedAnnotatedTag,
  seedRelease,
  sha256,
} from '../github/registry-fixtures.js';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { mlops } from '../support/run-cli.js';

let emulator: GitHubEmulator;
const saved = { token: process.env.GITHUB_TOKEN, api: process.env.GITHUB_API_URL };
const v1 = modelBytes('iris v1');
const v2 = modelBytes('iris v2');

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  const repo = emulator.repo;
  const first = repo.commitOnBranch('main', 'v1').sha;
  seedRelease(
    repo,
    'iris@v1.0.0',
    [
      { name: 'model.onnx', data: v1 },
      {
        name: 'manifest.json',
        data: Buffer.from(JSON.stringify(makeManifest('iris', '1.0.0', v1))),
      },
    ],
    { commit: first },
  );
  const second = repo.commitOnBranch('main', 'v2').sha;
  seedRelease(
    repo,
    'iris@v1.1.0',
    [
      { name: 'model.onnx', data: v2 },
      {
        name: 'manifest.json',
        data: Buffer.from(JSON.stringify(makeManifest('iris', '1.1.0', v2))),
      },
    ],
    { commit: second },
  );
  seedAnnotatedTag(
    repo,
    'iris#production#1',
    second,
    formatStageTagMessage({ version: '1.1.0', pullRequest: 4, approvedBy: ['alice'], run: null }),
  );
  seedAnnotatedTag(
    repo,
    'iris#production#2',
    first,
    formatStageTagMessage({ version: '1.0.0', pullRequest: 5, approvedBy: ['bob'], run: null }),
  );
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
  await emulator.close();
});

describe('mlops registry --github', () => {
  it('shows versions and the stage history read from the tags: a rollback to v1.0.0', async () => {
    const run = await mlops(
      process.cwd(),
      'registry',
      'show',
      'iris',
      '--github',
      emulator.repo.fullName,
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as {
      registry: string;
      versions: { version: string; modelDigest: string; stages: string[] }[];
      history: { n: number; version: string; approvedBy: string[]; current: boolean }[];
    };
    expect(json.registry).toBe(emulator.repo.fullName);
    expect(json.versions.map((v) => [v.version, v.modelDigest, v.stages])).toEqual([
      ['1.1.0', sha256(v2), []],
      ['1.0.0', sha256(v1), ['production']],
    ]);
    expect(json.history.map((e) => [e.n, e.version, e.approvedBy, e.current])).toEqual([
      [2, '1.0.0', ['bob'], true],
      [1, '1.1.0', ['alice'], false],
    ]);
  });

  it('lists the model with its latest and production versions', async () => {
    const run = await mlops(
      process.cwd(),
      'registry',
      'list',
      '--github',
      emulator.repo.fullName,
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      models: [
        { model: 'iris', latest: '1.1.0', production: '1.0.0', versions: 2, stageEvents: 2 },
      ],
    });
  });

  it('refuses --github without owner/repo', async () => {
    const run = await mlops(process.cwd(), 'registry', 'list', '--github', 'iris');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--github expects owner/repo, got "iris"');
  });
});
