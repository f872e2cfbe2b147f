/**
 * `mlops init`: sets up a model's repository. Asks nothing: from flags and the data it writes
 * `mlops.yml`, a `schema.yml` inferred from the data (as `mlops schema infer` does), the starter
 * workflows in `.github/workflows/` (training on GitHub-hosted ubuntu-latest, or on the self-hosted
 * runners `--gpu-runner-labels` names) and `.mlops/` in `.gitignore`, then prints what is left to
 * set on GitHub. Everything is read and checked before anything is written: a refusal writes
 * nothing.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify } from 'yaml';
import { expandDataPaths, readDataset } from '../../adapters/data/open-dataset.js';
import { writeFileAtomic } from '../../adapters/fs/write-file-atomic.js';
import { modelNamePattern, type BuiltinBaseline } from '../../core/config/mlops-config.js';
import { parseRunnerLabels } from '../../core/doctor/runner-labels.js';
import { ConfigError, DataError } from '../../core/errors.js';
import { RELEASE_REF } from '../../core/mlops-version.js';
import type { ColumnSchema, DatasetSchema } from '../../core/schema/dataset-schema.js';
import { SchemaInferrer } from '../../core/schema/infer-schema.js';
import { CliUsageError } from '../cli-usage-error.js';
import type { CommandInput } from '../command-definition.js';
import type { initOptions } from '../command-definitions.js';

const tasks = ['binary-classification', 'multiclass-classification', 'regression'] as const;
type Task = (typeof tasks)[number];

const builtinFor: Record<Task, BuiltinBaseline> = {
  'binary-classification': 'logistic-regression',
  'multiclass-classification': 'softmax-regression',
  regression: 'linear-regression',
};

/** The metric a relative gate watches, by task. */
const gateMetric: Record<Task, { metric: string; drop: string; min: string }> = {
  'binary-classification': { metric: 'roc_auc', drop: '0.01', min: 'min: 0.8' },
  'multiclass-classification': { metric: 'accuracy', drop: '0.01', min: 'min: 0.8' },
  regression: { metric: 'rmse', drop: '5%', min: 'max: 10.0' },
};

const targetNames = ['target', 'label', 'class', 'y', 'outcome'];
const dataExtensions = ['.csv', '.jsonl', '.parquet', '.csv.gz', '.jsonl.gz'];

