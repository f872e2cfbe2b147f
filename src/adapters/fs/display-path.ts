import path from 'node:path';

/**
 * How a path is shown to users and in annotations: relative to the workspace with forward
 * slashes, because GitHub matches annotation paths against the repository's tree.
 */
export function toDisplayPath(cwd: string, absolute: string): string {
  const relative = path.relative(cwd, absolute);
  if (relative === '') return '.';
  if (relative.startsWith('..') || path.isAbsolute(relative))
    return absolute.split(path.sep).join('/');
  return relative.split(path.sep).join('/');
}
