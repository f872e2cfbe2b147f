/**
 * The command table and its parser, in process: every example in the help parses, numbers and
 * choices are checked, "did you mean" finds the names a typo meant, and mlops.yml is looked for
 * up to the repository root.
 */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LOCAL_REGISTRY_ROOT } from '../../src/adapters/registry/local-registry.js';
import { CliUsageError } from '../../src/cli/cli-usage-error.js';
import { commands, DEFAULT_REGISTRY_DIR } from '../../src/cli/command-definitions.js';
import { closestName } from '../../src/cli/did-you-mean.js';
import { findConfig } from '../../src/cli/find-config.js';
import { parseCommandLine } from '../../src/cli/parse-command-line.js';

const byName = (name: string) => {
  const command = commands.find((c) => c.name === name);
  if (command === undefined) throw new Error(`no command ${name}`);
  return command;
};

/**
 * Words of a shell command line as sh splits them, for what the examples use: single quotes,
 * `$(...)` and leading `NAME=value` assignments (dropped).
 */
function shellWords(line: string): string[] {
  const words = [...line.matchAll(/'([^']*)'|(\S*\$\([^)]*\)\S*)|(\S+)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3]!,
  );
  while (words[0] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) words.shift();
  return words;
}

const usageError = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof CliUsageError) return error.message;
    throw error;
  }
  throw new Error('expected a usage error');
};

describe('the command table', () => {
  it('names each command once and shows the local registry folder the adapter uses', () => {
    const names = commands.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(DEFAULT_REGISTRY_DIR).toBe(DEFAULT_LOCAL_REGISTRY_ROOT);
  });

  it.each(commands.map((c) => [c.name, c] as const))(
    'mlops %s: every example parses, and every default is an allowed value',
    (name, command) => {
      expect(command.examples.length).toBeGreaterThan(0);
      for (const example of command.examples) {
        const words = shellWords(example.command);
        const prefix = ['mlops', ...name.split(' ')];
        expect(words.slice(0, prefix.length)).toEqual(prefix);
        expect(() => parseCommandLine(command, words.slice(prefix.length))).not.toThrow();
      }
      for (const option of Object.values(command.options)) {
        if (option.choices !== undefined && option.default !== undefined) {
          expect(option.choices).toContain(option.default);
        }
      }
    },
  );
});

describe('parseCommandLine', () => {
  const train = byName('train');
  const validate = byName('validate');

  it('takes a negative number as the value of an option and says what was expected', () => {
    expect(usageError(() => parseCommandLine(train, ['--timeout-minutes', '-5']))).toBe(
      '--timeout-minutes: expected a positive number, got "-5"',
    );
    expect(usageError(() => parseCommandLine(train, ['--timeout-minutes', '0']))).toBe(
      '--timeout-minutes: expected a positive number, got "0"',
    );
    expect(parseCommandLine(train, ['--timeout-minutes', '0.5']).values['timeout-minutes']).toBe(
      0.5,
    );
    expect(usageError(() => parseCommandLine(train, ['--seed', '1e3']))).toBe(
      '--seed: expected a whole number (0 or more), got "1e3"',
    );
    // 2^53 cannot be told from 2^53 + 1: not a seed.
    expect(usageError(() => parseCommandLine(train, ['--seed', '9007199254740993']))).toContain(
      'expected a whole number',
    );
  });

  it('collects repeated values, applies defaults and leaves absent options undefined', () => {
    const { values, positionals } = parseCommandLine(validate, [
      '--data',
      'a.csv',
      '--data=-b.csv',
      '--quiet',
    ]);
    expect(values.data).toEqual(['a.csv', '-b.csv']);
    expect(values.quiet).toBe(true);
    expect(values.force).toBe(false);
    expect(values['fail-on']).toBe('error');
    expect(values['max-lines']).toBe(50);
    expect(values.config).toBeUndefined();
    expect(positionals).toEqual([]);
  });

  it('reads everything after -- as arguments', () => {
    const infer = byName('schema infer');
    expect(parseCommandLine(infer, ['--', '--weird.csv']).positionals).toEqual(['--weird.csv']);
  });

  it('refuses what does not fit', () => {
    expect(usageError(() => parseCommandLine(validate, ['--config']))).toBe(
      '--config needs a value: --config <file>',
    );
    expect(usageError(() => parseCommandLine(validate, ['extra.csv']))).toBe(
      'validate takes no arguments, got "extra.csv"',
    );
    expect(usageError(() => parseCommandLine(byName('promote'), []))).toBe(
      'promote needs --version <v>',
    );
    expect(usageError(() => parseCommandLine(byName('registry show'), ['a', 'b']))).toBe(
      'registry show takes <model>, got "a b"',
    );
    expect(usageError(() => parseCommandLine(validate, ['-x']))).toBe(
      'unknown flag -x for "mlops validate"',
    );
  });
});

describe('closestName', () => {
  it('finds the name one or two edits away, or the one the text begins', () => {
    expect(closestName('confg', ['config', 'schema'])).toBe('config');
    expect(closestName('valdate', ['train', 'validate'])).toBe('validate');
    // A swap of neighbours is one edit.
    expect(closestName('tarin', ['train', 'validate'])).toBe('train');
    expect(closestName('gpu', ['gpus', 'seed'])).toBe('gpus');
    expect(closestName('gpu', ['repo', 'gpu-runner-labels', 'environment'])).toBe(
      'gpu-runner-labels',
    );
    expect(closestName('zzz', ['config', 'schema'])).toBeUndefined();
    // Two names begin with "re": no guess.
    expect(closestName('re', ['registry', 'report'])).toBeUndefined();
  });
});

describe('findConfig', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('walks up to the folder holding .git, and no further; a flag wins', async () => {
    dir = await realpath(await mkdtemp(path.join(os.tmpdir(), 'mlops-find-config-')));
    await mkdir(path.join(dir, 'outer/repo/.git'), { recursive: true });
    await mkdir(path.join(dir, 'outer/repo/a/b'), { recursive: true });
    await writeFile(path.join(dir, 'outer/mlops.yml'), 'version: 1\n');
    // Above the repository root: not found.
    expect(findConfig(path.join(dir, 'outer/repo/a/b'), undefined)).toBeUndefined();
    await writeFile(path.join(dir, 'outer/repo/mlops.yml'), 'version: 1\n');
    expect(findConfig(path.join(dir, 'outer/repo/a/b'), undefined)).toBe(
      path.join(dir, 'outer/repo/mlops.yml'),
    );
    await writeFile(path.join(dir, 'outer/repo/a/mlops.yml'), 'version: 1\n');
    expect(findConfig(path.join(dir, 'outer/repo/a/b'), undefined)).toBe(
      path.join(dir, 'outer/repo/a/mlops.yml'),
    );
    expect(findConfig(path.join(dir, 'outer/repo/a/b'), 'other.yml')).toBe('other.yml');
  });
});
