/**
 * Help and usage text, all of it from the command definitions: `mlops --help`, `mlops <command>
 * --help` (= `mlops help <command>`), a group's list of subcommands, and what a usage error
 * prints (the command's own usage and options, not every command's).
 */
import type { Command, CommandGroup, OptionDefinition } from './command-definition.js';
import { commandGroups, commands } from './command-definitions.js';

const width = 100;

/** Words of `text` in lines of at most `max` characters (a longer word gets a line of its own). */
export function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** `--config <file>`, or `-h, --help`. */
export function optionFlag(name: string, option: OptionDefinition): string {
  const long = `--${name}${option.value !== undefined ? ` ${option.value}` : ''}`;
  return option.short !== undefined ? `-${option.short}, ${long}` : long;
}

/** The synopsis words: arguments first, then each option (help left out), bracketed unless required. */
function synopsisWords(command: Command): string[] {
  const words = (command.arguments ?? []).map((arg) => (arg.required ? arg.name : `[${arg.name}]`));
  for (const [name, option] of Object.entries(command.options)) {
    if (name === 'help') continue;
    const text = `--${name}${option.value !== undefined ? ` ${option.value}` : ''}${option.multiple ? '...' : ''}`;
    words.push(option.required ? text : `[${text}]`);
  }
  return words;
}

/** `mlops validate [--config <file>] ...`, wrapped under the command's name. */
export function synopsis(command: Command, max = width - 2): string[] {
  const head = `mlops ${command.name}`;
  const lines: string[] = [];
  let line = head;
  for (const word of synopsisWords(command)) {
    if (line.length + 1 + word.length > max && line.trim() !== head) {
      lines.push(line);
      line = `${' '.repeat(head.length)} ${word}`;
    } else {
      line = `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}

/** Two columns: flags, then the wrapped description. */
function optionLines(command: Command): string[] {
  const entries = Object.entries(command.options).map(
    ([name, option]) => [optionFlag(name, option), option.description] as const,
  );
  const column = Math.max(...entries.map(([flag]) => flag.length)) + 4;
  return entries.flatMap(([flag, description]) =>
    wrap(description, width - column).map(
      (line, i) => `${(i === 0 ? `  ${flag}` : '').padEnd(column)}${line}`,
    ),
  );
}

function argumentLines(command: Command): string[] {
  const args = command.arguments ?? [];
  if (args.length === 0) return [];
  const column = Math.max(...args.map((arg) => arg.name.length)) + 4;
  return [
    'Arguments:',
    ...args.map((arg) => `${`  ${arg.name}`.padEnd(column)}${arg.description}`),
    '',
  ];
}

/** What a usage error prints under its message: the command's usage and options. */
export function renderCommandUsage(command: Command): string {
  return [
    'Usage:',
    ...synopsis(command).map((line) => `  ${line}`),
    '',
    ...argumentLines(command),
    'Options:',
    ...optionLines(command),
    '',
    `Run "mlops help ${command.name}" for examples.`,
  ].join('\n');
}

/** `mlops <command> --help`: summary, usage, arguments, options, notes, examples. */
export function renderCommandHelp(command: Command): string {
  return [
    `mlops ${command.name}: ${command.summary}`,
    '',
    'Usage:',
    ...synopsis(command).map((line) => `  ${line}`),
    '',
    ...argumentLines(command),
    'Options:',
    ...optionLines(command),
    ...(command.notes !== undefined ? ['', ...wrap(command.notes, width)] : []),
    // `mlops profile --help` says that `profile merge` exists.
    ...(subcommandsOf(command.name).length > 0
      ? ['', 'Commands:', ...commandList(subcommandsOf(command.name))]
      : []),
    '',
    'Examples:',
    ...command.examples.flatMap((example) => [
      `  ${example.command}`,
      ...wrap(example.description, width - 6).map((line) => `      ${line}`),
    ]),
  ].join('\n');
}

/** Commands listed with their summaries, the names in one column. */
function commandList(list: readonly { name: string; summary: string }[]): string[] {
  const column = Math.max(...list.map((c) => c.name.length)) + 4;
  return list.flatMap((c) =>
    wrap(c.summary, width - column).map(
      (line, i) => `${(i === 0 ? `  ${c.name}` : '').padEnd(column)}${line}`,
    ),
  );
}

export function subcommandsOf(group: string): Command[] {
  return commands.filter((c) => c.name.startsWith(`${group} `));
}

/** `mlops schema --help`: the group's subcommands. */
export function renderGroupHelp(group: CommandGroup): string {
  const subs = subcommandsOf(group.name);
  return [
    `mlops ${group.name}: ${group.summary}`,
    '',
    'Commands:',
    ...commandList(subs),
    '',
    `Run "mlops help ${subs[0]?.name ?? group.name}" for a command's options and examples.`,
  ].join('\n');
}

/** `mlops --help`: every command with its summary. */
export function renderGlobalHelp(): string {
  return [
    'mlops: GitHub Actions-native MLOps, locally (the same code the actions run)',
    '',
    'Usage:',
    '  mlops <command> [options]',
    '',
    'Commands:',
    ...commandList([
      ...commands,
      { name: 'help <command>', summary: "a command's options and examples" },
    ]),
    '',
    'Options:',
    "  -h, --help    this help; after a command, that command's help",
    '  --version     the version of mlops',
    '',
    'Run "mlops <command> --help" or "mlops help <command>" for a command\'s options and examples.',
    'Exit status: 0 success; 1 the verdict is a failure (violations, a failed gate, drift);',
    '2 a usage or configuration error; 3 an unexpected error.',
  ].join('\n');
}

/** Every name a user may type first: commands and groups. */
export function topLevelNames(): string[] {
  return [
    ...new Set([
      ...commands.map((c) => c.name.split(' ')[0]!),
      ...commandGroups.map((g) => g.name),
      'help',
    ]),
  ];
}
