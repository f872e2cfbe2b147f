/** What the train step needs from the outside world; the action and the CLI wire real ones. */
import type { GpuInfo } from '../gpu/parse-nvidia-smi.js';

/** A Python interpreter a training command runs, as the manifest records it. */
export interface PythonEnvironment {
  /** `sys.executable`: the interpreter's resolved path. */
  readonly executable: string;
  /** `platform.python_version()`, such as 3.11.2. */
  readonly version: string;
  /** Every installed distribution and its version, by name, sorted case-insensitively. */
  readonly packages: Readonly<Record<string, string>>;
}

export interface GpuProbeResult {
  readonly available: boolean;
  readonly gpus: readonly GpuInfo[];
  readonly reason?: string | undefined;
}

export interface GpuUsage {
  readonly samples: number;
  /** Per GPU index. */
  readonly peakMemoryMiB: Readonly<Record<number, number>>;
  readonly meanUtilizationPercent: Readonly<Record<number, number>>;
}

export interface CommandRun {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly durationMs: number;
  readonly tail: readonly string[];
}

/** Runs a user's command (a training command, a labels command) as a workflow's `run:` would. */
export interface CommandRunner {
  runCommand(options: {
    command: string;
    cwd: string;
    env: NodeJS.ProcessEnv;
    timeoutMs: number;
    onOutput: (stream: 'stdout' | 'stderr', line: string) => void;
  }): Promise<CommandRun>;
}

export interface TrainPorts extends CommandRunner {
  probeGpus(): Promise<GpuProbeResult>;
  startGpuSampler?(): { stop(): Promise<GpuUsage> };
  /** The version and packages of a Python interpreter; null when it cannot tell. */
  probePython?(options: {
    executable: string;
    cwd: string;
    env: NodeJS.ProcessEnv;
  }): Promise<PythonEnvironment | null>;
  readonly artifacts: {
    /** Uploads files; the artifact's id, or null when uploads are not possible here (said in the log). */
    upload(name: string, files: string[], rootDirectory: string): Promise<number | null>;
  };
  readonly cache: {
    /** The key that was restored, or undefined on a miss or outside Actions. */
    restore(paths: string[], key: string): Promise<string | undefined>;
    save(paths: string[], key: string): Promise<void>;
  };
}
