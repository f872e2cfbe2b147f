/**
 * The GPU port's real adapter: runs `nvidia-smi` and hands its text to the pure parsers in
 * `core/gpu/parse-nvidia-smi.ts`. A runner without a usable GPU is a normal answer here, never an
 * exception: the `train` step decides whether `gpus: required` makes it fatal, and it needs the
 * reason in words a runner admin can act on.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  GPU_QUERY_FIELDS,
  SAMPLE_QUERY_FIELDS,
  mentionsMigDevices,
  parseCudaVersion,
  parseDriverVersion,
  parseGpuQuery,
  parseNvidiaSmiList,
  parseSampleQuery,
  queryGpuArgs,
  selectVisibleGpus,
  type GpuInfo,
  type ListedGpu,
} from '../../core/gpu/parse-nvidia-smi.js';

export interface ProbeGpusOptions {
  /** Environment for the lookup (`PATH`), for `CUDA_VISIBLE_DEVICES`, and for nvidia-smi itself. */
  readonly env?: NodeJS.ProcessEnv;
  /** A command looked up in `PATH`, or a path; `nvidia-smi` by default. */
  readonly nvidiaSmi?: string;
  /** Per nvidia-smi run. A GPU that fell off the bus can make nvidia-smi hang for minutes. */
  readonly timeoutMs?: number;
}

export interface GpuProbeResult {
  /** True when at least one GPU is usable by the job (after `CUDA_VISIBLE_DEVICES`). */
  readonly available: boolean;
  readonly gpus: GpuInfo[];
  /** Why no GPU is available, in words a runner admin can act on. */
  readonly reason?: string;
  /** Things worth a log line that do not change the answer (a lost GPU, an ignored entry). */
  readonly warnings: string[];
}

const DEFAULT_PROBE_TIMEOUT_MS = 20_000;
const OUTPUT_LIMIT = 1 << 20;

/** Lists the GPUs the job may use, with driver and CUDA versions. Never throws for a GPU-less host. */
export async function probeGpus(options: ProbeGpusOptions = {}): Promise<GpuProbeResult> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const found = await findExecutable(options.nvidiaSmi ?? 'nvidia-smi', env);
  if ('missing' in found) return unavailable(found.missing);
  const smi = (args: string[]) => runTool(found.path, args, env, timeoutMs);

  // `--version` is the cheap, stable place for the CUDA version (there is no --query-gpu field for
  // it); the two calls are independent, so they run together.
  const [query, version] = await Promise.all([
    smi(queryGpuArgs(GPU_QUERY_FIELDS)),
    smi(['--version']),
  ]);
  const failure = describeFailure(query, timeoutMs);
  if (failure !== null) return unavailable(failure);

  const parsed = parseGpuQuery(query.stdout);
  const warnings = parsed.unparsed.map((line) => `nvidia-smi: ${line}`);
  if (parsed.rows.length === 0) {
    return unavailable(
      `nvidia-smi listed no GPU: ${oneLine(query.stdout + query.stderr) || '(no output)'}`,
      warnings,
    );
  }

  let cuda = version.code === 0 ? parseCudaVersion(version.stdout) : null;
  // Drivers whose nvidia-smi predates `--version` still print the version in the table header.
  if (cuda === null) {
    const table = await smi([]);
    if (table.code === 0) cuda = parseCudaVersion(table.stdout);
  }
  const fallbackDriver = version.code === 0 ? parseDriverVersion(version.stdout) : null;

  const visibleDevices = env['CUDA_VISIBLE_DEVICES'];
  let list: ListedGpu[] = [];
  if (mentionsMigDevices(visibleDevices)) {
    const listed = await smi(['-L']);
    if (listed.code === 0) list = parseNvidiaSmiList(listed.stdout);
  }
  const selection = selectVisibleGpus(parsed.rows, visibleDevices, list);
  warnings.push(...selection.notes);
  const gpus = selection.visible.map(({ gpu, mig }): GpuInfo => {
    const info = {
      index: gpu.index,
      uuid: gpu.uuid,
      name: gpu.name,
      memoryMiB: gpu.memoryTotalMiB,
      driver: gpu.driver ?? fallbackDriver,
      cuda,
    };
    // A MIG device is a slice of the GPU: its own memory is not in the query, so none is claimed.
    return mig
      ? { ...info, name: `${gpu.name} MIG ${mig.profile ?? 'device'}`, memoryMiB: null, mig }
      : info;
  });
  if (gpus.length === 0) {
    return unavailable(
      `CUDA_VISIBLE_DEVICES='${visibleDevices ?? ''}' leaves none of the ${parsed.rows.length} GPU(s) nvidia-smi lists visible`,
      warnings,
    );
  }
  return { available: true, gpus, warnings };
}

