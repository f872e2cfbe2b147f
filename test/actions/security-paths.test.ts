/**
 * Issue 13, finding 10, the paths validate-data already confined, now confined in check-drift,
 * train and evaluate too. Each attack runs through the bundled action: a committed symlink to a
 * file outside the workspace (check-drift's reference profile, a `drift.current` profile, the
 * train and eval data), or a `data.schema` that climbs out of it with `../`. Each is refused with
 * a ConfigError naming the field that gave the path, and the outside file's content appears in no
 * annotation, summary, output or log line. Control runs with the same content inside the
 * workspace show that it would otherwise be quoted (the channel the attack would use).
 */
import { mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * Stands for the content of a file of the runner's (`/etc/passwd`, a key). Short: a JSON parse
 * error quotes only the first ten characters of the text, and the control runs show that it does.
 */
const SECRET = 'S3CR3T-Pw';

const errors = (run: ActionRun) =>
  run.annotations
    .filter((a) => a.level === 'error')
    .map((a) => a.message)
    .join('\n');

const everything = (run: ActionRun) =>
  [
    run.stdout,
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs),
    JSON.stringify(run.annotations),
  ].join('\n');

let outside: string;

beforeAll(async () => {
  outside = await realpath(await mkdtemp(path.join(os.tmpdir(), 'outside-workspace-')));
  // Not JSON: parsing it as a profile quotes its first characters.
  await writeFile(path.join(outside, 'profile.json'), `${SECRET} root:x:0:0:/root:/bin/bash\n`);
  // A schema with an unknown type: the parser's message names the column, here the secret.
  await writeFile(
    path.join(outside, 'schema.yml'),
    `version: 1\ncolumns:\n  ${SECRET}: { type: secret }\n`,
  );
  await writeFile(path.join(outside, 'passwd.csv'), `id,value\n${SECRET},1\n`);
});

afterAll(async () => {
  await rm(outside, { recursive: true, force: true });
});

/** `data.schema` as the config would give it: `../` up and out of the workspace. */
const schemaOutside = (workspace: Workspace) =>
  path.relative(workspace.dir, path.join(outside, 'schema.yml')).split(path.sep).join('/');

