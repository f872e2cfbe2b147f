/**
 * The security and hygiene rules every workflow we ship must follow (docs/workflows.md), each a
 * function from a workflow to the violations it finds, worded so that a failing test says what to
 * fix and where. The names follow zizmor's audits where one exists (excessive-permissions,
 * dangerous-triggers, template-injection, unpinned-uses, artipacked, self-hosted-runner,
 * secrets-inherit, cache-poisoning).
 *
 * The rules read the YAML (with the `yaml` package, comments included); GitHub's parser checks
 * that the same file is a valid workflow (see `parsesRule`).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';
import { isMap, isScalar, parseDocument, type Document, type Pair, type YAMLMap } from 'yaml';
import { parseWorkflowFile, type WorkflowResolver } from './workflow-parser.js';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Our own actions and reusable workflows, as users reference them: `<this>/actions/<step>@v1`. */
export const OWN_REPOSITORY = 'mlops-actions/mlops-actions';
export const OWN_REF = 'v1';

export interface Workflow {
  /** Path relative to the repository root, as messages show it. */
  file: string;
  text: string;
  doc: Document;
  /** The plain data (`doc.toJS()`). */
  data: Record<string, unknown>;
}

type Dict = Record<string, unknown>;

const isDict = (value: unknown): value is Dict =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export async function loadWorkflow(absolute: string): Promise<Workflow> {
  const text = await readFile(absolute, 'utf8');
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new Error(`${absolute}: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  const value: unknown = doc.toJS();
  return {
    file: path.relative(repoRoot, absolute).split(path.sep).join('/'),
    text,
    doc,
    data: isDict(value) ? value : {},
  };
}

/** Every workflow we ship: ours in .github/workflows and the starters in workflows/. */
export async function shippedWorkflowFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of ['.github/workflows', 'workflows']) {
    for (const name of (await readdir(path.join(repoRoot, dir))).sort()) {
      if (/\.ya?ml$/.test(name)) files.push(path.join(repoRoot, dir, name));
    }
  }
  return files;
}

/** `uses: mlops-actions/mlops-actions/.github/workflows/<file>@v1` → this repository's file. */
export const resolveOwnWorkflow: WorkflowResolver = (owner, repository, file) =>
  `${owner}/${repository}` === OWN_REPOSITORY && /^\.github\/workflows\/[\w.-]+\.ya?ml$/.test(file)
    ? path.join(repoRoot, file)
    : null;

// ---------------------------------------------------------------------------------------------
// Reading workflows
// ---------------------------------------------------------------------------------------------

export interface JobView {
  id: string;
  job: Dict;
  steps: Dict[];
}

export function jobs(workflow: Workflow): JobView[] {
  const all = workflow.data['jobs'];
  if (!isDict(all)) return [];
  return Object.entries(all).map(([id, job]) => {
    const j = isDict(job) ? job : {};
    const steps = Array.isArray(j['steps']) ? j['steps'].filter(isDict) : [];
    return { id, job: j, steps };
  });
}

/** The events a workflow runs on, with their filters (`on: push` → {push: null}). */
export function events(workflow: Workflow): Dict {
  const on = workflow.data['on'];
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((event) => [String(event), null]));
  return isDict(on) ? on : {};
}

const stepName = (step: Dict, index: number): string =>
  typeof step['name'] === 'string'
    ? `step "${step['name']}"`
    : typeof step['uses'] === 'string'
      ? `step ${index + 1} (${step['uses']})`
      : `step ${index + 1}`;

/** The YAML map node at `path`, for reading comments. */
function mapNode(workflow: Workflow, keys: string[]): YAMLMap | undefined {
  const node = workflow.doc.getIn(keys, true);
  return isMap(node) ? node : undefined;
}

/** A pair is justified by a comment on its line, or on the lines just above it. */
function hasComment(map: YAMLMap, pair: Pair, index: number): boolean {
  const texts = [
    isScalar(pair.value) ? pair.value.comment : undefined,
    isScalar(pair.key) ? pair.key.commentBefore : undefined,
    index === 0 ? map.commentBefore : undefined,
  ];
  return texts.some((text) => typeof text === 'string' && text.trim() !== '');
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

export interface RuleContext {
  /** Loads a reusable workflow a job calls (`uses: owner/repo/.github/workflows/x.yml@ref`). */
  resolve: WorkflowResolver;
}

export interface Rule {
  id: string;
  /** What the rule asks, as the test name shows it. */
  title: string;
  appliesTo(workflow: Workflow): boolean;
  check(workflow: Workflow, context: RuleContext): string[] | Promise<string[]>;
}

const always = () => true;

export const parsesRule: Rule = {
  id: 'parses',
  title: "GitHub's workflow parser reports no error (reusable workflows it calls resolved)",
  appliesTo: always,
  async check(workflow, context) {
    const parsed = await parseWorkflowFile(workflow.file, workflow.text, context.resolve);
    return parsed.errors;
  },
};

const READ_ONLY = new Set(['read', 'none']);
const LEVELS = new Set(['read', 'write', 'none']);

export const workflowPermissionsRule: Rule = {
  id: 'workflow-permissions',
  title: 'top-level permissions are {} or read-only',
  appliesTo: always,
  check(workflow) {
    const permissions = workflow.data['permissions'];
    if (permissions === undefined) {
      return ['no top-level `permissions:`: the token gets the repository default (often write)'];
    }
    if (!isDict(permissions)) {
      return [`top-level \`permissions: ${String(permissions)}\`: use {} or read scopes`];
    }
    return Object.entries(permissions)
      .filter(([, level]) => !READ_ONLY.has(String(level)))
      .map(([scope, level]) => `top-level \`${scope}: ${String(level)}\`: grant writes per job`);
  },
};

