/**
 * A small interpreter of our workflows, for the journey test: a starter workflow (workflows/*.yml)
 * and an event in, our bundled actions run against the GitHub emulator out, in the order and
 * with the inputs the workflow files declare.
 *
 * What it does, as the runner would:
 * - parses the starter with GitHub's parser (`parseWorkflowFile`, reusable workflows resolved) and
 *   refuses one with errors; reads its `on:` (event, `types`, `paths`, `branches`) to decide
 *   whether the event triggers it at all;
 * - for a calling job (`uses: ./.github/workflows/x.yml` or
 *   `mlops-actions/mlops-actions/.github/workflows/x.yml@v1`, this repository's file): its `if:`,
 *   its `with:` (checked against the called workflow's `workflow_call` inputs, typed, defaults
 *   filled in) and `secrets:`; then the called workflow's jobs in `needs` order, each job's `if:`
 *   (GitHub's implicit `success()` included) and its steps;
 * - a step `uses: mlops-actions/mlops-actions/actions/<step>@v1` (or the root action with
 *   `command:`) runs `actions/<step>` (the bundle in dist/) through `runAction`, its `with:` and
 *   `env:` evaluated with GitHub's expression engine (`github`, `inputs`, `secrets`, `steps`,
 *   `needs`), `github.token` / `secrets.GITHUB_TOKEN` being the emulator's token; job `outputs:`
 *   are evaluated after the steps, for `needs.<job>.outputs.<name>`.
 *
 * Simulated, minimally: `actions/checkout` (the workspace already holds the repository's files;
 * the test keeps it in step with the emulator's branches), train's `upload-artifact: true` (the
 * files train wrote become `repo.addArtifact` on this workflow run, since the artifact service
 * does not exist outside a runner), `actions/download-artifact` (this run's artifacts written
 * into `path`), `actions/upload-artifact` (a file or folder becomes this run's artifact, hidden
 * files left out as v4.4 does),
 * `actions/setup-node` (nothing), and the `run:` step "Verify the model's digest"
 * (the same comparison, in TypeScript). The `run:` steps in `REAL_RUN_STEPS` run for real in bash
 * (bash-step.ts: `gh` answered by the emulator). A skipped step's outputs read as empty, as on
 * GitHub. A job's `strategy.matrix` (lists of values, literal or from an expression) runs the
 * job once per combination with `${{ matrix.<key> }}`; `include` and `exclude` are refused.
 * Any other `run:` step that would run, any other action, and any construct not listed here
 * (container, services, job-level env, nested calls, `paths-ignore`...) throws, naming it.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { GitHubEmulator, WorkflowRunRecord } from '../support/github-emulator/index.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { runBashStep } from './bash-step.js';
import type { Workspace } from '../support/temp-workspace.js';
import { parseWorkflowFile, type WorkflowResolver } from '../workflows/workflow-parser.js';
import {
  OWN_REF,
  OWN_REPOSITORY,
  evaluateIf,
  events,
  jobs,
  loadWorkflow,
  repoRoot,
  resolveOwnWorkflow,
  type Workflow,
} from '../workflows/workflow-rules.js';
import {
  evaluateString,
  evaluateValue,
  type Contexts,
  type Dict,
  type ReferenceRules,
} from './expressions.js';

const isDict = (value: unknown): value is Dict =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The event a workflow is started for. */
export interface WorkflowEvent {
  name: string;
  payload: Dict;
  /** `github.sha` and `github.ref`. */
  sha: string;
  ref: string;
  actor?: string;
  /** The files a pull request changed, for `paths:` filters (required when one is set). */
  changedFiles?: readonly string[];
}

/**
 * Where our workflows and actions come from: the repository's sources (our own `uses:` at @v1),
 * or a release tree (scripts/build-release-tree.mjs), where they are at the exact version built.
 */
export interface WorkflowSource {
  /** The folder holding workflows/, .github/workflows/, actions/ and action.yml. */
  root: string;
  /** The ref our own `uses:` must name there. */
  ref: string;
}

const SOURCES: WorkflowSource = { root: repoRoot, ref: OWN_REF };

/** `uses: mlops-actions/mlops-actions/.github/workflows/<file>` → the file under `source`. */
function ownWorkflowResolver(source: WorkflowSource): WorkflowResolver {
  return source.root === repoRoot
    ? resolveOwnWorkflow
    : (owner, repository, file) =>
        `${owner}/${repository}` === OWN_REPOSITORY &&
        /^\.github\/workflows\/[\w.-]+\.ya?ml$/.test(file)
          ? path.join(source.root, file)
          : null;
}

/** A workflow under `source`, named in messages by its path there. */
async function loadFrom(source: WorkflowSource, absolute: string): Promise<Workflow> {
  const workflow = await loadWorkflow(absolute);
  return { ...workflow, file: path.relative(source.root, absolute).split(path.sep).join('/') };
}

