/**
 * Entrypoint of the root action (`uses: mlops-actions/mlops-actions@v1`): the `command` input
 * selects a step and every other input passes through unchanged, because each step reads its
 * own inputs (`INPUT_<NAME>`) exactly as it does as `actions/<step>`.
 *
 * The step's bundled entrypoint, dist/<step>.js beside this file, is imported at run time (not
 * bundled here): a step's module does its work on import. The one input whose name clashes is
 * train's `command` (the training command), which the root action takes as `train-command`.
 */
import * as core from '@actions/core';
import { ConfigError } from '../core/errors.js';
import { runEntrypoint } from './run-entrypoint.js';

/** Every step the root action can run; `actions/<step>/action.yml` declares its inputs. */
const commands = [
  'validate-data',
  'train',
  'evaluate',
  'publish-model',
  'promote-model',
  'check-drift',
  'check-performance',
  'doctor',
  'profile-data',
  'dashboard',
] as const;

type Command = (typeof commands)[number];

function isCommand(value: string): value is Command {
  return (commands as readonly string[]).includes(value);
}

let step: Command | undefined;
await runEntrypoint(async () => {
  const command = core.getInput('command').trim();
  if (!isCommand(command)) {
    throw new ConfigError(
      `${command === '' ? 'no command was given' : `"${command}" is not a command`}; expected one of: ${commands.join(', ')}`,
      { location: { file: 'action inputs', field: 'command' } },
    );
  }
  // From here on, `command` means what train means by it: the training command.
  process.env['INPUT_COMMAND'] = process.env['INPUT_TRAIN-COMMAND'] ?? '';
  step = command;
});

if (step !== undefined) {
  // A variable, not a literal: the bundler must leave this import to run time.
  const entrypoint = `./${step}.js`;
  try {
    await import(entrypoint);
  } catch (error) {
    // The step's own errors are handled inside it; this is a build without that step.
    const missing =
      error instanceof Error &&
      (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
      error.message.includes(`${step}.js`);
    core.setFailed(
      missing
        ? `command ${step}: this build of mlops-actions has no ${step} step (dist/${step}.js is missing)`
        : `Unexpected error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
}
