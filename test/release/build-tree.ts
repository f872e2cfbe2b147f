/**
 * Builds a release tree (scripts/build-release-tree.mjs) for the tests, into a temporary folder
 * outside the repository, where Node's resolution cannot fall back on the repository's
 * node_modules. `--skip-build`: the tests run on the dist/ `npm run build` made (as the action tests
 * do), never rebuilding a dist/ other test files may be running.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '../..');

export interface ReleaseTree {
  /** The tree's folder. */
  dir: string;
  /** The version it was built for, as its tag: `v` + package.json's version. */
  version: string;
  /** What the build printed. */
  stdout: string;
  cleanup(): Promise<void>;
}

export async function buildReleaseTree(
  options: { platforms?: string[] } = {},
): Promise<ReleaseTree> {
  const temp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'mlops-release-')));
  const dir = path.join(temp, 'tree');
  const { version: plain } = JSON.parse(
    await readFile(path.join(root, 'package.json'), 'utf8'),
  ) as {
    version: string;
  };
  const version = `v${plain}`;
  const platforms = (options.platforms ?? []).flatMap((platform) => ['--platform', platform]);
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        path.join(root, 'scripts/build-release-tree.mjs'),
        dir,
        '--version',
        version,
        '--skip-build',
        ...platforms,
      ],
      { cwd: root },
    );
    return { dir, version, stdout, cleanup: () => rm(temp, { recursive: true, force: true }) };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}