export interface InterpreterEnvironment {
  emulator: GitHubEmulator;
  /** The workflows and actions to run (default: this repository's sources). */
  source?: WorkflowSource;
  /** The checkout: every job of every workflow runs here. */
  workspace: Workspace;
  /** The repository's secrets (`${{ secrets.X }}` in the starter); none by default. */
  secrets?: Record<string, string>;
  timeoutMs?: number;
}

/** One of our actions, run as a step. */
export interface OwnStepRun {
  workflow: string;
  job: string;
  stepId: string;
  /** `validate-data`, `train`, ...: the folder under actions/ (or `.` for the root action). */
  action: string;
  /** Its action.yml. */
  actionFile: string;
  /** Exactly the `with:` values the workflow gave, evaluated. */
  inputs: Record<string, string>;
  env: Record<string, string>;
  run: ActionRun;
}

export interface JobResult {
  result: 'success' | 'skipped';
  outputs: Record<string, string>;
}

export interface WorkflowResult {
  file: string;
  /** False when the event does not start this workflow (`on:` and its filters). */
  triggered: boolean;
  /** The emulator's record of this run, when triggered. */
  runRecord?: WorkflowRunRecord;
  /** Jobs by `<caller job>/<called job>` (or the caller job alone when it was skipped). */
  jobs: Map<string, JobResult>;
  ownSteps: OwnStepRun[];
  /** What was simulated or skipped, one line each, in order. */
  log: string[];
}

// ---------------------------------------------------------------------------------------------

const parsedOk = new Map<string, Promise<void>>();

/** GitHub's parser must accept the file (and the reusable workflows it calls). */
function assertParses(workflow: Workflow, source: WorkflowSource): Promise<void> {
  const key = `${source.root}\0${workflow.file}`;
  let pending = parsedOk.get(key);
  if (pending === undefined) {
    const resolver = ownWorkflowResolver(source);
    pending = parseWorkflowFile(workflow.file, workflow.text, resolver).then((parsed) => {
      if (parsed.errors.length > 0 || parsed.template === undefined) {
        throw new Error(`${workflow.file} does not parse:\n${parsed.errors.join('\n')}`);
      }
    });
    parsedOk.set(key, pending);
  }
  return pending;
}

/** GitHub's filter patterns: `**` any path, `*` within a segment, `?` one character. */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      out += '.*';
      i += 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

const DEFAULT_PULL_REQUEST_TYPES = ['opened', 'synchronize', 'reopened'];
const EVENT_FILTERS = new Set(['types', 'paths', 'branches', 'inputs']);

/** Whether `event` starts `workflow`, by its `on:`; the reason when it does not. */
export function triggers(workflow: Workflow, event: WorkflowEvent): string | null {
  const on = events(workflow);
  if (!(event.name in on)) return `${workflow.file} does not run on ${event.name}`;
  const filter = on[event.name];
  if (event.name === 'schedule' || !isDict(filter)) return null;
  for (const key of Object.keys(filter)) {
    if (!EVENT_FILTERS.has(key)) {
      throw new Error(`${workflow.file}: on.${event.name}.${key} is not supported`);
    }
  }
  if (event.name === 'pull_request') {
    const types = Array.isArray(filter['types'])
      ? filter['types'].map(String)
      : DEFAULT_PULL_REQUEST_TYPES;
    const action = String(event.payload['action'] ?? '');
    if (!types.includes(action)) return `${workflow.file} does not run on ${action}`;
    if (Array.isArray(filter['branches'])) {
      const pull = event.payload['pull_request'] as Dict | undefined;
      const base = String((pull?.['base'] as Dict | undefined)?.['ref'] ?? '');
      if (!filter['branches'].some((b) => globToRegExp(String(b)).test(base))) {
        return `${workflow.file} does not run for base ${base}`;
      }
    }
    if (Array.isArray(filter['paths'])) {
      if (event.changedFiles === undefined) {
        throw new Error(`${workflow.file} filters on paths: give the event's changedFiles`);
      }
      const patterns = filter['paths'].map((p) => globToRegExp(String(p)));
      if (!event.changedFiles.some((file) => patterns.some((p) => p.test(file)))) {
        return `${workflow.file}: no changed file matches its paths`;
      }
    }
  } else if (filter['types'] !== undefined || filter['paths'] !== undefined) {
    throw new Error(`${workflow.file}: filters of on.${event.name} are not supported`);
  }
  return null;
}

/** Job ids in an order where every job comes after the jobs it needs. */
function needsOrder(workflow: Workflow): string[] {
  const all = jobs(workflow);
  const needsOf = new Map(all.map(({ id, job }) => [id, needList(job)]));
  const done: string[] = [];
  while (done.length < all.length) {
    const next = all.find(
      ({ id }) => !done.includes(id) && (needsOf.get(id) ?? []).every((n) => done.includes(n)),
    );
    if (next === undefined) throw new Error(`${workflow.file}: the jobs' needs form a cycle`);
    done.push(next.id);
  }
  return done;
}

