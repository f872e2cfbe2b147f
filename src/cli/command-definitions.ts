/**
 * Every `mlops` command in one table: its options, arguments, description and examples. The
 * parser (parse-command-line.ts), `--help` and usage errors (render-help.ts) and the README's
 * command reference (scripts/cli-docs.ts) all read it.
 *
 * To add a command: define it here with `defineCommand` (options, summary, examples and a `load`
 * that imports its module) and add it to `commands`, in the order the help lists it. Its module
 * exports a run function taking `CommandInput<typeof theseOptions>`.
 */
import { builtinBaselines } from '../core/config/mlops-config.js';
import { DEFAULT_STAGE } from '../core/registry/registry-port.js';
import { defineCommand, type Command, type CommandGroup } from './command-definition.js';

/**
 * The local registry folder (`DEFAULT_LOCAL_REGISTRY_ROOT` of adapters/registry/local-registry.ts,
 * not imported: that module would load with every command; a test checks they agree).
 */
export const DEFAULT_REGISTRY_DIR = '.mlops/registry';

const help = {
  type: 'boolean',
  short: 'h',
  description: 'show this help',
} as const;

const config = {
  type: 'string',
  value: '<file>',
  description:
    'mlops.yml (default: the nearest mlops.yml in this folder or a parent, up to the repository root)',
} as const;

const registry = {
  type: 'string',
  value: '<dir>',
  description: `local registry folder (default: ${DEFAULT_REGISTRY_DIR})`,
} as const;

const force = {
  type: 'boolean',
  description: 'overwrite files that exist (without it, nothing is written over)',
} as const;

export const validateOptions = {
  config,
  schema: {
    type: 'string',
    value: '<file>',
    description: "dataset schema (default: the config's data.schema)",
  },
  data: {
    type: 'string',
    value: '<path>',
    multiple: true,
    description:
      "data file or glob; repeat or separate with commas (default: the config's data.train and data.eval)",
  },
  report: {
    type: 'string',
    value: '<file>',
    description: 'JSON report (default: .mlops/validate-report.json)',
  },
  'fail-on': {
    type: 'string',
    value: '<when>',
    choices: ['error', 'never'],
    default: 'error',
    description: 'error (default): exit 1 on violations; never: always exit 0',
  },
  'max-lines': {
    type: 'string',
    value: '<n>',
    check: 'whole-number',
    default: '50',
    description: 'violations printed (default 50; all are counted in the report)',
  },
  'max-examples': {
    type: 'string',
    value: '<n>',
    check: 'whole-number',
    description:
      "violations listed in the report per rule and column (default: the config's validate.max-examples-per-rule, else 100)",
  },
  quiet: { type: 'boolean', description: 'print only the verdict' },
  force,
  help,
} as const;

export const trainOptions = {
  config,
  command: {
    type: 'string',
    value: '<cmd>',
    description: "training command, run with bash (default: the config's train.command)",
  },
  builtin: {
    type: 'string',
    value: '<kind>',
    choices: builtinBaselines,
    description: `a built-in baseline instead of a command: ${builtinBaselines.join(', ')}`,
  },
  gpus: {
    type: 'string',
    value: '<policy>',
    choices: ['required', 'optional', 'none'],
    description:
      "required (fail without a usable NVIDIA GPU), optional or none (default: the config's train.gpus, else optional)",
  },
  seed: {
    type: 'string',
    value: '<n>',
    check: 'whole-number',
    description: "seed handed over as MLOPS_SEED (default: the config's train.seed, else 42)",
  },
  'timeout-minutes': {
    type: 'string',
    value: '<n>',
    check: 'positive-number',
    description:
      "time limit; the whole process tree is ended after it (default: the config's train.timeout-minutes, else 360)",
  },
  help,
} as const;

