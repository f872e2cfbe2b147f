/**
 * The URLs inside response bodies. The emulator plays api.github.com, uploads.github.com and
 * github.com from one origin (as GitHub Enterprise Server does from one host), so that every URL a
 * body hands out, an upload URL or a download link, can be followed by a client.
 */
import type { RepoState } from './state.js';

export class Urls {
  constructor(readonly origin: string) {}

  /** `https://api.github.com/repos/{owner}/{repo}` for this repository. */
  repoApi(repo: RepoState): string {
    return `${this.origin}/repos/${repo.owner.login}/${repo.name}`;
  }

  /** `https://github.com/{owner}/{repo}`. */
  repoHtml(repo: RepoState): string {
    return `${this.origin}/${repo.owner.login}/${repo.name}`;
  }

  /** The `/repositories/{id}` form GitHub uses in `Link` headers of repository lists. */
  repoById(repo: RepoState): string {
    return `${this.origin}/repositories/${repo.id}`;
  }

  api(path: string): string {
    return `${this.origin}${path}`;
  }

  html(path: string): string {
    return `${this.origin}${path}`;
  }
}

/** A path segment as GitHub writes it in URLs: percent-encoded, slashes kept where they belong. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

/** A ref or tag name inside a URL path, where GitHub keeps its slashes. */
export function refPath(value: string): string {
  return value.split('/').map(encodeURIComponent).join('/');
}
