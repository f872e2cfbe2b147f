/**
 * Issue 13, finding 6: the training command is user code and must not inherit the runner's
 * credentials. The attack: a training command that reads the runner's tokens and writes to the
 * step's command files (to set an output, poison a later step's environment or PATH), as a
 * hostile pull request's `train.py` would. Run through the bundled train action, it sees none of
 * them, and nothing it tries reaches the step's outputs, environment or path.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const action = path.join(root, 'actions/train');

let workspace: Workspace;

beforeAll(async () => {
  workspace = await createWorkspace({});
  await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
  // The hostile "training": dump the environment, then try every command file it can find.
  await writeFile(
    workspace.path('steal.mjs'),
    `import { appendFileSync, writeFileSync } from 'node:fs';
     writeFileSync('seen-env.json', JSON.stringify(process.env));
     for (const [name, line] of [
       ['GITHUB_OUTPUT', 'model-digest=sha256:forged'],
       ['GITHUB_ENV', 'NODE_OPTIONS=--require /tmp/evil.js'],
       ['GITHUB_PATH', '/tmp/evil-bin'],
       ['GITHUB_STATE', 'hijacked=1'],
     ]) {
       if (process.env[name]) appendFileSync(process.env[name], line + '\\n');
     }
     console.log('token seen: ' + (process.env.ACTIONS_RUNTIME_TOKEN ?? 'none'));
     process.exit(2); // no model: the step fails after the command, as a failed training does
    `,
  );
});

afterAll(async () => {
  await workspace.cleanup();
});

/** What a runner puts in a JavaScript action's environment that user code must never see. */
const RUNNER_SECRETS = {
  ACTIONS_RUNTIME_TOKEN: 'runtime-token-secret',
  ACTIONS_RUNTIME_URL: 'https://pipelines.example/',
  ACTIONS_RESULTS_URL: 'https://results-receiver.example/',
  ACTIONS_CACHE_URL: 'https://artifactcache.example/',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-secret',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/',
  GITHUB_TOKEN: 'ghs_job_token_secret',
};

async function hostileTraining(inputs: Record<string, string> = {}) {
  const run = await runAction({
    action,
    cwd: workspace.dir,
    inputs: { command: 'node steal.mjs', gpus: 'none', 'upload-artifact': 'false', ...inputs },
    env: { ...RUNNER_SECRETS, MLOPS_DATA_TOKEN: 'users-own-data-token', WANDB_API_KEY: 'wandb' },
    github: { repository: 'octo/models', sha: 'a'.repeat(40), runId: 4242 },
  });
  const seen = JSON.parse(await readFile(workspace.path('seen-env.json'), 'utf8')) as Record<
    string,
    string
  >;
  return { run, seen };
}

describe('train: the training command never receives the runner credentials', () => {
  it('strips tokens, inputs and command files; keeps the contract and the public run context', async () => {
    const { run, seen } = await hostileTraining();
    expect(run.exitCode).not.toBe(0);
    const names = Object.keys(seen);
    // None of the runner's credentials, the action's inputs or the command files.
    for (const name of Object.keys(RUNNER_SECRETS)) expect(names).not.toContain(name);
    expect(names.filter((n) => n.startsWith('ACTIONS_') || n.startsWith('INPUT_'))).toEqual([]);
    for (const name of [
      'GITHUB_OUTPUT',
      'GITHUB_ENV',
      'GITHUB_PATH',
      'GITHUB_STATE',
      'GITHUB_STEP_SUMMARY',
      'GITHUB_EVENT_PATH',
    ]) {
      expect(names).not.toContain(name);
    }
    // No secret value under any name either.
    const values = Object.values(seen).join('\n');
    for (const secret of ['runtime-token-secret', 'oidc-request-secret', 'ghs_job_token_secret']) {
      expect(values).not.toContain(secret);
    }
    expect(run.stdout).toContain('token seen: none');
    // So its writes went nowhere: no forged output, environment, path or state for later steps.
    expect(run.outputs['model-digest']).toBeUndefined();
    expect(run.env).not.toHaveProperty('NODE_OPTIONS');
    expect(run.path).not.toContain('/tmp/evil-bin');
    expect(run.state).not.toHaveProperty('hijacked');
    // What a training script legitimately needs is there.
    expect(seen).toMatchObject({
      GITHUB_SHA: 'a'.repeat(40),
      GITHUB_REPOSITORY: 'octo/models',
      GITHUB_RUN_ID: '4242',
      MLOPS_SEED: '42',
      MLOPS_MODEL_PATH: workspace.path('.mlops/train/model.onnx'),
      // The user's own credential for the command, passed by the workflow as MLOPS_DATA_TOKEN.
      MLOPS_DATA_TOKEN: 'users-own-data-token',
    });
    expect(seen.PATH).toBe(process.env.PATH);
    // A variable outside the allow-list stays out unless the user adds it.
    expect(names).not.toContain('WANDB_API_KEY');
  });

  it('passes the variables the user adds with the env input, never a forbidden one', async () => {
    const { run, seen } = await hostileTraining({ env: 'WANDB_*' });
    expect(run.exitCode).not.toBe(0);
    expect(seen.WANDB_API_KEY).toBe('wandb');
    expect(Object.keys(seen)).not.toContain('ACTIONS_RUNTIME_TOKEN');

    await writeFile(workspace.path('seen-env.json'), '{}');
    const refused = await runAction({
      action,
      cwd: workspace.dir,
      inputs: { command: 'node steal.mjs', gpus: 'none', env: 'ACTIONS_RUNTIME_TOKEN' },
      env: RUNNER_SECRETS,
    });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.annotations.map((a) => a.message).join('\n')).toContain(
      "ACTIONS_RUNTIME_TOKEN is one of the runner's credentials or command files, never passed to the training command",
    );
    // The command never ran.
    expect(await readFile(workspace.path('seen-env.json'), 'utf8')).toBe('{}');
  });
});