function needList(job: Dict): string[] {
  const needs = job['needs'];
  if (needs === undefined) return [];
  return typeof needs === 'string' ? [needs] : Array.isArray(needs) ? needs.map(String) : [];
}

const STATUS_CALL = /\b(success|failure|cancelled|always)\s*\(/;

/**
 * A job's `if:`, as GitHub evaluates it: without a status function it is `success() && (...)`.
 * `evaluateIf` (GitHub's engine) answers status functions as if every needed job succeeded, so an
 * expression that calls success() or failure() after a need that did not succeed is refused.
 */
function jobRuns(job: Dict, contexts: Contexts, needs: Record<string, JobResult>, where: string) {
  const condition = job['if'];
  const allSucceeded = Object.values(needs).every((n) => n.result === 'success');
  const text = condition === undefined ? '' : String(condition);
  if (!STATUS_CALL.test(text)) {
    if (!allSucceeded) return false;
  } else if (!allSucceeded && /\b(success|failure)\s*\(/.test(text)) {
    throw new Error(`${where}: \`if: ${text}\` after a job that did not succeed is not supported`);
  }
  return evaluateIf(condition, {
    github: contexts.github ?? {},
    inputs: contexts.inputs ?? {},
    vars: contexts.vars ?? {},
    secrets: contexts.secrets ?? {},
    env: {},
    needs: Object.fromEntries(
      Object.entries(needs).map(([id, n]) => [id, { result: n.result, outputs: n.outputs }]),
    ),
  });
}

/** The file behind a calling job's `uses:`. */
function reusableFile(uses: string, where: string, source: WorkflowSource): string {
  if (uses.startsWith('./')) {
    const local = path.join(source.root, uses.slice(2));
    if (/^\.\/\.github\/workflows\/[\w.-]+\.ya?ml$/.test(uses)) return local;
  }
  const match = /^([^/]+)\/([^/]+)\/(\.github\/workflows\/[^@]+)@(.+)$/.exec(uses);
  if (match !== null && match[4] === source.ref) {
    const local = ownWorkflowResolver(source)(
      match[1] as string,
      match[2] as string,
      match[3] as string,
    );
    if (local !== null) return local;
  }
  throw new Error(`${where}: \`uses: ${uses}\` is not one of our reusable workflows`);
}

/** `<this>/actions/<step>@v1` → `<step>`; `<this>@v1` → `.`; anything else → null. */
function ownAction(uses: string, ref: string): string | null {
  if (uses === `${OWN_REPOSITORY}@${ref}`) return '.';
  const match = /^([^@]+)@(.+)$/.exec(uses);
  if (match === null || match[2] !== ref) return null;
  const prefix = `${OWN_REPOSITORY}/actions/`;
  const rest = match[1] as string;
  return rest.startsWith(prefix) && /^[\w-]+$/.test(rest.slice(prefix.length))
    ? rest.slice(prefix.length)
    : null;
}

interface ActionManifest {
  inputs: Record<string, Dict>;
  outputs: Set<string>;
}

async function actionManifest(file: string): Promise<ActionManifest> {
  const doc = parseYaml(await readFile(file, 'utf8')) as Dict;
  return {
    inputs: isDict(doc['inputs']) ? (doc['inputs'] as Record<string, Dict>) : {},
    outputs: new Set(Object.keys(isDict(doc['outputs']) ? doc['outputs'] : {})),
  };
}

const JOB_KEYS = new Set([
  'name',
  'needs',
  'if',
  'runs-on',
  'environment',
  'timeout-minutes',
  'permissions',
  'concurrency',
  'outputs',
  'steps',
  'strategy',
]);
const CALLER_JOB_KEYS = new Set(['name', 'needs', 'if', 'uses', 'with', 'secrets', 'permissions']);
const STEP_KEYS = new Set(['id', 'name', 'uses', 'with', 'env', 'if', 'run']);
const WORKFLOW_KEYS = new Set(['name', 'on', 'permissions', 'concurrency', 'jobs', 'run-name']);

function onlyKeys(value: Dict, allowed: Set<string>, where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) throw new Error(`${where}: \`${key}:\` is not supported`);
  }
}

// ---------------------------------------------------------------------------------------------

interface RunState {
  env: InterpreterEnvironment;
  event: WorkflowEvent;
  result: WorkflowResult;
  runRecord: WorkflowRunRecord;
  github: Dict;
  /** Artifacts uploaded in this run: name → file → content. */
  artifacts: Map<string, Record<string, Buffer>>;
}

