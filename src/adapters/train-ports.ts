import type { Logger } from '../core/logger.js';
import type { TrainPorts } from '../steps/train-ports.js';
import { createArtifactStore, createCacheStore } from './actions/artifact-store.js';
import { probeGpus, startGpuSampler } from './gpu/nvidia-smi-probe.js';
import { runCommand } from './process/run-command.js';

/** The real ports of the train step, shared by the action and the CLI. */
export function createTrainPorts(options: { logger: Logger; signal: AbortSignal }): TrainPorts {
  return {
    probeGpus: () => probeGpus({}),
    startGpuSampler: () => startGpuSampler({}),
    runCommand: (command) => runCommand({ ...command, signal: options.signal }),
    artifacts: createArtifactStore(options.logger),
    cache: createCacheStore(options.logger),
  };
}
