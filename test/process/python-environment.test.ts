/**
 * The Python provenance of a training run: which interpreter a command names, and what that
 * interpreter reports, checked against the interpreter's own `--version`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  probePythonEnvironment,
  pythonOfCommand,
} from '../../src/adapters/process/python-environment.js';

describe('pythonOfCommand', () => {
  it.each([
    ['python3 train.py', 'python3'],
    ['python train.py --epochs 3', 'python'],
    ['  OMP_NUM_THREADS=4 SEED=1 .venv/bin/python -u train.py', '.venv/bin/python'],
    ['/usr/bin/python3.11 train.py', '/usr/bin/python3.11'],
    ['uv run train.py', null],
    ['./train.sh', null],
    ['pythonista train.py', null],
    ['FOO=1', null],
    ['', null],
  ])('%j starts %j', (command, expected) => {
    expect(pythonOfCommand(command)).toBe(expected);
  });
});

const python = '/usr/bin/python3';

describe('probePythonEnvironment', () => {
  it.skipIf(!existsSync(python))('reports the version the interpreter gives itself', async () => {
    const environment = await probePythonEnvironment({
      executable: python,
      cwd: process.cwd(),
      env: process.env,
    });
    // "Python 3.11.2" from the interpreter itself.
    const version = execFileSync(python, ['--version'], { encoding: 'utf8' }).trim();
    expect(`Python ${environment?.version ?? ''}`).toBe(version);
    const names = Object.keys(environment?.packages ?? {});
    expect(names.length).toBeGreaterThan(0);
    // Sorted as Python's sorted(key=str.lower) sorts: by code point of the lower-cased name.
    const lower = names.map((name) => name.toLowerCase());
    expect(lower).toEqual([...lower].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('answers null for an interpreter that is not there', async () => {
    await expect(
      probePythonEnvironment({
        executable: '/nonexistent/python3',
        cwd: process.cwd(),
        env: process.env,
      }),
    ).resolves.toBeNull();
  });
});
