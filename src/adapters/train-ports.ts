import type { Logger } from '../core/logger.js';
import type { TrainPorts } from '../core/train/train-port.js';
import { createArtifactStore, createCacheStore } from './actions/artifact-store.js';
import { probeGpus, startGpuSampler } from './gpu/nvidia-smi-probe.js';
import { probePythonEnvironment } from './process/python-environment.js';
import { runCommand } from './process/run-command.js';

/** The real ports of the train step, shared by the action and the CLI. */
export function createTrainPorts(options: { logger: Logger; signal: AbortSignal }): TrainPorts {
  return {
    probeGpus: () => probeGpus({}),
    startGpuSampler: () => startGpuSampler({}),
    // The runner escalates a cancelled step to SIGKILL about 10 s after SIGINT; our own SIGKILL
    // of the training tree must land before that, hence a 5 s grace.
    runCommand: (command) => runCommand({ ...command, signal: options.signal, killGraceMs: 5000 }),
    probePython: probePythonEnvironment,
    artifacts: createArtifactStore(options.logger),
    cache: createCacheStore(options.logger),
  };
}