/** The `workflows/` folder of this package: beside `dist/` (the bundle may sit in dist/chunks). */
function starterWorkflowsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up += 1) {
    const candidate = path.join(dir, 'workflows');
    if (existsSync(path.join(candidate, 'mlops-pull-request.yml'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(
    `the starter workflows were not found beside ${fileURLToPath(import.meta.url)} (expected ../workflows)`,
  );
}

/** A path as written in mlops.yml: relative to its folder, with forward slashes. */
function configPath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

function defaultData(root: string, stem: string): string | undefined {
  for (const ext of dataExtensions) {
    const file = path.join(root, 'data', `${stem}${ext}`);
    if (existsSync(file)) return file;
  }
  return undefined;
}

async function inferSchema(
  files: readonly string[],
  cwd: string,
  target: string | undefined,
): Promise<{ schema: DatasetSchema; rows: number; shown: string[] }> {
  const expanded = await expandDataPaths([...files], cwd);
  const inferrer = new SchemaInferrer({ target });
  for (const file of expanded) {
    for await (const event of readDataset(file.path, { displayName: file.displayName })) {
      if (event.kind === 'issue') {
        const { issue } = event;
        throw new DataError(
          `${issue.message}; fix the file (mlops validate lists every problem) and run init again`,
          { location: { file: issue.file, line: issue.line ?? undefined } },
        );
      }
      inferrer.add(event.batch);
    }
  }
  return {
    schema: inferrer.result(),
    rows: inferrer.rows,
    shown: expanded.map((f) => f.displayName),
  };
}

/** The schema without the fields that repeat defaults (as `mlops schema infer` writes it). */
function compactSchema(schema: DatasetSchema): Record<string, unknown> {
  const columns: Record<string, Record<string, unknown>> = {};
  for (const [name, column] of Object.entries(schema.columns)) {
    const { nullable, required, role, unique, type, ...rest } = column;
    columns[name] = {
      type,
      ...(role !== 'feature' ? { role } : {}),
      ...(nullable ? { nullable } : {}),
      ...(required ? {} : { required }),
      ...(unique ? { unique } : {}),
      ...rest,
    };
  }
  return { version: schema.version, ...(schema.rows ? { rows: schema.rows } : {}), columns };
}

function taskOf(column: ColumnSchema, target: string): Task {
  const values = 'values' in column && Array.isArray(column.values) ? column.values.length : null;
  if (column.type === 'boolean') return 'binary-classification';
  if (column.type === 'category' && values !== null) {
    return values <= 2 ? 'binary-classification' : 'multiclass-classification';
  }
  if (column.type === 'number') return 'regression';
  if (column.type === 'integer' && 'min' in column && column.min === 0 && column.max === 1) {
    return 'binary-classification';
  }
  throw new CliUsageError(
    `cannot tell the task from the target column "${target}" (type ${column.type}): give --task ${tasks.join('|')}`,
  );
}

/** A string as a YAML scalar, quoted only when it must be. */
function yamlScalar(text: string): string {
  return stringify(text).trimEnd();
}

function renderConfig(options: {
  name: string;
  task: Task;
  train: string;
  eval: string | undefined;
  target: string;
}): string {
  const { name, task } = options;
  const gate = gateMetric[task];
  return `# yaml-language-server: $schema=https://raw.githubusercontent.com/mlops-actions/mlops-actions/${RELEASE_REF}/schemas/mlops.schema.json
# Written by \`mlops init\`. Paths are relative to this file.
version: 1
model:
  name: ${name}
  task: ${task}
  # description: What the model predicts and for whom (shown in every version's model card).
data:
  schema: schema.yml # inferred from the data: tighten ranges and categories to what you accept
  train: ${yamlScalar(options.train)}
${
  options.eval !== undefined
    ? `  # Pinned: candidate and production are compared on exactly these records.\n  eval: ${yamlScalar(options.eval)}`
    : '  # eval: data/eval.csv # pinned evaluation data: candidate and production are compared on it'
}
train:
  # The built-in baseline: no code of yours, no Python (target column: ${options.target}).
  builtin: ${builtinFor[task]}
  # To train your own model, replace \`builtin:\` with the command that does it. It runs with
  # bash and writes the ONNX model to $MLOPS_MODEL_PATH (and metrics.json to $MLOPS_OUTPUT_DIR):
  # command: python3 train.py
  seed: 42
  gpus: optional # required: fail on a runner without a usable NVIDIA GPU
evaluate:
  # Every gate must pass, or the check mlops/evaluate (${name}) fails the pull request.
  gates:
    # Relative to production (skipped for the first model, which has no production yet):
    - metric: ${gate.metric}
      max-drop: ${gate.drop}
    # An absolute bound:
    # - metric: ${gate.metric}
    #   ${gate.min}
# Drift: the scheduled check compares fresh data with the production version's reference profile.
# Uncomment when fresh data lands somewhere the workflow can read it:
# drift:
#   current: data/current/*.csv
`;
}

/** The `permissions:` each workflow's jobs ask for, as `scope: level` lists. */
function workflowPermissions(text: string): string[] {
  const workflow = parseYaml(text) as { jobs?: Record<string, { permissions?: unknown }> } | null;
  const scopes = new Map<string, string>();
  for (const job of Object.values(workflow?.jobs ?? {})) {
    if (job.permissions === null || typeof job.permissions !== 'object') continue;
    for (const [scope, level] of Object.entries(job.permissions as Record<string, unknown>)) {
      if (typeof level !== 'string') continue;
      if (scopes.get(scope) !== 'write') scopes.set(scope, level);
    }
  }
  return [...scopes].map(([scope, level]) => `${scope}: ${level}`);
}

/** The `with:` values the starters pass, by input name (first one found). */
function workflowInput(text: string, input: string): string | undefined {
  const workflow = parseYaml(text) as {
    jobs?: Record<string, { with?: Record<string, unknown> }>;
  } | null;
  for (const job of Object.values(workflow?.jobs ?? {})) {
    const value = job.with?.[input];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** Starters whose train job takes `gpu-runner-labels`. */
const LABELS_LINE = /^(\s+gpu-runner-labels: )'[^'\n]*'/m;

/**
 * A starter with the train job's runners set: the starters train on GitHub-hosted
 * `ubuntu-latest` (CPU); `--gpu-runner-labels` puts the self-hosted labels there instead.
 */
export function withRunnerLabels(text: string, labels: readonly string[]): string {
  if (labels.length === 0 || !LABELS_LINE.test(text)) return text;
  // A JSON array inside a single-quoted YAML scalar ('' is a quote there).
  const value = JSON.stringify(labels).replace(/'/g, "''");
  return text.replace(LABELS_LINE, (_line, key: string) => `${key}'${value}'`);
}

/**
 * The starters name our reusable workflows at `@v1`; the copy written pins them to this
 * package's immutable release tag (`@v0.3.1`), which holds exactly the workflows and actions this
 * version was tested with, where the major tag moves (and a 0.x release has no v1). Dependabot's
 * github-actions updates bump the pin. From the sources (`dev`) the text is kept.
 */
export function pinToRelease(text: string, ref: string = RELEASE_REF): string {
  return text.replace(/(uses: mlops-actions\/mlops-actions\/[^@\s]+)@v1\b/g, `$1@${ref}`);
}

/** `.mlops/` (local models, the local registry) must never be committed by `git add -A`. */
async function ignoreMlopsFolder(root: string): Promise<string> {
  const file = path.join(root, '.gitignore');
  const text = existsSync(file) ? await readFile(file, 'utf8') : undefined;
  const ignored = (text ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .some((line) =>
      ['.mlops', '.mlops/', '/.mlops', '/.mlops/', '.mlops/*', '/.mlops/*'].includes(line),
    );
  if (ignored) return 'kept .gitignore (it already ignores .mlops/)';
  const entry = '# mlops-actions: local models, reports and the local registry\n.mlops/\n';
  if (text === undefined) {
    await writeFileAtomic(file, entry);
    return 'wrote .gitignore: .mlops/';
  }
  await writeFileAtomic(file, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${entry}`);
  return 'added .mlops/ to .gitignore';
}

export async function runInit({ values }: CommandInput<typeof initOptions>): Promise<number> {
  const cwd = process.cwd();
  const root = path.resolve(cwd, values.dir ?? '.');
  const force = values.force;

  // 1. Refuse before reading anything else.
  const configFile = path.join(root, 'mlops.yml');
  const schemaFile = path.join(root, 'schema.yml');
  const existing = [configFile, schemaFile].filter((file) => existsSync(file));
  if (existing.length > 0 && !force) {
    throw new ConfigError(
      `${existing.map((f) => path.basename(f)).join(' and ')} already ${existing.length > 1 ? 'exist' : 'exists'} in ${root}: nothing was written. Run mlops init --force to overwrite.`,
    );
  }

  // 2. Check the flags.
  const name =
    values.name ??
    path
      .basename(root)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '');
  if (!modelNamePattern.test(name)) {
    throw new CliUsageError(
      `${values.name !== undefined ? `--name "${name}"` : `the folder name gives "${name}", which`} is not a model name: use lower-case letters, digits and "-", starting and ending with a letter or digit (--name <model>)`,
    );
  }
  const gpuLabels = parseRunnerLabels(values['gpu-runner-labels'], '--gpu-runner-labels');
  const trainFile =
    values.data !== undefined ? path.resolve(cwd, values.data) : defaultData(root, 'train');
  if (trainFile === undefined) {
    throw new CliUsageError(
      'init needs training data: --data <file> (CSV, JSONL or Parquet), or a data/train.csv',
    );
  }
  const evalFile =
    values.eval !== undefined ? path.resolve(cwd, values.eval) : defaultData(root, 'eval');
  for (const [flag, file] of [
    ['--data', trainFile],
    ['--eval', evalFile],
  ] as const) {
    if (file !== undefined && !existsSync(file)) {
      throw new ConfigError(`${flag}: no such file: ${file}`);
    }
  }
  for (const file of [trainFile, evalFile]) {
    if (file === undefined) continue;
    const relative = path.relative(root, file);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new ConfigError(
        `${file} is outside ${root}: the data must be in the repository (mlops.yml's paths are relative to it)`,
      );
    }
  }

  // 3. Infer the schema (train and eval: both must satisfy it) and the task.
  const dataFiles = [trainFile, ...(evalFile !== undefined ? [evalFile] : [])];
  let target = values.target;
  let inferred = await inferSchema(dataFiles, root, target);
  const columns = Object.keys(inferred.schema.columns);
  if (target === undefined) {
    target = columns.find((column) => targetNames.includes(column.toLowerCase()));
    if (target === undefined) {
      throw new CliUsageError(
        `give --target <column>, the column the model predicts; the data has ${columns.map((c) => `"${c}"`).join(', ')}`,
      );
    }
    inferred = await inferSchema(dataFiles, root, target);
  }
  const targetColumn = inferred.schema.columns[target];
  if (targetColumn === undefined) {
    throw new CliUsageError(
      `--target "${target}" is not a column of the data; it has ${columns.map((c) => `"${c}"`).join(', ')}`,
    );
  }
  const task = (values.task as Task | undefined) ?? taskOf(targetColumn, target);

  // 4. Read the starter workflows.
  const workflowsDir = starterWorkflowsDir();
  const starters: { name: string; text: string }[] = [];
  for (const file of (await readdir(workflowsDir)).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    starters.push({ name: file, text: await readFile(path.join(workflowsDir, file), 'utf8') });
  }

  // 5. Write.
  const out: string[] = [];
  await writeFileAtomic(
    configFile,
    renderConfig({
      name,
      task,
      target,
      train: configPath(root, trainFile),
      eval: evalFile !== undefined ? configPath(root, evalFile) : undefined,
    }),
  );
  out.push(`wrote mlops.yml: model ${name}, ${task}, built-in ${builtinFor[task]}`);
  await writeFileAtomic(
    schemaFile,
    `# yaml-language-server: $schema=https://raw.githubusercontent.com/mlops-actions/mlops-actions/${RELEASE_REF}/schemas/dataset-schema.schema.json\n` +
      `# Proposed by \`mlops init\` from ${inferred.shown.join(', ')} (${inferred.rows} records).\n` +
      `# Tighten the ranges and categories to what you promise to accept.\n` +
      stringify(compactSchema(inferred.schema), { lineWidth: 100 }),
  );
  out.push(
    `wrote schema.yml: ${columns.length} columns from ${inferred.rows} records, target "${target}"`,
  );
  const workflowsOut = path.join(root, '.github', 'workflows');
  await mkdir(workflowsOut, { recursive: true });
  for (const starter of starters) {
    const dest = path.join(workflowsOut, starter.name);
    if (existsSync(dest) && !force) {
      out.push(`kept .github/workflows/${starter.name} (it exists; --force overwrites it)`);
      continue;
    }
    await writeFileAtomic(dest, pinToRelease(withRunnerLabels(starter.text, gpuLabels)));
    out.push(`wrote .github/workflows/${starter.name}`);
  }
  out.push(await ignoreMlopsFolder(root));

  // 6. What is left to do on GitHub.
  const permissions = starters
    .map((s) => ({ name: s.name, scopes: workflowPermissions(s.text) }))
    .filter((s) => s.scopes.length > 0);
  const withLabels = starters
    .filter((s) => workflowInput(s.text, 'gpu-runner-labels') !== undefined)
    .map((s) => s.name);
  const environment =
    starters.map((s) => workflowInput(s.text, 'train-environment')).find((e) => e) ??
    'gpu-training';
  const runners =
    gpuLabels.length > 0
      ? [
          `  2. Training runs on your self-hosted runners ${JSON.stringify(gpuLabels)} (${withLabels.join(', ')}).`,
          `     For pull_request events GitHub runs the workflow file as the pull request changed it: a fork`,
          `     can add its own job on these labels, and no label, environment or "if:" in these files stops`,
          `     that. What does (docs/gpu-runners.md), before the first pull request:`,
          `       a. Settings > Actions > General > Approval for running fork pull request workflows:`,
          `          "Require approval for all external contributors";`,
          `       b. a runner group for these runners limited to this repository and to the workflows`,
          `          mlops-pull-request.yml and mlops-retrain.yml (organization settings > Actions > Runner groups);`,
          `       c. ephemeral runners, one job each (actions-runner-controller scale sets).`,
          `     Settings > Environments: create "${environment}" with required reviewers now: GitHub creates a`,
          `     missing environment unprotected on the first run, and then nothing holds a training run.`,
          `     Label "safe-to-train": a maintainer adds it to a fork's or a bot's (Dependabot, Renovate)`,
          `     pull request to train exactly the commit it was added on; a later push needs a new label.`,
        ]
      : [
          `  2. Training runs on GitHub-hosted ubuntu-latest (CPU), as the built-in baseline needs. For GPU`,
          `     runners: mlops init --force --gpu-runner-labels self-hosted,linux,x64,gpu (read`,
          `     docs/gpu-runners.md first: a fork can reach self-hosted runners unless the repository`,
          `     settings it lists are in place). Fork and bot pull requests train once a maintainer adds`,
          `     the label "safe-to-train" (to the commit it was added on).`,
        ];
  const next = [
    '',
    'Next steps:',
    '  1. Try it locally: mlops validate && mlops train && mlops evaluate --baseline none',
    ...runners,
    `  3. Token permissions (each workflow grants these to its jobs; nothing else is needed):`,
    ...permissions.map((p) => `       ${p.name}: ${p.scopes.join(', ')}`),
    `     Publish opens the promotion pull request. Recommended: a GitHub App (Contents and Pull requests:`,
    `     read and write) whose token the job mints itself (actions/create-github-app-token, pinned):`,
    `     the repository variable MLOPS_APP_CLIENT_ID and the secret MLOPS_APP_PRIVATE_KEY, and leave`,
    `     Settings > Actions > General > "Allow GitHub Actions to create and approve pull requests" off.`,
    `     Without an App, publish needs that setting on, and it also lets any workflow's GITHUB_TOKEN`,
    `     approve pull requests (a promotion among them). Store no personal token.`,
    `  4. Branch protection (or a ruleset) on the default branch: require the status check "mlops/evaluate (${name})".`,
    `     Tag rulesets: restrict updates and deletions of refs/tags/*@v* (versions) and refs/tags/*#* (stages).`,
    `  5. Labels: create "safe-to-train" and "mlops:promotion" (promotion pull requests).`,
    `  6. Check the settings: GH_TOKEN=<a token with Administration read> mlops doctor --repo <owner/repo>${gpuLabels.length > 0 ? ` --gpu-runner-labels ${gpuLabels.join(',')}` : ''}`,
    `  7. Commit mlops.yml, schema.yml, .gitignore and .github/workflows/, and open a pull request.`,
    `  docs/workflows.md in mlops-actions explains each setting.`,
    '',
  ];
  process.stdout.write(`${[...out, ...next].join('\n')}`);
  return 0;
}
