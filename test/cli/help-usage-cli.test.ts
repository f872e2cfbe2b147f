/**
 * The command line guides: every command and subcommand has `--help` (= `mlops help <command>`),
 * a usage error prints that command's options with the flag or command meant, numbers below zero
 * are values rather than flags, mlops.yml is found from a subdirectory, and a named file is
 * written over only with --force.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commandGroups, commands } from '../../src/cli/command-definitions.js';
import { mlops } from '../support/run-cli.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');

let workspace: Workspace | undefined;
afterEach(async () => {
  await workspace?.cleanup();
  workspace = undefined;
});

/** A checkout of the breast-cancer example: a repository root (`.git`) holding mlops.yml. */
async function exampleRepository(): Promise<Workspace> {
  const w = await createWorkspace({ '.git/HEAD': 'ref: refs/heads/main\n' });
  await w.copyInto(path.join(root, 'examples/breast-cancer'), '.');
  return w;
}

describe('mlops --help and mlops help <command>', () => {
  it('prints a command’s usage, options and examples', async () => {
    workspace = await createWorkspace({});
    const result = await mlops(workspace.dir, 'schema', 'infer', '--help');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatchInlineSnapshot(`
      "mlops schema infer: propose a dataset schema from data

      Usage:
        mlops schema infer <data...> [--out <file>] [--target <column>] [--max-categories <n>] [--force]

      Arguments:
        <data...>  data files or globs to infer from

      Options:
        --out <file>          write the schema there (default: print it)
        --target <column>     the column the model predicts (role: target)
        --max-categories <n>  most distinct values for a category column (default 20)
        --force               overwrite files that exist (without it, nothing is written over)
        -h, --help            show this help

      Proposes the narrowest type every value fits, observed ranges, categories up to --max-categories
      distinct values, nullable where values are missing, and role: id with unique: true for id-like
      unique columns; the data it was inferred from passes it.

      Examples:
        mlops schema infer data/train.csv --target label --out schema.yml
            write a schema for the training data, with "label" as the target
      "
    `);
  });

  it('lists a group’s subcommands for `mlops schema --help`', async () => {
    workspace = await createWorkspace({});
    const result = await mlops(workspace.dir, 'schema', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "mlops schema: dataset schemas: schema infer

      Commands:
        schema infer  propose a dataset schema from data

      Run "mlops help schema infer" for a command's options and examples.
      "
    `);
  });

  it('prints the same help for `mlops help <command>` as for `<command> --help`', async () => {
    workspace = await createWorkspace({});
    const help = await mlops(workspace.dir, 'help', 'registry', 'show');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatchInlineSnapshot(`
      "mlops registry show: one model's versions and stage history

      Usage:
        mlops registry show <model> [--registry <dir>] [--github <owner/repo>] [--json]

      Arguments:
        <model>  a model name

      Options:
        --registry <dir>       local registry folder (default: .mlops/registry)
        --github <owner/repo>  a repository's registry on GitHub: releases <model>@v<semver> and stage
                               tags <model>#<stage>#<n>; token from GITHUB_TOKEN or GH_TOKEN, API from
                               GITHUB_API_URL (default https://api.github.com)
        --json                 print JSON (full digests) instead of tables
        -h, --help             show this help

      Examples:
        mlops registry show churn
            versions and stages of churn
      "
    `);
    expect((await mlops(workspace.dir, 'registry', 'show', '-h')).stdout).toBe(help.stdout);
  });

  it('has help for every command and subcommand, and the global help lists them all', async () => {
    workspace = await createWorkspace({});
    const global = await mlops(workspace.dir, '--help');
    expect(global.code).toBe(0);
    for (const command of commands) {
      const result = await mlops(workspace.dir, ...command.name.split(' '), '--help');
      expect(result.code, command.name).toBe(0);
      expect(result.stdout, command.name).toContain(`mlops ${command.name}: ${command.summary}`);
      expect(global.stdout).toContain(`  ${command.name}  `);
    }
    for (const group of commandGroups) {
      const result = await mlops(workspace.dir, 'help', group.name);
      expect(result.code, group.name).toBe(0);
      expect(result.stdout).toContain(`mlops ${group.name}: ${group.summary}`);
    }
  });
});

describe('usage errors', () => {
  it('names the flag meant and prints only that command’s options', async () => {
    workspace = await createWorkspace({});
    const result = await mlops(workspace.dir, 'evaluate', '--confg', 'mlops.yml');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatchInlineSnapshot(`
      "mlops: unknown flag --confg for "mlops evaluate"; did you mean --config?

      Usage:
        mlops evaluate [--config <file>] [--model <file>] [--data <path>...] [--baseline <what>]
                       [--registry <dir>] [--report <file>] [--markdown <file>] [--comment-out <file>]
                       [--force] [--quiet]

      Options:
        --config <file>       mlops.yml (default: the nearest mlops.yml in this folder or a parent, up to
                              the repository root)
        --model <file>        candidate ONNX model (default: the config's model.path)
        --data <path>         evaluation data (default: the config's data.eval); repeatable
        --baseline <what>     production (default, from the local registry), none, a version such as
                              v1.2.0, or an ONNX file
        --registry <dir>      local registry folder (default: .mlops/registry)
        --report <file>       JSON report (default: .mlops/evaluate-report.json)
        --markdown <file>     also write the comparison as markdown (what the job summary shows)
        --comment-out <file>  also write the pull request comment the evaluate action posts
        --force               overwrite files that exist (without it, nothing is written over)
        --quiet               no progress bar (it shows only on a terminal)
        -h, --help            show this help

      Run "mlops help evaluate" for examples.
      "
    `);
    // Not the list of every command.
    expect(result.stderr).not.toContain('mlops train');
  });

  it('takes a flag the typed text begins for the one it means', async () => {
    workspace = await createWorkspace({});
    const result = await mlops(workspace.dir, 'train', '--gpu', 'none');
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatchInlineSnapshot(
      `"mlops: unknown flag --gpu for "mlops train"; did you mean --gpus?"`,
    );
  });

  it('names the command meant', async () => {
    workspace = await createWorkspace({});
    const result = await mlops(workspace.dir, 'valdate');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatchInlineSnapshot(`
      "mlops: unknown command "valdate"; did you mean "validate"?

      Run "mlops --help" for the list of commands.
      "
    `);
    const sub = await mlops(workspace.dir, 'schema', 'infr', 'data.csv');
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatchInlineSnapshot(`
      "mlops: unknown command "schema infr"; did you mean "schema infer"?

      mlops schema: dataset schemas: schema infer

      Commands:
        schema infer  propose a dataset schema from data

      Run "mlops help schema infer" for a command's options and examples.
      "
    `);
  });

  it('reads a negative number as the value it is, and says what was expected', async () => {
    workspace = await createWorkspace({});
    const result = await mlops(workspace.dir, 'train', '--timeout-minutes', '-5');
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n\n')[0]).toMatchInlineSnapshot(
      `"mlops: --timeout-minutes: expected a positive number, got "-5""`,
    );
    const seed = await mlops(workspace.dir, 'train', '--seed=-1');
    expect(seed.stderr.split('\n\n')[0]).toMatchInlineSnapshot(
      `"mlops: --seed: expected a whole number (0 or more), got "-1""`,
    );
    const choice = await mlops(workspace.dir, 'validate', '--fail-on', 'eror');
    expect(choice.stderr.split('\n\n')[0]).toMatchInlineSnapshot(
      `"mlops: --fail-on: expected one of error, never; got "eror"; did you mean error?"`,
    );
  });

  it('takes a value that starts with "-" for an option that needs one, unless it is a flag', async () => {
    workspace = await createWorkspace({ 'data.csv': 'x\n1\n' });
    // The schema file "-s.yml" is looked for (and is not there): it was taken as the value.
    const dashed = await mlops(
      workspace.dir,
      'validate',
      '--schema',
      '-s.yml',
      '--data',
      'data.csv',
    );
    expect(dashed.code).toBe(2);
    expect(dashed.stderr).toContain('-s.yml');
    expect(dashed.stderr).not.toContain('unknown flag');
    const missing = await mlops(workspace.dir, 'validate', '--schema', '--quiet');
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n\n')[0]).toMatchInlineSnapshot(
      `"mlops: --schema needs a value: --schema <file>"`,
    );
  });

  it('says what is missing and what is too much', async () => {
    workspace = await createWorkspace({});
    const infer = await mlops(workspace.dir, 'schema', 'infer');
    expect(infer.code).toBe(2);
    expect(infer.stderr.split('\n\n')[0]).toMatchInlineSnapshot(
      `"mlops: schema infer needs data files or globs to infer from (<data...>)"`,
    );
    const list = await mlops(workspace.dir, 'registry', 'list', 'extra');
    expect(list.stderr.split('\n\n')[0]).toMatchInlineSnapshot(
      `"mlops: registry list takes no arguments, got "extra""`,
    );
    const quiet = await mlops(workspace.dir, 'validate', '--quiet=yes');
    expect(quiet.stderr.split('\n\n')[0]).toMatchInlineSnapshot(
      `"mlops: --quiet takes no value, got "yes""`,
    );
    const group = await mlops(workspace.dir, 'registry');
    expect(group.code).toBe(2);
    expect(group.stderr).toMatchInlineSnapshot(`
      "mlops: registry needs a command: registry list or registry show

      mlops registry: what a registry holds: registry list, registry show

      Commands:
        registry list  every model of a registry with its latest and production versions
        registry show  one model's versions and stage history

      Run "mlops help registry list" for a command's options and examples.
      "
    `);
  });

  it('speaks of flags, not action inputs', async () => {
    workspace = await exampleRepository();
    const model = await mlops(workspace.dir, 'evaluate', '--model', 'nothing-here.onnx');
    expect(model.code).toBe(2);
    expect(model.stderr).toMatchInlineSnapshot(`
      "mlops: nothing-here.onnx: no candidate model here; train first (mlops train writes it to model.path) or give --model
      "
    `);
    expect((await mlops(workspace.dir, 'train', '--builtin', 'logistic-regression')).code).toBe(0);
    const baseline = await mlops(workspace.dir, 'evaluate', '--baseline', 'v9.9.9');
    expect(baseline.code).toBe(2);
    expect(baseline.stderr).toMatchInlineSnapshot(`
      "Evaluating on 114 records from data/eval.csv.
      mlops: --baseline: there is no version v9.9.9 of breast-cancer in the registry
      "
    `);
    const drift = await mlops(workspace.dir, 'drift');
    expect(drift.code).toBe(2);
    expect(drift.stderr).toMatchInlineSnapshot(`
      "mlops: mlops.yml (drift.current): no current data: set drift.current in mlops.yml or give --current
      "
    `);
  });
});

describe('mlops.yml from a subdirectory', () => {
  it('walks up to the repository root, as git finds .git', async () => {
    workspace = await exampleRepository();
    await workspace.write('data/nested/.keep', '');
    const result = await mlops(workspace.path('data/nested'), 'validate');
    // The example's 455 training and 114 evaluation records (its README), found from two levels down.
    expect(result.stdout).toBe(
      'valid: 569 records in 2 file(s), 0 violation(s); report: .mlops/validate-report.json\n',
    );
    expect(result.code).toBe(0);
  });

  it('stops at the repository root: an mlops.yml above it is not this repository’s', async () => {
    workspace = await createWorkspace({ 'repo/.git/HEAD': 'ref: refs/heads/main\n' });
    await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
    await workspace.write('repo/sub/.keep', '');
    const result = await mlops(workspace.path('repo/sub'), 'validate');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatchInlineSnapshot(`
      "mlops: mlops.yml: no configuration found; create mlops.yml (mlops init) or give both a schema and data paths
      "
    `);
  });

  it('lets --config win over the file found', async () => {
    workspace = await exampleRepository();
    await workspace.write('data/nested/.keep', '');
    const result = await mlops(workspace.path('data/nested'), 'validate', '--config', 'nope.yml');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nope.yml');
  });
});

describe('--force', () => {
  it('is needed to write over a file the user names; without it the file is unchanged', async () => {
    workspace = await exampleRepository();
    const before = await workspace.read('schema.yml');
    const refused = await mlops(
      workspace.dir,
      'schema',
      'infer',
      'data/train.csv',
      '--out',
      'schema.yml',
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatchInlineSnapshot(`
      "mlops: schema.yml (--out) already exists: nothing was written. Give --force to overwrite, or name another file.
      "
    `);
    expect(await workspace.read('schema.yml')).toBe(before);

    const forced = await mlops(
      workspace.dir,
      'schema',
      'infer',
      'data/train.csv',
      '--out',
      'schema.yml',
      '--force',
    );
    expect(forced.code).toBe(0);
    const after = await readFile(workspace.path('schema.yml'), 'utf8');
    expect(after).not.toBe(before);
    expect(after).toMatch(
      /^# Dataset schema proposed by `mlops schema infer` from data\/train\.csv\n/,
    );
  });

  it('guards every output a command is told to write', async () => {
    workspace = await exampleRepository();
    await workspace.write('taken.json', 'mine\n');
    const runs = [
      ['validate', '--report', 'taken.json'],
      ['evaluate', '--markdown', 'taken.json', '--baseline', 'none'],
      ['drift', '--issue-out', 'taken.json'],
      ['profile', '--output', 'taken.json'],
      ['profile', 'merge', 'a.json', '--output', 'taken.json'],
    ];
    for (const args of runs) {
      const result = await mlops(workspace.dir, ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain('taken.json (--');
      expect(await workspace.read('taken.json')).toBe('mine\n');
    }
  });
});
