/**
 * `mlops.yml`: the one configuration file. Action inputs only override it. Paths in it are
 * relative to the file's own folder, so a repository can hold several models side by side.
 */
import { z } from 'zod';
import type { StatTestName } from '../drift/stat-test.js';
import { ConfigError } from '../errors.js';
import type { Task } from '../evaluate/report.js';
import { isCostMetric } from '../evaluate/latency.js';
import { METRICS } from '../metrics/metric-info.js';
import { didYouMean } from './did-you-mean.js';
import { formatPath, parseLocatedYaml, parseWithSchema, type LocatedYaml } from './located-yaml.js';

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

/** A drop threshold: an absolute change of the metric, or a percentage of the released value. */
const dropThreshold = z
  .union([z.number().min(0), z.string().regex(/^\d+(\.\d+)?%$/)])
  .describe('A change of the metric (0.05), or a percentage of the released value ("5%")');

const monitoringSchema = z.strictObject({
  logs: pathList
    .optional()
    .describe('The prediction log of mlops serve: its predictions-*.jsonl files or globs'),
  labels: pathList
    .optional()
    .describe(
      'The true labels that arrived later: CSV, JSONL or Parquet files of id, label[, time]',
    ),
  'labels-command': z
    .string()
    .min(1)
    .optional()
    .describe(
      "A bash command whose standard output is more labels (CSV with a header, or JSONL), run in mlops.yml's folder; it sees MLOPS_* variables, never the runner's credentials",
    ),
  prometheus: z
    .string()
    .min(1)
    .optional()
    .describe(
      "A scrape of mlops serve's /metrics (Prometheus text format), for errors and latency",
    ),
  performance: z
    .strictObject({
      key: z
        .enum(['id', 'request'])
        .optional()
        .describe(
          "What a label's id matches in the log: id (the schema's id column; the default when the schema has one) or request (the request id, <request>#<record> for a record of a batch)",
        ),
      'id-column': z
        .string()
        .min(1)
        .default('id')
        .describe('Column of the label files holding the key'),
      'label-column': z
        .string()
        .min(1)
        .default('label')
        .describe('Column of the label files holding the true label (or value)'),
      'time-column': z
        .string()
        .min(1)
        .default('time')
        .describe(
          'Column of the label files holding when the label arrived (optional in the files)',
        ),
      window: z
        .string()
        .regex(/^\d+[mhdw]$/, { message: 'expected a duration such as 30m, 6h, 1d or 1w' })
        .default('1d')
        .describe('Length of the time windows metrics are computed in, by prediction time (UTC)'),
      'min-labels': z
        .int()
        .min(1)
        .default(30)
        .describe(
          'Labelled records a window needs to be graded; with fewer the grade is insufficient-labels, never an alarm',
        ),
      metrics: z
        .record(
          z.string().min(1),
          z
            .strictObject({
              moderate: dropThreshold.describe(
                'Worsening from which the drop is moderate (retrain)',
              ),
              severe: dropThreshold.describe(
                'Worsening from which the drop is severe (investigate)',
              ),
            })
            .describe('Drop thresholds of one metric'),
        )
        .optional()
        .describe(
          'Metrics graded, by name, with their thresholds (default: accuracy for classification, rmse for regression, moderate 5%, severe 10%)',
        ),
    })
    .prefault({})
    .describe('How the model is graded on the labelled predictions'),
  latency: z
    .strictObject({
      'p95-ms': z
        .number()
        .positive()
        .optional()
        .describe('Objective for the 95th percentile latency, ms'),
      'p99-ms': z
        .number()
        .positive()
        .optional()
        .describe('Objective for the 99th percentile latency, ms'),
      'error-rate': z
        .number()
        .min(0)
        .max(1)
        .optional()
        .describe('Objective for the share of requests answered 4xx or 5xx'),
    })
    .optional()
    .describe("Service-level objectives checked against the server's metrics"),
});

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
    validate: z
      .strictObject({
        'max-examples-per-rule': z
          .int()
          .min(0)
          .max(1_000_000)
          .default(100)
          .describe(
            'Violations listed with file and line per rule and column (the rest are counted only)',
          ),
      })
      .optional()
      .describe('How data validation reports violations'),
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
        env: z
          .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*\*?$/))
          .default([])
          .describe(
            "Variables of the runner's environment the command may also see, beyond the training contract's allow-list (a name, or a prefix ending in *); the runner's credentials are never passed",
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
        'positive-class': z
          .string()
          .min(1)
          .optional()
          .describe(
            "Binary classification: the class precision, recall, F1, ROC AUC, PR AUC and Brier score are computed for (default: the second class, the schema target's second value)",
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
        history: z
          .int()
          .min(0)
          .max(50)
          .optional()
          .describe(
            'Released versions whose recorded metrics (the gated ones, else the headline metric) the PR comment and release notes chart beside the candidate (default 10; 0: none)',
          ),
        latency: z
          .strictObject({
            records: z
              .int()
              .min(0)
              .max(100_000)
              .default(200)
              .describe('Timed single-record runs per model (0: not measured)'),
            batches: z
              .int()
              .min(0)
              .max(10_000)
              .default(20)
              .describe(
                'Timed runs of one batch of batch-size records per model (0: not measured)',
              ),
          })
          .optional()
          .describe(
            'Inference latency of both models, alternated on the same records after warm-up (default: 200 records, 20 batches); gates may name latency_p50_ms, latency_p95_ms, batch_latency_p50_ms, batch_latency_p95_ms and model_size_kib',
          ),
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
    monitoring: monitoringSchema
      .optional()
      .describe(
        "How the served model is watched (check-performance): its prediction log, the true labels that arrive later, the server's metrics and the service-level objectives",
      ),
  })
  .describe('mlops-actions configuration (mlops.yml)');

