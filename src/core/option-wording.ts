/**
 * How a message names a setting its caller gave: the same step runs from the `mlops` command,
 * where settings are flags, and from an action, where they are inputs. A step says
 * `wording.option('model')` and reads "--model" on the command line, "the model input" in an
 * action. Pure.
 */
import type { Location } from './errors.js';

export interface OptionWording {
  /** `--model` on the command line, `the model input` in an action. */
  option(key: string): string;
  /** Where a value given this way sits, for an error's location. */
  location(key: string): Location;
  /** Who writes a step's output: `mlops train`, or `the train action`. */
  step(name: string): string;
}

export const actionWording: OptionWording = {
  option: (key) => `the ${key} input`,
  location: (key) => ({ file: 'action inputs', field: key }),
  step: (name) => `the ${name} action`,
};

export const cliWording: OptionWording = {
  option: (key) => `--${key}`,
  location: (key) => ({ file: `--${key}` }),
  step: (name) => `mlops ${name}`,
};