export const evaluateOptions = {
  config,
  model: {
    type: 'string',
    value: '<file>',
    description: "candidate ONNX model (default: the config's model.path)",
  },
  data: {
    type: 'string',
    value: '<path>',
    multiple: true,
    description: "evaluation data (default: the config's data.eval); repeatable",
  },
  baseline: {
    type: 'string',
    value: '<what>',
    description:
      'production (default, from the local registry), none, a version such as v1.2.0, or an ONNX file',
  },
  registry,
  report: {
    type: 'string',
    value: '<file>',
    description: 'JSON report (default: .mlops/evaluate-report.json)',
  },
  markdown: {
    type: 'string',
    value: '<file>',
    description: 'also write the comparison as markdown (what the job summary shows)',
  },
  'comment-out': {
    type: 'string',
    value: '<file>',
    description: 'also write the pull request comment the evaluate action posts',
  },
  force,
  quiet: { type: 'boolean', description: 'no progress bar (it shows only on a terminal)' },
  help,
} as const;

export const publishOptions = {
  config,
  model: {
    type: 'string',
    value: '<file>',
    description: "the ONNX model (default: the config's model.path)",
  },
  manifest: {
    type: 'string',
    value: '<file>',
    description: 'its manifest (default: manifest.json beside the model)',
  },
  report: {
    type: 'string',
    value: '<file>',
    description:
      "evaluate's report of these bytes (default: .mlops/evaluate-report.json when it is there and is for this model)",
  },
  profile: {
    type: 'string',
    value: '<file>',
    description:
      "reference data profile (default: profile.json beside the model, else built from the config's data.train)",
  },
  version: {
    type: 'string',
    value: '<v>',
    default: 'auto',
    description: 'auto (default), major, minor, patch or a version such as 1.2.0',
  },
  'allow-failed-gates': {
    type: 'boolean',
    description:
      'publish even though the evaluation report says the model failed its gates (refused without it); the model card and release notes then say so first',
  },
  registry,
  help,
} as const;

export const promoteOptions = {
  version: {
    type: 'string',
    value: '<v>',
    required: true,
    description: 'the version to promote, such as 1.2.0 or v1.2.0; an older version rolls back',
  },
  stage: {
    type: 'string',
    value: '<name>',
    default: DEFAULT_STAGE,
    description: `the stage (default: ${DEFAULT_STAGE})`,
  },
  config: { ...config, description: `${config.description}: names the model` },
  'allow-failed-gates': {
    type: 'boolean',
    description:
      "promote even though the version's evaluation failed its gates (refused without it); its release notes say so",
  },
  registry,
  help,
} as const;

const tasks = ['binary-classification', 'multiclass-classification', 'regression'] as const;

export const initOptions = {
  dir: {
    type: 'string',
    value: '<dir>',
    description: 'the repository to set up (default: the current directory)',
  },
  name: {
    type: 'string',
    value: '<model>',
    description: "the model's registry name (default: the folder's name)",
  },
  data: {
    type: 'string',
    value: '<file>',
    description: 'training data (default: data/train.csv, .jsonl or .parquet when present)',
  },
  eval: {
    type: 'string',
    value: '<file>',
    description: 'pinned evaluation data (default: data/eval.csv, ... when present)',
  },
  target: {
    type: 'string',
    value: '<column>',
    description:
      'the column the model predicts (default: a column named target, label, class, y or outcome)',
  },
  task: {
    type: 'string',
    value: '<task>',
    choices: tasks,
    description: `${tasks.join(', ')} (default: from the target column)`,
  },
  'gpu-runner-labels': {
    type: 'string',
    value: '<labels>',
    description:
      "train on these self-hosted runners (comma-separated labels, a JSON array, or a scale set's name), behind the fork gate and the gpu-training environment (default: GitHub-hosted ubuntu-latest, CPU)",
  },
  force: {
    type: 'boolean',
    description: 'overwrite mlops.yml, schema.yml and existing workflow files',
  },
  help,
} as const;

