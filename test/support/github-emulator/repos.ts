/** Repositories (`full-repository`, and the `repository` embedded in pull requests) and permissions. */
import { notFound } from './api-error.js';
import { repoRoute, type Route } from './router.js';
import type { RepoState } from './state.js';
import type { Urls } from './urls.js';
import { legacyPermission, nodeId, permissionFlags, simpleUser } from './users.js';

/** The full repository object; a superset of `repository` and `minimal-repository`. */
export function repositoryJson(
  repo: RepoState,
  urls: Urls,
  viewer?: string,
): Record<string, unknown> {
  const api = urls.repoApi(repo);
  const html = urls.repoHtml(repo);
  const host = new URL(urls.origin).host;
  const openIssues = [...repo.issues.values()].filter((i) => i.state === 'open').length;
  const pushedAt = repo.world.timestamp();
  return {
    id: repo.id,
    node_id: nodeId('R', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: repo.isPrivate,
    owner: simpleUser(repo.owner, urls),
    html_url: html,
    description: null,
    fork: false,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: repo.createdAt,
    updated_at: pushedAt,
    pushed_at: pushedAt,
    git_url: `git://${host}/${repo.fullName}.git`,
    ssh_url: `git@${host}:${repo.fullName}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: openIssues,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: repo.isPrivate ? 'private' : 'public',
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
    default_branch: repo.defaultBranch,
    ...(viewer !== undefined && { permissions: permissionFlags(repo.roleOf(viewer)) }),
    network_count: 0,
    subscribers_count: 0,
  };
}

export const repoRoutes: readonly Route[] = [
  repoRoute('get', '/repos/{owner}/{repo}', 'repos/repos#get-a-repository', (ctx) => ({
    status: 200,
    body: repositoryJson(ctx.repo, ctx.urls, ctx.actor.login),
  })),

  repoRoute(
    'get',
    '/repos/{owner}/{repo}/collaborators/{username}/permission',
    'collaborators/collaborators#get-repository-permissions-for-a-user',
    (ctx) => {
      const user = ctx.state.user(ctx.params['username'] ?? '');
      if (user === undefined) throw notFound();
      // Anyone may read a public repository; a private one gives outsiders nothing.
      const role = ctx.repo.roleOf(user.login) ?? (ctx.repo.isPrivate ? undefined : 'read');
      const roleName = role ?? 'none';
      return {
        status: 200,
        body: {
          permission: legacyPermission(role),
          role_name: roleName,
          user: {
            ...simpleUser(user, ctx.urls),
            permissions: permissionFlags(role),
            role_name: roleName,
          },
        },
      };
    },
  ),
];
