/**
 * The shape of a command's definition: its options, arguments, description and examples. One
 * definition per command (in command-definitions.ts) drives parsing, `--help`, usage errors and
 * the README's command reference, so the three cannot disagree.
 */

/** Numbers are checked while parsing, so a command receives a number, never a bad string. */
export type NumberCheck = 'positive-number' | 'whole-number' | 'positive-integer';

export interface OptionDefinition {
  readonly type: 'string' | 'boolean';
  /** Repeatable; the values of every occurrence, in order. */
  readonly multiple?: boolean;
  /** One-letter alias, such as `h` for `-h`. */
  readonly short?: string;
  /** Applied when the option is absent (string options only). */
  readonly default?: string;
  /** The value's placeholder in help, such as `<file>`. */
  readonly value?: string;
  /** One sentence or two, with the default in words when there is one. */
  readonly description: string;
  readonly check?: NumberCheck;
  /** The only values accepted. */
  readonly choices?: readonly string[];
  /** A usage error when absent. */
  readonly required?: boolean;
}

export type OptionDefinitions = Readonly<Record<string, OptionDefinition>>;

export interface ArgumentDefinition {
  /** Placeholder, such as `<data...>`. */
  readonly name: string;
  /** A noun phrase: "<command> needs <description>" is the error when it is missing. */
  readonly description: string;
  readonly variadic?: boolean;
  readonly required?: boolean;
}

export interface Example {
  readonly command: string;
  readonly description: string;
}

type ValueOf<D> = D extends { type: 'boolean' }
  ? boolean
  : D extends { check: NumberCheck }
    ? number
    : D extends { multiple: true }
      ? string[]
      : string;

/** Booleans are always there (false when absent); others when given or defaulted. */
export type ParsedValues<O extends OptionDefinitions> = {
  readonly [K in keyof O]: O[K] extends
    { type: 'boolean' } | { default: string } | { required: true }
    ? ValueOf<O[K]>
    : ValueOf<O[K]> | undefined;
};

/** What a command's run function receives: checked values, never raw argv. */
export interface CommandInput<O extends OptionDefinitions> {
  readonly values: ParsedValues<O>;
  readonly positionals: readonly string[];
}

export type CommandRun<O extends OptionDefinitions> = (input: CommandInput<O>) => Promise<number>;

export interface CommandDefinition<O extends OptionDefinitions = OptionDefinitions> {
  /** `validate`, or `schema infer` for a subcommand. */
  readonly name: string;
  /** One line, lower case, no full stop: shown in the command list. */
  readonly summary: string;
  /** A paragraph or two shown after the options. */
  readonly notes?: string;
  readonly arguments?: readonly ArgumentDefinition[];
  readonly options: O;
  readonly examples: readonly Example[];
  /**
   * Loads the implementation when the command runs: validating a large file should not hold
   * the code (and the memory) of training and evaluation.
   */
  readonly load: () => Promise<CommandRun<O>>;
}

/**
 * A command that only groups subcommands (`schema`, `registry`): `mlops schema --help` lists
 * them; `mlops schema` alone is a usage error that does the same.
 */
export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
}

/** What the parser hands over, before a command's own types are put back on it. */
export interface ParsedCommandLine {
  readonly values: Readonly<Record<string, string | number | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** A definition with its types erased, so that every command fits in one table. */
export interface Command extends Omit<CommandDefinition, 'load'> {
  readonly load: () => Promise<(input: ParsedCommandLine) => Promise<number>>;
}

/** Checks a definition against its own options type and puts it in the table's shape. */
export function defineCommand<O extends OptionDefinitions>(
  definition: CommandDefinition<O>,
): Command {
  return {
    ...definition,
    load: async () => {
      const run = await definition.load();
      // The parser builds `values` from these same options (parse-command-line.ts), so the
      // shape is what ParsedValues<O> says.
      return (input) => run(input as unknown as CommandInput<O>);
    },
  };
}