export const schemaInferOptions = {
  out: {
    type: 'string',
    value: '<file>',
    description: 'write the schema there (default: print it)',
  },
  target: {
    type: 'string',
    value: '<column>',
    description: 'the column the model predicts (role: target)',
  },
  'max-categories': {
    type: 'string',
    value: '<n>',
    check: 'positive-integer',
    default: '20',
    description: 'most distinct values for a category column (default 20)',
  },
  force,
  help,
} as const;

export const profileOptions = {
  config: {
    ...config,
    description: `${config.description}; its data.schema and data.train are the defaults`,
  },
  schema: {
    type: 'string',
    value: '<file>',
    description: "dataset schema (default: the config's data.schema)",
  },
  data: {
    type: 'string',
    value: '<path>',
    multiple: true,
    description: "data files or globs (default: the config's data.train); repeatable",
  },
  model: {
    type: 'string',
    value: '<file>',
    description:
      "also profile this ONNX model's predictions on the data, so that a drift check against the profile tests prediction drift without the data",
  },
  output: {
    type: 'string',
    value: '<file>',
    description: 'where to write the profile (default: profile.json)',
  },
  force,
  quiet: { type: 'boolean', description: 'no progress bar (it shows only on a terminal)' },
  help,
} as const;

export const profileMergeOptions = {
  output: {
    type: 'string',
    value: '<file>',
    description: 'where to write the merged profile (default: profile.json)',
  },
  force,
  help,
} as const;

export const driftOptions = {
  config,
  current: {
    type: 'string',
    value: '<path>',
    multiple: true,
    description: "fresh data (default: the config's drift.current); repeatable",
  },
  reference: {
    type: 'string',
    value: '<what>',
    multiple: true,
    description:
      'production (default, from the local registry), a profile.json, or data; repeatable',
  },
  model: {
    type: 'string',
    value: '<what>',
    description: 'production (default), none, or an ONNX file, for prediction drift',
  },
  registry,
  report: {
    type: 'string',
    value: '<file>',
    description: 'JSON report (default: .mlops/drift-report.json)',
  },
  'issue-out': {
    type: 'string',
    value: '<file>',
    description: "also write the drift issue's body (markdown)",
  },
  'fail-on': {
    type: 'string',
    value: '<level>',
    choices: ['severe', 'moderate', 'never'],
    default: 'severe',
    description: 'exit 1 when drift reaches severe (default) or moderate; never: always exit 0',
  },
  force,
  quiet: { type: 'boolean', description: 'no progress bar (it shows only on a terminal)' },
  help,
} as const;

export const performanceOptions = {
  config,
  logs: {
    type: 'string',
    value: '<path>',
    multiple: true,
    description: "prediction log files (default: the config's monitoring.logs); repeatable",
  },
  labels: {
    type: 'string',
    value: '<path>',
    multiple: true,
    description:
      "label files of id, label[, time] (default: the config's monitoring.labels); repeatable",
  },
  'labels-command': {
    type: 'string',
    value: '<cmd>',
    description:
      "bash command printing more labels, CSV or JSONL (default: the config's monitoring.labels-command)",
  },
  prometheus: {
    type: 'string',
    value: '<file>',
    description: "a scrape of /metrics (default: the config's monitoring.prometheus)",
  },
  'released-metrics': {
    type: 'string',
    value: '<file>',
    description: "metrics.json to compare with (default: the production version's, local registry)",
  },
  registry,
  report: {
    type: 'string',
    value: '<file>',
    description: 'JSON report (default: .mlops/performance-report.json)',
  },
  'issue-out': {
    type: 'string',
    value: '<file>',
    description: "also write the performance issue's body (markdown)",
  },
  'fail-on': {
    type: 'string',
    value: '<level>',
    choices: ['severe', 'moderate', 'never'],
    default: 'severe',
    description: 'exit 1 when the drop reaches severe (default) or moderate; never: always exit 0',
  },
  force,
  help,
} as const;

