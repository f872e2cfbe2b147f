/**
 * Parses a command's arguments against its definition (`node:util` parseArgs for the
 * tokenizing), with errors a user can act on: an unknown flag with the closest known one, a
 * value of the wrong kind with what was expected, a negative number taken as a value rather than
 * as a flag.
 */
import { parseArgs } from 'node:util';
import type { Command, OptionDefinition, ParsedCommandLine } from './command-definition.js';
import { CliUsageError } from './cli-usage-error.js';
import { didYouMean } from './did-you-mean.js';
import { optionFlag } from './render-help.js';

type Value = string | number | boolean | string[] | undefined;

/** True when `arg` is one of this command's flags (`--name`, `--name=…` or a short alias). */
function isKnownFlag(arg: string, options: Command['options']): boolean {
  if (arg.startsWith('--')) return arg.slice(2).split('=')[0]! in options;
  return Object.values(options).some(
    (option) => option.short !== undefined && arg === `-${option.short}`,
  );
}

/** The option `arg` names when it is `--name` or a short alias without an inline value. */
function optionNamed(arg: string, options: Command['options']): string | undefined {
  if (arg.startsWith('--')) return arg.includes('=') ? undefined : arg.slice(2);
  if (/^-[^-]$/.test(arg)) {
    return Object.entries(options).find(([, option]) => `-${option.short}` === arg)?.[0];
  }
  return undefined;
}

/**
 * An option that takes a value takes the next argument, whatever it starts with (parseArgs
 * would read `--timeout-minutes -5` as two flags), unless that is one of this command's own
 * flags: then the value is missing. `--name=value` hands it to parseArgs unambiguously.
 */
function joinValues(command: Command, args: readonly string[]): string[] {
  const { options } = command;
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    const name = optionNamed(arg, options);
    const option = name !== undefined ? options[name] : undefined;
    if (name === undefined || option?.type !== 'string') {
      out.push(arg);
      continue;
    }
    const next = args[i + 1];
    if (next === undefined || next === '--' || isKnownFlag(next, options)) {
      throw new CliUsageError(`${arg} needs a value: ${optionFlag(name, option)}`, { command });
    }
    out.push(`--${name}=${next}`);
    i += 1;
  }
  return out;
}

/** `--help` or `-h` anywhere before `--`: the help wins over every other problem. */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

const numberChecks = {
  'whole-number': { pattern: /^\d+$/, min: 0, expected: 'a whole number (0 or more)' },
  'positive-integer': { pattern: /^\d+$/, min: 1, expected: 'a whole number of at least 1' },
  'positive-number': {
    pattern: /^\d+(\.\d+)?$|^\.\d+$/,
    min: Number.MIN_VALUE,
    expected: 'a positive number',
  },
} as const;

function checkValue(
  command: Command,
  name: string,
  option: OptionDefinition,
  text: string,
): string | number {
  if (option.choices !== undefined && !option.choices.includes(text)) {
    throw new CliUsageError(
      `--${name}: expected one of ${option.choices.join(', ')}; got "${text}"${didYouMean(text, option.choices)}`,
      { command },
    );
  }
  if (option.check !== undefined) {
    const check = numberChecks[option.check];
    const number = Number(text);
    if (
      !check.pattern.test(text) ||
      !Number.isFinite(number) ||
      number < check.min ||
      (option.check !== 'positive-number' && !Number.isSafeInteger(number))
    ) {
      throw new CliUsageError(`--${name}: expected ${check.expected}, got "${text}"`, { command });
    }
    return number;
  }
  return text;
}

/** The checked values and positionals of `args` for `command`; usage errors name the flag. */
export function parseCommandLine(command: Command, args: readonly string[]): ParsedCommandLine {
  const { options } = command;
  const { tokens } = parseArgs({
    args: joinValues(command, args),
    options: Object.fromEntries(
      Object.entries(options).map(([name, option]) => [
        name,
        { type: option.type, ...(option.short !== undefined ? { short: option.short } : {}) },
      ]),
    ),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, Value> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    if (option === undefined) {
      const typed = token.rawName.replace(/^-+/, '');
      throw new CliUsageError(
        `unknown flag ${token.rawName} for "mlops ${command.name}"${didYouMean(typed, Object.keys(options), (n) => `--${n}`)}`,
        { command },
      );
    }
    if (option.type === 'boolean') {
      if (token.value !== undefined) {
        throw new CliUsageError(`${token.rawName} takes no value, got "${token.value}"`, {
          command,
        });
      }
      values[token.name] = true;
      continue;
    }
    if (token.value === undefined) {
      throw new CliUsageError(`${token.rawName} needs a value: ${optionFlag(token.name, option)}`, {
        command,
      });
    }
    const value = checkValue(command, token.name, option, token.value);
    if (option.multiple) {
      values[token.name] = [...((values[token.name] as string[] | undefined) ?? []), token.value];
    } else {
      values[token.name] = value;
    }
  }
  for (const [name, option] of Object.entries(options)) {
    if (values[name] !== undefined) continue;
    if (option.type === 'boolean') values[name] = false;
    else if (option.default !== undefined)
      values[name] = checkValue(command, name, option, option.default);
    else if (option.required) {
      throw new CliUsageError(`${command.name} needs ${optionFlag(name, option)}`, { command });
    }
  }
  checkPositionals(command, positionals);
  return { values, positionals };
}

function checkPositionals(command: Command, positionals: readonly string[]): void {
  const expected = command.arguments ?? [];
  if (expected.length === 0 && positionals.length > 0) {
    throw new CliUsageError(`${command.name} takes no arguments, got "${positionals.join(' ')}"`, {
      command,
    });
  }
  expected.forEach((arg, i) => {
    if (arg.required && positionals[i] === undefined) {
      throw new CliUsageError(`${command.name} needs ${arg.description} (${arg.name})`, {
        command,
      });
    }
  });
  const last = expected.at(-1);
  if (last !== undefined && !last.variadic && positionals.length > expected.length) {
    throw new CliUsageError(
      `${command.name} takes ${expected.map((a) => a.name).join(' ')}, got "${positionals.join(' ')}"`,
      { command },
    );
  }
}
