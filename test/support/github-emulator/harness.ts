/**
 * Vitest wiring for the emulator: one emulator per test file, the real octokit with waits made
 * short, and, after the file's tests, every response checked against GitHub's OpenAPI description,
 * so any test that talks to the emulator also tests the emulator's fidelity.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { GitHubApiError } from '../../../src/core/errors.js';
import {
  createOctokit,
  withGitHubErrors,
  type CreateOctokitOptions,
  type Octokit,
} from '../../../src/adapters/github/octokit.js';
import { startGitHubEmulator, type GitHubEmulator, type GitHubEmulatorOptions } from './index.js';
import { OpenApiConformance } from './openapi-conformance.js';

/** Options that turn octokit's waits (seconds, by GitHub's advice) into milliseconds. */
export const FAST_WAITS = {
  retryAfterBaseValue: 2,
  throttle: { writeIntervalMs: 0, notificationIntervalMs: 0, fallbackSecondaryRateRetryAfter: 1 },
} as const;

export function emulatorOctokit(
  emulator: GitHubEmulator,
  options: Partial<CreateOctokitOptions> = {},
): Octokit {
  return createOctokit({ token: emulator.token, baseUrl: emulator.url, ...FAST_WAITS, ...options });
}

export interface EmulatorHandle {
  readonly emulator: GitHubEmulator;
  readonly octokit: Octokit;
  /** Owner and name of the emulator's repository, to spread into octokit calls. */
  readonly repo: { owner: string; repo: string };
}

/** Starts an emulator before the file's tests and checks and stops it after them. */
export function useGitHubEmulator(options: GitHubEmulatorOptions = {}): EmulatorHandle {
  let emulator: GitHubEmulator | undefined;
  let octokit: Octokit | undefined;
  beforeAll(async () => {
    emulator = await startGitHubEmulator(options);
    octokit = emulatorOctokit(emulator);
  });
  afterAll(async () => {
    if (emulator === undefined) return;
    try {
      expect(emulator.crashes.map((e) => e.stack ?? e.message)).toEqual([]);
      const { problems } = OpenApiConformance.load().check(emulator.exchanges);
      expect(problems).toEqual([]);
    } finally {
      await emulator.close();
    }
  });
  const started = (): GitHubEmulator => {
    if (emulator === undefined) throw new Error('The emulator starts in beforeAll');
    return emulator;
  };
  return {
    get emulator() {
      return started();
    },
    get octokit() {
      started();
      return octokit as Octokit;
    },
    get repo() {
      const repo = started().repo;
      return { owner: repo.owner.login, repo: repo.name };
    },
  };
}

/** The `GitHubApiError` a request ends in once `withGitHubErrors` maps it; throws if it succeeds. */
export async function githubError(request: Promise<unknown>): Promise<GitHubApiError> {
  const outcome = await withGitHubErrors(() => request).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof GitHubApiError)) {
    throw new Error(
      `Expected a GitHubApiError, got ${outcome === undefined ? 'success' : String(outcome)}`,
    );
  }
  return outcome;
}
