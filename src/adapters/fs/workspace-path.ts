/**
 * Keeps every path that comes from configuration or an input inside the workspace.
 *
 * A repository can commit a symlink (`data/train.csv -> /etc/passwd`), and a config can name
 * `../../secrets.env`: opened as given, their content ends up in annotations, summaries and
 * comments. So each opener resolves the path with `fs.realpath` (every symlink followed) and
 * refuses one that ends outside the workspace root, naming the config field and the path.
 *
 * The root: `GITHUB_WORKSPACE` when the working directory is inside it (an action run); otherwise
 * (the CLI, tests) the nearest directory at or above the working directory that holds `.git` (the
 * repository root), else the working directory itself.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { toDisplayPath } from './display-path.js';

/** Where a path came from, for the error that refuses it. */
export interface PathOrigin {
  /** The config field or action input that named it, such as `data.train` or `config`. */
  readonly field: string;
  /** The file that holds the field (`mlops.yml`); the input's name when it came from an input. */
  readonly file?: string | undefined;
}

const roots = new Map<string, Promise<string>>();

/** The directory no configured path may leave (see the file's comment); its real path. */
export function workspaceRoot(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const key = `${env.GITHUB_WORKSPACE ?? ''}\0${path.resolve(cwd)}`;
  let found = roots.get(key);
  if (found === undefined) {
    found = findRoot(path.resolve(cwd), env.GITHUB_WORKSPACE);
    roots.set(key, found);
  }
  return found;
}

async function findRoot(cwd: string, workspace: string | undefined): Promise<string> {
  const real = await realOrSelf(cwd);
  if (workspace !== undefined && workspace !== '') {
    const root = await realOrSelf(path.resolve(workspace));
    if (isInside(real, root)) return root;
  }
  for (let dir = real; ; dir = path.dirname(dir)) {
    if (await exists(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return real;
  }
}

/**
 * The real path of `absolute` (symlinks resolved) when it stays inside the workspace of `cwd`;
 * a `ConfigError` naming `origin` otherwise. A path that does not exist yet is checked by its
 * nearest existing parent, so the caller's own "no such file" message still comes first.
 */
export async function confinePath(options: {
  readonly path: string;
  readonly cwd: string;
  readonly origin: PathOrigin;
  readonly env?: NodeJS.ProcessEnv;
}): Promise<string> {
  const absolute = path.resolve(options.cwd, options.path);
  const root = await workspaceRoot(options.cwd, options.env);
  const real = await realExisting(absolute);
  if (isInside(real, root)) return real;
  const shown = toDisplayPath(options.cwd, absolute);
  const via = real === absolute ? '' : ` resolves to ${real}, which`;
  throw new ConfigError(
    `the path "${shown}"${via} is outside the workspace ${root}: files named by the configuration ` +
      'must stay inside the repository (a symlink or "../" that leaves it is refused, so that no ' +
      "file of the runner's can be read into annotations, summaries or comments).",
    { location: { file: options.origin.file ?? shown, field: options.origin.field } },
  );
}

/**
 * Reads a file named by configuration or an input once `confinePath` allowed it: for the openers
 * that read a whole file (a profile, a report, a promotion file). Errors are Node's, for the caller
 * to word (ENOENT and the like); a path outside the workspace is the `ConfigError` above.
 */
export async function readWorkspaceFile(options: {
  readonly path: string;
  readonly cwd: string;
  readonly origin: PathOrigin;
  readonly env?: NodeJS.ProcessEnv;
}): Promise<Buffer> {
  return readFile(await confinePath(options));
}

function isInside(candidate: string, root: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** `fs.realpath` of the path, or of its nearest existing ancestor with the rest appended. */
async function realExisting(absolute: string): Promise<string> {
  const rest: string[] = [];
  for (let current = absolute; ; current = path.dirname(current)) {
    try {
      return path.join(await realpath(current), ...rest.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || path.dirname(current) === current) {
        throw error;
      }
      rest.push(path.basename(current));
    }
  }
}

async function realOrSelf(absolute: string): Promise<string> {
  try {
    return await realpath(absolute);
  } catch {
    return absolute;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
