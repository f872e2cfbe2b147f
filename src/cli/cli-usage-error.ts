/** The command line itself is wrong (unknown option, missing argument): print usage. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}