export const jobPermissionsRule: Rule = {
  id: 'job-permissions',
  title: 'every job lists its permissions, each scope justified by a comment',
  appliesTo: always,
  check(workflow) {
    const problems: string[] = [];
    for (const { id, job } of jobs(workflow)) {
      const permissions = job['permissions'];
      if (permissions === undefined) {
        problems.push(`job ${id}: no \`permissions:\` (list what the job needs, or {})`);
        continue;
      }
      if (!isDict(permissions)) {
        problems.push(`job ${id}: \`permissions: ${String(permissions)}\`: list the scopes`);
        continue;
      }
      const map = mapNode(workflow, ['jobs', id, 'permissions']);
      map?.items.forEach((pair, index) => {
        const scope = isScalar(pair.key) ? String(pair.key.value) : '?';
        const level = isScalar(pair.value) ? String(pair.value.value) : '?';
        if (!LEVELS.has(level)) {
          problems.push(`job ${id}: \`${scope}: ${level}\` is not read, write or none`);
        }
        if (!hasComment(map, pair, index)) {
          problems.push(`job ${id}: \`${scope}: ${level}\` has no comment saying why`);
        }
      });
    }
    return problems;
  },
};

const DANGEROUS_TRIGGERS = ['pull_request_target', 'workflow_run'];

export const dangerousTriggersRule: Rule = {
  id: 'dangerous-triggers',
  title: 'no pull_request_target or workflow_run trigger',
  appliesTo: always,
  check(workflow) {
    return Object.keys(events(workflow))
      .filter((event) => DANGEROUS_TRIGGERS.includes(event))
      .map(
        (event) =>
          `on: ${event} runs with the base repository's token and secrets for fork code: use pull_request`,
      );
  },
};

export const templateInjectionRule: Rule = {
  id: 'template-injection',
  title: 'no ${{ }} expression inside run: scripts (values pass through env:)',
  appliesTo: always,
  check(workflow) {
    const problems: string[] = [];
    for (const { id, steps } of jobs(workflow)) {
      steps.forEach((step, index) => {
        const run = step['run'];
        if (typeof run !== 'string') return;
        for (const match of run.matchAll(/\$\{\{(.*?)\}\}/gs)) {
          problems.push(
            `job ${id}, ${stepName(step, index)}: \`\${{${match[1]}}}\` in run:; pass it through env:`,
          );
        }
      });
    }
    return problems;
  },
};

