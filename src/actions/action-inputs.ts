/**
 * Reading action inputs. The runner passes every input as a string (defaults from action.yml
 * included); these helpers turn them into typed values with errors that name the input.
 */
import * as core from '@actions/core';
import { ConfigError } from '../core/errors.js';

const location = (name: string) => ({ file: 'action inputs', field: name });

/** An input's value, or `undefined` when it is empty (the runner's way of saying "not set"). */
export function optionalInput(name: string): string | undefined {
  const value = core.getInput(name).trim();
  return value === '' ? undefined : value;
}

/** Newline- or comma-separated lists, as actions commonly accept them. */
export function listInput(name: string): string[] | undefined {
  const value = optionalInput(name);
  if (value === undefined) return undefined;
  return value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function choiceInput<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const value = optionalInput(name) ?? fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new ConfigError(`"${value}" is not allowed; expected one of: ${choices.join(', ')}`, {
      location: location(name),
    });
  }
  return value as T;
}

export function integerInput(
  name: string,
  fallback: number,
  options: { min?: number } = {},
): number {
  const value = optionalInput(name);
  if (value === undefined) return fallback;
  const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < (options.min ?? 0)) {
    throw new ConfigError(
      `"${value}" is not allowed; expected a whole number of at least ${options.min ?? 0}`,
      {
        location: location(name),
      },
    );
  }
  return parsed;
}

export function booleanInput(name: string, fallback: boolean): boolean {
  const value = optionalInput(name);
  if (value === undefined) return fallback;
  if (/^(true|yes|1)$/i.test(value)) return true;
  if (/^(false|no|0)$/i.test(value)) return false;
  throw new ConfigError(`"${value}" is not allowed; expected true or false`, {
    location: location(name),
  });
}

/** A positive decimal number, such as a timeout in minutes (0.5 is half a minute). */
export function positiveNumberInput(name: string): number | undefined {
  const value = optionalInput(name);
  if (value === undefined) return undefined;
  const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(parsed > 0)) {
    throw new ConfigError(`"${value}" is not allowed; expected a positive number`, {
      location: location(name),
    });
  }
  return parsed;
}
