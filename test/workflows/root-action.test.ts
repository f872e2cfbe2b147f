/**
 * The root action (action.yml, dist/index.js): `command` selects a step, every other input passes
 * through. Its inputs must be the union of the steps' inputs under the same names (the runner
 * only sets INPUT_<NAME> for inputs action.yml declares), with no default that silently differs
 * from a step's; then it is run as a runner runs it.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runAction } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const root = path.resolve(import.meta.dirname, '../..');

/** The steps the root action dispatches to (src/actions/index.ts), in its order. */
const COMMANDS = [
  'validate-data',
  'train',
  'evaluate',
  'publish-model',
  'promote-model',
  'check-drift',
  'check-performance',
  'doctor',
  'profile-data',
  'dashboard',
];
/** Step inputs the root action takes under another name: train's `command` is the step selector. */
const RENAMED: Record<string, Record<string, string>> = { train: { command: 'train-command' } };

interface Spec {
  description?: string;
  required?: string;
  default?: string;
}
interface Manifest {
  inputs: Record<string, Spec>;
  outputs: Record<string, Spec>;
}

async function manifest(file: string): Promise<Manifest> {
  // The failsafe schema keeps every scalar a string, as the runner reads action.yml.
  const doc = parseYaml(await readFile(file, 'utf8'), { schema: 'failsafe' }) as Partial<Manifest>;
  return { inputs: doc.inputs ?? {}, outputs: doc.outputs ?? {} };
}

const rootAction = await manifest(path.join(root, 'action.yml'));
/** The steps that exist today: actions/<step>/action.yml. */
const steps = new Map<string, Manifest>();
for (const entry of (await readdir(path.join(root, 'actions'), { withFileTypes: true })).sort()) {
  if (entry.isDirectory()) {
    steps.set(entry.name, await manifest(path.join(root, 'actions', entry.name, 'action.yml')));
  }
}

/** `[a, b] text` → [a, b]: the steps a root input or output says it belongs to. */
function tags(spec: Spec | undefined): string[] {
  const match = /^\[([^\]]+)\]/.exec(spec?.description ?? '');
  return match ? (match[1] ?? '').split(',').map((tag) => tag.trim()) : [];
}

/** Each root input name → the steps declaring it, with their defaults. */
function declarations(kind: 'inputs' | 'outputs'): Map<string, Map<string, string | undefined>> {
  const byName = new Map<string, Map<string, string | undefined>>();
  for (const [step, m] of steps) {
    for (const [name, spec] of Object.entries(m[kind])) {
      const rootName = kind === 'inputs' ? (RENAMED[step]?.[name] ?? name) : name;
      const entry = byName.get(rootName) ?? new Map<string, string | undefined>();
      entry.set(step, spec.default);
      byName.set(rootName, entry);
    }
  }
  return byName;
}

