import { cp, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A throw-away directory that tests use as a repository checkout (`GITHUB_WORKSPACE`). */
export interface Workspace {
  /** Absolute, symlink-free path of the directory. */
  readonly dir: string;
  /** Absolute path of `rel` inside the workspace; throws if `rel` would leave it. */
  path(rel: string): string;
  /** Writes a file (creating parent folders) and returns its absolute path. */
  write(rel: string, content: string | Uint8Array): Promise<string>;
  /** Reads a file of the workspace as UTF-8. */
  read(rel: string): Promise<string>;
  /** Copies a folder's contents into `destRel` (default: the workspace root); returns the destination. */
  copyInto(srcDir: string, destRel?: string): Promise<string>;
  /** Removes the directory and everything in it. Safe to call twice. */
  cleanup(): Promise<void>;
}

/**
 * Creates a fresh temporary workspace holding `files` (relative path → content).
 *
 * The directory is resolved with realpath because on macOS the temp folder sits behind a symlink
 * (/var → /private/var): a child process reports the resolved path as its cwd, and tests compare
 * those paths with `dir`.
 */
export async function createWorkspace(
  files: Record<string, string | Uint8Array> = {},
): Promise<Workspace> {
  const dir = await realpath(await mkdtemp(path.join(os.tmpdir(), 'mlops-ws-')));

  const resolveInside = (rel: string): string => {
    if (path.isAbsolute(rel)) {
      throw new Error(`workspace path must be relative, got '${rel}'`);
    }
    const full = path.resolve(dir, rel);
    const back = path.relative(dir, full);
    // Reject '..' escapes so a typo in a test can never write outside the temp folder.
    if (back === '..' || back.startsWith(`..${path.sep}`) || path.isAbsolute(back)) {
      throw new Error(`workspace path '${rel}' leaves the workspace`);
    }
    return full;
  };

  const write = async (rel: string, content: string | Uint8Array): Promise<string> => {
    const full = resolveInside(rel);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, content);
    return full;
  };

  const workspace: Workspace = {
    dir,
    path: resolveInside,
    write,
    read: (rel) => readFile(resolveInside(rel), 'utf8'),
    async copyInto(srcDir, destRel = '.') {
      const dest = resolveInside(destRel);
      await mkdir(dest, { recursive: true });
      await cp(srcDir, dest, { recursive: true });
      return dest;
    },
    async cleanup() {
      await rm(dir, { recursive: true, force: true });
    },
  };

  try {
    for (const [rel, content] of Object.entries(files)) {
      await write(rel, content);
    }
  } catch (error) {
    await workspace.cleanup();
    throw error;
  }
  return workspace;
}
