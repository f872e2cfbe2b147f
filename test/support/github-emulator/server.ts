/**
 * The HTTP side: authentication, rate-limit accounting and headers, injected faults, routing, and
 * the record of every exchange. Everything GitHub puts on every response is added here, so the
 * resource files only build bodies.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from './api-error.js';
import { faultResponse, type FaultQueue } from './faults.js';
import type { EmulatorRequest, Reply, RouteContext, Router } from './router.js';
import type { EmulatorState, TokenRecord, UserRecord } from './state.js';
import { Urls } from './urls.js';

/** One request and its response, as the emulator saw them. */
export interface Exchange {
  readonly seq: number;
  /** When the request arrived, in milliseconds since the epoch. */
  readonly at: number;
  readonly method: string;
  /** Path and query as requested. */
  readonly url: string;
  /** The path routed (after `/repositories/{id}` is rewritten). */
  readonly path: string;
  /** The OpenAPI template of the route that answered, if one did. */
  readonly template: string | undefined;
  /** False for the storage and github.com download URLs, which are not REST API operations. */
  readonly api: boolean;
  readonly requestHeaders: Readonly<Record<string, string | string[] | undefined>>;
  readonly requestBody: Buffer;
  /** 0 when the connection was dropped by a fault. */
  readonly status: number;
  readonly responseHeaders: Readonly<Record<string, string>>;
  /** Parsed JSON, raw bytes for downloads, undefined when the response has no body. */
  readonly responseBody: unknown;
  /** Whether an injected fault produced the response. */
  readonly fault: boolean;
}

export interface ServerParts {
  readonly state: EmulatorState;
  readonly router: Router;
  readonly faults: FaultQueue;
  readonly record: (exchange: Exchange) => void;
  /** Errors thrown by handlers (bugs in the emulator), which answer 500. */
  readonly crashes: Error[];
}

const API_VERSION = '2022-11-28';

