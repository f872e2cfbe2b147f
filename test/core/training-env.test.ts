/**
 * The training command's environment (issue 13, finding 6): an allow-list, the user's additions,
 * and never the runner's credentials or command files.
 */
import { describe, expect, it } from 'vitest';
import {
  forbiddenTrainingVariable,
  trainingProcessEnv,
} from '../../src/core/train/training-env.js';

const runner = {
  PATH: '/usr/bin',
  HOME: '/home/runner',
  LC_ALL: 'C.UTF-8',
  CUDA_HOME: '/usr/local/cuda',
  PYTHONPATH: '/src',
  GITHUB_SHA: 'abc',
  GITHUB_REPOSITORY: 'o/r',
  MLOPS_DATA_TOKEN: 'data',
  WANDB_API_KEY: 'w',
  WANDB_PROJECT: 'p',
  ACTIONS_RUNTIME_TOKEN: 'secret',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'u',
  'INPUT_GITHUB-TOKEN': 'secret',
  GITHUB_TOKEN: 'secret',
  GITHUB_OUTPUT: '/f',
  GITHUB_ENV: '/f',
  GITHUB_PATH: '/f',
  GITHUB_STATE: '/f',
  GITHUB_STEP_SUMMARY: '/f',
  SOMETHING_ELSE: 'x',
};

describe('trainingProcessEnv', () => {
  it('keeps the allow-list and the contract, drops the rest', () => {
    expect(trainingProcessEnv({ env: runner, extra: [], contract: { MLOPS_SEED: '1' } })).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      LC_ALL: 'C.UTF-8',
      CUDA_HOME: '/usr/local/cuda',
      PYTHONPATH: '/src',
      GITHUB_SHA: 'abc',
      GITHUB_REPOSITORY: 'o/r',
      MLOPS_DATA_TOKEN: 'data',
      MLOPS_SEED: '1',
    });
  });

  it("adds the user's names and prefixes, never a forbidden one", () => {
    const env = trainingProcessEnv({
      env: runner,
      extra: ['WANDB_*', 'SOMETHING_ELSE', 'ACTIONS_*', 'GITHUB_*', 'INPUT_*'],
      contract: {},
    });
    expect(env.WANDB_API_KEY).toBe('w');
    expect(env.WANDB_PROJECT).toBe('p');
    expect(env.SOMETHING_ELSE).toBe('x');
    for (const name of Object.keys(env)) expect(forbiddenTrainingVariable(name), name).toBeNull();
    expect(Object.values(env)).not.toContain('secret');
  });

  it('names the forbidden', () => {
    for (const name of ['ACTIONS_CACHE_URL', 'INPUT_COMMAND', 'GITHUB_TOKEN', 'GITHUB_ENV']) {
      expect(forbiddenTrainingVariable(name)).toContain(name);
    }
    expect(forbiddenTrainingVariable('GITHUB_SHA')).toBeNull();
  });
});
