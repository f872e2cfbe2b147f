import type { Command } from './command-definition.js';

/**
 * The command line itself is wrong (unknown flag, missing argument): print the message and the
 * usage of the command it was for (main.ts knows the running command when none is given).
 */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  readonly command: Command | undefined;
  constructor(message: string, options: { command?: Command | undefined } = {}) {
    super(message);
    this.command = options.command;
  }
}