describe('check-drift', () => {
  let workspace: Workspace;

  beforeAll(async () => {
    workspace = await createWorkspace({});
    await workspace.write(
      'schema.yml',
      'version: 1\ncolumns:\n  id: { type: integer }\n  value: { type: number }\n',
    );
    await workspace.write('data/current.csv', 'id,value\n1,1.5\n2,2.5\n3,3.5\n');
    await workspace.write('data/reference.csv', 'id,value\n1,1.5\n2,2.5\n3,3.5\n');
    await workspace.write(
      'mlops.yml',
      'version: 1\nmodel:\n  name: leak\ndata:\n  schema: schema.yml\ndrift:\n  current: data/current.csv\n',
    );
    await workspace.write('profiles/.keep', '');
    await symlink(path.join(outside, 'profile.json'), workspace.path('profiles/reference.json'));
  });

  afterAll(async () => {
    await workspace.cleanup();
  });

  /** No GitHub: the reference is given, no model, no issue. */
  const checkDrift = (inputs: Record<string, string>) =>
    runAction({
      action: path.join(root, 'actions/check-drift'),
      cwd: workspace.dir,
      inputs: { model: 'none', 'open-issue': 'false', 'fail-on': 'never', ...inputs },
      timeoutMs: 60_000,
    });

  it('quotes the start of a reference profile inside the workspace that is not JSON (control)', async () => {
    await workspace.write(
      'profiles/inside.json',
      await readFile(path.join(outside, 'profile.json')),
    );
    const run = await checkDrift({ reference: 'profiles/inside.json' });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toContain('the reference profile is not JSON');
    expect(everything(run)).toContain(SECRET);
  });

  it('refuses a reference profile that is a symlink out of the workspace, naming the reference input', async () => {
    const run = await checkDrift({ reference: 'profiles/reference.json' });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toContain(
      `profiles/reference.json (reference): the path "profiles/reference.json" resolves to ${path.join(outside, 'profile.json')}, which is outside the workspace`,
    );
    expect(everything(run)).not.toContain(SECRET);
    expect(run.outputs['severity'] ?? '').toBe('');
  });

  it("refuses a reference profile from drift.reference that leaves the workspace, naming mlops.yml's field", async () => {
    await workspace.write(
      'reference.yml',
      'version: 1\nmodel:\n  name: leak\ndata:\n  schema: schema.yml\n' +
        'drift:\n  current: data/current.csv\n  reference: profiles/reference.json\n',
    );
    const run = await checkDrift({ config: 'reference.yml' });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toContain(
      'reference.yml (drift.reference): the path "profiles/reference.json" resolves to',
    );
    expect(everything(run)).not.toContain(SECRET);
  });

  it('refuses a drift.current profile that is a symlink out of the workspace, naming drift.current', async () => {
    await symlink(path.join(outside, 'profile.json'), workspace.path('data/shard-1.json'));
    await workspace.write(
      'profiles.yml',
      'version: 1\nmodel:\n  name: leak\ndata:\n  schema: schema.yml\ndrift:\n  current: data/shard-1.json\n',
    );
    const run = await checkDrift({ config: 'profiles.yml', reference: 'data/reference.csv' });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toContain(
      `profiles.yml (drift.current): the path "data/shard-1.json" resolves to ${path.join(outside, 'profile.json')}, which is outside the workspace`,
    );
    expect(everything(run)).not.toContain(SECRET);
  });

  it('quotes a column of a schema inside the workspace that it cannot parse (control)', async () => {
    await workspace.write('bad-schema.yml', await readFile(path.join(outside, 'schema.yml')));
    await workspace.write(
      'bad.yml',
      'version: 1\nmodel:\n  name: leak\ndata:\n  schema: bad-schema.yml\ndrift:\n  current: data/current.csv\n',
    );
    const run = await checkDrift({ config: 'bad.yml', reference: 'data/reference.csv' });
    expect(run.exitCode).not.toBe(0);
    expect(everything(run)).toContain(SECRET);
  });

  it('refuses a data.schema that climbs out of the workspace with ../, naming data.schema', async () => {
    await workspace.write(
      'escape.yml',
      `version: 1\nmodel:\n  name: leak\ndata:\n  schema: ${schemaOutside(workspace)}\ndrift:\n  current: data/current.csv\n`,
    );
    const run = await checkDrift({ config: 'escape.yml', reference: 'data/reference.csv' });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toContain(
      `(data.schema): the path "${path.join(outside, 'schema.yml')}" is outside the workspace ${workspace.dir}`,
    );
    expect(everything(run)).not.toContain(SECRET);
  });
});

describe('train', () => {
  let workspace: Workspace;

  beforeAll(async () => {
    workspace = await createWorkspace({});
    await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
  });

  afterAll(async () => {
    await workspace.cleanup();
  });

  /** The command would write a marker: it must never run once a path is refused. */
  const train = (config: string) =>
    runAction({
      action: path.join(root, 'actions/train'),
      cwd: workspace.dir,
      inputs: {
        config,
        command: `node -e "require('fs').writeFileSync('trained', '1')"`,
        gpus: 'none',
        'upload-artifact': 'false',
      },
      timeoutMs: 60_000,
    });

  it('refuses a data.schema that climbs out of the workspace with ../, naming data.schema', async () => {
    const config = (await workspace.read('mlops.yml')).replace(
      'schema: schema.yml',
      `schema: ${schemaOutside(workspace)}`,
    );
    await workspace.write('escape.yml', config);
    const run = await train('escape.yml');
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toContain(
      `(data.schema): the path "${path.join(outside, 'schema.yml')}" is outside the workspace ${workspace.dir}`,
    );
    expect(everything(run)).not.toContain(SECRET);
    await expect(readFile(workspace.path('trained'))).rejects.toThrow();
  });

  it('refuses training data that is a symlink out of the workspace, naming data.train', async () => {
    await symlink(path.join(outside, 'passwd.csv'), workspace.path('data/linked.csv'));
    const config = (await workspace.read('mlops.yml')).replace(
      'train: data/train.csv',
      'train: data/linked.csv',
    );
    await workspace.write('linked.yml', config);
    const run = await train('linked.yml');
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toContain(
      `linked.yml (data.train): the path "data/linked.csv" resolves to ${path.join(outside, 'passwd.csv')}, which is outside the workspace`,
    );
    expect(everything(run)).not.toContain(SECRET);
    await expect(readFile(workspace.path('trained'))).rejects.toThrow();
  });
});