const OWN_USES = new RegExp(
  `^${OWN_REPOSITORY.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}(/[\\w./-]+)?@${OWN_REF}$`,
);

function checkUses(uses: string, comment: string | undefined, where: string): string[] {
  if (uses.startsWith('./')) return [];
  if (uses.startsWith(`${OWN_REPOSITORY}/`) || uses.startsWith(`${OWN_REPOSITORY}@`)) {
    return OWN_USES.test(uses)
      ? []
      : [`${where}: \`${uses}\`: our own actions are used at @${OWN_REF}`];
  }
  if (uses.startsWith('docker://')) {
    return /@sha256:[0-9a-f]{64}$/.test(uses)
      ? []
      : [`${where}: \`${uses}\`: pin the image by digest (@sha256:...)`];
  }
  const ref = uses.includes('@') ? uses.slice(uses.lastIndexOf('@') + 1) : '';
  if (!/^[0-9a-f]{40}$/.test(ref)) {
    return [`${where}: \`${uses}\` is not pinned to a full commit SHA`];
  }
  if (!comment || !/\bv\d+(\.\d+)*\b/.test(comment)) {
    return [`${where}: \`${uses}\`: add the version the SHA is (# v1.2.3)`];
  }
  return [];
}

export const unpinnedUsesRule: Rule = {
  id: 'unpinned-uses',
  title:
    'third-party actions and workflows pinned by full commit SHA, with the version in a comment',
  appliesTo: always,
  check(workflow) {
    const problems: string[] = [];
    for (const { id, job, steps } of jobs(workflow)) {
      if (typeof job['uses'] === 'string') {
        const node = workflow.doc.getIn(['jobs', id, 'uses'], true);
        const comment = isScalar(node) ? (node.comment ?? undefined) : undefined;
        problems.push(...checkUses(job['uses'], comment, `job ${id}`));
      }
      steps.forEach((step, index) => {
        if (typeof step['uses'] !== 'string') return;
        const node = workflow.doc.getIn(['jobs', id, 'steps', index, 'uses'], true);
        const comment = isScalar(node) ? (node.comment ?? undefined) : undefined;
        problems.push(...checkUses(step['uses'], comment, `job ${id}, ${stepName(step, index)}`));
      });
    }
    return problems;
  },
};

/** publish, promote or drift, from the file name; null for other workflows. */
export function registryKind(workflow: Workflow): 'publish' | 'promote' | 'drift' | null {
  const match = /(publish|promote|drift)/.exec(path.basename(workflow.file));
  return match ? (match[1] as 'publish' | 'promote' | 'drift') : null;
}

export const concurrencyRule: Rule = {
  id: 'concurrency',
  title: 'runs are serialized by a concurrency group (publish and promote never cancelled)',
  appliesTo: (workflow) => registryKind(workflow) !== null,
  check(workflow) {
    const kind = registryKind(workflow);
    const problems: string[] = [];
    const inspect = (value: unknown, where: string): boolean => {
      if (value === undefined) return false;
      const group = isDict(value) ? value['group'] : value;
      if (typeof group !== 'string' || group.trim() === '') {
        problems.push(`${where}: concurrency without a group`);
      }
      const cancel = isDict(value) ? value['cancel-in-progress'] : undefined;
      if ((kind === 'publish' || kind === 'promote') && cancel !== false) {
        problems.push(
          `${where}: a ${kind} workflow must say \`cancel-in-progress: false\` (a cancelled run leaves the registry half-written)`,
        );
      }
      return true;
    };
    const workflowLevel = inspect(workflow.data['concurrency'], 'workflow');
    for (const { id, job } of jobs(workflow)) {
      const jobLevel = inspect(job['concurrency'], `job ${id}`);
      if (!workflowLevel && !jobLevel) {
        problems.push(`job ${id}: no concurrency group (workflow or job level)`);
      }
    }
    return problems;
  },
};

// --- Self-hosted runners: the fork policy ------------------------------------------------------

const HOSTED = /^(ubuntu|windows|macos)-[\w.-]+$/;

