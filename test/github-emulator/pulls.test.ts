import { describe, expect, it } from 'vitest';
import {
  emulatorOctokit,
  useGitHubEmulator,
  githubError,
} from '../support/github-emulator/harness.js';

const gh = useGitHubEmulator();

describe('pull requests', () => {
  it('creates, gets, lists and updates a pull request', async () => {
    const { octokit, repo } = gh;
    const seeded = gh.emulator.repo;
    const head = seeded.commitOnBranch('train-v2', 'Retrain with more data');

    const created = await octokit.rest.pulls.create({
      ...repo,
      title: 'Retrain',
      head: 'octo-org:train-v2',
      base: 'main',
      body: 'Candidate model',
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      state: 'open',
      merged: false,
      draft: false,
      title: 'Retrain',
      head: { ref: 'train-v2', sha: head.sha, label: 'octo-org:train-v2' },
      base: { ref: 'main', repo: { full_name: 'octo-org/models' } },
    });
    const number = created.data.number;
    expect(created.data.html_url).toBe(`${gh.emulator.url}/octo-org/models/pull/${number}`);

    // A pull request is an issue too: its conversation comments go through the issues API.
    const comment = await octokit.rest.issues.createComment({
      ...repo,
      issue_number: number,
      body: 'metrics',
    });
    expect(comment.data.html_url).toBe(
      `${gh.emulator.url}/octo-org/models/pull/${number}#issuecomment-${comment.data.id}`,
    );
    const asIssue = await octokit.rest.issues.get({ ...repo, issue_number: number });
    expect(asIssue.data.pull_request?.url).toBe(
      `${gh.emulator.url}/repos/octo-org/models/pulls/${number}`,
    );

    // A label without a description, listed in a pull request list (a known gap in the description).
    await octokit.rest.issues.addLabels({
      ...repo,
      issue_number: number,
      labels: ['needs-review'],
    });
    const byHead = await octokit.rest.pulls.list({ ...repo, head: 'octo-org:train-v2' });
    expect(byHead.data.map((p) => p.number)).toEqual([number]);
    expect(byHead.data[0]?.labels.map((l) => [l.name, l.description])).toEqual([
      ['needs-review', null],
    ]);
    const byBase = await octokit.rest.pulls.list({ ...repo, base: 'release', state: 'all' });
    expect(byBase.data).toEqual([]);

    const updated = await octokit.rest.pulls.update({
      ...repo,
      pull_number: number,
      title: 'Retrain (v2)',
      state: 'closed',
    });
    expect(updated.data).toMatchObject({ title: 'Retrain (v2)', state: 'closed' });
    expect((await octokit.rest.pulls.list(repo)).data.map((p) => p.number)).not.toContain(number);
    expect(
      (await octokit.rest.pulls.list({ ...repo, state: 'closed' })).data.map((p) => p.number),
    ).toContain(number);
  });

  it('refuses a second open pull request for the same branches and an unknown head', async () => {
    const { octokit, repo } = gh;
    gh.emulator.repo.commitOnBranch('dup', 'x');
    await octokit.rest.pulls.create({ ...repo, title: 'one', head: 'dup', base: 'main' });
    const second = await githubError(
      octokit.rest.pulls.create({ ...repo, title: 'two', head: 'dup', base: 'main' }),
    );
    expect(second.status).toBe(422);
    expect(second.message).toContain('A pull request already exists for octo-org:dup.');
    const unknown = await githubError(
      octokit.rest.pulls.create({ ...repo, title: 'x', head: 'nope', base: 'main' }),
    );
    expect(unknown.status).toBe(422);
    expect(unknown.message).toContain('PullRequest.head invalid');
  });

  it('shows a merge done by a maintainer', async () => {
    const { octokit, repo } = gh;
    const seeded = gh.emulator.repo;
    seeded.commitOnBranch('to-merge', 'y');
    const pr = await octokit.rest.pulls.create({
      ...repo,
      title: 'merge me',
      head: 'to-merge',
      base: 'main',
    });
    seeded.addCollaborator('maintainer', 'maintain');
    seeded.mergePull(pr.data.number, 'maintainer');
    const merged = await octokit.rest.pulls.get({ ...repo, pull_number: pr.data.number });
    expect(merged.data).toMatchObject({
      merged: true,
      state: 'closed',
      merged_by: { login: 'maintainer' },
    });
    expect(merged.data.merge_commit_sha).toBe(seeded.refs.get('refs/heads/main'));
  });
});