/** Runs the starter `file` (relative to the repository root) for `event`. */
export async function runStarterWorkflow(
  file: string,
  event: WorkflowEvent,
  env: InterpreterEnvironment,
): Promise<WorkflowResult> {
  const source = env.source ?? SOURCES;
  const workflow = await loadFrom(source, path.join(source.root, file));
  await assertParses(workflow, source);
  onlyKeys(workflow.data, WORKFLOW_KEYS, workflow.file);
  const result: WorkflowResult = { file, triggered: false, jobs: new Map(), ownSteps: [], log: [] };
  const reason = triggers(workflow, event);
  if (reason !== null) {
    result.log.push(reason);
    return result;
  }
  result.triggered = true;
  const { emulator } = env;
  const repo = emulator.repo;
  // The user's copy lives in .github/workflows/ under the starter's file name.
  const userPath = `.github/workflows/${path.basename(file)}`;
  const name = typeof workflow.data['name'] === 'string' ? workflow.data['name'] : userPath;
  const record =
    [...repo.workflows.values()].find((w) => w.path === userPath) ??
    repo.addWorkflow(path.basename(file), name);
  const pull = event.payload['pull_request'] as Dict | undefined;
  const headRef = (pull?.['head'] as Dict | undefined)?.['ref'];
  const runRecord = repo.addWorkflowRun(record, {
    event: event.name,
    headSha: event.sha,
    branch: typeof headRef === 'string' ? headRef : repo.defaultBranch,
    status: 'in_progress',
  });
  result.runRecord = runRecord;
  const github: Dict = {
    event_name: event.name,
    event: event.payload,
    repository: repo.fullName,
    repository_owner: repo.owner.login,
    sha: event.sha,
    ref: event.ref,
    run_id: String(runRecord.id),
    run_number: String(runRecord.runNumber),
    run_attempt: '1',
    workflow: name,
    actor: event.actor ?? repo.owner.login,
    server_url: 'https://github.com',
    api_url: emulator.url,
    token: emulator.token,
  };
  const state: RunState = { env, event, result, runRecord, github, artifacts: new Map() };

  const callerSecrets = env.secrets ?? {};
  const callerContexts: Contexts = { github, inputs: {}, vars: {}, secrets: callerSecrets };
  const callerJobs = new Map(jobs(workflow).map((j) => [j.id, j.job]));
  const done = new Map<string, JobResult>();
  for (const id of needsOrder(workflow)) {
    const job = callerJobs.get(id) as Dict;
    const where = `${workflow.file} job ${id}`;
    if (typeof job['uses'] !== 'string') {
      throw new Error(`${where}: only jobs that call a reusable workflow are supported here`);
    }
    onlyKeys(job, CALLER_JOB_KEYS, where);
    const needs = Object.fromEntries(needList(job).map((n) => [n, done.get(n) as JobResult]));
    if (!jobRuns(job, { ...callerContexts, needs }, needs, where)) {
      result.log.push(`${where}: skipped (if: false)`);
      const skipped: JobResult = { result: 'skipped', outputs: {} };
      done.set(id, skipped);
      result.jobs.set(id, skipped);
      continue;
    }
    const called = await loadFrom(source, reusableFile(job['uses'], where, source));
    await runCalledWorkflow(state, id, job, called, callerContexts);
    done.set(id, { result: 'success', outputs: {} });
  }
  runRecord.status = 'completed';
  runRecord.conclusion = 'success';
  return result;
}