export const serveOptions = {
  config,
  stage: {
    type: 'string',
    value: '<stage>',
    description:
      'serve the version holding this stage, and swap when it moves (default: production)',
  },
  version: {
    type: 'string',
    value: '<v>',
    description: 'serve this version (no swaps)',
  },
  model: {
    type: 'string',
    value: '<file>',
    description: 'serve an ONNX file instead of a registry version',
  },
  registry,
  github: {
    type: 'string',
    value: '<owner/repo>',
    description:
      'the registry of a repository on GitHub (releases and stage tags); token from GITHUB_TOKEN or GH_TOKEN, API from GITHUB_API_URL',
  },
  host: {
    type: 'string',
    value: '<address>',
    default: '127.0.0.1',
    description: 'address to listen on (default: 127.0.0.1; 0.0.0.0 in a container)',
  },
  port: {
    type: 'string',
    value: '<n>',
    default: '8080',
    check: 'whole-number',
    description: 'port to listen on (default: 8080; 0 picks a free one)',
  },
  poll: {
    type: 'string',
    value: '<seconds>',
    default: '60',
    check: 'whole-number',
    description: 'how often to look for a newly promoted version (default: 60; 0 never)',
  },
  'log-dir': {
    type: 'string',
    value: '<dir>',
    default: '.mlops/predictions',
    description: 'folder of the prediction log (default: .mlops/predictions)',
  },
  'no-log': { type: 'boolean', description: 'write no prediction log' },
  'log-max-mb': {
    type: 'string',
    value: '<n>',
    default: '64',
    check: 'positive-number',
    description: 'start a new log file at this size (default: 64)',
  },
  'log-max-minutes': {
    type: 'string',
    value: '<n>',
    default: '60',
    check: 'positive-number',
    description: 'start a new log file at this age (default: 60)',
  },
  'max-body-bytes': {
    type: 'string',
    value: '<n>',
    default: '4194304',
    check: 'positive-integer',
    description: 'largest request body; larger ones answer 413 (default: 4194304, 4 MiB)',
  },
  'max-batch': {
    type: 'string',
    value: '<n>',
    default: '1024',
    check: 'positive-integer',
    description: 'most records in one request; more answer 413 (default: 1024)',
  },
  'max-in-flight': {
    type: 'string',
    value: '<n>',
    default: '64',
    check: 'positive-integer',
    description:
      'most requests in the model at once; more answer 503 with Retry-After (default: 64)',
  },
  help,
} as const;

export const registryOptions = {
  registry,
  github: {
    type: 'string',
    value: '<owner/repo>',
    description:
      "a repository's registry on GitHub: releases <model>@v<semver> and stage tags <model>#<stage>#<n>; token from GITHUB_TOKEN or GH_TOKEN, API from GITHUB_API_URL (default https://api.github.com)",
  },
  json: { type: 'boolean', description: 'print JSON (full digests) instead of tables' },
  help,
} as const;

export const doctorOptions = {
  repo: {
    type: 'string',
    value: '<owner/repo>',
    description: 'the repository (default: GITHUB_REPOSITORY)',
  },
  'gpu-runner-labels': {
    type: 'string',
    value: '<labels>',
    description:
      "the train job's runs-on: a JSON array or string, or comma-separated labels; none or a GitHub-hosted label: training on GitHub-hosted runners",
  },
  environment: {
    type: 'string',
    value: '<name>',
    description:
      'the train job\'s environment (default: gpu-training with self-hosted labels, none otherwise; "" for none)',
  },
  'release-tags': {
    type: 'boolean',
    description: 'also check a ruleset on v* tags (a repository that releases actions)',
  },
  summary: {
    type: 'string',
    value: '<file>',
    description: 'append the findings as a Markdown table (e.g. "$GITHUB_STEP_SUMMARY")',
  },
  'fail-on': {
    type: 'string',
    value: '<when>',
    choices: ['missing', 'never'],
    default: 'missing',
    description: 'exit 1 when a required setting is missing (default), or never',
  },
  help,
} as const;

