/**
 * `mlops.yml`: the one configuration file. Action inputs only override it. Paths in it are
 * relative to the file's own folder, so a repository can hold several models side by side.
 */
import { z } from 'zod';
import type { StatTestName } from '../drift/stat-test.js';
import { parseLocatedYaml, parseWithSchema } from './located-yaml.js';

const pathList = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((value) => (typeof value === 'string' ? [value] : value))
  .describe('A path or glob, or a list of them, relative to mlops.yml');

/** The baselines `train` can fit without any user code. */
export const builtinBaselines = [
  'logistic-regression',
  'softmax-regression',
  'linear-regression',
] as const;
export type BuiltinBaseline = (typeof builtinBaselines)[number];

/** The registered drift tests (src/core/drift/registry.ts), listed here to keep them out of every bundle. */
export const driftTestNames = [
  'ks',
  'chisquare',
  'z',
  'wasserstein',
  'jensenshannon',
  'psi',
  'kl_div',
  'hellinger',
  'linf',
] as const satisfies readonly StatTestName[];

/**
 * GTO's artifact-name rule without `/` (a name becomes a tag, a branch and a file name): caught
 * here, when mlops.yml is read, rather than at the first publish.
 */
export const modelNamePattern = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export const mlopsConfigSchema = z
  .strictObject({
    version: z.literal(1).default(1).describe('Version of this file format; 1'),
    model: z
      .strictObject({
        name: z
          .string()
          .regex(modelNamePattern, {
            message:
              'expected a model name of lower-case letters, digits and "-", starting and ending with a letter or digit (GTO\'s naming rule: it becomes part of release tags such as <name>@v1.2.0)',
          })
          .describe('Registry name of the model; tags are <name>@v<semver> and <name>#<stage>#<n>'),
        task: z
          .enum(['binary-classification', 'multiclass-classification', 'regression'])
          .optional()
          .describe('What the model predicts'),
        path: z
          .string()
          .min(1)
          .default('.mlops/train/model.onnx')
          .describe(
            'Where training writes the candidate ONNX model; metrics.json and manifest.json go beside it',
          ),
        description: z.string().optional(),
        card: z
          .strictObject({
            'intended-use': z.string().optional().describe('What the model is for, and for whom'),
            'out-of-scope': z.string().optional().describe('Uses it was not made or tested for'),
            limitations: z.string().optional().describe('Known weaknesses and failure cases'),
            'ethical-considerations': z
              .string()
              .optional()
              .describe('Risks for people affected by its predictions'),
            owners: z.array(z.string().min(1)).optional().describe('Who to ask about the model'),
          })
          .optional()
          .describe('Text of the model card published with every version (model-card.md)'),
      })
      .describe('The model this repository trains'),
    data: z
      .strictObject({
        schema: z.string().min(1).default('schema.yml').describe('Dataset schema file'),
        train: pathList.optional().describe('Training data: CSV, JSONL or Parquet files or globs'),
        eval: pathList.optional().describe('Pinned evaluation data'),
        'null-values': z
          .array(z.string())
          .optional()
          .describe('Text that means "missing" in CSV files (default: the empty field)'),
      })
      .describe('Data files and their schema'),
    train: z
      .strictObject({
        command: z
          .string()
          .min(1)
          .optional()
          .describe('Shell command that trains the model (run with bash, as a workflow run: step)'),
        builtin: z
          .enum(builtinBaselines)
          .optional()
          .describe('Train a built-in baseline instead of a command'),
        'working-directory': z
          .string()
          .min(1)
          .default('.')
          .describe('Where the command runs, relative to mlops.yml'),
        'timeout-minutes': z.number().positive().default(360).describe('Training time limit'),
        seed: z
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .default(42)
          .describe('Seed handed to training as MLOPS_SEED'),
        gpus: z
          .enum(['required', 'optional', 'none'])
          .default('optional')
          .describe(
            'required: fail without a GPU; optional: use one when present; none: hide GPUs',
          ),
      })
      .refine((train) => !(train.command !== undefined && train.builtin !== undefined), {
        message: 'give either command or builtin, not both',
      })
      .optional()
      .describe('How the model is trained'),
    evaluate: z
      .strictObject({
        outputs: z
          .strictObject({
            label: z
              .string()
              .min(1)
              .optional()
              .describe('Output holding class indexes (int64) or labels'),
            probabilities: z
              .string()
              .min(1)
              .optional()
              .describe('Output holding class probabilities [N, C]'),
            logits: z
              .string()
              .min(1)
              .optional()
              .describe('Output holding logits [N, C] (softmax is applied)'),
            prediction: z.string().min(1).optional().describe('Regression output [N] or [N, 1]'),
          })
          .optional()
          .describe('Which model outputs to read (detected from names and shapes when absent)'),
        classes: z
          .array(z.string())
          .min(2)
          .optional()
          .describe(
            'Class order of the model outputs (default: the model metadata, else the schema)',
          ),
        metrics: z
          .array(z.string().min(1))
          .optional()
          .describe('Metrics shown in the comparison table (default: by task)'),
        slices: z
          .array(z.string().min(1))
          .default([])
          .describe('Columns to compute metrics per group for'),
        'batch-size': z.int().min(1).default(4096).describe('Records per onnxruntime run'),
        bootstrap: z
          .strictObject({
            resamples: z.int().min(100).max(100_000).default(1000),
            seed: z.int().min(0).default(42),
            confidence: z.number().gt(0.5).lt(1).default(0.95),
          })
          .prefault({})
          .describe('Paired bootstrap of the deltas'),
        gates: z
          .array(
            z
              .strictObject({
                metric: z.string().min(1),
                min: z.number().optional().describe('Absolute lower bound'),
                max: z.number().optional().describe('Absolute upper bound'),
                'max-drop': z
                  .union([z.number().min(0), z.string().regex(/^\d+(\.\d+)?%$/)])
                  .optional()
                  .describe(
                    'Largest allowed worsening against the baseline: a number, or a percentage',
                  ),
                'min-gain': z
                  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?%$/)])
                  .optional()
                  .describe(
                    'Smallest required improvement against the baseline: a number, or a percentage',
                  ),
                'greater-is-better': z
                  .boolean()
                  .optional()
                  .describe('Direction of the metric (known for built-in metrics)'),
              })
              .refine(
                (gate) =>
                  gate.min !== undefined ||
                  gate.max !== undefined ||
                  gate['max-drop'] !== undefined ||
                  gate['min-gain'] !== undefined,
                { message: 'a gate needs at least one of min, max, max-drop, min-gain' },
              ),
          )
          .default([])
          .describe('Conditions the candidate must meet'),
      })
      .optional()
      .describe('How candidate and baseline are compared'),
    drift: z
      .strictObject({
        current: pathList.describe(
          'Fresh data to check for drift: CSV, JSONL or Parquet files or globs',
        ),
        reference: z
          .string()
          .min(1)
          .optional()
          .describe(
            "What the fresh data is compared with: production (the production version's profile.json, the default), a profile.json, or data paths",
          ),
        thresholds: z
          .strictObject({
            moderate: z
              .number()
              .gt(0)
              .max(1)
              .default(0.25)
              .describe('Share of drifted columns from which drift is moderate (retrain)'),
            severe: z
              .number()
              .gt(0)
              .max(1)
              .default(0.5)
              .describe(
                "Share of drifted columns from which drift is severe (investigate); Evidently's data-set drift share",
              ),
          })
          .refine((t) => t.moderate <= t.severe, {
            message: 'thresholds.moderate must not exceed thresholds.severe',
          })
          .prefault({})
          .describe('Severity by the share of drifted columns; prediction drift alone is moderate'),
        columns: z
          .record(
            z.string().min(1),
            z
              .strictObject({
                test: z
                  .enum(driftTestNames)
                  .optional()
                  .describe('Drift test to use instead of the default Evidently would choose'),
                threshold: z
                  .number()
                  .min(0)
                  .optional()
                  .describe("The test's threshold (a p-value or a distance)"),
              })
              .describe('Per-column test settings'),
          )
          .default({})
          .describe(
            'Per-column settings, by column name (or <column>:length, <column>:tokens, <column>:hour)',
          ),
        'max-charts': z
          .int()
          .min(0)
          .max(20)
          .default(5)
          .describe('Charts of the most drifted columns in the drift issue'),
      })
      .optional()
      .describe('How fresh data is checked for drift against the reference (check-drift)'),
  })
  .describe('mlops-actions configuration (mlops.yml)');

export type MlopsConfig = z.output<typeof mlopsConfigSchema>;

/** Parses and validates the text of an `mlops.yml`. */
export function parseMlopsConfig(text: string, file: string): MlopsConfig {
  return parseWithSchema(mlopsConfigSchema, parseLocatedYaml(text, file), 'configuration');
}