function requestId(): string {
  const hex = (n: number): string => randomBytes(n).toString('hex').toUpperCase();
  return `${hex(2)}:${hex(2)}:${hex(3)}:${hex(3)}:${hex(4)}`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `Authorization: token X`, `Bearer X`, or Basic with the token as password (as git sends it). */
function tokenFrom(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (value === undefined || scheme === undefined) return undefined;
  const kind = scheme.toLowerCase();
  if (kind === 'token' || kind === 'bearer') return value;
  if (kind === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return undefined;
}

export function startServer(parts: ServerParts): Promise<{ server: Server; urls: Urls }> {
  const { state, router, faults } = parts;
  let seq = 0;
  let urls: Urls | undefined;

  const rewrite = (pathname: string): string => {
    const match = /^\/repositories\/(\d+)(\/.*)?$/.exec(pathname);
    if (match === null) return pathname;
    const repo = state.repoById(Number(match[1]));
    return repo === undefined
      ? pathname
      : `/repos/${repo.owner.login}/${repo.name}${match[2] ?? ''}`;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const at = Date.now();
    const body = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const origin = (urls as Urls).origin;
    const url = new URL(req.url ?? '/', origin);
    const path = rewrite(url.pathname);
    const id = requestId();
    const request: EmulatorRequest = { method, url, path, headers: req.headers, body };
    const match = router.match(method, path);
    const isApi = match === undefined || !match.route.public;
    const nowSeconds = Math.floor(state.clock().getTime() / 1000);
    const rate = state.rateLimit;
    if (nowSeconds >= rate.reset) {
      rate.remaining = rate.limit;
      rate.used = 0;
      rate.reset = nowSeconds + 3600;
    }

    let reply: Reply;
    let rateHeaders = { remaining: rate.remaining, reset: rate.reset };
    let fault = false;
    const token = tokenFrom(req.headers['authorization']);
    const tokenRecord: TokenRecord | undefined =
      token !== undefined ? state.tokens.get(token) : undefined;
    const actor: UserRecord | undefined =
      tokenRecord !== undefined ? state.user(tokenRecord.login) : undefined;

    // The request half of the exchange log entry; the reply half differs by outcome.
    const record = (
      response: Pick<Exchange, 'status' | 'responseHeaders' | 'responseBody' | 'fault'>,
    ) =>
      parts.record({
        seq: ++seq,
        at,
        method,
        url: `${url.pathname}${url.search}`,
        path,
        template: match?.route.template,
        api: isApi,
        requestHeaders: req.headers,
        requestBody: body,
        ...response,
      });

    const rule = faults.take(method, path);
    if (rule?.disconnect === true) {
      record({ status: 0, responseHeaders: {}, responseBody: undefined, fault: true });
      req.socket.destroy();
      return;
    }
    if (rule !== undefined) {
      const response = faultResponse(rule, { requestId: id, nowSeconds, userId: actor?.id ?? 1 });
      reply = { status: response.status, body: response.body, headers: response.headers };
      if (response.rateLimit !== undefined) rateHeaders = response.rateLimit;
      fault = true;
    } else {
      reply = dispatch();
    }

    function dispatch(): Reply {
      const docs = match?.route.docs;
      try {
        if (match === undefined) throw new ApiError(404, 'Not Found');
        if (!match.route.public) {
          if (token === undefined) throw new ApiError(401, 'Requires authentication');
          if (tokenRecord === undefined || actor === undefined) {
            throw new ApiError(401, 'Bad credentials', { docs: '' });
          }
          if (rate.remaining <= 0) {
            rateHeaders = { remaining: 0, reset: rate.reset };
            return {
              status: 403,
              body: {
                message: `API rate limit exceeded for user ID ${actor.id}.`,
                documentation_url:
                  'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
                status: '403',
              },
            };
          }
          rate.remaining -= 1;
          rate.used += 1;
          rateHeaders = { remaining: rate.remaining, reset: rate.reset };
          if (tokenRecord.access === 'read' && method !== 'GET' && method !== 'HEAD') {
            throw new ApiError(403, 'Resource not accessible by integration');
          }
        }
        const ctx: RouteContext = {
          req: request,
          params: match.params,
          query: url.searchParams,
          state,
          urls: urls as Urls,
          actor,
          token: tokenRecord,
          body: () => jsonBody(body),
        };
        return match.route.handle(ctx);
      } catch (error) {
        if (error instanceof ApiError) {
          return { status: error.status, body: error.body(docs) };
        }
        parts.crashes.push(error instanceof Error ? error : new Error(String(error)));
        return { status: 500, body: { message: 'Server Error', status: '500' } };
      }
    }

    const headers: Record<string, string> = {
      date: new Date().toUTCString(),
      'x-github-request-id': id,
      'x-github-api-version-selected': API_VERSION,
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': String(rate.limit),
      'x-ratelimit-remaining': String(rateHeaders.remaining),
      'x-ratelimit-reset': String(rateHeaders.reset),
      'x-ratelimit-used': String(rate.limit - rateHeaders.remaining),
      'x-ratelimit-resource': 'core',
      ...Object.fromEntries(
        Object.entries(reply.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      ),
    };
    let payload: Buffer | undefined;
    if (reply.raw !== undefined) {
      payload = reply.raw;
    } else if (reply.body !== undefined) {
      payload = Buffer.from(JSON.stringify(reply.body), 'utf8');
      headers['content-type'] = 'application/json; charset=utf-8';
    }
    if (payload !== undefined) headers['content-length'] = String(payload.length);
    record({
      status: reply.status,
      responseHeaders: headers,
      responseBody: reply.raw ?? reply.body,
      fault,
    });
    res.writeHead(reply.status, headers);
    res.end(payload);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      parts.crashes.push(error instanceof Error ? error : new Error(String(error)));
      if (!res.headersSent)
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: 'Server Error' }));
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      urls = new Urls(`http://127.0.0.1:${port}`);
      resolve({ server, urls });
    });
  });
}

/** The request body as GitHub reads it: empty is `{}`, anything but a JSON object is refused. */
function jsonBody(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'Problems parsing JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApiError(422, 'Invalid request.\n\nInvalid input: object is expected.');
  }
  return parsed as Record<string, unknown>;
}