export const dashboardOptions = {
  out: {
    type: 'string',
    value: '<dir>',
    default: 'site',
    description:
      'the site folder (default: site); replaced whole at the end, so it must be empty, absent or a dashboard built before',
  },
  registry,
  github: {
    type: 'string',
    value: '<owner/repo>',
    description:
      "a repository's registry on GitHub (releases and stage tags); token from GITHUB_TOKEN or GH_TOKEN, API from GITHUB_API_URL",
  },
  previous: {
    type: 'string',
    value: '<dir|url>',
    description:
      'the site built before, whose data/*.json the build extends (default: --out when it holds one; none: build from scratch)',
  },
  drift: {
    type: 'string',
    value: '<path>',
    multiple: true,
    description: 'check-drift reports to add: files, folders or globs; repeatable',
  },
  performance: {
    type: 'string',
    value: '<path>',
    multiple: true,
    description: 'check-performance reports to add (skipped when none is given); repeatable',
  },
  'run-url': {
    type: 'string',
    value: '<url>',
    description: 'the workflow run that wrote the one report given, linked from the dashboard',
  },
  config: {
    ...config,
    description:
      'mlops.yml, for the gates drawn as bands (default: the nearest one; none: no bands)',
  },
  force: {
    type: 'boolean',
    description: 'replace --out even when it holds something else than a dashboard',
  },
  help,
} as const;

/** Commands that only group subcommands. */
export const commandGroups: readonly CommandGroup[] = [
  { name: 'schema', summary: 'dataset schemas: schema infer' },
  { name: 'registry', summary: 'what a registry holds: registry list, registry show' },
  { name: 'dashboard', summary: 'the static site of every model: dashboard build' },
];

