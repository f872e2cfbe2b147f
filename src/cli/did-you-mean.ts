/**
 * "Did you mean" for the command line: the closest known name by edit distance (the config's
 * own rule, core/config/did-you-mean.ts), else the only name the typed text begins
 * (`--gpu` → `--gpus`).
 */
import { didYouMean as closestByDistance } from '../core/config/did-you-mean.js';

/** The name meant by `typed`, or undefined when none is close enough. */
export function closestName(typed: string, names: readonly string[]): string | undefined {
  const close = closestByDistance(typed, names);
  if (close !== undefined) return close;
  const prefixed = names.filter((name) => typed.length >= 2 && name.startsWith(typed));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** `; did you mean X?`, or nothing. */
export function didYouMean(
  typed: string,
  names: readonly string[],
  show: (name: string) => string = (name) => name,
): string {
  const name = closestName(typed, names);
  return name === undefined ? '' : `; did you mean ${show(name)}?`;
}
