/**
 * Who wrote what, as the registry and promote-model read it from GitHub (issue 13, findings 3
 * and 4), against the emulator with its OpenAPI conformance check:
 * - tags written with an App's installation token record the App as `tagged-by` (GET /user
 *   cannot tell it from GITHUB_TOKEN; the tagger GitHub gives the new object can), and a reader
 *   with another token trusts them;
 * - the review source reports each commit's author and committer login (null when GitHub matches
 *   no account), the files the pull request changes, and the promotion file at its merge commit
 *   and on the default branch.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGitHubRegistry } from '../../src/adapters/github/github-registry.js';
import { GitHubRegistryWriter } from '../../src/adapters/github/github-registry-writer.js';
import { createReviewSource } from '../../src/adapters/github/pull-request-reviews.js';
import { createMemoryLogger } from '../../src/core/logger.js';
import { emulatorOctokit, useGitHubEmulator } from '../support/github-emulator/harness.js';
import { makeManifest, modelBytes, sha256 } from './registry-fixtures.js';

const gh = useGitHubEmulator();

describe('tags written with an App token', () => {
  it('record the App as tagger and tagged-by, and a GITHUB_TOKEN reader trusts them', async () => {
    const { emulator, repo } = gh;
    emulator.state.addUser('mlops-app[bot]', { type: 'Bot' });
    emulator.state.addToken('ghs_app', 'mlops-app[bot]');
    const app = emulatorOctokit(emulator, { token: 'ghs_app' });
    const bytes = modelBytes('app-published');
    const dir = await mkdtemp(path.join(tmpdir(), 'identity-'));
    const commit = emulator.repo.commitOnBranch('main', 'train').sha;
    const writer = new GitHubRegistryWriter({ octokit: app, ...repo });
    await writer.publish({
      model: 'iris',
      version: 'auto',
      commit,
      modelDigest: sha256(bytes),
      async prepare(version) {
        const manifest = Buffer.from(JSON.stringify(makeManifest('iris', version, bytes)));
        await writeFile(path.join(dir, 'model.onnx'), bytes);
        await writeFile(path.join(dir, 'manifest.json'), manifest);
        return [
          ['model.onnx', bytes],
          ['manifest.json', manifest],
        ].map(([name, data]) => ({
          name: name as string,
          path: path.join(dir, name as string),
          digest: sha256(data as Buffer),
          bytes: (data as Buffer).length,
          contentType: 'application/octet-stream',
        }));
      },
      notes: () => 'notes',
    });
    await writer.assignStage({
      model: 'iris',
      stage: 'production',
      version: '1.0.0',
      pullRequest: null,
      approvedBy: [],
      run: null,
    });
    for (const name of ['iris@v1.0.0', 'iris#production#1']) {
      const tag = emulator.repo.tagObjects.get(emulator.repo.refs.get(`refs/tags/${name}`) ?? '');
      expect(tag?.tagger.name, name).toBe('mlops-app[bot]');
      expect(tag?.message, name).toContain('tagged-by: mlops-app[bot]');
    }
    const logger = createMemoryLogger();
    const reader = createGitHubRegistry({ octokit: gh.octokit, ...repo, logger });
    expect(await reader.findStage('iris')).toMatchObject({ version: '1.0.0' });
    const downloaded = await reader.downloadModel('iris', '1.0.0', path.join(dir, 'out'));
    expect(downloaded.digest).toBe(sha256(bytes));
    expect(logger.messages('warning')).toEqual([]);
  });
});

describe('the review source', () => {
  it('reports commit authors, changed files and the promotion file at merge and on main', async () => {
    const { emulator, octokit, repo } = gh;
    emulator.repo.addCollaborator('alice', 'write');
    emulator.state.addToken('token-alice', 'alice');
    const file = '.mlops-stages/iris.yml';
    await octokit.rest.git.createRef({
      ...repo,
      ref: 'refs/heads/promote',
      sha: emulator.repo.refs.get('refs/heads/main') as string,
    });
    const put = async (client: typeof octokit, content: string, sha?: string) =>
      (
        await client.rest.repos.createOrUpdateFileContents({
          ...repo,
          path: file,
          branch: 'promote',
          message: 'promote',
          content: Buffer.from(content).toString('base64'),
          ...(sha !== undefined && { sha }),
        })
      ).data;
    const first = await put(octokit, 'model: iris\nproduction: v1.0.0\n');
    const second = await put(
      emulatorOctokit(emulator, { token: 'token-alice' }),
      'model: iris\nproduction: v2.0.0\n',
      first.content?.sha,
    );
    const ghost = emulator.repo.commitOnBranch(
      'promote',
      'ghost',
      {},
      {
        author: { name: 'Ghost', email: 'ghost@nowhere.invalid' },
      },
    );
    const { data: pull } = await octokit.rest.pulls.create({
      ...repo,
      title: 'Promote',
      head: 'promote',
      base: 'main',
    });
    const source = createReviewSource({ octokit, ...repo });
    const input = await source.approvalInput(pull.number);
    expect(input.commits).toEqual([
      {
        sha: first.commit.sha,
        author: 'github-actions[bot]',
        committer: 'github-actions[bot]',
        authorIdentity: expect.stringContaining('github-actions[bot]') as unknown as string,
      },
      {
        sha: second.commit.sha,
        author: 'alice',
        committer: 'alice',
        authorIdentity: expect.any(String) as unknown as string,
      },
      {
        sha: ghost.sha,
        author: null,
        committer: null,
        authorIdentity: 'Ghost <ghost@nowhere.invalid>',
      },
    ]);

    expect(await source.promotionEvidence({ pullRequest: pull.number, file })).toMatchObject({
      changedFiles: [file],
      mergeCommit: null,
      fileAtMerge: null,
      defaultBranch: 'main',
      fileOnDefaultBranch: null,
    });
    const merged = emulator.repo.mergePull(pull.number);
    expect(await source.promotionEvidence({ pullRequest: pull.number, file })).toEqual({
      changedFiles: [file],
      mergeCommit: merged.mergeCommitSha,
      fileAtMerge: 'model: iris\nproduction: v2.0.0\n',
      defaultBranch: 'main',
      fileOnDefaultBranch: 'model: iris\nproduction: v2.0.0\n',
    });
  });
});
