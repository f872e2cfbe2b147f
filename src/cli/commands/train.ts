import { forwardTerminationSignals } from '../../adapters/process/run-command.js';
import { createTrainPorts } from '../../adapters/train-ports.js';
import { builtinBaselines, type BuiltinBaseline } from '../../core/config/mlops-config.js';
import { createConsoleLogger } from '../../core/logger.js';
import { runContextFromEnv } from '../../core/provenance/run-context.js';
import { train, type GpuPolicy } from '../../steps/train.js';
import { CliUsageError } from '../cli-usage-error.js';
import { parseOptions } from '../parse-options.js';

const help = `mlops train: train the model as the train action does

Options:
  --config <file>        mlops.yml (default: ./mlops.yml)
  --command <cmd>        training command (default: the config's train.command)
  --builtin <kind>       ${builtinBaselines.join(' | ')}
  --gpus <policy>        required | optional | none
  --seed <n>             seed handed over as MLOPS_SEED
  --timeout-minutes <n>  time limit; the whole process tree is ended after it`;

export async function runTrain(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    config: { type: 'string' },
    command: { type: 'string' },
    builtin: { type: 'string' },
    gpus: { type: 'string' },
    seed: { type: 'string' },
    'timeout-minutes': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const builtin = values.builtin;
  if (builtin !== undefined && !(builtinBaselines as readonly string[]).includes(builtin)) {
    throw new CliUsageError(`--builtin must be one of ${builtinBaselines.join(', ')}`);
  }
  const gpus = values.gpus;
  if (gpus !== undefined && !['required', 'optional', 'none'].includes(gpus)) {
    throw new CliUsageError('--gpus must be required, optional or none');
  }
  const number = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) throw new CliUsageError(`--${name} must be a whole number`);
    return Number(text);
  };
  const logger = createConsoleLogger();
  const abort = new AbortController();
  forwardTerminationSignals(abort);
  const result = await train({
    cwd: process.cwd(),
    config: values.config,
    command: values.command,
    builtin: builtin as BuiltinBaseline | undefined,
    gpus: gpus as GpuPolicy | undefined,
    seed: number('seed', values.seed),
    timeoutMinutes: number('timeout-minutes', values['timeout-minutes']),
    uploadArtifact: false,
    run: runContextFromEnv(process.env),
    logger,
    ports: createTrainPorts({ logger, signal: abort.signal }),
  });
  const metrics = Object.entries(result.metrics)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  process.stdout.write(
    `trained ${result.manifest.model.name}: ${result.modelPath} (${result.modelDigest}) in ${result.durationSeconds.toFixed(1)} s${metrics ? `; ${metrics}` : ''}\nmanifest: ${result.manifestPath}\n`,
  );
  return 0;
}
