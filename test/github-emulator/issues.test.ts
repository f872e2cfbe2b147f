import { describe, expect, it } from 'vitest';
import { useGitHubEmulator, githubError } from '../support/github-emulator/harness.js';

const gh = useGitHubEmulator();

describe('issues', () => {
  it('creates, reads, updates, closes and reopens an issue', async () => {
    const { octokit, repo } = gh;
    const created = await octokit.rest.issues.create({
      ...repo,
      title: 'Drift detected',
      body: '<!-- mlops:drift -->\nDetails',
      labels: ['drift', 'Moderate'],
    });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(
      `${gh.emulator.url}/repos/octo-org/models/issues/${created.data.number}`,
    );
    expect(created.data).toMatchObject({
      title: 'Drift detected',
      state: 'open',
      state_reason: null,
      closed_at: null,
      comments: 0,
      user: { login: 'github-actions[bot]', type: 'Bot', id: 41898282 },
    });
    expect(created.data.labels.map((l) => (typeof l === 'string' ? l : l.name))).toEqual([
      'drift',
      'Moderate',
    ]);
    // Unknown labels are created on the repository, as GitHub does.
    const repoLabels = await octokit.rest.issues.listLabelsForRepo(repo);
    expect(repoLabels.data.map((l) => l.name)).toEqual(['drift', 'Moderate']);

    const number = created.data.number;
    const closed = await octokit.rest.issues.update({
      ...repo,
      issue_number: number,
      state: 'closed',
      state_reason: 'not_planned',
    });
    expect(closed.data).toMatchObject({ state: 'closed', state_reason: 'not_planned' });
    expect(closed.data.closed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(closed.data.closed_by?.login).toBe('github-actions[bot]');

    const reopened = await octokit.rest.issues.update({
      ...repo,
      issue_number: number,
      state: 'open',
      body: 'new',
    });
    expect(reopened.data).toMatchObject({
      state: 'open',
      state_reason: 'reopened',
      closed_at: null,
      body: 'new',
    });

    const fetched = await octokit.rest.issues.get({ ...repo, issue_number: number });
    expect(fetched.data.body).toBe('new');
    expect(gh.emulator.repo.issues.get(number)?.state).toBe('open');
  });

  it('filters the issue list by state, labels and creator', async () => {
    const { octokit, repo } = gh;
    const seeded = gh.emulator.repo;
    seeded.addIssue({ title: 'a', labels: ['filter-x'], user: 'alice' });
    seeded.addIssue({ title: 'b', labels: ['filter-x', 'filter-y'], user: 'bob' });
    seeded.addIssue({ title: 'c', labels: ['filter-x'], state: 'closed', user: 'alice' });

    const titles = async (params: Record<string, string>): Promise<string[]> =>
      (await octokit.rest.issues.listForRepo({ ...repo, ...params })).data
        .map((i) => i.title)
        .sort();

    expect(await titles({ labels: 'filter-x' })).toEqual(['a', 'b']);
    expect(await titles({ labels: 'filter-x,filter-y' })).toEqual(['b']);
    expect(await titles({ labels: 'filter-x', state: 'all' })).toEqual(['a', 'b', 'c']);
    expect(await titles({ labels: 'filter-x', state: 'closed' })).toEqual(['c']);
    expect(await titles({ labels: 'filter-x', state: 'all', creator: 'alice' })).toEqual([
      'a',
      'c',
    ]);
  });

  it('adds, sets and removes the labels of an issue', async () => {
    const { octokit, repo } = gh;
    const { number } = gh.emulator.repo.addIssue({ title: 'labels' });
    const added = await octokit.rest.issues.addLabels({
      ...repo,
      issue_number: number,
      labels: ['one', 'two'],
    });
    expect(added.data.map((l) => l.name)).toEqual(['one', 'two']);
    const set = await octokit.rest.issues.setLabels({
      ...repo,
      issue_number: number,
      labels: ['two', 'three'],
    });
    expect(set.data.map((l) => l.name)).toEqual(['two', 'three']);
    const removed = await octokit.rest.issues.removeLabel({
      ...repo,
      issue_number: number,
      name: 'two',
    });
    expect(removed.data.map((l) => l.name)).toEqual(['three']);
    const listed = await octokit.rest.issues.listLabelsOnIssue({ ...repo, issue_number: number });
    expect(listed.data.map((l) => l.name)).toEqual(['three']);

    const missing = await githubError(
      octokit.rest.issues.removeLabel({ ...repo, issue_number: number, name: 'nope' }),
    );
    expect(missing.status).toBe(404);
    expect(missing.message).toContain('Label does not exist');

    const cleared = await octokit.rest.issues.removeAllLabels({ ...repo, issue_number: number });
    expect(cleared.status).toBe(204);
    expect(gh.emulator.repo.issues.get(number)?.labels).toEqual([]);
  });

  it('creates and gets repository labels, refusing a duplicate with already_exists', async () => {
    const { octokit, repo } = gh;
    const created = await octokit.rest.issues.createLabel({
      ...repo,
      name: 'model:production',
      color: '0E8A16',
      description: 'Serving',
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      name: 'model:production',
      color: '0e8a16',
      default: false,
    });
    const got = await octokit.rest.issues.getLabel({ ...repo, name: 'MODEL:production' });
    expect(got.data.id).toBe(created.data.id);

    const duplicate = await githubError(
      octokit.rest.issues.createLabel({ ...repo, name: 'Model:Production' }),
    );
    expect(duplicate.status).toBe(422);
    expect(duplicate.message).toContain('Validation Failed: Label.name already_exists');
    expect(duplicate.request).toMatchObject({ method: 'POST' });
    expect(duplicate.request.url).toBe(`${gh.emulator.url}/repos/octo-org/models/labels`);

    const cause = duplicate.cause as { response: { data: unknown } };
    expect(cause.response.data).toEqual({
      message: 'Validation Failed',
      errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
      documentation_url: 'https://docs.github.com/rest/issues/labels#create-a-label',
      status: '422',
    });

    const absent = await githubError(octokit.rest.issues.getLabel({ ...repo, name: 'absent' }));
    expect(absent.status).toBe(404);

    const { number } = gh.emulator.repo.addIssue({ labels: ['model:production'] });
    expect(
      (await octokit.rest.issues.deleteLabel({ ...repo, name: 'model:production' })).status,
    ).toBe(204);
    expect(gh.emulator.repo.issues.get(number)?.labels).toEqual([]);
  });
});

describe('issue comments', () => {
  it('creates, lists, updates and deletes a comment', async () => {
    const { octokit, repo } = gh;
    const { number } = gh.emulator.repo.addIssue({ title: 'comments' });
    const created = await octokit.rest.issues.createComment({
      ...repo,
      issue_number: number,
      body: 'first',
    });
    expect(created.status).toBe(201);
    expect(created.data.html_url).toBe(
      `${gh.emulator.url}/octo-org/models/issues/${number}#issuecomment-${created.data.id}`,
    );
    expect(created.data.issue_url).toBe(
      `${gh.emulator.url}/repos/octo-org/models/issues/${number}`,
    );
    await octokit.rest.issues.createComment({ ...repo, issue_number: number, body: 'second' });

    const updated = await octokit.rest.issues.updateComment({
      ...repo,
      comment_id: created.data.id,
      body: 'edited',
    });
    expect(updated.data.body).toBe('edited');
    const listed = await octokit.rest.issues.listComments({ ...repo, issue_number: number });
    expect(listed.data.map((c) => c.body)).toEqual(['edited', 'second']);
    const issue = await octokit.rest.issues.get({ ...repo, issue_number: number });
    expect(issue.data.comments).toBe(2);

    const deleted = await octokit.rest.issues.deleteComment({
      ...repo,
      comment_id: created.data.id,
    });
    expect(deleted.status).toBe(204);
    const gone = await githubError(
      octokit.rest.issues.getComment({ ...repo, comment_id: created.data.id }),
    );
    expect(gone.status).toBe(404);
    expect(gone.message).toContain('Not Found');
  });

  it('accepts a body of exactly 65,536 characters and refuses one more, as GitHub does', async () => {
    const { octokit, repo } = gh;
    const { number } = gh.emulator.repo.addIssue({ title: 'long' });
    // Astral characters count once each, as in GitHub's limit, though they take two UTF-16 units.
    const atLimit = '🙂'.repeat(65_536);
    const ok = await octokit.rest.issues.createComment({
      ...repo,
      issue_number: number,
      body: atLimit,
    });
    expect(ok.status).toBe(201);

    const tooLong = await githubError(
      octokit.rest.issues.createComment({
        ...repo,
        issue_number: number,
        body: 'x'.repeat(65_537),
      }),
    );
    expect(tooLong.status).toBe(422);
    expect(tooLong.message).toContain('Body is too long (maximum is 65536 characters)');

    const issueBody = await githubError(
      octokit.rest.issues.create({ ...repo, title: 't', body: 'x'.repeat(65_537) }),
    );
    expect(issueBody.status).toBe(422);
    expect(issueBody.message).toContain('body is too long (maximum is 65536 characters)');
  });

  it('walks 250 comments with octokit.paginate through GitHub-shaped Link headers', async () => {
    const { octokit, repo } = gh;
    const seeded = gh.emulator.repo;
    const { number } = seeded.addIssue({ title: 'many comments' });
    for (let i = 1; i <= 250; i += 1) seeded.addComment(number, `comment ${i}`);

    const first = await octokit.rest.issues.listComments({
      ...repo,
      issue_number: number,
      per_page: 100,
    });
    expect(first.data).toHaveLength(100);
    const base = `${gh.emulator.url}/repositories/${seeded.id}/issues/${number}/comments`;
    expect(first.headers.link).toBe(
      `<${base}?per_page=100&page=2>; rel="next", <${base}?per_page=100&page=3>; rel="last"`,
    );
    const middle = await octokit.rest.issues.listComments({
      ...repo,
      issue_number: number,
      per_page: 100,
      page: 2,
    });
    expect(middle.headers.link).toBe(
      `<${base}?per_page=100&page=1>; rel="prev", <${base}?per_page=100&page=3>; rel="next", ` +
        `<${base}?per_page=100&page=3>; rel="last", <${base}?per_page=100&page=1>; rel="first"`,
    );

    const seen: string[] = [];
    const all = await octokit.paginate(
      octokit.rest.issues.listComments,
      { ...repo, issue_number: number, per_page: 100 },
      (response) => {
        seen.push(response.url);
        return response.data;
      },
    );
    expect(all.map((c) => c.body)).toEqual(
      Array.from({ length: 250 }, (_, i) => `comment ${i + 1}`),
    );
    expect(seen).toHaveLength(3);
    // The later pages were fetched at the Link URLs, which route back to the same repository.
    expect(seen[2]).toBe(`${base}?per_page=100&page=3`);

    const defaultPage = await octokit.rest.issues.listComments({ ...repo, issue_number: number });
    expect(defaultPage.data).toHaveLength(30);
    const capped = await octokit.rest.issues.listComments({
      ...repo,
      issue_number: number,
      per_page: 500,
    });
    expect(capped.data).toHaveLength(100);
  });
});
