/**
 * `gpus.json`: the GPUs of a training cluster, as a training command that launches work beyond
 * its runner (torchrun across a runner group, a Ray job on an existing cluster) reports them. The
 * runner's own GPUs come from nvidia-smi (adapters/gpu/); a multi-node job's GPUs are on other
 * machines, which only the command can reach. It writes, beside metrics.json in MLOPS_OUTPUT_DIR:
 *
 * ```json
 * { "launcher": "torchrun",
 *   "nodes": [{ "name": "gpu-node-0",
 *               "gpus": [{ "name": "NVIDIA H100 80GB HBM3", "memoryMiB": 81559,
 *                          "driver": "550.54.15", "cuda": "12.4" }] }] }
 * ```
 *
 * with the fields nvidia-smi gives per GPU (`--query-gpu=name,memory.total,driver_version`;
 * the CUDA version from its header), and train records it in the manifest as
 * `environment.cluster`. The values come from the user's code: checked here (names and sizes
 * bounded), escaped wherever they are shown.
 */
import { z } from 'zod';
import { formatPath } from '../config/located-yaml.js';
import { DataError } from '../errors.js';

const text = (max: number) => z.string().trim().min(1).max(max);

const gpu = z.strictObject({
  name: text(200),
  memoryMiB: z.number().positive().nullable().default(null),
  driver: text(100).nullable().default(null),
  cuda: text(100).nullable().default(null),
});

/** What a training command may write as gpus.json. */
export const clusterGpusSchema = z
  .strictObject({
    /** How the job was launched (torchrun, ray, ...); free text. */
    launcher: text(100).optional(),
    nodes: z
      .array(z.strictObject({ name: text(256), gpus: z.array(gpu).max(1024) }))
      .min(1)
      .max(10_000),
  })
  .superRefine((cluster, ctx) => {
    const seen = new Set<string>();
    cluster.nodes.forEach((node, i) => {
      if (seen.has(node.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodes', i, 'name'],
          message: `node "${node.name}" is listed twice`,
        });
      }
      seen.add(node.name);
    });
  });

export interface ClusterGpus {
  readonly launcher: string | null;
  readonly nodes: readonly {
    readonly name: string;
    readonly gpus: readonly {
      readonly name: string;
      readonly memoryMiB: number | null;
      readonly driver: string | null;
      readonly cuda: string | null;
    }[];
  }[];
}

/** Parses gpus.json; anything else is a DataError naming `file` and the first bad field. */
export function parseClusterGpus(text: string, file: string): ClusterGpus {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DataError(
      `not valid JSON (${(error as Error).message}); expected {"nodes": [{"name": ..., "gpus": [...]}]}`,
      { location: { file }, cause: error },
    );
  }
  const result = clusterGpusSchema.safeParse(json);
  if (!result.success) {
    const [issue] = result.error.issues;
    const at = (issue?.path ?? []).map((s) => (typeof s === 'number' ? s : String(s)));
    throw new DataError(
      `not a valid cluster GPU report: ${issue?.message ?? 'invalid'}; expected {"launcher"?: string, "nodes": [{"name": string, "gpus": [{"name", "memoryMiB", "driver", "cuda"}]}]}`,
      { location: { file, ...(at.length > 0 ? { field: formatPath(at) } : {}) } },
    );
  }
  return { launcher: result.data.launcher ?? null, nodes: result.data.nodes };
}

/** GPUs in all nodes together. */
export function clusterGpuCount(cluster: ClusterGpus): number {
  return cluster.nodes.reduce((sum, node) => sum + node.gpus.length, 0);
}
