/**
 * Tests of the action harness. Expected values are worked out by hand from the runner's formats
 * (actions/runner ActionCommand.cs, ActionCommandManager.cs, FileCommandManager.cs) and the writer
 * in node_modules/@actions/core/lib/{command,file-command}.js, never copied from harness output.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeyValueFile, parseWorkflowCommands, runAction } from './run-action.js';
import type { Annotation } from './run-action.js';
import { createWorkspace } from './temp-workspace.js';
import type { Workspace } from './temp-workspace.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/actions');
const fixture = (name: string): string => path.join(fixtures, name);

/** A workspace holding a dependency-free action, for cases that need no @actions/core. */
async function plainAction(actionYml: string, scripts: Record<string, string>): Promise<Workspace> {
  return createWorkspace({ 'action.yml': actionYml, ...scripts });
}

const NODE_MAIN = 'runs:\n  using: node24\n  main: index.mjs\n';

describe('parseWorkflowCommands', () => {
  it('unescapes message and properties with the runner mappings', () => {
    const { commands } = parseWorkflowCommands(
      '::warning title=a%3Ab%2Cc%25%0Ad%0De::50%25 done%0Anext%3A%2C\n',
    );
    expect(commands).toHaveLength(1);
    expect(commands[0]?.properties).toEqual({ title: 'a:b,c%\nd\re' });
    // The message is data: %3A and %2C are not escapes there and stay as written.
    expect(commands[0]?.message).toBe('50% done\nnext%3A%2C');
  });

  it('decodes %25 last and leaves lower-case escapes alone', () => {
    const { commands } = parseWorkflowCommands('::notice::%250A and %2525 and %0a\n');
    expect(commands[0]?.message).toBe('%0A and %25 and %0a');
  });

  it('matches names and properties case-insensitively and ignores what is not a command', () => {
    const text = [
      '  ::ERROR LINE=4,File=a.ts::x',
      '::unknown::y',
      '::warning',
      'text ::error::not at the start',
      '::error::has :: inside',
      '::error title=a=b,,line=,file=f.ts::m',
    ].join('\n');
    const { commands, annotations } = parseWorkflowCommands(text);
    expect(commands.map((c) => c.name)).toEqual(['error', 'error', 'error']);
    expect(commands[2]?.properties).toEqual({ title: 'a=b', file: 'f.ts' });
    expect(annotations).toEqual<Annotation[]>([
      { level: 'error', message: 'x', file: 'a.ts', line: 4 },
      { level: 'error', message: 'has :: inside' },
      { level: 'error', message: 'm', file: 'f.ts', title: 'a=b' },
    ]);
  });

  it('ends lines at \\r as well as \\n, like StreamReader.ReadLine', () => {
    const { commands } = parseWorkflowCommands('progress\r::notice::x\r\n::notice::y');
    expect(commands.map((c) => c.message)).toEqual(['x', 'y']);
  });

  it.each([
    ['line=1,endLine=2,col=1,endColumn=2', { line: 1, endLine: 2 }],
    ['col=1,endColumn=2', {}],
    ['endLine=1', { line: 1, endLine: 1 }],
    ['line=1,endColumn=2', { line: 1, col: 2, endColumn: 2 }],
    ['line=,endLine=3', { line: 3, endLine: 3 }],
    ['line=4,endLine=3', {}],
    ['line=1,endLine=1,col=3,endColumn=2', { line: 1, endLine: 1 }],
    ['line=1,endLine=1,col=1,endColumn=2', { line: 1, endLine: 1, col: 1, endColumn: 2 }],
    ['line=1,col=1', { line: 1, col: 1 }],
    // The runner compares line and endLine as strings, so "01" vs "1" drops the columns.
    ['line=01,endLine=1,col=1,endColumn=2', { line: 1, endLine: 1 }],
  ])('validates positions like the runner: %s', (props, expected) => {
    const { annotations } = parseWorkflowCommands(`::warning ${props}::w`);
    expect(annotations).toEqual([{ level: 'warning', message: 'w', ...expected }]);
  });

  it('makes a file under the workspace relative and leaves others alone', () => {
    const { annotations } = parseWorkflowCommands(
      '::error file=/ws/repo/data/a.csv::in\n::error file=/ws/repository/b.csv::out\n',
      { workspace: '/ws/repo' },
    );
    expect(annotations.map((a) => a.file)).toEqual(['data/a.csv', '/ws/repository/b.csv']);
  });

  it('processes nothing between stop-commands and its token, which resumes case-insensitively', () => {
    const text = [
      '::stop-commands::Pause',
      '::error::ignored',
      '::set-output name=x::ignored',
      '::PAUSE::',
      '::set-output name=y::kept',
    ].join('\n');
    const { commands, outputs, annotations } = parseWorkflowCommands(text);
    expect(commands.map((c) => [c.name, c.message])).toEqual([
      ['stop-commands', 'Pause'],
      ['PAUSE', ''],
      ['set-output', 'kept'],
    ]);
    expect(outputs).toEqual({ y: 'kept' });
    expect(annotations).toEqual([]);
  });

  it('never resumes after an empty stop token', () => {
    const { commands } = parseWorkflowCommands('::stop-commands::\n::::\n::error::x\n');
    expect(commands.map((c) => c.name)).toEqual(['stop-commands']);
  });
});