function unavailable(reason: string, warnings: string[] = []): GpuProbeResult {
  return { available: false, gpus: [], reason, warnings };
}

// ---------------------------------------------------------------------------------------------
// Sampler

export interface GpuSamplerOptions {
  /** Time between the end of one sample and the start of the next. */
  readonly intervalMs?: number;
  readonly nvidiaSmi?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Per sample; a sample that takes longer is abandoned and counted as a failure. */
  readonly timeoutMs?: number;
  /** nvidia-smi indices to keep; every GPU by default. */
  readonly indices?: readonly number[];
}

export interface GpuUsageSummary {
  /** Samples that returned at least one GPU row. */
  readonly samples: number;
  /** Samples that failed (nvidia-smi missing, failing, hanging, or printing no row). */
  readonly failures: number;
  readonly lastError: string | null;
  /** Per nvidia-smi index: the highest `memory.used` seen. */
  readonly peakMemoryMiB: Readonly<Record<number, number>>;
  /** Per nvidia-smi index: mean `utilization.gpu` over the samples that had one (not MIG). */
  readonly meanUtilizationPercent: Readonly<Record<number, number>>;
}

export interface GpuSampler {
  /** Stops sampling, waits for a sample in progress, and summarizes. Safe to call twice. */
  stop(): Promise<GpuUsageSummary>;
}

/**
 * Samples memory and utilization while training runs.
 *
 * One nvidia-smi run per sample, rather than one long `--loop-ms` process: each sample then stands
 * alone, so a run that fails or hangs (a wedged driver does that) costs one sample and is killed by
 * its own timeout, where a looping process could stall silently or die and need restart logic and
 * partial-line handling. The price, a process start per sample (tens of ms with persistence mode
 * on), is small at the default 2 s interval. Samples never overlap: the next is scheduled when the
 * previous one ends.
 */
