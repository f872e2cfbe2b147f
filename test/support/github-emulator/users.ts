/** Users as GitHub embeds them (`simple-user`), and how a user relates to a repository. */
import type { RepoState, Role, UserRecord } from './state.js';
import type { Urls } from './urls.js';

/** The well-known identity of `GITHUB_TOKEN` in a workflow run. */
export const ACTIONS_BOT = { login: 'github-actions[bot]', id: 41898282 } as const;

export function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`0:${id}`).toString('base64url')}`;
}

export function simpleUser(user: UserRecord, urls: Urls): Record<string, unknown> {
  const api = urls.api(`/users/${encodeURIComponent(user.login)}`);
  const html =
    user.type === 'Bot'
      ? urls.html(`/apps/${user.login.replace(/\[bot\]$/, '')}`)
      : urls.html(`/${user.login}`);
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(
      user.type === 'Bot' ? 'BOT' : user.type === 'Organization' ? 'O' : 'U',
      user.id,
    ),
    avatar_url: `https://avatars.githubusercontent.com/${user.type === 'Bot' ? 'in' : 'u'}/${user.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: html,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: 'public',
    site_admin: user.siteAdmin,
  };
}

/** A user by login, creating an unknown one on first sight (comments by seeded bots, say). */
export function userJson(login: string, repo: RepoState, urls: Urls): Record<string, unknown> {
  const world = repo.world;
  const user = world.user(login) ?? world.addUser(login);
  return simpleUser(user, urls);
}

/** GitHub's `author_association` of `login` with the repository. */
export function authorAssociation(repo: RepoState, login: string): string {
  if (login.toLowerCase() === repo.owner.login.toLowerCase()) return 'OWNER';
  const role = repo.roleOf(login);
  if (role !== undefined) return 'COLLABORATOR';
  return 'NONE';
}

const ORDER: readonly Role[] = ['read', 'triage', 'write', 'maintain', 'admin'];

/** `permissions` booleans, each true when the role includes it. */
export function permissionFlags(role: Role | undefined): Record<string, boolean> {
  const rank = role === undefined ? -1 : ORDER.indexOf(role);
  return {
    admin: rank >= ORDER.indexOf('admin'),
    maintain: rank >= ORDER.indexOf('maintain'),
    push: rank >= ORDER.indexOf('write'),
    triage: rank >= ORDER.indexOf('triage'),
    pull: rank >= ORDER.indexOf('read'),
  };
}

/** The legacy `permission` field: maintain reads as write and triage as read. */
export function legacyPermission(role: Role | undefined): string {
  switch (role) {
    case 'admin':
      return 'admin';
    case 'maintain':
    case 'write':
      return 'write';
    case 'triage':
    case 'read':
      return 'read';
    default:
      return 'none';
  }
}

/**
 * Whether the request may see and change what only writers see (draft releases, say): a token with
 * write access, held by `GITHUB_TOKEN`'s bot or by a user whose role can push.
 */
export function canPush(
  repo: RepoState,
  actor: UserRecord,
  token: { readonly access: 'read' | 'write' } | undefined,
): boolean {
  if (token?.access !== 'write') return false;
  return actor.type === 'Bot' || permissionFlags(repo.roleOf(actor.login))['push'] === true;
}