export type MlopsConfig = z.output<typeof mlopsConfigSchema>;

/** Parses and validates the text of an `mlops.yml`. */
export function parseMlopsConfig(text: string, file: string): MlopsConfig {
  const source = parseLocatedYaml(text, file);
  const config = parseWithSchema(mlopsConfigSchema, source, 'configuration');
  checkGateMetrics(config, source);
  return config;
}

/**
 * Every metric a gate names must be one evaluate computes for the model's task (for any task
 * when `model.task` is not set: the model's metadata decides it later). Caught here, when
 * mlops.yml is read, not in CI after training, where the gate would only fail as "does not
 * exist".
 */
function checkGateMetrics(config: MlopsConfig, source: LocatedYaml): void {
  const task: Task | undefined = config.model.task;
  const known = METRICS.filter((info) => task === undefined || info.tasks.includes(task));
  const names = known.map((info) => info.name);
  for (const [index, gate] of (config.evaluate?.gates ?? []).entries()) {
    // Latency and file size (evaluate measures them for every task) may be gated too.
    if (names.includes(gate.metric) || isCostMetric(gate.metric)) continue;
    const path = ['evaluate', 'gates', index, 'metric'];
    const pos = source.locate(path);
    const suggestion = didYouMean(gate.metric, names);
    const elsewhere = METRICS.find((info) => info.name === gate.metric);
    const detail =
      elsewhere !== undefined
        ? `${JSON.stringify(gate.metric)} is a metric of ${elsewhere.tasks.join(' and ')}, not of ${task ?? 'this model'}.`
        : `unknown metric ${JSON.stringify(gate.metric)}${suggestion !== undefined ? `; did you mean ${JSON.stringify(suggestion)}?` : '.'}`;
    throw new ConfigError(
      `${detail} A gate names one of the metrics evaluate computes${task !== undefined ? ` for ${task}` : ''}: ${names.join(', ')}`,
      {
        location: {
          file: source.file,
          line: pos.line,
          column: pos.column,
          field: formatPath(path),
        },
      },
    );
  }
}