export function startGpuSampler(options: GpuSamplerOptions = {}): GpuSampler {
  const intervalMs = options.intervalMs ?? 2000;
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const keep = options.indices ? new Set(options.indices) : null;
  const peak = new Map<number, number>();
  const utilization = new Map<number, { sum: number; count: number }>();
  let samples = 0;
  let failures = 0;
  let lastError: string | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let executable: Promise<{ path: string } | { missing: string }> | undefined;

  const fail = (message: string): void => {
    failures += 1;
    lastError = message;
  };

  const sampleOnce = async (): Promise<void> => {
    executable ??= findExecutable(options.nvidiaSmi ?? 'nvidia-smi', env);
    const found = await executable;
    if ('missing' in found) return fail(found.missing);
    const run = await runTool(found.path, queryGpuArgs(SAMPLE_QUERY_FIELDS), env, timeoutMs);
    const failure = describeFailure(run, timeoutMs);
    if (failure !== null) return fail(failure);
    const { rows } = parseSampleQuery(run.stdout);
    if (rows.length === 0) return fail(`nvidia-smi printed no GPU row: ${oneLine(run.stdout)}`);
    samples += 1;
    for (const row of rows) {
      if (keep && !keep.has(row.index)) continue;
      if (row.memoryUsedMiB !== null) {
        peak.set(row.index, Math.max(peak.get(row.index) ?? 0, row.memoryUsedMiB));
      }
      if (row.utilizationPercent !== null) {
        const total = utilization.get(row.index) ?? { sum: 0, count: 0 };
        utilization.set(row.index, {
          sum: total.sum + row.utilizationPercent,
          count: total.count + 1,
        });
      }
    }
  };

  const tick = (): void => {
    if (stopped) return;
    inFlight = sampleOnce()
      .catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)))
      .finally(() => {
        inFlight = undefined;
        if (stopped) return;
        timer = setTimeout(tick, intervalMs);
        // A sampler someone forgot to stop must not keep the action's process alive.
        timer.unref();
      });
  };
  tick();

  let summary: Promise<GpuUsageSummary> | undefined;
  return {
    stop() {
      summary ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        await inFlight;
        const means: Record<number, number> = {};
        for (const [index, { sum, count }] of utilization) means[index] = sum / count;
        return {
          samples,
          failures,
          lastError,
          peakMemoryMiB: Object.fromEntries(peak),
          meanUtilizationPercent: means,
        };
      })();
      return summary;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Running nvidia-smi

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Looks the command up in the given `PATH` ourselves, rather than letting spawn fail with ENOENT,
 * so that the reason can name the folders searched: a self-hosted runner's service often runs
 * with a shorter `PATH` than the admin's shell, which is the usual cause of "not found".
 */
async function findExecutable(
  command: string,
  env: NodeJS.ProcessEnv,
): Promise<{ path: string } | { missing: string }> {
  if (command.includes('/')) {
    return (await isExecutableFile(command))
      ? { path: command }
      : { missing: `${command} not found or not executable` };
  }
  const dirs = (env['PATH'] ?? '').split(path.delimiter).filter((dir) => dir !== '');
  for (const dir of dirs) {
    const candidate = path.join(dir, command);
    if (await isExecutableFile(candidate)) return { path: candidate };
  }
  return {
    missing:
      dirs.length === 0
        ? `${command} not found: PATH is empty`
        : `${command} not found in PATH (looked in: ${dirs.join(', ')})`,
  };
}

interface ToolRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly error?: Error;
}

function runTool(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<ToolRun> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: string[] = [];
    const err: string[] = [];
    let size = 0;
    const collect = (into: string[]) => (chunk: Buffer) => {
      // A runaway output is not worth holding: nvidia-smi's answers here are a few KB.
      if (size > OUTPUT_LIMIT) return;
      size += chunk.length;
      into.push(chunk.toString('utf8'));
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const run = { code, signal, stdout: out.join(''), stderr: err.join(''), timedOut };
      resolve(error ? { ...run, error } : run);
    };
    child.on('error', (error) => finish(null, null, error));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** Null when the run succeeded; otherwise what went wrong, quoting nvidia-smi's own message. */
function describeFailure(run: ToolRun, timeoutMs: number): string | null {
  if (run.error) return `nvidia-smi could not be started: ${run.error.message}`;
  if (run.timedOut) return `nvidia-smi did not answer within ${timeoutMs} ms`;
  if (run.code === 0) return null;
  // nvidia-smi prints its errors on stdout ("NVIDIA-SMI has failed because it couldn't
  // communicate with the NVIDIA driver. ..."), so both streams are quoted.
  const message = oneLine(`${run.stdout}\n${run.stderr}`);
  const status =
    run.code !== null ? `exit code ${run.code}` : `killed by ${run.signal ?? 'a signal'}`;
  return `nvidia-smi failed (${status})${message ? `: ${message}` : ''}`;
}

function oneLine(text: string): string {
  const joined = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
  return joined.length > 500 ? `${joined.slice(0, 497)}...` : joined;
}
