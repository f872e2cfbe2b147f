import type { Reply } from './router.js';
/**
 * GitHub's page-number pagination: `per_page` (default 30, at most 100) and `page` (from 1), and a
 * `Link` header with absolute `prev`, `next`, `last` and `first` URLs. For repository lists GitHub
 * writes those URLs with the repository's ID (`/repositories/{id}/...`); so does the emulator.
 */
import type { RepoState } from './state.js';
import type { Urls } from './urls.js';

export interface Page<T> {
  readonly items: T[];
  readonly headers: Record<string, string>;
}

function positiveInt(raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  const value = Number.parseInt(raw, 10);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export function paginate<T>(
  items: readonly T[],
  request: { url: URL; path: string },
  context: { urls: Urls; repo?: RepoState | undefined },
): Page<T> {
  const perPage = Math.min(positiveInt(request.url.searchParams.get('per_page'), 30), 100);
  const page = positiveInt(request.url.searchParams.get('page'), 1);
  const start = (page - 1) * perPage;
  const slice = items.slice(start, start + perPage);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  if (lastPage === 1 && page === 1) return { items: slice, headers: {} };

  const repo = context.repo;
  const prefix = repo ? `/repos/${repo.owner.login}/${repo.name}` : undefined;
  const base =
    repo && prefix !== undefined && request.path.toLowerCase().startsWith(prefix.toLowerCase())
      ? `${context.urls.repoById(repo)}${request.path.slice(prefix.length)}`
      : context.urls.api(request.path);
  const pageUrl = (n: number): string => {
    const query = new URLSearchParams(request.url.searchParams);
    query.delete('page');
    query.append('page', String(n));
    return `${base}?${query.toString()}`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${pageUrl(Math.min(page - 1, lastPage))}>; rel="prev"`);
  if (page < lastPage) {
    links.push(`<${pageUrl(page + 1)}>; rel="next"`);
    links.push(`<${pageUrl(lastPage)}>; rel="last"`);
  }
  if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`);
  return { items: slice, headers: links.length > 0 ? { link: links.join(', ') } : {} };
}

/**
 * The reply of the list endpoints that wrap a page in an object with the full count
 * (`{ total_count, <key>: [...] }`: workflow runs, artifacts, check runs).
 */
export function countedPage<T>(
  items: readonly T[],
  key: string,
  toJson: (item: T) => unknown,
  ctx: { req: { url: URL; path: string }; urls: Urls; repo?: RepoState | undefined },
): Reply {
  const page = paginate(items, ctx.req, ctx);
  return {
    status: 200,
    headers: page.headers,
    body: { total_count: items.length, [key]: page.items.map(toJson) },
  };
}