/** Whether a job may run on a self-hosted runner: anything but a literal GitHub-hosted label. */
export function maySelfHost(job: Dict): boolean {
  const runsOn = job['runs-on'];
  if (runsOn === undefined) return false; // a calling job: its workflow is checked on its own
  return !(typeof runsOn === 'string' && HOSTED.test(runsOn));
}

/** A situation a job's `if:` is judged in: the `github` context, and whether it may run. */
export interface Scenario {
  name: string;
  github: Dict;
}

const REPOSITORY = 'octo/models';

function pullRequestEvent(options: {
  eventName?: string;
  action: string;
  fork: boolean;
  labels?: string[];
  label?: string;
  /** The pull request's author (default a person, octocat). */
  author?: { login: string; type: 'User' | 'Bot' };
  /** Who caused the event (default the author). */
  actor?: string;
}): Dict {
  const labels = (options.labels ?? []).map((name) => ({ name }));
  const author = options.author ?? { login: 'octocat', type: 'User' };
  return {
    event_name: options.eventName ?? 'pull_request',
    repository: REPOSITORY,
    actor: options.actor ?? author.login,
    event: {
      action: options.action,
      ...(options.label === undefined ? {} : { label: { name: options.label } }),
      pull_request: {
        number: 7,
        user: author,
        labels,
        head: {
          ref: 'feature',
          repo: { full_name: options.fork ? 'mallory/models' : REPOSITORY },
        },
        base: { ref: 'main', repo: { full_name: REPOSITORY } },
      },
      repository: { full_name: REPOSITORY, default_branch: 'main' },
    },
  };
}

/** A fork's code in each of these must not reach a self-hosted runner. */
export const unapprovedForkScenarios: Scenario[] = [
  {
    name: 'a fork opens a pull request',
    github: pullRequestEvent({ action: 'opened', fork: true }),
  },
  {
    name: 'a fork pushes after a maintainer labelled an earlier commit safe-to-train',
    github: pullRequestEvent({ action: 'synchronize', fork: true, labels: ['safe-to-train'] }),
  },
  {
    name: 'someone adds another label to a fork pull request labelled safe-to-train',
    github: pullRequestEvent({
      action: 'labeled',
      fork: true,
      labels: ['safe-to-train', 'bug'],
      label: 'bug',
    }),
  },
  {
    name: 'a fork pull request under pull_request_target',
    github: pullRequestEvent({ eventName: 'pull_request_target', action: 'opened', fork: true }),
  },
];

/** ... and in these, training must run. */
export const approvedScenarios: Scenario[] = [
  {
    name: 'a pull request from a branch of this repository',
    github: pullRequestEvent({ action: 'synchronize', fork: false }),
  },
  {
    name: "a maintainer labels a fork's pull request safe-to-train",
    github: pullRequestEvent({
      action: 'labeled',
      fork: true,
      labels: ['safe-to-train'],
      label: 'safe-to-train',
    }),
  },
];

function toData(value: unknown): data.ExpressionData {
  if (value === null || value === undefined) return new data.Null();
  if (typeof value === 'string') return new data.StringData(value);
  if (typeof value === 'number') return new data.NumberData(value);
  if (typeof value === 'boolean') return new data.BooleanData(value);
  if (Array.isArray(value)) return new data.Array(...value.map(toData));
  const dict = new data.Dictionary();
  for (const [key, item] of Object.entries(value as Dict)) dict.add(key, toData(item));
  return dict;
}

const STATUS_FUNCTIONS = new Map(
  (
    [
      ['success', true],
      ['always', true],
      ['failure', false],
      ['cancelled', false],
    ] as const
  ).map(([name, result]) => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(result) },
  ]),
);

/**
 * Evaluates a job's `if:` as GitHub does (an absent `if:` is `success()`; `${{ }}` optional) with
 * GitHub's own expression engine, the named contexts given, the job's needs succeeded.
 */
