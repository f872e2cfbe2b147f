import { forwardTerminationSignals } from '../../adapters/process/run-command.js';
import { createTrainPorts } from '../../adapters/train-ports.js';
import type { BuiltinBaseline } from '../../core/config/mlops-config.js';
import { createConsoleLogger } from '../../core/logger.js';
import { runContextFromEnv } from '../../core/provenance/run-context.js';
import { train, type GpuPolicy } from '../../steps/train.js';
import type { CommandInput } from '../command-definition.js';
import type { trainOptions } from '../command-definitions.js';
import { findConfig } from '../find-config.js';
import { cliWording } from '../../core/option-wording.js';

export async function runTrain({ values }: CommandInput<typeof trainOptions>): Promise<number> {
  const cwd = process.cwd();
  const logger = createConsoleLogger();
  const abort = new AbortController();
  forwardTerminationSignals(abort);
  const result = await train({
    cwd,
    config: findConfig(cwd, values.config),
    command: values.command,
    // The definition's choices checked both.
    builtin: values.builtin as BuiltinBaseline | undefined,
    gpus: values.gpus as GpuPolicy | undefined,
    seed: values.seed,
    timeoutMinutes: values['timeout-minutes'],
    uploadArtifact: false,
    run: runContextFromEnv(process.env),
    logger,
    ports: createTrainPorts({ logger, signal: abort.signal }),
    wording: cliWording,
  });
  const metrics = Object.entries(result.metrics)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  process.stdout.write(
    `trained ${result.manifest.model.name}: ${result.modelPath} (${result.modelDigest}) in ${result.durationSeconds.toFixed(1)} s${metrics ? `; ${metrics}` : ''}\nmanifest: ${result.manifestPath}\n`,
  );
  return 0;
}
