import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseMlopsConfig, type MlopsConfig } from '../../core/config/mlops-config.js';
import { ConfigError } from '../../core/errors.js';
import { toDisplayPath } from './display-path.js';
import { confinePath } from './workspace-path.js';

export interface LoadedConfig {
  readonly config: MlopsConfig;
  /** Folder of the config file: its relative paths resolve against it. */
  readonly dir: string;
  readonly displayPath: string;
}

/**
 * Reads and validates `mlops.yml`. With `optional`, a missing file gives `undefined` instead of
 * an error (the caller has everything it needs from inputs).
 */
interface LoadConfigOptions {
  cwd: string;
  path: string;
  optional?: boolean;
  /** The input or flag that named the file, for the error when it leaves the workspace. */
  field?: string;
}
export async function loadMlopsConfig(
  options: LoadConfigOptions & { optional: true },
): Promise<LoadedConfig | undefined>;
export async function loadMlopsConfig(
  options: LoadConfigOptions & { optional?: false },
): Promise<LoadedConfig>;
export async function loadMlopsConfig(
  options: LoadConfigOptions,
): Promise<LoadedConfig | undefined>;
export async function loadMlopsConfig(
  options: LoadConfigOptions,
): Promise<LoadedConfig | undefined> {
  const absolute = path.resolve(options.cwd, options.path);
  const displayPath = toDisplayPath(options.cwd, absolute);
  // A committed symlink (mlops.yml -> /etc/passwd) would put that file's lines in the errors.
  const real = await confinePath({
    path: absolute,
    cwd: options.cwd,
    origin: { field: options.field ?? 'config', file: displayPath },
  });
  let text: string;
  try {
    text = await readFile(real, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.optional) return undefined;
    throw new ConfigError(
      code === 'ENOENT'
        ? 'no such file; expected an mlops.yml (mlops init creates one)'
        : `cannot read the configuration: ${(error as Error).message}`,
      { location: { file: displayPath }, cause: error },
    );
  }
  return { config: parseMlopsConfig(text, displayPath), dir: path.dirname(absolute), displayPath };
}