export function evaluateIf(condition: unknown, contexts: Record<string, Dict>): boolean {
  if (condition === undefined) return true;
  if (typeof condition === 'boolean') return condition;
  const text = String(condition)
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const lexed = new Lexer(text).lex();
  const names = ['github', 'inputs', 'vars', 'needs', 'env', 'secrets', 'steps'];
  const tree = new Parser(lexed.tokens, names, [...STATUS_FUNCTIONS.values()]).parse();
  const context = new data.Dictionary();
  for (const name of names) context.add(name, toData(contexts[name] ?? {}));
  return truthy(new Evaluator(tree, context, STATUS_FUNCTIONS).evaluate());
}

/** Whether pull requests can reach the workflow: directly, or through a caller. */
function reachableFromPullRequests(workflow: Workflow): boolean {
  const on = Object.keys(events(workflow));
  return on.some((event) =>
    ['pull_request', 'pull_request_target', 'workflow_call', 'issue_comment'].includes(event),
  );
}

export const selfHostedRunnerRule: Rule = {
  id: 'self-hosted-runner',
  title:
    "a fork's code reaches a self-hosted runner only with a maintainer's approval (safe-to-train label or environment reviewers)",
  appliesTo: always,
  check(workflow) {
    const problems: string[] = [];
    for (const { id, job } of jobs(workflow)) {
      if (!maySelfHost(job)) continue;
      if (job['environment'] === undefined) {
        problems.push(
          `job ${id} may run on a self-hosted runner: give it an \`environment:\` that can have required reviewers`,
        );
      }
      if (!reachableFromPullRequests(workflow)) continue;
      const inputs = workflowCallInputDefaults(workflow);
      // The jobs it needs succeeded: the gate is what decides.
      const needs = needsSucceeded(job);
      for (const scenario of unapprovedForkScenarios) {
        if (evaluateIf(job['if'], { github: scenario.github, inputs, needs })) {
          problems.push(`job ${id} may run on a self-hosted runner when ${scenario.name}`);
        }
      }
      for (const scenario of approvedScenarios) {
        if (!evaluateIf(job['if'], { github: scenario.github, inputs, needs })) {
          problems.push(`job ${id} does not run when ${scenario.name}`);
        }
      }
    }
    return problems;
  },
};

/** The `needs` context of a job whose needed jobs all succeeded. */
export function needsSucceeded(job: Dict): Dict {
  const needs = job['needs'];
  const ids = typeof needs === 'string' ? [needs] : Array.isArray(needs) ? needs.map(String) : [];
  return Object.fromEntries(ids.map((id) => [id, { result: 'success', outputs: {} }]));
}

function workflowCallInputDefaults(workflow: Workflow): Dict {
  const call = events(workflow)['workflow_call'];
  const inputs = isDict(call) && isDict(call['inputs']) ? call['inputs'] : {};
  return Object.fromEntries(
    Object.entries(inputs).map(([name, spec]) => [name, isDict(spec) ? spec['default'] : null]),
  );
}

// --- Bot pull requests (finding 11) and the labelled commit (finding 8) -------------------------

const DEPENDABOT = { login: 'dependabot[bot]', type: 'Bot' } as const;
const RENOVATE = { login: 'renovate[bot]', type: 'Bot' } as const;

/** Pull requests from this repository's own branches, written by bots: treated like forks. */
export const unapprovedBotScenarios: Scenario[] = [
  {
    name: 'Dependabot opens a pull request from a branch of this repository',
    github: pullRequestEvent({ action: 'opened', fork: false, author: DEPENDABOT }),
  },
  {
    name: 'Renovate pushes to its pull request',
    github: pullRequestEvent({ action: 'synchronize', fork: false, author: RENOVATE }),
  },
  {
    name: "a bot pushes to a person's pull request",
    github: pullRequestEvent({ action: 'synchronize', fork: false, actor: 'renovate[bot]' }),
  },
  {
    name: "someone pushes to Dependabot's pull request labelled safe-to-train earlier",
    github: pullRequestEvent({
      action: 'synchronize',
      fork: false,
      author: DEPENDABOT,
      actor: 'octocat',
      labels: ['safe-to-train'],
    }),
  },
];

export const approvedBotScenarios: Scenario[] = [
  {
    name: "a maintainer labels Dependabot's pull request safe-to-train",
    github: pullRequestEvent({
      action: 'labeled',
      fork: false,
      author: DEPENDABOT,
      actor: 'maintainer',
      labels: ['safe-to-train'],
      label: 'safe-to-train',
    }),
  },
];