describe('parseKeyValueFile', () => {
  it('reads name=value and heredocs; the earlier of = and << decides the form', () => {
    const text = 'plain=v=w\n\nc=d<<e\nf<<g=h\nbody\ng=h\nempty<<D\nD\nm<<D\nx\n\nD\n';
    expect(parseKeyValueFile(text)).toEqual({
      pairs: [
        ['plain', 'v=w'],
        ['c', 'd<<e'],
        ['f', 'body'],
        ['empty', ''],
        ['m', 'x\n'],
      ],
    });
  });

  it('ends lines at LF only, so a CR stays in the value and in the delimiter', () => {
    expect(parseKeyValueFile('k=v\r\nh<<D\r\nv\r\nD\r\n')).toEqual({
      pairs: [
        ['k', 'v\r'],
        ['h', 'v\r'],
      ],
    });
  });

  it('keeps the pairs read before a format error and reports it', () => {
    expect(parseKeyValueFile('a=1\noops\nb=2\n')).toEqual({
      pairs: [['a', '1']],
      error: "Invalid format 'oops'",
    });
    expect(parseKeyValueFile('a=1\nb<<EOF\nno end\n')).toEqual({
      pairs: [['a', '1']],
      error: "Invalid value. Matching delimiter not found 'EOF'",
    });
    expect(parseKeyValueFile('b<<EOF\nlast')).toEqual({
      pairs: [],
      error: 'Invalid value. EOF marker missing new line.',
    });
    expect(parseKeyValueFile('<<EOF\n').error).toBe(
      "Invalid format '<<EOF'. Name must not be empty and delimiter must not be empty",
    );
  });
});

