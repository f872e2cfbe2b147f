/**
 * The `mlops` command: every lifecycle step, run locally with the same code the actions run.
 * Exit status: 0 success, 1 the step's verdict is a failure (violations), 2 usage or
 * configuration error, 3 unexpected error.
 *
 * Commands are not registered here: each is one `defineCommand` entry in command-definitions.ts
 * (options, arguments, summary, examples, and a `load` that imports its module), which this file
 * resolves, parses against, prints help from and runs.
 */
import { GitHubApiError, isUserError } from '../core/errors.js';
import { MLOPS_VERSION } from '../core/mlops-version.js';
import { CliUsageError } from './cli-usage-error.js';
import type { Command, CommandGroup } from './command-definition.js';
import { commandGroups, commands } from './command-definitions.js';
import { didYouMean } from './did-you-mean.js';
import { asksForHelp, parseCommandLine } from './parse-command-line.js';
import {
  renderCommandHelp,
  renderCommandUsage,
  renderGlobalHelp,
  renderGroupHelp,
  subcommandsOf,
  topLevelNames,
} from './render-help.js';

type Resolved =
  | { readonly kind: 'command'; readonly command: Command; readonly args: string[] }
  | { readonly kind: 'group'; readonly group: CommandGroup; readonly args: string[] };

const unknownCommandHint = 'Run "mlops --help" for the list of commands.';

/**
 * The command `argv` names: a subcommand (`schema infer`) before a command of the same first
 * word (`profile merge` before `profile`), then a group (`registry`). A usage error otherwise.
 */
function resolveCommand(argv: readonly string[]): Resolved {
  const [first = '', second] = argv;
  const byName = (name: string) => commands.find((c) => c.name === name);
  const sub = second !== undefined ? byName(`${first} ${second}`) : undefined;
  if (sub !== undefined) return { kind: 'command', command: sub, args: argv.slice(2) };
  const command = byName(first);
  if (command !== undefined) return { kind: 'command', command, args: argv.slice(1) };
  const group = commandGroups.find((g) => g.name === first);
  if (group !== undefined) return { kind: 'group', group, args: argv.slice(1) };
  if (first.startsWith('-')) {
    throw new CliUsageError(
      `unknown flag ${first}${didYouMean(first.replace(/^-+/, ''), ['help', 'version'], (n) => `--${n}`)}`,
    );
  }
  throw new CliUsageError(
    `unknown command "${first}"${didYouMean(first, topLevelNames(), (n) => `"${n}"`)}`,
  );
}

/** `mlops schema`, `mlops schema --help`, `mlops schema infr`: the group's subcommands. */
function runGroup(group: CommandGroup, args: readonly string[]): number {
  if (asksForHelp(args)) {
    process.stdout.write(`${renderGroupHelp(group)}\n`);
    return 0;
  }
  const [word] = args;
  const names = subcommandsOf(group.name).map((c) => c.name);
  const problem =
    word === undefined
      ? `${group.name} needs a command: ${names.join(' or ')}`
      : `unknown command "${group.name} ${word}"${didYouMean(`${group.name} ${word}`, names, (n) => `"${n}"`)}`;
  process.stderr.write(`mlops: ${problem}\n\n${renderGroupHelp(group)}\n`);
  return 2;
}

/** `mlops help [command]`. */
function runHelp(args: readonly string[]): number {
  if (args.length === 0 || asksForHelp(args.slice(0, 1))) {
    process.stdout.write(`${renderGlobalHelp()}\n`);
    return 0;
  }
  const resolved = resolveCommand(args);
  if (resolved.kind === 'group') return runGroup(resolved.group, ['--help']);
  process.stdout.write(`${renderCommandHelp(resolved.command)}\n`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === undefined) {
    process.stderr.write(`${renderGlobalHelp()}\n`);
    return 2;
  }
  if (command === '--help' || command === '-h') {
    process.stdout.write(`${renderGlobalHelp()}\n`);
    return 0;
  }
  if (command === '--version') {
    process.stdout.write(`${MLOPS_VERSION}\n`);
    return 0;
  }
  let running: Command | undefined;
  try {
    if (command === 'help') return runHelp(argv.slice(1));
    const resolved = resolveCommand(argv);
    if (resolved.kind === 'group') return runGroup(resolved.group, resolved.args);
    running = resolved.command;
    if (asksForHelp(resolved.args)) {
      process.stdout.write(`${renderCommandHelp(running)}\n`);
      return 0;
    }
    const parsed = parseCommandLine(running, resolved.args);
    const run = await running.load();
    return await run(parsed);
  } catch (error) {
    if (error instanceof CliUsageError) {
      // The options of the command it was for; a wrong command name gets a hint, not a manual.
      const about = error.command ?? running;
      console.error(
        `mlops: ${error.message}\n\n${about !== undefined ? renderCommandUsage(about) : unknownCommandHint}`,
      );
      return 2;
    }
    if (isUserError(error)) {
      console.error(`mlops: ${error.message}`);
      return 2;
    }
    if (error instanceof GitHubApiError) {
      console.error(
        `mlops: GitHub API error ${error.status} on ${error.request.method} ${error.request.url}: ${error.message}`,
      );
      return 3;
    }
    console.error(`mlops: unexpected error (please report it):`, error);
    return 3;
  }
}

process.exitCode = await main(process.argv.slice(2));
