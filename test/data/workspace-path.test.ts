/**
 * `confinePath`: which root a path must stay in (GITHUB_WORKSPACE in a run, else the repository
 * root, else the working directory) and what leaving it looks like.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  confinePath,
  readWorkspaceFile,
  workspaceRoot,
} from '../../src/adapters/fs/workspace-path.js';
import { ConfigError } from '../../src/core/errors.js';

let base: string;
const at = (rel: string) => path.join(base, rel);
const origin = { field: 'data.train', file: 'mlops.yml' };

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'workspace-path-')));
  // base/repo is a repository (it holds .git) with a subfolder; base/secret is outside it.
  mkdirSync(at('repo/.git'), { recursive: true });
  mkdirSync(at('repo/sub/data'), { recursive: true });
  mkdirSync(at('secret'));
  writeFileSync(at('secret/key'), 'SECRET\n');
  writeFileSync(at('repo/sub/data/ok.csv'), 'a\n1\n');
  writeFileSync(at('repo/top.txt'), 'top\n');
  symlinkSync(at('secret/key'), at('repo/sub/data/link.csv'));
  symlinkSync(at('repo/sub/data/ok.csv'), at('repo/inside-link.csv'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('workspaceRoot', () => {
  it('is GITHUB_WORKSPACE when the working directory is inside it', async () => {
    const env = { GITHUB_WORKSPACE: at('repo/sub') };
    expect(await workspaceRoot(at('repo/sub/data'), env)).toBe(at('repo/sub'));
  });

  it('is the nearest folder holding .git otherwise, else the working directory', async () => {
    expect(await workspaceRoot(at('repo/sub/data'), {})).toBe(at('repo'));
    // A working directory outside GITHUB_WORKSPACE (a test's temp folder) ignores it.
    expect(await workspaceRoot(at('secret'), { GITHUB_WORKSPACE: at('repo') })).toBe(at('secret'));
  });
});

describe('confinePath', () => {
  it('gives the real path of a file inside, through symlinks that stay inside', async () => {
    const cwd = at('repo/sub');
    expect(await confinePath({ path: 'data/ok.csv', cwd, origin, env: {} })).toBe(
      at('repo/sub/data/ok.csv'),
    );
    expect(await confinePath({ path: '../inside-link.csv', cwd, origin, env: {} })).toBe(
      at('repo/sub/data/ok.csv'),
    );
    // Missing files are the caller's to report: their nearest existing parent is checked.
    expect(await confinePath({ path: 'data/new/x.csv', cwd, origin, env: {} })).toBe(
      at('repo/sub/data/new/x.csv'),
    );
  });

  it('refuses a symlink out of the workspace and a ../ too many, naming field and path', async () => {
    const cwd = at('repo/sub');
    const link = confinePath({ path: 'data/link.csv', cwd, origin, env: {} });
    await expect(link).rejects.toThrow(ConfigError);
    await expect(confinePath({ path: 'data/link.csv', cwd, origin, env: {} })).rejects.toThrow(
      `mlops.yml (data.train): the path "data/link.csv" resolves to ${at('secret/key')}, which is outside the workspace ${at('repo')}`,
    );
    await expect(confinePath({ path: '../../secret/key', cwd, origin, env: {} })).rejects.toThrow(
      `the path "${at('secret/key')}" is outside the workspace ${at('repo')}`,
    );
    // In a run, the workspace is GITHUB_WORKSPACE, even inside a larger repository.
    const env = { GITHUB_WORKSPACE: cwd };
    await expect(confinePath({ path: '../top.txt', cwd, origin, env })).rejects.toThrow(
      `the path "${at('repo/top.txt')}" is outside the workspace ${cwd}`,
    );
  });

  it('reads nothing of a refused file', async () => {
    const read = readWorkspaceFile({ path: 'data/link.csv', cwd: at('repo/sub'), origin, env: {} });
    await expect(read).rejects.toThrow(ConfigError);
    await expect(read).rejects.not.toThrow('SECRET');
    const ok = await readWorkspaceFile({ path: 'data/ok.csv', cwd: at('repo/sub'), origin });
    expect(ok.toString()).toBe('a\n1\n');
  });
});
