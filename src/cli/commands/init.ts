/**
 * `mlops init`: sets up a model's repository. Asks nothing: from flags and the data it writes
 * `mlops.yml`, a `schema.yml` inferred from the data (as `mlops schema infer` does) and the starter
 * workflows in `.github/workflows/`, then prints what is left to set on GitHub. Everything is
 * read and checked before anything is written: a refusal writes nothing.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify } from 'yaml';
import { expandDataPaths, readDataset } from '../../adapters/data/open-dataset.js';
import { writeFileAtomic } from '../../adapters/fs/write-file-atomic.js';
import { modelNamePattern, type BuiltinBaseline } from '../../core/config/mlops-config.js';
import { ConfigError, DataError } from '../../core/errors.js';
import type { ColumnSchema, DatasetSchema } from '../../core/schema/dataset-schema.js';
import { SchemaInferrer } from '../../core/schema/infer-schema.js';
import { CliUsageError } from '../cli-usage-error.js';
import { parseOptions } from '../parse-options.js';

const tasks = ['binary-classification', 'multiclass-classification', 'regression'] as const;
type Task = (typeof tasks)[number];

const help = `mlops init: set up this repository for mlops-actions (asks nothing)

Options:
  --dir <dir>          the repository to set up (default: the current directory)
  --name <model>       the model's registry name (default: the folder's name)
  --data <file>        training data (default: data/train.csv, .jsonl or .parquet when present)
  --eval <file>        pinned evaluation data (default: data/eval.csv, ... when present)
  --target <column>    the column the model predicts (default: a column named target, label,
                       class, y or outcome)
  --task <task>        ${tasks.join(' | ')} (default: from the target column)
  --force              overwrite mlops.yml, schema.yml and existing workflow files

Writes mlops.yml, schema.yml (inferred from the data; tighten it) and the starter workflows in
.github/workflows/, then prints what to set up on GitHub.`;

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
  return `# yaml-language-server: $schema=https://raw.githubusercontent.com/mlops-actions/mlops-actions/v1/schemas/mlops.schema.json
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

export async function runInit(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    dir: { type: 'string' },
    name: { type: 'string' },
    data: { type: 'string' },
    eval: { type: 'string' },
    target: { type: 'string' },
    task: { type: 'string' },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
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
  if (values.task !== undefined && !(tasks as readonly string[]).includes(values.task)) {
    throw new CliUsageError(`--task must be one of ${tasks.join(', ')}`);
  }
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
    `# yaml-language-server: $schema=https://raw.githubusercontent.com/mlops-actions/mlops-actions/v1/schemas/dataset-schema.schema.json\n` +
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
    await copyFile(path.join(workflowsDir, starter.name), dest);
    out.push(`wrote .github/workflows/${starter.name}`);
  }

  // 6. What is left to do on GitHub.
  const permissions = starters
    .map((s) => ({ name: s.name, scopes: workflowPermissions(s.text) }))
    .filter((s) => s.scopes.length > 0);
  const withLabels = starters.filter(
    (s) => workflowInput(s.text, 'gpu-runner-labels') !== undefined,
  );
  const labels = withLabels.map((s) => workflowInput(s.text, 'gpu-runner-labels'))[0];
  const environment =
    starters.map((s) => workflowInput(s.text, 'train-environment')).find((e) => e) ??
    'gpu-training';
  const next = [
    '',
    'Next steps:',
    '  1. Try it locally: mlops validate && mlops train && mlops evaluate --baseline none',
    `  2. GPU runners: set gpu-runner-labels in ${withLabels.map((s) => s.name).join(' and ')} to your self-hosted GPU runners' labels (now ${labels ?? 'unset'}), or a runner scale set's name as '"name"'.`,
    `  3. Token permissions (each workflow grants these to its jobs; nothing else is needed):`,
    ...permissions.map((p) => `       ${p.name}: ${p.scopes.join(', ')}`),
    `     Settings > Actions > General: allow GitHub Actions to create pull requests (publish opens the promotion pull request).`,
    `  4. Settings > Environments: create "${environment}" with required reviewers: every training run on the GPU runner waits for approval.`,
    `  5. Branch protection (or a ruleset) on the default branch: require the status check "mlops/evaluate (${name})".`,
    `  6. Labels: create "safe-to-train" (a maintainer adds it to a fork's pull request to let it train; only then does fork code reach the GPU runner) and "mlops:promotion" (promotion pull requests).`,
    `  7. Commit mlops.yml, schema.yml and .github/workflows/, and open a pull request.`,
    `  docs/workflows.md in mlops-actions explains each setting.`,
    '',
  ];
  process.stdout.write(`${[...out, ...next].join('\n')}`);
  return 0;
}
