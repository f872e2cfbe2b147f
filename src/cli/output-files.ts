/**
 * Files the user names on the command line are theirs: a command writes over one only with
 * `--force`. Checked before anything runs, so a refusal leaves every file as it was.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../core/errors.js';

/** Throws when a named output exists and `force` is not set; `outputs` maps flag to path. */
export function refuseOverwrite(options: {
  cwd: string;
  force: boolean;
  outputs: Readonly<Record<string, string | undefined>>;
}): void {
  if (options.force) return;
  const existing = Object.entries(options.outputs).filter(
    (entry): entry is [string, string] =>
      entry[1] !== undefined && existsSync(path.resolve(options.cwd, entry[1])),
  );
  if (existing.length === 0) return;
  const named = existing.map(([flag, file]) => `${file} (${flag})`).join(' and ');
  throw new ConfigError(
    `${named} already ${existing.length > 1 ? 'exist' : 'exists'}: nothing was written. Give --force to overwrite, or name another file.`,
  );
}