async function runCalledWorkflow(
  state: RunState,
  callerId: string,
  callerJob: Dict,
  called: Workflow,
  callerContexts: Contexts,
): Promise<void> {
  const where = `${callerId} → ${called.file}`;
  onlyKeys(called.data, WORKFLOW_KEYS, called.file);
  const call = events(called)['workflow_call'];
  if (!isDict(call)) throw new Error(`${called.file} is not a reusable workflow`);
  const declared = isDict(call['inputs']) ? (call['inputs'] as Record<string, Dict>) : {};
  const declaredSecrets = isDict(call['secrets']) ? Object.keys(call['secrets']) : [];

  // Inputs: the caller's `with:`, typed as the called workflow declares, else the defaults.
  const given = isDict(callerJob['with']) ? callerJob['with'] : {};
  const inputs: Dict = {};
  for (const [name, value] of Object.entries(given)) {
    const spec = declared[name];
    if (spec === undefined) throw new Error(`${where}: \`with: ${name}\` is not an input`);
    const evaluated = evaluateValue(value, callerContexts, {}, `${where} with.${name}`);
    inputs[name] = typed(evaluated, String(spec['type']), `${where} with.${name}`);
  }
  for (const [name, spec] of Object.entries(declared)) {
    if (name in inputs) continue;
    if (spec['required'] === true && spec['default'] === undefined) {
      throw new Error(`${where}: required input ${name} is not given`);
    }
    inputs[name] = spec['default'] ?? (spec['type'] === 'boolean' ? false : '');
  }
  // Secrets: the caller's `secrets:`, evaluated with the repository's secrets.
  const givenSecrets = isDict(callerJob['secrets']) ? callerJob['secrets'] : {};
  if (callerJob['secrets'] === 'inherit') throw new Error(`${where}: secrets: inherit`);
  const secrets: Dict = { GITHUB_TOKEN: state.env.emulator.token };
  for (const [name, value] of Object.entries(givenSecrets)) {
    if (!declaredSecrets.includes(name))
      throw new Error(`${where}: secret ${name} is not declared`);
    secrets[name] = evaluateString(value, callerContexts, {}, `${where} secrets.${name}`);
  }
  for (const name of declaredSecrets) secrets[name] ??= '';

  const rules: ReferenceRules = {
    inputs: new Set(Object.keys(declared)),
    secrets: new Set(declaredSecrets),
  };
  const contexts: Contexts = { github: state.github, inputs, secrets, vars: {} };
  const calledJobs = new Map(jobs(called).map((j) => [j.id, j]));
  const done = new Map<string, JobResult>();
  const declaredJobOutputs = new Map<string, Set<string>>();
  for (const id of needsOrder(called)) {
    const { job, steps } = calledJobs.get(id) as { job: Dict; steps: Dict[] };
    const jobWhere = `${called.file} job ${id}`;
    onlyKeys(job, JOB_KEYS, jobWhere);
    const needs = Object.fromEntries(needList(job).map((n) => [n, done.get(n) as JobResult]));
    const jobContexts: Contexts = { ...contexts, needs, github: { ...state.github, job: id } };
    const jobRules: ReferenceRules = {
      ...rules,
      jobOutputs: new Map(needList(job).map((n) => [n, declaredJobOutputs.get(n) ?? new Set()])),
    };
    declaredJobOutputs.set(id, new Set(Object.keys(isDict(job['outputs']) ? job['outputs'] : {})));
    const key = `${callerId}/${id}`;
    if (!jobRuns(job, jobContexts, needs, jobWhere)) {
      state.result.log.push(`${jobWhere}: skipped (if: false)`);
      const skipped: JobResult = { result: 'skipped', outputs: {} };
      done.set(id, skipped);
      state.result.jobs.set(key, skipped);
      continue;
    }
    const combinations = matrixOf(job, jobContexts, jobRules, jobWhere);
    let outputs: Record<string, string> = {};
    if (combinations === null) {
      outputs = await runSteps(state, called.file, id, steps, jobContexts, jobRules);
    } else {
      // One job per combination, one after another (GitHub runs them side by side, each on a
      // fresh runner: here they share the workspace, so a job must not read another's files).
      for (const matrix of combinations) {
        state.result.log.push(`${jobWhere}: matrix ${JSON.stringify(matrix)}`);
        await runSteps(
          state,
          called.file,
          id,
          steps,
          { ...jobContexts, matrix },
          { ...jobRules, matrix: new Set(Object.keys(matrix)) },
        );
      }
    }
    const jobResult: JobResult = { result: 'success', outputs };
    done.set(id, jobResult);
    state.result.jobs.set(key, jobResult);
  }

  async function runSteps(
    run: RunState,
    file: string,
    jobId: string,
    steps: Dict[],
    jobContexts: Contexts,
    jobRules: ReferenceRules,
  ): Promise<Record<string, string>> {
    const stepsContext: Dict = {};
    const stepOutputs = new Map<string, Set<string>>();
    for (const [index, step] of steps.entries()) {
      const label =
        typeof step['name'] === 'string'
          ? `step "${step['name']}"`
          : `step ${index + 1} (${String(step['uses'] ?? 'run')})`;
      const stepWhere = `${file} job ${jobId}, ${label}`;
      onlyKeys(step, STEP_KEYS, stepWhere);
      const ctx: Contexts = { ...jobContexts, steps: stepsContext };
      const stepRules: ReferenceRules = { ...jobRules, stepOutputs };
      if (
        step['if'] !== undefined &&
        !evaluateIf(step['if'], {
          github: ctx.github ?? {},
          inputs: ctx.inputs ?? {},
          secrets: ctx.secrets ?? {},
          needs: ctx.needs ?? {},
          vars: {},
          env: {},
          steps: stepsContext,
        })
      ) {
        run.result.log.push(`${stepWhere}: skipped (if: false)`);
        if (typeof step['id'] === 'string') {
          // A skipped step's outputs read as empty strings, as on GitHub.
          const uses = String(step['uses'] ?? '');
          const source = run.env.source ?? SOURCES;
          const own = ownAction(uses, source.ref);
          const declared =
            own === null
              ? SKIPPED_STEP_OUTPUTS[uses.replace(/@.*$/, '')]
              : [
                  ...(
                    await actionManifest(
                      path.join(
                        own === '.' ? source.root : path.join(source.root, 'actions', own),
                        'action.yml',
                      ),
                    )
                  ).outputs,
                ];
          stepsContext[step['id']] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
          stepOutputs.set(step['id'], new Set(declared ?? []));
        }
        continue;
      }
      const env = Object.fromEntries(
        Object.entries(isDict(step['env']) ? step['env'] : {}).map(([k, v]) => [
          k,
          evaluateString(v, ctx, stepRules, `${stepWhere} env.${k}`),
        ]),
      );
      const withs = Object.fromEntries(
        Object.entries(isDict(step['with']) ? step['with'] : {}).map(([k, v]) => [
          k,
          evaluateString(v, ctx, stepRules, `${stepWhere} with.${k}`),
        ]),
      );
      if (typeof step['run'] === 'string') {
        if (REAL_RUN_STEPS.has(String(step['name']))) {
          const real = await runBashStep({
            script: step['run'],
            env,
            cwd: run.env.workspace.dir,
            apiUrl: run.env.emulator.url,
          });
          run.result.log.push(
            `${stepWhere}: ran (outputs ${JSON.stringify(real.outputs)})`,
            ...real.commands.map((command) => `${stepWhere}: ${command}`),
          );
          if (typeof step['id'] === 'string') {
            stepsContext[step['id']] = {
              outputs: real.outputs,
              outcome: 'success',
              conclusion: 'success',
            };
            stepOutputs.set(step['id'], new Set(Object.keys(real.outputs)));
          }
          continue;
        }
        await simulateRunStep(run, step, env, stepWhere);
        continue;
      }
      const uses = String(step['uses'] ?? '');
      const source = run.env.source ?? SOURCES;
      const own = ownAction(uses, source.ref);
      if (own === null) {
        await simulateThirdParty(run, uses, withs, stepWhere);
        continue;
      }
      const actionDir = own === '.' ? source.root : path.join(source.root, 'actions', own);
      const actionFile = path.join(actionDir, 'action.yml');
      const manifest = await actionManifest(actionFile).catch((error: unknown) => {
        throw new Error(`${stepWhere}: ${uses} has no action.yml here (${String(error)})`);
      });
      const stepId = typeof step['id'] === 'string' ? step['id'] : `__step_${index + 1}`;
      const action = own === '.' ? (withs['command'] ?? '') : own;
      const actionRun = await runAction({
        action: actionDir,
        cwd: run.env.workspace.dir,
        inputs: withs,
        env,
        event: { name: run.event.name, payload: run.event.payload },
        github: {
          apiUrl: run.env.emulator.url,
          serverUrl: 'https://github.com',
          repository: run.env.emulator.repo.fullName,
          sha: run.event.sha,
          ref: run.event.ref,
          runId: run.runRecord.id,
          runNumber: run.runRecord.runNumber,
          actor: String(run.github['actor']),
          token: run.env.emulator.token,
          workflow: String(run.github['workflow']),
          job: jobId,
          action: stepId,
        },
        timeoutMs: run.env.timeoutMs ?? 120_000,
      });
      run.result.ownSteps.push({
        workflow: file,
        job: jobId,
        stepId,
        action: own === '.' ? `.(${action})` : own,
        actionFile,
        inputs: withs,
        env,
        run: actionRun,
      });
      if (actionRun.conclusion !== 'success') {
        const errors = actionRun.annotations.map((a) => `${a.level}: ${a.message}`).join('\n');
        throw new Error(
          `${stepWhere}: ${uses} failed (exit ${actionRun.exitCode})\n${errors}\n${actionRun.stdout}\n${actionRun.stderr}`,
        );
      }
      if (action === 'train') await uploadTrainArtifact(run, withs, actionRun, stepWhere);
      if (action === 'evaluate') await uploadEvaluationArtifact(run, actionRun, stepWhere);
      stepsContext[stepId] = {
        outputs: actionRun.outputs,
        outcome: 'success',
        conclusion: 'success',
      };
      stepOutputs.set(stepId, manifest.outputs);
    }
    const declaredOutputs = isDict(calledJobs.get(jobId)?.job['outputs'])
      ? (calledJobs.get(jobId)?.job['outputs'] as Dict)
      : {};
    return Object.fromEntries(
      Object.entries(declaredOutputs).map(([name, value]) => [
        name,
        evaluateString(
          value,
          { ...jobContexts, steps: stepsContext },
          { ...jobRules, stepOutputs },
          `${file} job ${jobId} outputs.${name}`,
        ),
      ]),
    );
  }
}