/** The jobs `job` needs whose own `if:` is false in `github`: they would skip it. */
function blockingNeeds(workflow: Workflow, job: Dict, github: Dict, inputs: Dict): string[] {
  const byId = new Map(jobs(workflow).map((view) => [view.id, view.job]));
  return Object.keys(needsSucceeded(job)).filter((id) => {
    const needed = byId.get(id);
    return (
      needed !== undefined &&
      !evaluateIf(needed['if'], { github, inputs, needs: needsSucceeded(needed) })
    );
  });
}

export const botPullRequestsRule: Rule = {
  id: 'bot-pull-requests',
  title:
    "a bot's pull request (Dependabot, Renovate) reaches a self-hosted runner only with a maintainer's label, as a fork's does",
  appliesTo: reachableFromPullRequests,
  check(workflow) {
    const problems: string[] = [];
    const inputs = workflowCallInputDefaults(workflow);
    for (const { id, job } of jobs(workflow)) {
      if (!maySelfHost(job)) continue;
      const needs = needsSucceeded(job);
      for (const scenario of unapprovedBotScenarios) {
        if (evaluateIf(job['if'], { github: scenario.github, inputs, needs })) {
          problems.push(`job ${id} may run on a self-hosted runner when ${scenario.name}`);
        }
      }
      for (const scenario of approvedBotScenarios) {
        const blocked = blockingNeeds(workflow, job, scenario.github, inputs);
        if (!evaluateIf(job['if'], { github: scenario.github, inputs, needs })) {
          problems.push(`job ${id} does not run when ${scenario.name}`);
        } else if (blocked.length > 0) {
          problems.push(
            `job ${id} does not run when ${scenario.name}: job ${blocked.join(', ')} it needs is skipped`,
          );
        }
      }
    }
    return problems;
  },
};

const LABELLED_HEAD = 'github.event.pull_request.head.sha';

/** The checkout step of a job, if any. */
function checkoutStep(steps: Dict[]): Dict | undefined {
  return steps.find(
    (step) => typeof step['uses'] === 'string' && step['uses'].startsWith('actions/checkout@'),
  );
}

export const labelledCommitRule: Rule = {
  id: 'labelled-commit',
  title:
    'on the safe-to-train path a self-hosted job trains the commit the label was added on, and refuses once the pull request moved',
  appliesTo: reachableFromPullRequests,
  check(workflow) {
    const problems: string[] = [];
    const inputs = workflowCallInputDefaults(workflow);
    const byId = new Map(jobs(workflow).map((view) => [view.id, view]));
    const labelled = approvedScenarios.find(
      (s) => s.github['event'] !== undefined && (s.github['event'] as Dict)['action'] === 'labeled',
    );
    if (labelled === undefined) return problems;
    for (const { id, job, steps } of jobs(workflow)) {
      if (!maySelfHost(job)) continue;
      if (!evaluateIf(job['if'], { github: labelled.github, inputs, needs: needsSucceeded(job) }))
        continue;
      const checkout = checkoutStep(steps);
      const ref = isDict(checkout?.['with']) ? String(checkout['with']['ref'] ?? '') : '';
      if (checkout === undefined) continue;
      if (ref.includes(LABELLED_HEAD)) continue;
      const output = /needs\.([\w-]+)\.outputs\.([\w-]+)/.exec(ref);
      if (output === null) {
        problems.push(
          `job ${id}, checkout: on the safe-to-train path it checks out whatever the event's ref is; check out the labelled head (${LABELLED_HEAD}, or an authorizing job's output)`,
        );
        continue;
      }
      const [, authorizeId = '', name = ''] = output;
      const authorize = byId.get(authorizeId);
      const declared = isDict(authorize?.job['outputs'])
        ? authorize.job['outputs'][name]
        : undefined;
      const verifier = authorize?.steps.find((step) => {
        const env = isDict(step['env']) ? Object.values(step['env']).map(String) : [];
        const run = typeof step['run'] === 'string' ? step['run'] : '';
        const id = typeof step['id'] === 'string' ? step['id'] : undefined;
        return (
          env.some((value) => value.includes(LABELLED_HEAD)) &&
          /\/pulls\//.test(run) &&
          /\bexit 1\b/.test(run) &&
          id !== undefined &&
          typeof declared === 'string' &&
          declared.includes(`steps.${id}.outputs.`)
        );
      });
      if (verifier === undefined) {
        problems.push(
          `job ${id}, checkout: ref ${ref} comes from job ${authorizeId}, which does not compare the pull request's current head with the labelled one (${LABELLED_HEAD}) and output it`,
        );
      }
    }
    return problems;
  },
};

