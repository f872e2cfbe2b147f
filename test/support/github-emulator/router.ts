/**
 * Routes are declared with the path templates of GitHub's OpenAPI description, so the template a
 * handler answers for is the same one the conformance check looks up.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, notFound } from './api-error.js';
import type { EmulatorState, RepoState, TokenRecord, UserRecord } from './state.js';
import type { Urls } from './urls.js';

export interface EmulatorRequest {
  readonly method: string;
  readonly url: URL;
  /** The path routed, after `/repositories/{id}` is rewritten to `/repos/{owner}/{repo}`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface Reply {
  readonly status: number;
  /** Sent as JSON; absent for 204 and redirects. */
  readonly body?: unknown;
  /** Sent as is, for downloads. */
  readonly raw?: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteContext {
  readonly req: EmulatorRequest;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly state: EmulatorState;
  readonly urls: Urls;
  /** The authenticated user; undefined only on public routes. */
  readonly actor: UserRecord | undefined;
  readonly token: TokenRecord | undefined;
  /** The request body as a JSON object: `{}` when empty; 400 when it is not JSON. */
  body(): Record<string, unknown>;
}

export interface RepoContext extends RouteContext {
  readonly repo: RepoState;
  readonly actor: UserRecord;
}

export interface Route {
  readonly method: string;
  /** The OpenAPI path template, e.g. `/repos/{owner}/{repo}/issues/{issue_number}`. */
  readonly template: string;
  /** The operation's page under docs.github.com/rest, for `documentation_url`. */
  readonly docs: string | undefined;
  /** The last parameter takes the rest of the path, slashes included (GitHub's multi-segment refs). */
  readonly greedy: boolean;
  /** Served without a token, like a signed download URL. */
  readonly public: boolean;
  handle(ctx: RouteContext): Reply;
}

interface RouteOptions {
  readonly greedy?: boolean;
  readonly public?: boolean;
}

export function route(
  method: string,
  template: string,
  docs: string | undefined,
  handle: (ctx: RouteContext) => Reply,
  options: RouteOptions = {},
): Route {
  return {
    method: method.toUpperCase(),
    template,
    docs,
    greedy: options.greedy ?? false,
    public: options.public ?? false,
    handle,
  };
}

/** A route under `/repos/{owner}/{repo}`: an unknown repository answers 404 before the handler runs. */
export function repoRoute(
  method: string,
  template: string,
  docs: string,
  handle: (ctx: RepoContext) => Reply,
  options: RouteOptions = {},
): Route {
  return route(
    method,
    template,
    docs,
    (ctx) => {
      const owner = ctx.params['owner'] ?? '';
      const name = ctx.params['repo'] ?? '';
      const repo = ctx.state.repo(owner, name);
      const actor = ctx.actor;
      if (repo === undefined) throw notFound();
      if (actor === undefined) {
        if (repo.isPrivate) throw notFound();
        // Public routes (downloads) still need someone to attribute the request to.
        return handle({ ...ctx, repo, actor: repo.owner });
      }
      if (repo.isPrivate && repo.roleOf(actor.login) === undefined && actor.type !== 'Bot') {
        throw notFound();
      }
      return handle({ ...ctx, repo, actor });
    },
    options,
  );
}

export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError(400, 'Bad Request');
  }
}

export class Router {
  private readonly routes: { route: Route; parts: string[]; literals: number }[] = [];

  constructor(routes: readonly Route[]) {
    for (const r of routes) {
      const parts = r.template.split('/').slice(1);
      this.routes.push({
        route: r,
        parts,
        literals: parts.filter((p) => !p.startsWith('{')).length,
      });
    }
  }

  get all(): readonly Route[] {
    return this.routes.map((r) => r.route);
  }

  /** The route for a request; the one with most literal segments wins, as in GitHub's router. */
  match(method: string, path: string): RouteMatch | undefined {
    const segments = path.split('/').slice(1);
    let best: (RouteMatch & { literals: number }) | undefined;
    for (const candidate of this.routes) {
      if (candidate.route.method !== method) continue;
      const params = matchParts(candidate.parts, segments, candidate.route.greedy);
      if (params === undefined) continue;
      if (best === undefined || candidate.literals > best.literals) {
        best = { route: candidate.route, params, literals: candidate.literals };
      }
    }
    return best && { route: best.route, params: best.params };
  }
}

function matchParts(
  parts: readonly string[],
  segments: readonly string[],
  greedy: boolean,
): Record<string, string> | undefined {
  if (greedy ? segments.length < parts.length : segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i] as string;
    const isLast = i === parts.length - 1;
    const raw = greedy && isLast ? segments.slice(i).join('/') : (segments[i] as string);
    if (part.startsWith('{')) {
      if (raw === '') return undefined;
      params[part.slice(1, -1)] = decode(raw);
    } else if (part !== raw) {
      return undefined;
    }
  }
  return params;
}