const STRATEGY_KEYS = new Set(['matrix', 'fail-fast', 'max-parallel']);

/**
 * A job's `strategy.matrix`: each key a list of values (literal, or an expression such as
 * `${{ fromJSON(needs.plan.outputs.indexes) }}`), combined as GitHub does (every combination,
 * the first key varying slowest); null without a strategy. `include`, `exclude` and a matrix
 * given whole by one expression are not supported.
 */
function matrixOf(
  job: Dict,
  contexts: Contexts,
  rules: ReferenceRules,
  where: string,
): Dict[] | null {
  const strategy = job['strategy'];
  if (strategy === undefined) return null;
  if (!isDict(strategy)) throw new Error(`${where}: \`strategy:\` must be a mapping here`);
  onlyKeys(strategy, STRATEGY_KEYS, `${where} strategy`);
  const matrix = strategy['matrix'];
  if (!isDict(matrix)) throw new Error(`${where}: \`strategy.matrix\` must be a mapping here`);
  let combinations: Dict[] = [{}];
  for (const [key, spec] of Object.entries(matrix)) {
    if (key === 'include' || key === 'exclude') {
      throw new Error(`${where}: \`strategy.matrix.${key}\` is not supported`);
    }
    const values = Array.isArray(spec)
      ? spec
      : evaluateValue(spec, contexts, rules, `${where} strategy.matrix.${key}`);
    if (!Array.isArray(values) || values.length === 0) {
      throw new Error(
        `${where}: strategy.matrix.${key} is ${JSON.stringify(values)}, not a non-empty list`,
      );
    }
    for (const value of values) {
      if (typeof value === 'object' && value !== null) {
        throw new Error(`${where}: strategy.matrix.${key} holds an object (not supported)`);
      }
    }
    combinations = combinations.flatMap((combination) =>
      values.map((value: unknown) => ({ ...combination, [key]: value })),
    );
  }
  if (combinations.length > 256) {
    throw new Error(`${where}: ${combinations.length} matrix jobs; GitHub allows 256`);
  }
  if (isDict(job['outputs'])) {
    throw new Error(
      `${where}: outputs of a matrix job (the last one to finish wins) are not supported`,
    );
  }
  return combinations;
}