// --- Credentials, secrets, callers, releases ---------------------------------------------------

const pushes = (steps: Dict[]): boolean =>
  steps.some((step) => typeof step['run'] === 'string' && /\bgit\s+push\b/.test(step['run']));

export const artipackedRule: Rule = {
  id: 'artipacked',
  title: 'actions/checkout keeps no credentials (persist-credentials: false) unless the job pushes',
  appliesTo: always,
  check(workflow) {
    const problems: string[] = [];
    for (const { id, steps } of jobs(workflow)) {
      if (pushes(steps)) continue;
      steps.forEach((step, index) => {
        const uses = step['uses'];
        if (typeof uses !== 'string' || !uses.startsWith('actions/checkout@')) return;
        const withs = isDict(step['with']) ? step['with'] : {};
        const persist = withs['persist-credentials'];
        if (persist !== false && persist !== 'false') {
          problems.push(
            `job ${id}, ${stepName(step, index)}: set \`persist-credentials: false\` (the job does not push)`,
          );
        }
      });
    }
    return problems;
  },
};

export const secretsInheritRule: Rule = {
  id: 'secrets-inherit',
  title: 'no `secrets: inherit`; secrets are passed one by one',
  appliesTo: always,
  check(workflow) {
    return jobs(workflow)
      .filter(({ job }) => job['secrets'] === 'inherit')
      .map(({ id }) => `job ${id}: \`secrets: inherit\` hands every secret over; pass each one`);
  },
};

const RANK: Record<string, number> = { none: 0, read: 1, write: 2 };

export const callerPermissionsRule: Rule = {
  id: 'caller-permissions',
  title: "a job calling a reusable workflow grants what the called workflow's jobs ask for",
  appliesTo: (workflow) => jobs(workflow).some(({ job }) => typeof job['uses'] === 'string'),
  async check(workflow, context) {
    const problems: string[] = [];
    for (const { id, job } of jobs(workflow)) {
      const uses = job['uses'];
      if (typeof uses !== 'string') continue;
      const match = /^([^/]+)\/([^/]+)\/(\.github\/workflows\/[^@]+)@.+$/.exec(uses);
      const local = match ? context.resolve(match[1] ?? '', match[2] ?? '', match[3] ?? '') : null;
      if (local === null) {
        problems.push(`job ${id}: cannot check \`${uses}\`: not a workflow of ours`);
        continue;
      }
      const called = await loadWorkflow(local);
      const granted = isDict(job['permissions']) ? job['permissions'] : {};
      for (const { id: calledId, job: calledJob } of jobs(called)) {
        const asked = calledJob['permissions'] ?? called.data['permissions'];
        if (!isDict(asked)) continue;
        for (const [scope, level] of Object.entries(asked)) {
          const have = String(granted[scope] ?? 'none');
          if ((RANK[have] ?? 0) < (RANK[String(level)] ?? 0)) {
            problems.push(
              `job ${id}: ${called.file} job ${calledId} asks for \`${scope}: ${String(level)}\`, the caller grants \`${have}\``,
            );
          }
        }
      }
    }
    return problems;
  },
};