describe('root action.yml', () => {
  it('runs dist/index.js on node24 and requires command', async () => {
    const doc = parseYaml(await readFile(path.join(root, 'action.yml'), 'utf8')) as {
      runs: Record<string, string>;
    };
    expect(doc.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(rootAction.inputs['command']?.required).toBe('true');
    for (const command of COMMANDS) {
      expect(rootAction.inputs['command']?.description).toContain(command);
    }
  });

  it('offers a command for every step in actions/', () => {
    expect([...steps.keys()].filter((step) => !COMMANDS.includes(step))).toEqual([]);
  });

  it('declares every input of every step, under the same name', () => {
    const missing = [...declarations('inputs')].flatMap(([name, declaredBy]) =>
      name in rootAction.inputs ? [] : [`${name} (${[...declaredBy.keys()].join(', ')})`],
    );
    expect(missing).toEqual([]);
  });

  it('gives an input the default its steps agree on, and none where they differ', () => {
    const problems: string[] = [];
    for (const [name, declaredBy] of declarations('inputs')) {
      const spec = rootAction.inputs[name];
      if (spec === undefined) continue;
      if (spec.required === 'true') problems.push(`${name}: required here, optional in the steps`);
      const defaults = new Set(declaredBy.values());
      // A step that is tagged but not here yet (its action.yml not written) may bring another
      // default: the root may leave the default to the steps, as its description says.
      const pending = tags(spec).some((step) => !steps.has(step));
      if (defaults.size === 1 && !(pending && spec.default === undefined)) {
        const [only] = defaults;
        if (spec.default !== only) {
          problems.push(`${name}: default ${String(spec.default)}, the steps' is ${String(only)}`);
        }
      } else if (spec.default !== undefined) {
        const list = [...declaredBy].map(([step, d]) => `${step}: ${String(d)}`).join('; ');
        problems.push(`${name}: the steps' defaults differ (${list}): declare none here`);
      }
    }
    expect(problems).toEqual([]);
  });

  for (const kind of ['inputs', 'outputs'] as const) {
    it(`says which steps each of its ${kind} belongs to, [step, ...], and no more`, () => {
      const declared = declarations(kind);
      const problems: string[] = [];
      for (const [name, spec] of Object.entries(rootAction[kind])) {
        if (kind === 'inputs' && name === 'command') continue;
        const tagged = tags(spec);
        if (tagged.length === 0) problems.push(`${name}: no [step, ...] tag`);
        for (const step of tagged) {
          if (!COMMANDS.includes(step)) problems.push(`${name}: unknown step ${step}`);
          // A step that exists must declare what the root says it does.
          if (steps.has(step) && !declared.get(name)?.has(step)) {
            problems.push(`${name}: tagged ${step}, which has no such ${kind.slice(0, -1)}`);
          }
        }
        for (const step of declared.get(name)?.keys() ?? []) {
          if (!tagged.includes(step)) problems.push(`${name}: ${step} declares it, untagged`);
        }
      }
      // Inputs whose steps' defaults differ document each step's default.
      if (kind === 'inputs') {
        for (const [name, declaredBy] of declared) {
          if (new Set(declaredBy.values()).size < 2) continue;
          const text = rootAction.inputs[name]?.description ?? '';
          for (const [step, d] of declaredBy) {
            if (d !== undefined && !text.includes(d)) {
              problems.push(`${name}: the description does not give ${step}'s default ${d}`);
            }
          }
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('declares every output of every step', () => {
    const missing = [...declarations('outputs').keys()].filter(
      (name) => !(name in rootAction.outputs),
    );
    expect(missing).toEqual([]);
  });
});

describe('root action, run as a runner runs it', () => {
  let workspace: Workspace;

  beforeAll(async () => {
    workspace = await createWorkspace({});
    await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
  });

  afterAll(async () => {
    await workspace.cleanup();
  });

  it('fails an unknown command with a message listing the valid ones', async () => {
    const run = await runAction({
      action: root,
      cwd: workspace.dir,
      inputs: { command: 'deploy' },
    });
    expect(run.exitCode).toBe(1);
    const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(errors).toEqual([
      `action inputs (command): "deploy" is not a command; expected one of: ${COMMANDS.join(', ')}`,
    ]);
    expect(run.outputs).toEqual({});
  });

  it('fails clearly when the build has no module for a valid command', async () => {
    // A copy of the root action whose dist/ lacks train.js, as a build before a step existed.
    const copy = await mkdtemp(path.join(os.tmpdir(), 'mlops-root-action-'));
    try {
      await cp(path.join(root, 'action.yml'), path.join(copy, 'action.yml'));
      await cp(path.join(root, 'dist'), path.join(copy, 'dist'), {
        recursive: true,
        filter: (source) => !source.endsWith('.map') && path.basename(source) !== 'train.js',
      });
      const run = await runAction({
        action: copy,
        cwd: workspace.dir,
        inputs: { command: 'train' },
      });
      expect(run.exitCode).toBe(1);
      expect(run.annotations.map((a) => a.message)).toEqual([
        'command train: this build of mlops-actions has no train step (dist/train.js is missing)',
      ]);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('runs validate-data with the step’s own defaults', async () => {
    const run = await runAction({
      action: root,
      cwd: workspace.dir,
      inputs: { command: 'validate-data' },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    // As actions/validate-data gives them on the example: 455 train + 114 eval records.
    expect(run.outputs).toEqual({
      valid: 'true',
      rows: '569',
      violations: '0',
      report: '.mlops/validate-report.json',
    });
    expect(run.summary).toContain('| data/train.csv | csv    | 455     | 0          |');
  });

  it('passes the other inputs through (validate-data fail-on, report, data)', async () => {
    await workspace.write(
      'bad.csv',
      (await workspace.read('data/eval.csv')).replace(/\n.*$/s, '\nx\n'),
    );
    const run = await runAction({
      action: root,
      cwd: workspace.dir,
      inputs: { command: 'validate-data', data: 'bad.csv', 'fail-on': 'never', report: 'r.json' },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['valid']).toBe('false');
    expect(run.outputs['report']).toBe('r.json');
    expect(JSON.parse(await workspace.read('r.json'))).toBeTypeOf('object');
  });

  it("hands train its training command from train-command, not the step's name", async () => {
    const run = await runAction({
      action: root,
      cwd: workspace.dir,
      inputs: { command: 'train', 'train-command': 'exit 3', gpus: 'none' },
      timeoutMs: 60_000,
    });
    // The command's own exit code; `train` run as a command would be 127 (not found).
    expect(run.exitCode, run.stdout + run.stderr).toBe(3);
    expect(run.stdout).toContain('exit 3');
  });

  it("leaves train to the config's train.command when train-command is not given", async () => {
    const config = await workspace.read('mlops.yml');
    await writeFile(workspace.path('mlops.yml'), config.replace('python3 train.py', 'exit 4'));
    try {
      const run = await runAction({
        action: root,
        cwd: workspace.dir,
        inputs: { command: 'train', gpus: 'none' },
        timeoutMs: 60_000,
      });
      expect(run.exitCode, run.stdout + run.stderr).toBe(4);
    } finally {
      await writeFile(workspace.path('mlops.yml'), config);
    }
  });
});