describe('runAction', () => {
  const leakKey = 'MLOPS_HARNESS_LEAK_CHECK';
  beforeAll(() => {
    process.env[leakKey] = 'must not reach the action';
  });
  afterAll(() => {
    delete process.env[leakKey];
  });

  it('collects outputs, env, path, state, summary, masks and annotations from @actions/core', async () => {
    const run = await runAction({ action: fixture('report') });

    expect(run.exitCode).toBe(0);
    expect(run.conclusion).toBe('success');
    expect(run.outputs).toEqual({
      single: 'hello world',
      multi: 'line one\nline two\n\nline four',
      tricky: 'a=b<<EOF',
      json: '{"n":1,"s":"x"}',
      empty: '',
      legacy: 'from stdout',
    });
    // core v3 writes every value as a heredoc with a random ghadelimiter_<uuid>.
    const outputFile = run.stages[0]?.files.output ?? '';
    expect(outputFile).toMatch(
      /^single<<(ghadelimiter_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\nhello world\n\1\nmulti<</,
    );
    expect(run.env).toEqual({ FIXTURE_VAR: 'v1', FIXTURE_MULTI: 'a\nb' });
    expect(run.path).toEqual(['/opt/fixture/bin']);
    expect(run.state).toEqual({ 'fixture-state': 'saved' });
    expect(run.masks).toEqual(['s3cr3t-value']);
    // addHeading() without a level falls back to h1; the runner masks secrets in the summary.
    expect(run.summary).toBe('<h1>Fixture report</h1>\nsecret is ***\n');
    expect(run.stages[0]?.files.summary).toBe('<h1>Fixture report</h1>\nsecret is s3cr3t-value\n');

    // The error line exactly as command.js escapes it: properties in toCommandProperties order,
    // ':' and ',' escaped only in properties, '%' and newline in both.
    expect(run.stdout.split('\n')).toContain(
      '::error title=Schema%3A violation%2C column "age",file=data/train.csv,line=3::Bad value 100%25: a, b%0Asecond line',
    );
    expect(run.commands.map((c) => `${c.stream}:${c.name}`)).toEqual([
      'stdout:add-mask',
      'stdout:group',
      'stdout:endgroup',
      'stdout:debug',
      'stdout:error',
      'stdout:warning',
      'stdout:notice',
      'stdout:set-output',
      'stderr:warning',
    ]);
    expect(run.commands.find((c) => c.name === 'debug')?.message).toBe('debug message: 100%');
    expect(run.commands.find((c) => c.name === 'group')?.message).toBe('Group title');
    expect(run.annotations).toEqual<Annotation[]>([
      {
        level: 'error',
        message: 'Bad value 100%: a, b\nsecond line',
        file: 'data/train.csv',
        line: 3,
        title: 'Schema: violation, column "age"',
      },
      // Written with an absolute path inside GITHUB_WORKSPACE; the runner makes it relative.
      {
        level: 'warning',
        message: 'Column drift',
        file: 'data/x.csv',
        line: 2,
        endLine: 2,
        col: 5,
        endColumn: 9,
      },
      { level: 'notice', message: 'plain notice' },
      { level: 'warning', message: 'commands on stderr count too', title: 'From stderr' },
    ]);
    expect(run.runnerIssues).toEqual([]);
  });

  it('passes inputs as INPUT_* with defaults from action.yml and a clean runner environment', async () => {
    const run = await runAction({
      action: fixture('inputs'),
      inputs: { 'name with space': 'Ada', 'FAIL-ON': 'warning', 'old-input': 'x' },
      env: { STEP_VAR: 'from step env' },
      github: { repository: 'acme/widgets', ref: 'refs/tags/v1.2.0', token: 'ghs_fixture' },
    });

    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.outputs['input-env'] ?? '')).toEqual({
      // Upper-cased, spaces to underscores, hyphens kept (Handler.AddInputsToEnvironment).
      'INPUT_FAIL-ON': 'warning',
      INPUT_NAME_WITH_SPACE: 'Ada',
      'INPUT_OLD-INPUT': 'x',
      INPUT_OPTIONAL: '',
      INPUT_REPO: 'repo=acme/widgets@v1.2.0',
      INPUT_STRICT: 'false',
      INPUT_THRESHOLD: '0.50',
      INPUT_TOKEN: 'ghs_fixture',
    });
    expect(run.outputs['fail-on']).toBe('warning');
    expect(run.outputs['name']).toBe('Ada');
    expect(run.outputs['step-env']).toBe('from step env');
    expect(run.runnerIssues).toEqual([
      {
        level: 'warning',
        message: "Input 'old-input' has been deprecated with message: use fail-on",
      },
    ]);

    const expectedKeys = [
      'CI',
      'GITHUB_ACTION',
      'GITHUB_ACTIONS',
      'GITHUB_ACTION_PATH',
      'GITHUB_ACTOR',
      'GITHUB_API_URL',
      'GITHUB_BASE_REF',
      'GITHUB_ENV',
      'GITHUB_EVENT_NAME',
      'GITHUB_EVENT_PATH',
      'GITHUB_GRAPHQL_URL',
      'GITHUB_HEAD_REF',
      'GITHUB_JOB',
      'GITHUB_OUTPUT',
      'GITHUB_PATH',
      'GITHUB_REF',
      'GITHUB_REF_NAME',
      'GITHUB_REF_TYPE',
      'GITHUB_REPOSITORY',
      'GITHUB_REPOSITORY_OWNER',
      'GITHUB_RETENTION_DAYS',
      'GITHUB_RUN_ATTEMPT',
      'GITHUB_RUN_ID',
      'GITHUB_RUN_NUMBER',
      'GITHUB_SERVER_URL',
      'GITHUB_SHA',
      'GITHUB_STATE',
      'GITHUB_STEP_SUMMARY',
      'GITHUB_TRIGGERING_ACTOR',
      'GITHUB_WORKFLOW',
      'GITHUB_WORKSPACE',
      'HOME',
      'INPUT_FAIL-ON',
      'INPUT_NAME_WITH_SPACE',
      'INPUT_OLD-INPUT',
      'INPUT_OPTIONAL',
      'INPUT_REPO',
      'INPUT_STRICT',
      'INPUT_THRESHOLD',
      'INPUT_TOKEN',
      'PATH',
      'RUNNER_ARCH',
      'RUNNER_ENVIRONMENT',
      'RUNNER_NAME',
      'RUNNER_OS',
      'RUNNER_TEMP',
      'RUNNER_TOOL_CACHE',
      'STEP_VAR',
      ...['TMPDIR', 'TEMP', 'TMP'].filter((k) => process.env[k] !== undefined),
    ].sort();
    expect(JSON.parse(run.outputs['env-keys'] ?? '')).toEqual(expectedKeys);

    const env = JSON.parse(run.outputs['runner-env'] ?? '') as Record<string, string>;
    const runnerTemp = env['RUNNER_TEMP'] ?? '';
    expect(env).toMatchObject({
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION_PATH: fixture('inputs'),
      GITHUB_REPOSITORY: 'acme/widgets',
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_REF: 'refs/tags/v1.2.0',
      GITHUB_REF_NAME: 'v1.2.0',
      GITHUB_REF_TYPE: 'tag',
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_WORKSPACE: run.workspace,
      RUNNER_OS: 'Linux',
    });
    for (const key of [
      'GITHUB_OUTPUT',
      'GITHUB_ENV',
      'GITHUB_PATH',
      'GITHUB_STATE',
      'GITHUB_STEP_SUMMARY',
    ]) {
      expect(env[key]?.startsWith(`${runnerTemp}${path.sep}`)).toBe(true);
    }
    expect(run.outputs['cwd']).toBe(run.workspace);
    // The default workspace is a temp dir that is removed after the run.
    expect(existsSync(run.workspace)).toBe(false);
  });

  it('runs in the given workspace and leaves it in place', async () => {
    const ws = await createWorkspace({ 'README.md': '# repo\n' });
    try {
      const run = await runAction({
        action: fixture('inputs'),
        inputs: { 'name with space': 'x' },
        cwd: ws.dir,
      });
      expect(run.workspace).toBe(ws.dir);
      expect(run.outputs['cwd']).toBe(ws.dir);
      expect(await ws.read('README.md')).toBe('# repo\n');
    } finally {
      await ws.cleanup();
    }
  });

  it('refuses a missing required input, an unknown input and env the runner owns', async () => {
    await expect(runAction({ action: fixture('inputs') })).rejects.toThrow(
      "required input 'name with space' was not supplied",
    );
    await expect(
      runAction({ action: fixture('inputs'), inputs: { 'name with space': 'x', nope: '1' } }),
    ).rejects.toThrow(/Unexpected input\(s\) 'nope', valid inputs are \['fail-on', /);
    await expect(
      runAction({
        action: fixture('inputs'),
        inputs: { 'name with space': 'x' },
        env: { GITHUB_SHA: 'x' },
      }),
    ).rejects.toThrow('env cannot set GITHUB_SHA');
  });

  it('hands the event payload and run context to @actions/github', async () => {
    const run = await runAction({
      action: fixture('event'),
      event: {
        name: 'pull_request',
        payload: {
          number: 42,
          pull_request: {
            number: 42,
            title: 'Tune lr',
            head: { ref: 'tune' },
            base: { ref: 'main' },
          },
        },
      },
      github: {
        apiUrl: 'http://127.0.0.1:8123',
        serverUrl: 'http://127.0.0.1:8123',
        repository: 'acme/widgets',
        sha: '0123456789abcdef0123456789abcdef01234567',
        runId: 99,
        runAttempt: 2,
        actor: 'mona',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.outputs['context'] ?? '')).toEqual({
      eventName: 'pull_request',
      sha: '0123456789abcdef0123456789abcdef01234567',
      ref: 'refs/pull/42/merge',
      workflow: 'CI',
      action: '__self',
      actor: 'mona',
      job: 'test',
      runNumber: 3,
      runId: 99,
      runAttempt: 2,
      apiUrl: 'http://127.0.0.1:8123',
      serverUrl: 'http://127.0.0.1:8123',
      graphqlUrl: 'http://127.0.0.1:8123/graphql',
      repo: { owner: 'acme', repo: 'widgets' },
      issue: { owner: 'acme', repo: 'widgets', number: 42 },
      prTitle: 'Tune lr',
      headRef: 'tune',
      baseRef: 'main',
      refName: '42/merge',
    });
  });

  it('reports core.setFailed as exit code 1 and an error annotation', async () => {
    const run = await runAction({ action: fixture('fail') });
    expect(run.exitCode).toBe(1);
    expect(run.conclusion).toBe('failure');
    expect(run.stdout).toBe('about to fail\n::error::Gate failed: accuracy 91%25 < 95%25\n');
    expect(run.annotations).toEqual([
      { level: 'error', message: 'Gate failed: accuracy 91% < 95%' },
    ]);
  });

  it('keeps the runner folders with keepTemp', async () => {
    const run = await runAction({ action: fixture('fail'), keepTemp: true });
    const root = path.dirname(run.workspace);
    try {
      expect(existsSync(run.workspace)).toBe(true);
      expect(existsSync(path.join(root, '_temp', '_github_workflow', 'event.json'))).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('does not process commands between stop-commands and its token', async () => {
    const run = await runAction({ action: fixture('stop-commands') });
    expect(run.commands.map((c) => [c.name, c.message])).toEqual([
      ['warning', 'before'],
      ['stop-commands', 'fixture-pause-token'],
      ['fixture-pause-token', ''],
      ['warning', 'after'],
    ]);
    expect(run.outputs).toEqual({});
    expect(run.annotations).toEqual([
      { level: 'warning', message: 'before' },
      { level: 'warning', message: 'after' },
    ]);
    // The paused lines are still plain output.
    expect(run.stdout).toContain('::error file=ignored.ts,line=1::not an annotation\n');
  });

  it('runs pre, main and post, carrying state and exported env between them', async () => {
    const run = await runAction({ action: fixture('pre-post') });
    expect(run.stages.map((s) => [s.stage, s.exitCode])).toEqual([
      ['pre', 0],
      ['main', 0],
      ['post', 0],
    ]);
    // Only main's outputs are the step's outputs.
    expect(run.outputs).toEqual({ 'saw-state': 'pre', 'saw-env': 'yes' });
    expect(run.stages[0]?.outputs).toEqual({ 'pre-output': 'not visible to later steps' });
    expect(run.env).toEqual({ FROM_PRE: 'yes' });
    expect(run.state).toEqual({ phase: 'main', 'main-only': 'm' });
    expect(run.annotations).toEqual([
      { level: 'notice', message: 'post: phase=main main-only=m who=world' },
    ]);
    expect(run.summary).toBe('post summary\n');
  });

  it('still runs post (post-if defaults to always()) when main fails', async () => {
    const run = await runAction({ action: fixture('pre-post'), inputs: { 'fail-main': 'true' } });
    expect(run.exitCode).toBe(1);
    expect(run.conclusion).toBe('failure');
    expect(run.stages.map((s) => [s.stage, s.conclusion])).toEqual([
      ['pre', 'success'],
      ['main', 'failure'],
      ['post', 'success'],
    ]);
    expect(run.annotations.map((a) => a.message)).toEqual([
      'main failed',
      'post: phase=main main-only=m who=world',
    ]);
  });

  it('skips post when post-if is success() and main failed', async () => {
    const ws = await plainAction(
      'runs:\n  using: node20\n  main: main.mjs\n  post: post.mjs\n  post-if: success()\n',
      { 'main.mjs': 'process.exit(3);\n', 'post.mjs': "console.log('::notice::post ran');\n" },
    );
    try {
      const run = await runAction({ action: ws.dir });
      expect(run.stages.map((s) => s.stage)).toEqual(['main']);
      expect(run.exitCode).toBe(3);
    } finally {
      await ws.cleanup();
    }
  });

  it('fails the step on a disabled set-env unless ACTIONS_ALLOW_UNSECURE_COMMANDS is true', async () => {
    const ws = await plainAction(NODE_MAIN, {
      'index.mjs': "console.log('::set-env name=OLD_STYLE::value');\n",
    });
    try {
      const refused = await runAction({ action: ws.dir });
      expect(refused.exitCode).toBe(0);
      expect(refused.conclusion).toBe('failure');
      expect(refused.env).toEqual({});
      expect(refused.runnerIssues[0]).toEqual({
        level: 'error',
        message: "Unable to process command '::set-env name=OLD_STYLE::value' successfully.",
      });

      const allowed = await runAction({
        action: ws.dir,
        env: { ACTIONS_ALLOW_UNSECURE_COMMANDS: 'true' },
      });
      expect(allowed.conclusion).toBe('success');
      expect(allowed.env).toEqual({ OLD_STYLE: 'value' });
    } finally {
      await ws.cleanup();
    }
  });

  it('applies the file-command lines before a malformed one and fails the step', async () => {
    const ws = await plainAction(NODE_MAIN, {
      'index.mjs':
        "import { appendFileSync } from 'node:fs';\n" +
        "appendFileSync(process.env.GITHUB_OUTPUT, 'good=1\\nnot a command\\nlater=2\\n');\n",
    });
    try {
      const run = await runAction({ action: ws.dir });
      expect(run.exitCode).toBe(0);
      expect(run.conclusion).toBe('failure');
      expect(run.outputs).toEqual({ good: '1' });
      expect(run.runnerIssues).toEqual([
        { level: 'error', message: "Unable to process file command 'output' successfully." },
        { level: 'error', message: "Invalid format 'not a command'" },
      ]);
    } finally {
      await ws.cleanup();
    }
  });

  it('validates action.yml and the script paths', async () => {
    const composite = await plainAction('runs:\n  using: composite\n  steps: []\n', {});
    const noMain = await plainAction('runs:\n  using: node24\n', {});
    const unbuilt = await plainAction('runs:\n  using: node24\n  main: dist/step.js\n', {});
    try {
      await expect(runAction({ action: composite.dir })).rejects.toThrow(
        "runs.using must be node20 or node24, got 'composite'",
      );
      await expect(runAction({ action: path.join(noMain.dir, 'action.yml') })).rejects.toThrow(
        "missing 'runs.main'",
      );
      await expect(runAction({ action: unbuilt.dir })).rejects.toThrow(
        /runs\.main file not found: .*dist\/step\.js \(run `npm run build` first\)/,
      );
      await expect(runAction({ action: path.join(composite.dir, 'nowhere') })).rejects.toThrow(
        'no action.yml or action.yaml',
      );
    } finally {
      await Promise.all([composite.cleanup(), noMain.cleanup(), unbuilt.cleanup()]);
    }
  });

  it('kills an action that outlives timeoutMs', async () => {
    const ws = await plainAction(NODE_MAIN, {
      'index.mjs': "console.log('started');\nsetInterval(() => {}, 1000);\n",
    });
    try {
      await expect(runAction({ action: ws.dir, timeoutMs: 500 })).rejects.toThrow(
        /timed out after 500 ms[\s\S]*started/,
      );
    } finally {
      await ws.cleanup();
    }
  });
});

describe('createWorkspace', () => {
  it('writes files, resolves paths inside it, copies folders and cleans up', async () => {
    const ws = await createWorkspace({
      'a.txt': 'text',
      'nested/deep/b.bin': new Uint8Array([0, 1, 2]),
    });
    try {
      expect(await ws.read('a.txt')).toBe('text');
      expect(ws.path('nested/deep/b.bin')).toBe(path.join(ws.dir, 'nested', 'deep', 'b.bin'));
      expect(() => ws.path('../escape')).toThrow('leaves the workspace');
      expect(() => ws.path('/etc/passwd')).toThrow('must be relative');

      const dest = await ws.copyInto(fixture('fail'), 'actions/fail');
      expect(dest).toBe(ws.path('actions/fail'));
      expect(await ws.read('actions/fail/action.yml')).toContain('name: Harness fixture - fail');
    } finally {
      await ws.cleanup();
    }
    expect(existsSync(ws.dir)).toBe(false);
  });
});
