/**
 * `mlops registry list|show` on a registry written through the local registry's writer: tables a
 * person reads, JSON a script reads, and a user error (exit 2) naming the folder and its models for
 * a model that is not there. Runs the built command (`npm run build` first, as `npm test` does).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalRegistry } from '../../src/adapters/registry/local-registry.js';
import { modelBytes, sha256 } from '../github/registry-fixtures.js';
import { commit, publishRequest } from '../registry/publish-fixtures.js';
import { mlops } from '../support/run-cli.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

let workspace: Workspace | undefined;
afterEach(async () => {
  await workspace?.cleanup();
  workspace = undefined;
});

/**
 * iris: v1.0.0 (model "one", commit 1…) and v1.1.0 (model "two", commit 2…); staging → 1.1.0
 * (#1), production → 1.0.0 (#2), → 1.1.0 (#3), rolled back → 1.0.0 (#4).
 * nlp/iris: v1.0.0, no stages.
 */
async function seeded(): Promise<Workspace> {
  const ws = await createWorkspace({});
  const registry = createLocalRegistry(ws.path('.mlops/registry'));
  await registry.publish(
    await publishRequest({ seed: 'one', commit: commit('1'), createdAt: '2026-03-01T10:00:00Z' }),
  );
  await registry.publish(
    await publishRequest({ seed: 'two', commit: commit('2'), createdAt: '2026-03-02T10:00:00Z' }),
  );
  const promote = (stage: string, version: string, extra: object = {}) =>
    registry.assignStage({
      model: 'iris',
      stage,
      version,
      pullRequest: null,
      approvedBy: [],
      run: null,
      ...extra,
    });
  await promote('staging', '1.1.0');
  await promote('production', '1.0.0', { pullRequest: 3, approvedBy: ['alice'] });
  await promote('production', '1.1.0', {
    pullRequest: 4,
    approvedBy: ['alice', 'bob'],
    run: 'https://github.com/o/r/actions/runs/7',
  });
  await promote('production', '1.0.0');
  await registry.publish(
    await publishRequest({
      model: 'nlp/iris',
      seed: 'nlp',
      commit: null,
      createdAt: '2026-03-03T10:00:00Z',
    }),
  );
  return ws;
}

const digestOne = sha256(modelBytes('one'));
const digestTwo = sha256(modelBytes('two'));

describe('mlops registry list', () => {
  it('prints every model with its latest and production versions', async () => {
    workspace = await seeded();
    const result = await mlops(workspace.dir, 'registry', 'list');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'MODEL     LATEST  PRODUCTION  VERSIONS  STAGE EVENTS',
        'iris      v1.1.0  v1.0.0      2         4',
        'nlp/iris  v1.0.0  -           1         0',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON with --json, and says so when the registry is empty', async () => {
    workspace = await seeded();
    const result = await mlops(workspace.dir, 'registry', 'list', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      registry: workspace.path('.mlops/registry'),
      models: [
        { model: 'iris', latest: '1.1.0', production: '1.0.0', versions: 2, stageEvents: 4 },
        { model: 'nlp/iris', latest: '1.0.0', production: null, versions: 1, stageEvents: 0 },
      ],
    });
    const empty = await mlops(workspace.dir, 'registry', 'list', '--registry', 'nowhere');
    expect(empty).toEqual({ code: 0, stdout: 'no models in nowhere\n', stderr: '' });
  });
});