describe('evaluate', () => {
  let emulator: GitHubEmulator;
  let workspace: Workspace;
  let prNumber: number;

  beforeAll(async () => {
    emulator = await startGitHubEmulator();
    workspace = await createWorkspace({});
    await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
    const schema = parseDatasetSchema(
      await readFile(workspace.path('schema.yml'), 'utf8'),
      'schema.yml',
    );
    const matrix = await loadFeatureMatrix([workspace.path('data/train.csv')], schema);
    // A real candidate where training would have written it: the refusal must come from the path.
    await workspace.write(
      '.mlops/train/model.onnx',
      trainBaseline({ kind: 'logistic-regression', matrix, seed: 42 }).onnx,
    );
    prNumber = emulator.repo.addIssue({ title: 'Retrain' }).number;
  });

  afterAll(async () => {
    await workspace.cleanup();
    await emulator.close();
  });

  const evaluate = (config: string) =>
    runAction({
      action: path.join(root, 'actions/evaluate'),
      cwd: workspace.dir,
      inputs: { 'github-token': emulator.token, config },
      event: {
        name: 'pull_request',
        payload: {
          number: prNumber,
          pull_request: {
            number: prNumber,
            head: { sha: emulator.repo.refs.get('refs/heads/main') as string },
          },
        },
      },
      github: {
        apiUrl: emulator.url,
        repository: emulator.repo.fullName,
        sha: 'f'.repeat(40),
        runId: 99,
      },
      timeoutMs: 60_000,
    });

  /** Nothing the evaluation would publish may hold the secret either. */
  const published = () =>
    JSON.stringify([...emulator.repo.comments.values(), ...emulator.repo.checkRuns.values()]);

  it('refuses a data.schema that climbs out of the workspace with ../, naming data.schema', async () => {
    const config = (await workspace.read('mlops.yml')).replace(
      'schema: schema.yml',
      `schema: ${schemaOutside(workspace)}`,
    );
    await workspace.write('escape.yml', config);
    const run = await evaluate('escape.yml');
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toContain(
      `(data.schema): the path "${path.join(outside, 'schema.yml')}" is outside the workspace ${workspace.dir}`,
    );
    expect(everything(run)).not.toContain(SECRET);
    expect(published()).not.toContain(SECRET);
  });

  it('refuses evaluation data that is a symlink out of the workspace, naming data.eval', async () => {
    await symlink(path.join(outside, 'passwd.csv'), workspace.path('data/linked.csv'));
    const config = (await workspace.read('mlops.yml')).replace(
      'eval: data/eval.csv',
      'eval: data/linked.csv',
    );
    await workspace.write('linked.yml', config);
    const run = await evaluate('linked.yml');
    expect(run.exitCode).not.toBe(0);
    expect(errors(run)).toContain(
      `linked.yml (data.eval): the path "data/linked.csv" resolves to ${path.join(outside, 'passwd.csv')}, which is outside the workspace`,
    );
    expect(everything(run)).not.toContain(SECRET);
    expect(published()).not.toContain(SECRET);
  });
});