/** Every command, in the order the help lists them. */
export const commands: readonly Command[] = [
  defineCommand<typeof initOptions>({
    name: 'init',
    summary: 'set up this repository for mlops-actions (asks nothing)',
    notes:
      'Writes mlops.yml, schema.yml (inferred from the data; tighten it) and the starter workflows in .github/workflows/, then prints what to set up on GitHub. Everything is checked before anything is written.',
    options: initOptions,
    examples: [
      {
        command:
          'mlops init --name churn --data data/train.csv --eval data/eval.csv --target churned',
        description: 'set up the model "churn" from its training and evaluation data',
      },
    ],
    load: async () => (await import('./commands/init.js')).runInit,
  }),
  defineCommand<typeof schemaInferOptions>({
    name: 'schema infer',
    summary: 'propose a dataset schema from data',
    notes:
      'Proposes the narrowest type every value fits, observed ranges, categories up to --max-categories distinct values, nullable where values are missing, and role: id with unique: true for id-like unique columns; the data it was inferred from passes it.',
    arguments: [
      {
        name: '<data...>',
        description: 'data files or globs to infer from',
        variadic: true,
        required: true,
      },
    ],
    options: schemaInferOptions,
    examples: [
      {
        command: 'mlops schema infer data/train.csv --target label --out schema.yml',
        description: 'write a schema for the training data, with "label" as the target',
      },
    ],
    load: async () => (await import('./commands/schema-infer.js')).runSchemaInfer,
  }),
  defineCommand<typeof validateOptions>({
    name: 'validate',
    summary: 'check data files against their schema',
    notes:
      'The same result as the validate-data action. Exit status 1 when there are violations (0 with --fail-on never), 2 for a usage or configuration error.',
    options: validateOptions,
    examples: [
      { command: 'mlops validate', description: "check the config's training and evaluation data" },
      {
        command: "mlops validate --data 'data/new/*.csv' --fail-on never",
        description: 'check new files and report without failing',
      },
    ],
    load: async () => (await import('./commands/validate.js')).runValidate,
  }),
  defineCommand<typeof trainOptions>({
    name: 'train',
    summary: 'train the model as the train action does',
    options: trainOptions,
    examples: [
      { command: 'mlops train', description: "run the config's training command or built-in" },
      {
        command: "mlops train --command 'python3 train.py' --gpus none --timeout-minutes 30",
        description: 'train on the CPU with a time limit',
      },
    ],
    load: async () => (await import('./commands/train.js')).runTrain,
  }),
  defineCommand<typeof evaluateOptions>({
    name: 'evaluate',
    summary: 'compare the candidate with a baseline, as the evaluate action does',
    notes: 'Exit status 1 when a gate fails.',
    options: evaluateOptions,
    examples: [
      {
        command: 'mlops evaluate --baseline none',
        description: 'evaluate the first model, with nothing to compare with',
      },
      {
        command: 'mlops evaluate --markdown out.md',
        description: 'compare with production and write what the job summary shows',
      },
    ],
    load: async () => (await import('./commands/evaluate.js')).runEvaluate,
  }),
  defineCommand<typeof publishOptions>({
    name: 'publish',
    summary: 'register the trained model as a new version in the local registry',
    notes:
      'Publishing bytes that are already a version (a re-run, or the same model after an unrelated commit) returns that version and writes nothing. A model whose evaluation failed its gates is refused unless --allow-failed-gates is given. No promotion pull request: promote with mlops promote.',
    options: publishOptions,
    examples: [
      {
        command: 'mlops publish',
        description: 'publish the trained model as the next minor version',
      },
      { command: 'mlops publish --version 2.0.0', description: 'publish it as 2.0.0' },
    ],
    load: async () => (await import('./commands/publish.js')).runPublish,
  }),
  defineCommand<typeof promoteOptions>({
    name: 'promote',
    summary: 'move a registered version into a stage of the local registry',
    notes:
      "Locally no review is checked; on GitHub, promote-model requires the promotion pull request's approval.",
    options: promoteOptions,
    examples: [
      {
        command: 'mlops promote --version 1.2.0',
        description: 'make v1.2.0 the production version',
      },
      { command: 'mlops promote --version 1.1.0', description: 'roll production back to v1.1.0' },
    ],
    load: async () => (await import('./commands/promote.js')).runPromote,
  }),
  defineCommand<typeof profileOptions>({
    name: 'profile',
    summary: 'profile data into a mergeable profile.json (the reference drift checks compare with)',
    options: profileOptions,
    examples: [
      {
        command: "mlops profile --data 'data/shard-1/*.csv' --output shard-1.json",
        description: 'profile one shard of the data',
      },
    ],
    load: async () => (await import('./commands/profile.js')).runProfile,
  }),
  defineCommand<typeof profileMergeOptions>({
    name: 'profile merge',
    summary: 'merge the profiles of shards into the profile of the whole',
    arguments: [
      { name: '<profile...>', description: 'profiles to merge', variadic: true, required: true },
    ],
    options: profileMergeOptions,
    examples: [
      {
        command: 'mlops profile merge shard-1.json shard-2.json --output profile.json',
        description: 'exactly the profile of both shards together',
      },
    ],
    load: async () => (await import('./commands/profile.js')).runProfileMerge,
  }),
  defineCommand<typeof driftOptions>({
    name: 'drift',
    summary: 'compare fresh data with the reference, as the check-drift action does',
    notes:
      'Writes the JSON report and, with --issue-out, the body the drift issue would have; no issue, no dispatch.',
    options: driftOptions,
    examples: [
      {
        command: "mlops drift --current 'data/current/*.csv' --issue-out issue.md",
        description: 'compare fresh data with the production version and write the issue body',
      },
    ],
    load: async () => (await import('./commands/drift.js')).runDrift,
  }),
  defineCommand<typeof performanceOptions>({
    name: 'performance',
    summary:
      'grade the served model on labels that arrived later, as the check-performance action does',
    notes:
      'Joins the prediction log of mlops serve with the labels, computes the metrics per window, compares them with the production version (local registry) and checks latency objectives against a /metrics scrape. Writes the JSON report and, with --issue-out, the body the performance issue would have; no issue, no dispatch.',
    options: performanceOptions,
    examples: [
      {
        command: "mlops performance --logs 'logs/*.jsonl' --labels labels.csv",
        description: 'grade the production model on the labels received so far',
      },
    ],
    load: async () => (await import('./commands/performance.js')).runPerformance,
  }),
  defineCommand<typeof serveOptions>({
    name: 'serve',
    summary: 'serve the model over HTTP (Open Inference Protocol, KServe V1 :predict)',
    notes:
      'Checks every request against the dataset schema, exports Prometheus metrics at /metrics and writes a prediction log that mlops drift reads. With a stage, swaps to a newly promoted version without failing a request. SIGTERM or SIGINT drains: requests in flight are answered and the log is written. See docs/serving.md.',
    options: serveOptions,
    examples: [
      { command: 'mlops serve', description: 'the production version from the local registry' },
      {
        command: 'mlops serve --github acme/models --host 0.0.0.0',
        description: "the production version from a repository's releases, on every interface",
      },
    ],
    load: async () => (await import('./commands/serve.js')).runServe,
  }),
  defineCommand<typeof doctorOptions>({
    name: 'doctor',
    summary:
      'check the repository settings that keep fork code off GPU runners and registry tags fixed',
    notes:
      'Reads, through the REST API (token from GITHUB_TOKEN or GH_TOKEN, API from GITHUB_API_URL): fork pull request approval for all outside collaborators; the environment with required reviewers (GitHub creates a missing one unprotected); a runner group limited to this repository and its workflows, with ephemeral runners; tag rulesets on `*@v*` and `*#*`; GITHUB_TOKEN read-only and unable to approve pull requests. Each is ok, missing (with the fix) or unknown: most need the Administration (read) permission, which GITHUB_TOKEN lacks, and what cannot be read never fails. Exit status 1 when a required setting is missing.',
    options: doctorOptions,
    examples: [
      {
        command:
          "GH_TOKEN=$(gh auth token) mlops doctor --repo acme/models --gpu-runner-labels 'self-hosted,gpu'",
        description: 'check the settings of a repository that trains on self-hosted GPU runners',
      },
    ],
    load: async () => (await import('./commands/doctor.js')).runDoctor,
  }),
  defineCommand<typeof registryOptions>({
    name: 'registry list',
    summary: 'every model of a registry with its latest and production versions',
    options: registryOptions,
    examples: [
      { command: 'mlops registry list', description: 'the local registry' },
      {
        command: 'mlops registry list --github acme/models --json',
        description: "a repository's registry, as JSON",
      },
    ],
    load: async () => (await import('./commands/registry.js')).runRegistryList,
  }),
  defineCommand<typeof registryOptions>({
    name: 'registry show',
    summary: "one model's versions and stage history",
    arguments: [{ name: '<model>', description: 'a model name', required: true }],
    options: registryOptions,
    examples: [
      { command: 'mlops registry show churn', description: 'versions and stages of churn' },
    ],
    load: async () => (await import('./commands/registry.js')).runRegistryShow,
  }),
  defineCommand<typeof dashboardOptions>({
    name: 'dashboard build',
    summary: 'build the static dashboard of every model (for GitHub Pages)',
    notes:
      'Writes an index of models and a page per model (versions, stage timeline, metrics across versions with gates as bands, drift heatmap with a drill-down per column, performance and latency), the data as JSON beside the pages, and the charts script (vega-embed, bundled: no CDN). Incremental: the data of the previous site is read back and only new versions and checks are added. The tables need no JavaScript; the charts load their JSON over HTTP, so serve the folder to see them locally. See docs/dashboard.md.',
    options: dashboardOptions,
    examples: [
      {
        command: "mlops dashboard build --out site --drift 'reports/drift-*.json'",
        description: 'the local registry and its drift reports, into site/',
      },
      {
        command:
          'mlops dashboard build --github acme/models --previous https://acme.github.io/models/ --drift drift-report.json',
        description: 'extend the published dashboard with the newest drift check',
      },
    ],
    load: async () => (await import('./commands/dashboard.js')).runDashboard,
  }),
];
