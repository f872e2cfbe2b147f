/**
 * A loopback stand-in for GitHub's REST API, for tests that run the real octokit. Start it, point
 * octokit's `baseUrl` at `url`, seed and inspect `state`, inject failures through `faults`, and
 * read `exchanges` to see what was asked and answered.
 */
import type { Server } from 'node:http';
import { actionRoutes } from './actions.js';
import { checkRoutes } from './checks.js';
import { commentRoutes } from './comments.js';
import { contentRoutes } from './contents.js';
import { FaultQueue } from './faults.js';
import { gitRoutes } from './git.js';
import { issueRoutes } from './issues.js';
import { labelRoutes } from './labels.js';
import { pullRoutes } from './pulls.js';
import { releaseAssetRoutes } from './release-assets.js';
import { releaseRoutes } from './releases.js';
import { repoRoutes } from './repos.js';
import { Router, type Route } from './router.js';
import { startServer, type Exchange } from './server.js';
import { EmulatorState, type RepoState, type TokenRecord } from './state.js';
import { settingsRoutes } from './settings.js';
import { statusRoutes } from './statuses.js';
import { ACTIONS_BOT } from './users.js';

export type { Exchange } from './server.js';
export type { FaultRule, ActiveFault } from './faults.js';
export { FaultQueue } from './faults.js';
export * from './state.js';
export {
  forbidRunnerGroups,
  orgRunnerGroups,
  repoSettings,
  type RunnerGroupRecord,
  type SettingsArea,
} from './settings.js';

/** Every route the emulator serves; the conformance check reads their templates. */
export const routes: readonly Route[] = [
  ...repoRoutes,
  ...issueRoutes,
  ...labelRoutes,
  ...commentRoutes,
  ...pullRoutes,
  ...releaseRoutes,
  ...releaseAssetRoutes,
  ...gitRoutes,
  ...contentRoutes,
  ...checkRoutes,
  ...statusRoutes,
  ...actionRoutes,
  ...settingsRoutes,
];

export interface GitHubEmulatorOptions {
  /** Owner of the repository created at start (default `octo-org`, an organization). */
  readonly owner?: string;
  /** Name of that repository (default `models`). */
  readonly repo?: string;
  /** A token that works (default `ghs_emulator`), held by `login`. */
  readonly token?: string;
  /** Who the token is (default `github-actions[bot]`, as for `GITHUB_TOKEN`). */
  readonly login?: string;
  readonly tokenAccess?: TokenRecord['access'];
  readonly private?: boolean;
  readonly defaultBranch?: string;
  /** The clock for timestamps and rate-limit windows. */
  readonly now?: () => Date;
}

export interface GitHubEmulator {
  /** `http://127.0.0.1:PORT`: octokit's `baseUrl`. */
  readonly url: string;
  readonly token: string;
  readonly state: EmulatorState;
  /** The repository created at start. */
  readonly repo: RepoState;
  readonly faults: FaultQueue;
  /** Every exchange so far, in order. */
  readonly exchanges: readonly Exchange[];
  /** Errors thrown inside the emulator (answered 500); a test should expect none. */
  readonly crashes: readonly Error[];
  /** Calls `listener` after each exchange; returns a function that stops it. */
  onExchange(listener: (exchange: Exchange) => void): () => void;
  close(): Promise<void>;
}

export async function startGitHubEmulator(
  options: GitHubEmulatorOptions = {},
): Promise<GitHubEmulator> {
  const state = new EmulatorState(options.now !== undefined ? { now: options.now } : {});
  const login = options.login ?? ACTIONS_BOT.login;
  if (login === ACTIONS_BOT.login) state.addUser(login, { id: ACTIONS_BOT.id, type: 'Bot' });
  const token = options.token ?? 'ghs_emulator';
  state.addToken(token, login, options.tokenAccess ?? 'write');
  const owner = options.owner ?? 'octo-org';
  const repo = state.addRepo(owner, options.repo ?? 'models', {
    ...(options.private !== undefined && { private: options.private }),
    ...(options.defaultBranch !== undefined && { defaultBranch: options.defaultBranch }),
    ...(options.owner === undefined && { ownerType: 'Organization' as const }),
  });

  const faults = new FaultQueue();
  const exchanges: Exchange[] = [];
  const crashes: Error[] = [];
  const listeners = new Set<(exchange: Exchange) => void>();
  const router = new Router(routes);
  const { server, urls } = await startServer({
    state,
    router,
    faults,
    crashes,
    record: (exchange) => {
      exchanges.push(exchange);
      for (const listener of listeners) listener(exchange);
    },
  });

  return {
    url: urls.origin,
    token,
    state,
    repo,
    faults,
    exchanges,
    crashes,
    onExchange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets from fetch would hold `close` open until they time out.
    server.closeAllConnections();
  });
}