describe('mlops registry show', () => {
  it('prints the versions and the stage history with the current holders marked', async () => {
    workspace = await seeded();
    const result = await mlops(workspace.dir, 'registry', 'show', 'iris');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // sha256: and 12 hex digits of each model's digest.
    const one = digestOne.slice(0, 19);
    const two = digestTwo.slice(0, 19);
    expect(result.stdout).toBe(
      [
        'iris in .mlops/registry: 2 versions, 4 stage events',
        '',
        'VERSION  CREATED               MODEL DIGEST         STAGES',
        `v1.1.0   2026-03-02T10:00:00Z  ${two}  staging`,
        `v1.0.0   2026-03-01T10:00:00Z  ${one}  production`,
        '',
        'Stage history, newest first (* marks the current holder of a stage):',
        '',
        '   #   STAGE       VERSION  PULL REQUEST  APPROVED BY  RUN',
        '*  #4  production  v1.0.0   -             -            -',
        '   #3  production  v1.1.0   #4            alice, bob   https://github.com/o/r/actions/runs/7',
        '   #2  production  v1.0.0   #3            alice        -',
        '*  #1  staging     v1.1.0   -             -            -',
        '',
      ].join('\n'),
    );

    const nested = await mlops(workspace.dir, 'registry', 'show', 'nlp/iris');
    expect(nested.code).toBe(0);
    expect(nested.stdout).toBe(
      [
        'nlp/iris in .mlops/registry: 1 version, 0 stage events',
        '',
        'VERSION  CREATED               MODEL DIGEST         STAGES',
        `v1.0.0   2026-03-03T10:00:00Z  ${sha256(modelBytes('nlp')).slice(0, 19)}`,
        '',
        'no stage history',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON with --json', async () => {
    workspace = await seeded();
    const registry = workspace.path('.mlops/registry');
    const result = await mlops(workspace.dir, 'registry', 'show', 'iris', '--json');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['registry', 'model', 'versions', 'stages', 'history']);
    expect(json.registry).toBe(registry);
    expect(json.model).toBe('iris');
    expect(json.versions).toEqual([
      {
        version: '1.1.0',
        tag: 'iris@v1.1.0',
        createdAt: '2026-03-02T10:00:00Z',
        modelDigest: digestTwo,
        stages: ['staging'],
        releaseUrl: pathToFileURL(path.join(registry, 'iris', 'v1.1.0')).href,
        problem: null,
      },
      {
        version: '1.0.0',
        tag: 'iris@v1.0.0',
        createdAt: '2026-03-01T10:00:00Z',
        modelDigest: digestOne,
        stages: ['production'],
        releaseUrl: pathToFileURL(path.join(registry, 'iris', 'v1.0.0')).href,
        problem: null,
      },
    ]);
    expect(json.stages).toEqual([
      { stage: 'production', version: '1.0.0', n: 4, tag: 'iris#production#4' },
      { stage: 'staging', version: '1.1.0', n: 1, tag: 'iris#staging#1' },
    ]);
    expect(json.history).toEqual([
      {
        stage: 'production',
        action: 'assign',
        n: 4,
        version: '1.0.0',
        pullRequest: null,
        approvedBy: [],
        run: null,
        tag: 'iris#production#4',
        current: true,
      },
      {
        stage: 'production',
        action: 'assign',
        n: 3,
        version: '1.1.0',
        pullRequest: 4,
        approvedBy: ['alice', 'bob'],
        run: 'https://github.com/o/r/actions/runs/7',
        tag: 'iris#production#3',
        current: false,
      },
      {
        stage: 'production',
        action: 'assign',
        n: 2,
        version: '1.0.0',
        pullRequest: 3,
        approvedBy: ['alice'],
        run: null,
        tag: 'iris#production#2',
        current: false,
      },
      {
        stage: 'staging',
        action: 'assign',
        n: 1,
        version: '1.1.0',
        pullRequest: null,
        approvedBy: [],
        run: null,
        tag: 'iris#staging#1',
        current: true,
      },
    ]);
  });

  it('exits 2 naming the registry folder and its models for an unknown model', async () => {
    workspace = await seeded();
    const unknown = await mlops(workspace.dir, 'registry', 'show', 'rose');
    expect(unknown).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'mlops: model "rose" is not in the registry .mlops/registry; it has: iris, nlp/iris.\n',
    });
    const empty = await mlops(workspace.dir, 'registry', 'show', 'rose', '--registry', 'other');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe(
      'mlops: model "rose" is not in the registry other; it has no models.\n',
    );
    const usage = await mlops(workspace.dir, 'registry', 'show');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('mlops: registry show needs a model name');
  });
});