function typed(value: unknown, type: string, where: string): unknown {
  if (type === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
  } else if (type === 'number') {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
      return Number(value);
    }
  } else if (type === 'string') {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  }
  throw new Error(`${where}: ${JSON.stringify(value)} is not a ${type}`);
}

const sha256 = (data: Uint8Array) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/**
 * Train's `upload-artifact: true`: the artifact service only exists on a runner (train logs that
 * it skips the upload), so the files train wrote become this run's artifact in the emulator.
 */
async function uploadTrainArtifact(
  run: RunState,
  inputs: Record<string, string>,
  trainRun: ActionRun,
  where: string,
): Promise<void> {
  if ((inputs['upload-artifact'] ?? 'true') !== 'true') return;
  const resolve = (p: string) => path.resolve(run.env.workspace.dir, p);
  const model = trainRun.outputs['model'];
  const manifest = trainRun.outputs['manifest'];
  if (model === undefined || manifest === undefined) {
    throw new Error(`${where}: train set no model or manifest output to upload`);
  }
  const files: Record<string, Buffer> = {
    'model.onnx': await readFile(resolve(model)),
    'manifest.json': await readFile(resolve(manifest)),
    'metrics.json': await readFile(path.join(path.dirname(resolve(manifest)), 'metrics.json')),
  };
  const config = parseYaml(await readFile(resolve(inputs['config'] || 'mlops.yml'), 'utf8')) as {
    model: { name: string };
  };
  const name = inputs['artifact-name'] || `model-${config.model.name}`;
  run.env.emulator.repo.addArtifact(run.runRecord, name, files);
  run.artifacts.set(name, files);
  run.result.log.push(`${where}: uploaded artifact ${name} (${Object.keys(files).join(', ')})`);
}

/**
 * Evaluate's upload of its report as `evaluation-<model>` (before it writes the check run that
 * records the report's sha256); skipped off a runner like train's, so made here from the file.
 */
async function uploadEvaluationArtifact(
  run: RunState,
  evaluateRun: ActionRun,
  where: string,
): Promise<void> {
  const report = evaluateRun.outputs['report'];
  if (report === undefined || report === '') return;
  const bytes = await readFile(path.resolve(run.env.workspace.dir, report));
  const model = (JSON.parse(bytes.toString('utf8')) as { model: string }).model;
  const name = `evaluation-${model}`;
  const files = { [path.basename(report)]: bytes };
  run.env.emulator.repo.addArtifact(run.runRecord, name, files);
  run.artifacts.set(name, files);
  run.result.log.push(`${where}: uploaded artifact ${name} (${path.basename(report)})`);
}

const CHECKOUT_INPUTS = new Set(['persist-credentials', 'lfs', 'ref']);

/** `run:` steps executed for real (bash-step.ts), by name: their logic is what is tested. */
const REAL_RUN_STEPS = new Set([
  'Check that there is something to compare',
  'List the shards',
  'Fetch the shard',
  "Check that every shard's profile is here",
]);

/** Outputs of third-party actions that are only ever skipped here, for `steps.<id>.outputs`. */
const SKIPPED_STEP_OUTPUTS: Record<string, readonly string[]> = {
  'actions/create-github-app-token': ['token', 'installation-id', 'app-slug'],
};
const DOWNLOAD_INPUTS = new Set(['name', 'pattern', 'merge-multiple', 'path']);
const UPLOAD_INPUTS = new Set([
  'name',
  'path',
  'if-no-files-found',
  'retention-days',
  'include-hidden-files',
]);

/** The files under `dir`, by their path relative to it. */
async function filesUnder(dir: string, prefix = ''): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      Object.assign(files, await filesUnder(path.join(dir, entry.name), relative));
    } else if (entry.isFile()) {
      files[relative] = await readFile(path.join(dir, entry.name));
    }
  }
  return files;
}

