/** Window lengths as mlops.yml writes them: `30m`, `6h`, `1d`, `1w`. */
import { ConfigError } from '../errors.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Milliseconds of a duration; a ConfigError naming the file and field when it is not one. */
export function parseDuration(
  text: string,
  where: { readonly file: string; readonly field: string },
): number {
  const match = /^(\d+)([mhdw])$/.exec(text.trim());
  const ms = match === null ? NaN : Number(match[1]) * (UNIT_MS[match[2] as string] ?? NaN);
  if (!(ms > 0)) {
    throw new ConfigError(
      `${JSON.stringify(text)} is not a duration: expected a positive number and a unit m, h, d or w, such as 1d`,
      { location: where },
    );
  }
  return ms;
}

/**
 * The window holding `time`: windows are aligned to the Unix epoch (UTC midnight for `1d`), so
 * two runs over overlapping logs cut the same windows.
 */
export function windowStart(timeMs: number, windowMs: number): number {
  return Math.floor(timeMs / windowMs) * windowMs;
}
