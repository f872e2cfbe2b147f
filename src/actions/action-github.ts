/** The token and repository every GitHub-writing action needs, checked once. */
import { createOctokit, type Octokit } from '../adapters/github/octokit.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { optionalInput } from './action-inputs.js';

export interface ActionGitHub {
  readonly octokit: Octokit;
  readonly owner: string;
  readonly repo: string;
}

export function actionGitHub(logger: Logger, purpose: string): ActionGitHub {
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '/').split('/') as [string, string];
  const token = optionalInput('github-token');
  if (!token || !owner || !repo) {
    throw new ConfigError(`a github-token and GITHUB_REPOSITORY are needed to ${purpose}`, {
      location: { file: 'action inputs', field: 'github-token' },
    });
  }
  return { octokit: createOctokit({ token, logger }), owner, repo };
}