export const reusableInterfaceRule: Rule = {
  id: 'reusable-interface',
  title: 'a reusable workflow types and describes its inputs, and describes its secrets',
  appliesTo: (workflow) => 'workflow_call' in events(workflow),
  check(workflow) {
    const call = events(workflow)['workflow_call'];
    const problems: string[] = [];
    const section = (name: string): Dict =>
      isDict(call) && isDict(call[name]) ? (call[name] as Dict) : {};
    for (const [name, spec] of Object.entries(section('inputs'))) {
      const s = isDict(spec) ? spec : {};
      if (!['string', 'number', 'boolean'].includes(String(s['type']))) {
        problems.push(`input ${name}: no type (string, number or boolean)`);
      }
      if (typeof s['description'] !== 'string' || s['description'].trim() === '') {
        problems.push(`input ${name}: no description`);
      }
    }
    for (const [name, spec] of Object.entries(section('secrets'))) {
      const s = isDict(spec) ? spec : {};
      if (typeof s['description'] !== 'string' || s['description'].trim() === '') {
        problems.push(`secret ${name}: no description`);
      }
    }
    return problems;
  },
};

/** Workflows that run on tag pushes build what users run: nothing restored from a cache. */
function isReleaseWorkflow(workflow: Workflow): boolean {
  const push = events(workflow)['push'];
  return isDict(push) && push['tags'] !== undefined;
}

export const cachePoisoningRule: Rule = {
  id: 'cache-poisoning',
  title: 'a release workflow restores no cache (a pull request could have written it)',
  appliesTo: isReleaseWorkflow,
  check(workflow) {
    const problems: string[] = [];
    for (const { id, steps } of jobs(workflow)) {
      steps.forEach((step, index) => {
        const uses = typeof step['uses'] === 'string' ? step['uses'] : '';
        const withs = isDict(step['with']) ? step['with'] : {};
        if (uses.startsWith('actions/cache')) {
          problems.push(`job ${id}, ${stepName(step, index)}: restores a cache`);
        } else if (/^actions\/setup-/.test(uses) && withs['cache'] !== undefined) {
          problems.push(`job ${id}, ${stepName(step, index)}: \`cache:\` restores a cache`);
        }
      });
    }
    return problems;
  },
};

/** Where one of our actions, `<this>/actions/<step>@v1` or `<this>@v1`, is declared here. */
function ownActionFile(uses: string): string | null {
  const match = OWN_USES.exec(uses);
  if (match === null) return null;
  return path.join(repoRoot, match[1] ?? '', 'action.yml');
}

export const ownActionInputsRule: Rule = {
  id: 'own-action-inputs',
  title: 'our actions get only inputs their action.yml declares',
  appliesTo: (workflow) =>
    jobs(workflow).some(({ steps }) =>
      steps.some(
        (step) => typeof step['uses'] === 'string' && ownActionFile(step['uses']) !== null,
      ),
    ),
  async check(workflow) {
    const problems: string[] = [];
    for (const { id, steps } of jobs(workflow)) {
      for (const [index, step] of steps.entries()) {
        const file = typeof step['uses'] === 'string' ? ownActionFile(step['uses']) : null;
        if (file === null) continue;
        let declared: string[];
        try {
          const action = parseDocument(await readFile(file, 'utf8')).toJS() as Dict;
          declared = Object.keys(isDict(action['inputs']) ? action['inputs'] : {});
        } catch {
          // An action being written has no action.yml yet; GitHub would refuse a missing one
          // at run time, and the release tree would not contain it.
          continue;
        }
        const given = isDict(step['with']) ? Object.keys(step['with']) : [];
        for (const name of given.filter((n) => !declared.includes(n))) {
          problems.push(
            `job ${id}, ${stepName(step, index)}: \`${name}\` is not an input of ${path.relative(repoRoot, file)}`,
          );
        }
      }
    }
    return problems;
  },
};

export const rules: Rule[] = [
  parsesRule,
  workflowPermissionsRule,
  jobPermissionsRule,
  dangerousTriggersRule,
  templateInjectionRule,
  unpinnedUsesRule,
  concurrencyRule,
  selfHostedRunnerRule,
  botPullRequestsRule,
  labelledCommitRule,
  artipackedRule,
  secretsInheritRule,
  callerPermissionsRule,
  reusableInterfaceRule,
  cachePoisoningRule,
  ownActionInputsRule,
];
