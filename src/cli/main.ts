/**
 * The `mlops` command: every lifecycle step, run locally with the same code the actions run.
 * Exit status: 0 success, 1 the step's verdict is a failure (violations), 2 usage or
 * configuration error, 3 unexpected error.
 */
import { GitHubApiError, isUserError } from '../core/errors.js';
import { CliUsageError } from './cli-usage-error.js';

const usage = `mlops — GitHub Actions-native MLOps, locally

Usage:
  mlops validate [--config mlops.yml] [--schema schema.yml] [--data <path|glob>...]
                 [--report <path>] [--fail-on error|never] [--quiet]
  mlops train [--config mlops.yml] [--command <cmd> | --builtin <kind>] [--gpus required|optional|none]
              [--seed <n>] [--timeout-minutes <n>]
  mlops evaluate [--config mlops.yml] [--model <file>] [--baseline production|none|v1.2.0|<file>]
                 [--markdown <file>] [--comment-out <file>]
  mlops publish [--config mlops.yml] [--model <file>] [--report <file>] [--version auto|1.2.0]
                [--registry .mlops/registry]
  mlops promote --version <v> [--stage production] [--config mlops.yml] [--registry .mlops/registry]
  mlops init [--dir .] [--name <model>] [--data <train file>] [--eval <eval file>]
             [--target <column>] [--task <task>] [--force]
  mlops schema infer <data...> [--out schema.yml] [--target <column>] [--max-categories 20]
  mlops profile [--config mlops.yml] --data <path|glob>... --output profile.json
  mlops profile merge <a.json> <b.json>... --output all.json
  mlops drift [--config mlops.yml] [--current <path>...] [--reference production|<profile>|<data>]
              [--report out.json] [--issue-out issue.md] [--fail-on severe|moderate|never]
  mlops registry list [--registry .mlops/registry] [--json]
  mlops registry show <model> [--registry .mlops/registry] [--json]
  mlops --help | --version

Run "mlops <command> --help" for a command's options.`;

// Each command is loaded when it runs: validating a large file should not hold the code (and
// the memory) of training and evaluation.
const commands: Record<string, (args: string[]) => Promise<number>> = {
  validate: async (args) => (await import('./commands/validate.js')).runValidate(args),
  train: async (args) => (await import('./commands/train.js')).runTrain(args),
  evaluate: async (args) => (await import('./commands/evaluate.js')).runEvaluate(args),
  publish: async (args) => (await import('./commands/publish.js')).runPublish(args),
  promote: async (args) => (await import('./commands/promote.js')).runPromote(args),
  init: async (args) => (await import('./commands/init.js')).runInit(args),
  schema: async (args) => {
    const [sub, ...rest] = args;
    if (sub === 'infer') return (await import('./commands/schema-infer.js')).runSchemaInfer(rest);
    throw new CliUsageError(`unknown command "schema ${sub ?? ''}"; expected "schema infer"`);
  },
  registry: async (args) => (await import('./commands/registry.js')).runRegistry(args),
  profile: async (args) => (await import('./commands/profile.js')).runProfile(args),
  drift: async (args) => (await import('./commands/drift.js')).runDrift(args),
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${usage}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    process.stdout.write(`${process.env.MLOPS_VERSION ?? 'dev'}\n`);
    return 0;
  }
  const run = commands[command];
  try {
    if (!run) throw new CliUsageError(`unknown command "${command}"`);
    return await run(args);
  } catch (error) {
    if (error instanceof CliUsageError) {
      console.error(`mlops: ${error.message}\n\n${usage}`);
      return 2;
    }
    if (isUserError(error)) {
      console.error(`mlops: ${error.message}`);
      return 2;
    }
    if (error instanceof GitHubApiError) {
      console.error(
        `mlops: GitHub API error ${error.status} on ${error.request.method} ${error.request.url}: ${error.message}`,
      );
      return 3;
    }
    console.error(`mlops: unexpected error (please report it):`, error);
    return 3;
  }
}

process.exitCode = await main(process.argv.slice(2));