describe('reviews and permissions', () => {
  it('records reviews with their event, commit and reviewer', async () => {
    const { octokit, repo } = gh;
    const seeded = gh.emulator.repo;
    const head = seeded.commitOnBranch('reviewed', 'z');
    const pr = await octokit.rest.pulls.create({
      ...repo,
      title: 'review me',
      head: 'reviewed',
      base: 'main',
    });
    const number = pr.data.number;

    seeded.addCollaborator('maintainer', 'maintain');
    gh.emulator.state.addToken('ghp_maintainer', 'maintainer');
    const maintainer = emulatorOctokit(gh.emulator, { token: 'ghp_maintainer' });

    const changes = await maintainer.rest.pulls.createReview({
      ...repo,
      pull_number: number,
      event: 'REQUEST_CHANGES',
      body: 'Recall dropped',
    });
    expect(changes.status).toBe(200);
    expect(changes.data).toMatchObject({
      state: 'CHANGES_REQUESTED',
      commit_id: head.sha,
      user: { login: 'maintainer' },
      author_association: 'COLLABORATOR',
    });
    const approval = await maintainer.rest.pulls.createReview({
      ...repo,
      pull_number: number,
      event: 'APPROVE',
    });
    expect(approval.data.state).toBe('APPROVED');
    expect(approval.data.submitted_at).toMatch(/Z$/);

    const reviews = await octokit.rest.pulls.listReviews({ ...repo, pull_number: number });
    expect(reviews.data.map((r) => [r.user?.login, r.state])).toEqual([
      ['maintainer', 'CHANGES_REQUESTED'],
      ['maintainer', 'APPROVED'],
    ]);

    // GitHub refuses an author's approval of their own pull request.
    const own = await githubError(
      octokit.rest.pulls.createReview({ ...repo, pull_number: number, event: 'APPROVE' }),
    );
    expect(own.status).toBe(422);
    expect(own.message).toContain('Can not approve your own pull request');
    const bare = await githubError(
      maintainer.rest.pulls.createReview({
        ...repo,
        pull_number: number,
        event: 'REQUEST_CHANGES',
      }),
    );
    expect(bare.status).toBe(422);
  });

  it('reports a user permission on the repository', async () => {
    const { octokit, repo } = gh;
    gh.emulator.repo.addCollaborator('triager', 'triage');
    gh.emulator.repo.addCollaborator('admin-user', 'admin');
    gh.emulator.state.addUser('outsider');

    const triager = await octokit.rest.repos.getCollaboratorPermissionLevel({
      ...repo,
      username: 'triager',
    });
    expect(triager.data).toMatchObject({ permission: 'read', role_name: 'triage' });
    expect(triager.data.user?.permissions).toEqual({
      admin: false,
      maintain: false,
      push: false,
      triage: true,
      pull: true,
    });
    const admin = await octokit.rest.repos.getCollaboratorPermissionLevel({
      ...repo,
      username: 'admin-user',
    });
    expect(admin.data).toMatchObject({ permission: 'admin', role_name: 'admin' });
    const outsider = await octokit.rest.repos.getCollaboratorPermissionLevel({
      ...repo,
      username: 'outsider',
    });
    expect(outsider.data.permission).toBe('read');
    const ghost = await githubError(
      octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: 'ghost-x' }),
    );
    expect(ghost.status).toBe(404);

    const repository = await octokit.rest.repos.get(repo);
    expect(repository.data).toMatchObject({
      full_name: 'octo-org/models',
      default_branch: 'main',
      private: false,
    });
  });
});
