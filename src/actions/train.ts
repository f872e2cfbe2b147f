/** Entrypoint of `actions/train`. */
import * as core from '@actions/core';
import { createActionsLogger } from '../adapters/actions/actions-logger.js';
import { readEventPayload } from '../adapters/actions/read-event.js';
import { forwardTerminationSignals } from '../adapters/process/run-command.js';
import { createTrainPorts } from '../adapters/train-ports.js';
import { builtinBaselines } from '../core/config/mlops-config.js';
import { runContextFromEnv } from '../core/provenance/run-context.js';
import { renderTrainingSummary } from '../core/train/render-training-summary.js';
import { train, type GpuPolicy } from '../steps/train.js';
import {
  booleanInput,
  choiceInput,
  integerInput,
  listInput,
  optionalInput,
  positiveNumberInput,
} from './action-inputs.js';
import { runEntrypoint } from './run-entrypoint.js';

await runEntrypoint(async () => {
  const logger = createActionsLogger();
  const abort = new AbortController();
  forwardTerminationSignals(abort);
  const builtin = optionalInput('builtin');
  const result = await train({
    cwd: process.env.GITHUB_WORKSPACE ?? process.cwd(),
    config: optionalInput('config'),
    command: optionalInput('command'),
    builtin:
      builtin === undefined
        ? undefined
        : choiceInput('builtin', builtinBaselines, builtinBaselines[0]),
    workingDirectory: optionalInput('working-directory'),
    gpus:
      optionalInput('gpus') === undefined
        ? undefined
        : choiceInput<GpuPolicy>('gpus', ['required', 'optional', 'none'], 'optional'),
    timeoutMinutes: positiveNumberInput('timeout-minutes'),
    seed: optionalInput('seed') === undefined ? undefined : integerInput('seed', 42),
    artifactName: optionalInput('artifact-name'),
    uploadArtifact: booleanInput('upload-artifact', true),
    cachePaths: listInput('cache-paths'),
    cacheKey: optionalInput('cache-key'),
    env: listInput('env'),
    run: runContextFromEnv(process.env, readEventPayload()),
    logger,
    ports: createTrainPorts({ logger, signal: abort.signal }),
  });
  core.setOutput('model', result.modelPath);
  core.setOutput('model-digest', result.modelDigest);
  core.setOutput('metrics', JSON.stringify(result.metrics));
  core.setOutput('gpus', JSON.stringify(result.gpus));
  core.setOutput('duration-seconds', result.durationSeconds.toFixed(1));
  core.setOutput('manifest', result.manifestPath);
  await core.summary.addRaw(renderTrainingSummary(result)).write();
});
