/**
 * Which Python a training command ran and what was installed in it, for the manifest: a model's
 * provenance is incomplete without the torch or scikit-learn version that made it. Read after the
 * command, from the interpreter the command names, with `importlib.metadata` (what `pip list`
 * reads), so it works without pip and for any installer (pip, uv, conda, Debian packages).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PythonEnvironment } from '../../core/train/train-port.js';

export type { PythonEnvironment };

const run = promisify(execFile);

// Prints one JSON line; names are sorted so the manifest is stable from run to run.
const PROBE = `
import json, platform, sys
from importlib import metadata
packages = {}
for dist in metadata.distributions():
    name = dist.metadata["Name"]
    if name:
        packages[name] = dist.version
print(json.dumps({
    "executable": sys.executable,
    "version": platform.python_version(),
    "packages": dict(sorted(packages.items(), key=lambda item: item[0].lower())),
}))
`;

/**
 * The Python interpreter a shell command starts with (`python3 train.py`,
 * `OMP_NUM_THREADS=4 .venv/bin/python -u train.py`), or null when it starts with something else
 * (a script, `uv run`, `make`), whose interpreter cannot be told from outside.
 */
export function pythonOfCommand(command: string): string | null {
  const words = command.trim().split(/\s+/);
  let i = 0;
  // Leading variable assignments, as a shell reads them.
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] ?? '')) i++;
  const first = words[i];
  if (first === undefined) return null;
  return /^python(\d+(\.\d+)?)?$/.test(path.basename(first)) ? first : null;
}

/**
 * Asks the interpreter for its version and packages; null when it cannot answer in 30 s (a
 * missing interpreter, a broken environment): provenance is recorded where it can be, and its
 * absence never fails a training run.
 */
export async function probePythonEnvironment(options: {
  readonly executable: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}): Promise<PythonEnvironment | null> {
  try {
    const { stdout } = await run(options.executable, ['-c', PROBE], {
      cwd: options.cwd,
      env: options.env,
      timeout: 30_000,
      maxBuffer: 4 * 1024 * 1024,
    });
    const parsed = JSON.parse(stdout) as Partial<PythonEnvironment>;
    if (
      typeof parsed.executable !== 'string' ||
      typeof parsed.version !== 'string' ||
      typeof parsed.packages !== 'object' ||
      parsed.packages === null
    ) {
      return null;
    }
    return { executable: parsed.executable, version: parsed.version, packages: parsed.packages };
  } catch {
    return null;
  }
}
