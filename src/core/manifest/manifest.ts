/**
 * The provenance manifest (`manifest.json`) that travels with every model: what was trained, from
 * which commit, data and command, where, on which GPU, with which packages, and what it scored.
 * Training writes it next to the model; publishing copies it into the release unchanged but for
 * the version. It is validated on write and on every read.
 */
import { z } from 'zod';

const sha256 = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, { message: 'expected sha256:<64 hex digits>' });

export const fileDigestSchema = z.strictObject({
  /** Path relative to the repository (data) or to the manifest's folder (model files). */
  path: z.string().min(1),
  digest: sha256,
  bytes: z.int().min(0),
});

export const gpuSchema = z.strictObject({
  name: z.string(),
  memoryMiB: z.number().nullable(),
  driver: z.string().nullable(),
  cuda: z.string().nullable(),
});

export const manifestSchema = z.strictObject({
  manifestVersion: z.literal(1),
  model: z.strictObject({
    name: z.string().min(1),
    /** Semantic version, assigned when the model is published; null for a candidate. */
    version: z.string().nullable(),
    task: z.enum(['binary-classification', 'multiclass-classification', 'regression']).nullable(),
    /** The model file, relative to the manifest. */
    file: fileDigestSchema,
    inputs: z.array(
      z.strictObject({
        name: z.string(),
        type: z.string(),
        shape: z.array(z.union([z.number(), z.string()])),
      }),
    ),
    outputs: z.array(
      z.strictObject({
        name: z.string(),
        type: z.string(),
        shape: z.array(z.union([z.number(), z.string()])),
      }),
    ),
    features: z.array(z.string()),
    target: z.string().nullable(),
    classes: z.array(z.string()).nullable(),
  }),
  metrics: z.record(z.string(), z.number()),
  data: z.strictObject({
    schema: fileDigestSchema.nullable(),
    train: z.array(fileDigestSchema),
    eval: z.array(fileDigestSchema),
  }),
  training: z.strictObject({
    /** The command that trained the model, or null for a built-in baseline. */
    command: z.string().nullable(),
    builtin: z.string().nullable(),
    seed: z.int(),
    workingDirectory: z.string(),
    startedAt: z.iso.datetime(),
    durationSeconds: z.number().min(0),
    /** The per-step metrics the command wrote (`metrics-history.jsonl`, beside the model). */
    metricsHistory: fileDigestSchema.optional(),
  }),
  source: z.strictObject({
    repository: z.string().nullable(),
    commit: z.string().nullable(),
    ref: z.string().nullable(),
    pullRequest: z.int().nullable(),
    runUrl: z.string().nullable(),
    workflow: z.string().nullable(),
    job: z.string().nullable(),
    actor: z.string().nullable(),
  }),
  environment: z.strictObject({
    runner: z.strictObject({ name: z.string().nullable(), os: z.string(), arch: z.string() }),
    gpus: z.array(gpuSchema),
    /**
     * The GPUs of the cluster a multi-node training command ran on (torchrun across a runner
     * group, a Ray job), as the command reported them in gpus.json (core/train/cluster-gpus.ts);
     * `gpus` above stays the runner's own.
     */
    cluster: z
      .strictObject({
        launcher: z.string().nullable(),
        nodes: z.array(z.strictObject({ name: z.string(), gpus: z.array(gpuSchema) })),
        gpuCount: z.int().min(0),
      })
      .optional(),
    node: z.string(),
    packages: z.record(z.string(), z.string()),
    /** The Python the training command ran, where it named one (`python3 train.py`). */
    python: z
      .strictObject({
        executable: z.string(),
        version: z.string(),
        packages: z.record(z.string(), z.string()),
      })
      .optional(),
  }),
  createdAt: z.iso.datetime(),
  /** The version this one was trained to replace, when known. */
  parent: z.string().nullable(),
  /**
   * Set when the model is published: the other files of the release (model card, data profile,
   * metrics) with their digests, so that anyone can check a downloaded asset against them. Only
   * what the commit determines is here (no time, no run), so two runs publishing one commit
   * write the same bytes; the release records when and by which run.
   */
  publication: z
    .strictObject({
      commit: z.string().nullable(),
      pullRequest: z.int().nullable(),
      /** What `evaluate` measured on these bytes, when its report was given. */
      evaluation: z
        .strictObject({
          baselineVersion: z.string().nullable(),
          passed: z.boolean(),
          metrics: z.record(z.string(), z.number()),
        })
        .nullable(),
      assets: z.array(fileDigestSchema),
    })
    .optional(),
});

export type Manifest = z.output<typeof manifestSchema>;
export type FileDigest = z.output<typeof fileDigestSchema>;
export type GpuRecord = z.output<typeof gpuSchema>;