/**
 * `actions/upload-artifact` (v4 and later): the files at `path` (a file, kept by its name, or a
 * folder, kept by the paths under it; no globs here) become artifact `name` of this run. A name
 * already uploaded in this run fails, as on GitHub (artifacts are immutable since v4). Since v4.4
 * hidden files, and every file inside a hidden folder (`.mlops/x.json`), are left out unless
 * `include-hidden-files: true` (actions/upload-artifact#602): so here too.
 */
async function simulateUpload(
  run: RunState,
  withs: Record<string, string>,
  where: string,
): Promise<void> {
  const name = withs['name'] || 'artifact';
  if (run.artifacts.has(name)) {
    throw new Error(`${where}: an artifact named ${name} was already uploaded in this run`);
  }
  const files: Record<string, Buffer> = {};
  const withHidden = withs['include-hidden-files'] === 'true';
  const hidden = (absolute: string) =>
    path
      .relative(run.env.workspace.dir, absolute)
      .split(path.sep)
      .some((segment) => segment.startsWith('.') && segment !== '..');
  for (const entry of (withs['path'] ?? '').split('\n').map((p) => p.trim())) {
    if (entry === '') continue;
    if (/[*?[]/.test(entry) || entry.startsWith('!')) {
      throw new Error(`${where}: upload-artifact path ${entry}: patterns are not simulated`);
    }
    const absolute = path.resolve(run.env.workspace.dir, entry);
    const info = await stat(absolute).catch(() => null);
    if (info?.isFile()) {
      if (withHidden || !hidden(absolute))
        files[path.basename(absolute)] = await readFile(absolute);
    } else if (info?.isDirectory()) {
      for (const [relative, content] of Object.entries(await filesUnder(absolute))) {
        if (withHidden || !hidden(path.join(absolute, relative))) files[relative] = content;
      }
    }
  }
  if (Object.keys(files).length === 0) {
    const mode = withs['if-no-files-found'] || 'warn';
    if (mode === 'error') throw new Error(`${where}: no files found at ${withs['path'] ?? ''}`);
    run.result.log.push(`${where}: no files to upload as ${name} (${mode})`);
    return;
  }
  run.env.emulator.repo.addArtifact(run.runRecord, name, files);
  run.artifacts.set(name, files);
  run.result.log.push(`${where}: uploaded artifact ${name} (${Object.keys(files).join(', ')})`);
}

async function simulateThirdParty(
  run: RunState,
  uses: string,
  withs: Record<string, string>,
  where: string,
): Promise<void> {
  const name = uses.replace(/@.*$/, '');
  const unsupported = (allowed: Set<string>) => {
    for (const key of Object.keys(withs)) {
      if (!allowed.has(key)) throw new Error(`${where}: ${name} with ${key} is not simulated`);
    }
  };
  if (name === 'actions/checkout') {
    unsupported(CHECKOUT_INPUTS);
    if (withs['lfs'] === 'true') throw new Error(`${where}: an LFS checkout is not simulated`);
    run.result.log.push(
      `${where}: checkout${withs['ref'] ? ` of ${withs['ref']}` : ''} (the workspace holds it)`,
    );
  } else if (name === 'actions/upload-artifact') {
    unsupported(UPLOAD_INPUTS);
    await simulateUpload(run, withs, where);
  } else if (name === 'actions/setup-node') {
    run.result.log.push(`${where}: setup-node (nothing to do)`);
  } else if (name === 'actions/download-artifact') {
    unsupported(DOWNLOAD_INPUTS);
    const pattern = withs['name']
      ? new RegExp(`^${withs['name'].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
      : globToRegExp(withs['pattern'] || '*');
    const merge = Boolean(withs['name']) || withs['merge-multiple'] === 'true';
    const dest = withs['path'] || '.';
    const matched = [...run.artifacts.entries()].filter(([artifact]) => pattern.test(artifact));
    if (matched.length === 0) throw new Error(`${where}: no artifact of this run matches`);
    for (const [artifact, files] of matched) {
      for (const [file, content] of Object.entries(files)) {
        const target = run.env.workspace.path(path.join(dest, merge ? '' : artifact, file));
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, content);
      }
    }
    run.result.log.push(`${where}: downloaded ${matched.map(([a]) => a).join(', ')} into ${dest}`);
  } else {
    throw new Error(`${where}: \`uses: ${uses}\` is not simulated`);
  }
}

/** `run:` steps are not executed; the few the journey depends on are reproduced here. */
async function simulateRunStep(
  run: RunState,
  step: Dict,
  env: Record<string, string>,
  where: string,
): Promise<void> {
  if (step['name'] === "Verify the model's digest") {
    const actual = sha256(await readFile(run.env.workspace.path('.mlops/candidate/model.onnx')));
    if (actual !== env['EXPECTED_DIGEST']) {
      throw new Error(
        `${where}: the downloaded model is ${actual}; training wrote ${env['EXPECTED_DIGEST']}`,
      );
    }
    run.result.log.push(`${where}: simulated (model.onnx is ${actual})`);
    return;
  }
  throw new Error(`${where}: this run: step would run, and it is not simulated`);
}
