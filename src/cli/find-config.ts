/**
 * Which `mlops.yml` a command reads: the one `--config` names, else the nearest one found walking
 * up from the current folder to the repository root (the folder holding `.git`), as git finds
 * `.git`, so that a command run from `src/` or `data/` reads the repository's file.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadMlopsConfig, type LoadedConfig } from '../adapters/fs/load-config.js';

export const CONFIG_FILE = 'mlops.yml';

/**
 * The config path to hand to a step: `flag` when given; else the nearest mlops.yml up to the
 * repository root (or the file system's root outside a repository); else undefined, and the step
 * reports the missing ./mlops.yml as it always has.
 */
export function findConfig(cwd: string, flag: string | undefined): string | undefined {
  if (flag !== undefined) return flag;
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir) return undefined;
  }
}

/** The command's mlops.yml, found as `findConfig` finds it; a missing one is the loader's ConfigError. */
export function loadCommandConfig(cwd: string, flag: string | undefined): Promise<LoadedConfig> {
  return loadMlopsConfig({ cwd, path: findConfig(cwd, flag) ?? CONFIG_FILE });
}
