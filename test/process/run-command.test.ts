/**
 * runCommand with real processes: exit codes, GitHub's bash flags, line splitting, and above all
 * that a timeout or an abort leaves no process of the tree behind, even ones that ignore SIGTERM.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  TerminationSignalError,
  forwardTerminationSignals,
  groupAlive,
  runCommand,
  type LineKind,
  type OutputStream,
} from '../../src/adapters/process/run-command.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

const GRACE_MS = 300;
const repoRoot = path.resolve(import.meta.dirname, '../..');

let workspace: Workspace | undefined;
const leftovers: number[] = [];
afterEach(async () => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await workspace?.cleanup();
  workspace = undefined;
});

/**
 * Whether a process still runs. A zombie counts as gone: it has ended and only waits to be reaped,
 * which never happens to orphans in a sandbox whose PID 1 does not reap (as on this CI machine),
 * while process.kill(pid, 0) still succeeds on it.
 */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^Z/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function pidsIn(file: string): number[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number);
}

describe('runCommand', () => {
  it('returns the exit code and the last lines of output', async () => {
    const result = await runCommand({ command: 'echo one; echo two; echo oops >&2; exit 3' });
    expect(result.exitCode).toBe(3);
    expect(result.signal).toBeNull();
    expect(result.timedOut).toBe(false);
    expect(result.cancelled).toBe(false);
    expect(result.killedWith).toBeNull();
    expect(result.tail.slice(0, 2)).toEqual(['one', 'two']);
    expect(result.tail).toContain('oops');
  });

  it('runs a string like a run: step: a failing pipeline stage stops the script', async () => {
    const result = await runCommand({ command: 'false | true; echo not reached' });
    expect(result.exitCode).toBe(1);
    expect(result.tail).toEqual([]);
  });

  it("reports a missing command with bash's code 127 and message", async () => {
    const result = await runCommand({ command: 'mlops-no-such-command --flag' });
    expect(result.exitCode).toBe(127);
    expect(result.tail.join('\n')).toMatch(/mlops-no-such-command: command not found/);
  });

  it('runs an argv without a shell, in cwd, with exactly the env given', async () => {
    workspace = await createWorkspace();
    const result = await runCommand({
      command: [
        process.execPath,
        '-e',
        'console.log(process.cwd(), process.env.ONLY); process.exit(4)',
      ],
      cwd: workspace.dir,
      env: { ONLY: 'this' },
    });
    expect(result.exitCode).toBe(4);
    expect(result.tail).toEqual([`${workspace.dir} this`]);
  });

  it('says so when the program or the working directory does not exist', async () => {
    const missing = await runCommand({ command: ['/nonexistent/train'] });
    expect(missing.exitCode).toBe(127);
    expect(missing.spawnError).toMatch(/ENOENT/);
    const noDir = await runCommand({ command: 'true', cwd: '/nonexistent/dir' });
    expect(noDir.exitCode).toBe(127);
    expect(noDir.tail).toEqual(['working directory /nonexistent/dir does not exist']);
  });

  it('delivers lines in order, with CR progress redraws, CRLF and an unterminated last line', async () => {
    const lines: [OutputStream, string, LineKind][] = [];
    const result = await runCommand({
      command:
        "printf 'start\\n'; printf 'epoch 1 10%%\\repoch 1 50%%\\repoch 1 100%%\\n'; printf 'crlf\\r\\nlast'",
      onOutput: (stream, line, kind) => lines.push([stream, line, kind]),
    });
    expect(result.exitCode).toBe(0);
    expect(lines).toEqual([
      ['stdout', 'start', 'line'],
      ['stdout', 'epoch 1 10%', 'progress'],
      ['stdout', 'epoch 1 50%', 'progress'],
      ['stdout', 'epoch 1 100%', 'line'],
      ['stdout', 'crlf', 'line'],
      ['stdout', 'last', 'line'],
    ]);
    // The tail shows the progress line once, in its final state, as a terminal would.
    expect(result.tail).toEqual(['start', 'epoch 1 100%', 'crlf', 'last']);
  });

  it('joins lines split across writes, a CRLF split between its two bytes, and UTF-8 split mid-character', async () => {
    const script = [
      'const w = (b, ms) => setTimeout(() => process.stdout.write(b), ms);',
      "w('par', 0); w('tial\\r', 40); w('\\nna', 80);",
      'w(Buffer.from([0xc3]), 120); w(Buffer.from([0xaf, 0x76, 0x65, 0x0a]), 160);',
    ].join(' ');
    const lines: string[] = [];
    const result = await runCommand({
      command: [process.execPath, '-e', script],
      onOutput: (_stream, line) => lines.push(line),
    });
    expect(result.exitCode).toBe(0);
    expect(lines).toEqual(['partial', 'naïve']);
  });

  it('keeps only the last tailLines lines', async () => {
    const result = await runCommand({
      command: 'for i in $(seq 1 100); do echo "line $i"; done',
      tailLines: 3,
    });
    expect(result.tail).toEqual(['line 98', 'line 99', 'line 100']);
  });

  it('ends a command at its timeout', async () => {
    const result = await runCommand({ command: 'sleep 30', timeoutMs: 200, killGraceMs: GRACE_MS });
    expect(result.timedOut).toBe(true);
    expect(result.cancelled).toBe(false);
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe('SIGTERM');
    expect(result.killedWith).toBe('SIGTERM');
    expect(result.durationMs).toBeLessThan(3000);
  });

  it('ends the whole tree at the timeout, escalating to SIGKILL for children that ignore SIGTERM', async () => {
    workspace = await createWorkspace({
      // A child shell and a grandchild shell that ignore SIGTERM, a sleep under the grandchild
      // (the ignored disposition is inherited across exec), and a node process with its own
      // do-nothing SIGTERM handler. Each records its pid.
      'child.sh': [
        "trap '' TERM",
        'echo "$$" >> "$PIDS"',
        'bash ./grandchild.sh &',
        `"${process.execPath}" -e "process.on('SIGTERM', () => {}); require('fs').appendFileSync(process.env.PIDS, process.pid + '\\n'); setInterval(() => {}, 1000)" &`,
        'wait',
        '',
      ].join('\n'),
      'grandchild.sh': [
        "trap '' TERM",
        'echo "$$" >> "$PIDS"',
        'sleep 30 &',
        'echo "$!" >> "$PIDS"',
        'wait',
        '',
      ].join('\n'),
    });
    const pidFile = workspace.path('pids');
    const started = Date.now();
    const result = await runCommand({
      command: 'echo "$$" >> "$PIDS"; bash ./child.sh & wait',
      cwd: workspace.dir,
      env: { ...process.env, PIDS: pidFile },
      timeoutMs: 1500,
      killGraceMs: GRACE_MS,
    });
    const pids = pidsIn(pidFile);
    leftovers.push(...pids);
    expect(pids).toHaveLength(5); // the shell, child.sh, grandchild.sh, sleep, node
    expect(result.timedOut).toBe(true);
    expect(result.killedWith).toBe('SIGKILL');
    for (const pid of pids) expect(isRunning(pid), `process ${pid}`).toBe(false);
    expect(Date.now() - started).toBeLessThan(1500 + GRACE_MS + 3000);
  });

  it('ends the tree when its signal is aborted', async () => {
    workspace = await createWorkspace();
    const pidFile = workspace.path('pids');
    const controller = new AbortController();
    const run = runCommand({
      command: 'sleep 30 & echo "$!" >> "$PIDS"; wait',
      env: { ...process.env, PIDS: pidFile },
      signal: controller.signal,
      killGraceMs: GRACE_MS,
    });
    await waitFor(() => pidsIn(pidFile).length === 1, 'the sleep to start');
    controller.abort();
    const result = await run;
    const [sleepPid] = pidsIn(pidFile);
    leftovers.push(sleepPid ?? 0);
    expect(result.cancelled).toBe(true);
    expect(result.timedOut).toBe(false);
    expect(result.killedWith).toBe('SIGTERM');
    expect(isRunning(sleepPid ?? 0)).toBe(false);
  });

  // Every point of start-up at which a cancel can arrive, each ending the whole tree. An abort
  // between spawn() and its 'spawn' event used to be dropped: the listener came after that await.
  // MLOPS_CANCEL_ROUNDS raises the rounds; scripts/stress-cancel.sh runs 200 with the CPU loaded.
  const cancelRounds = Number(process.env['MLOPS_CANCEL_ROUNDS'] ?? '20');
  const startPoints: Record<string, (abort: () => void, pids: () => number[]) => Promise<void>> = {
    'before spawn': async () => undefined, // aborted before runCommand is called: see below
    "between spawn() and the 'spawn' event": async (abort) => abort(),
    'in a microtask after start': async (abort) => {
      await Promise.resolve();
      abort();
    },
    'on a timer tick after start': async (abort) => {
      await new Promise((resolve) => setImmediate(resolve));
      abort();
    },
    'while the command runs': async (abort, pids) => {
      await waitFor(() => pids().length === 1, 'the sleep to start');
      abort();
    },
  };
  for (const [point, cancel] of Object.entries(startPoints)) {
    it(
      `ends the tree when aborted ${point} (${cancelRounds} rounds)`,
      { timeout: 30_000 + cancelRounds * 2_000 },
      async () => {
        workspace = await createWorkspace();
        for (let round = 0; round < cancelRounds; round++) {
          const pidFile = workspace.path(`pids-${round}`);
          const controller = new AbortController();
          if (point === 'before spawn') controller.abort();
          const run = runCommand({
            command: 'sleep 30 & echo "$!" >> "$PIDS"; wait',
            env: { ...process.env, PIDS: pidFile },
            signal: controller.signal,
            killGraceMs: GRACE_MS,
          });
          await cancel(
            () => controller.abort(),
            () => pidsIn(pidFile),
          );
          const result = await run;
          const started = pidsIn(pidFile);
          leftovers.push(...started);
          expect(result.cancelled, `round ${round}`).toBe(true);
          expect(result.timedOut).toBe(false);
          expect(result.durationMs).toBeLessThan(10_000);
          if (point === 'before spawn') expect(result.killedWith).toBeNull();
          else expect(result.killedWith).not.toBeNull();
          for (const pid of started) expect(isRunning(pid), `sleep ${pid}`).toBe(false);
        }
      },
    );
  }

  it('does not start a command whose signal is already aborted', async () => {
    const result = await runCommand({ command: 'echo started', signal: AbortSignal.abort() });
    expect(result).toMatchObject({ exitCode: null, cancelled: true, tail: [], killedWith: null });
  });

  it('ends background processes left behind by a command that exited', async () => {
    workspace = await createWorkspace();
    const pidFile = workspace.path('pids');
    const result = await runCommand({
      command: 'sleep 30 & echo "$!" >> "$PIDS"; echo done',
      env: { ...process.env, PIDS: pidFile },
      killGraceMs: GRACE_MS,
    });
    const [orphan] = pidsIn(pidFile);
    leftovers.push(orphan ?? 0);
    expect(result.exitCode).toBe(0);
    expect(result.orphansEnded).toBe(true);
    expect(result.tail).toEqual(['done']);
    expect(isRunning(orphan ?? 0)).toBe(false);
  });

  it('leaves them alone with killOrphans: false', async () => {
    workspace = await createWorkspace();
    const pidFile = workspace.path('pids');
    const result = await runCommand({
      command: 'sleep 30 > /dev/null 2>&1 & echo "$!" >> "$PIDS"',
      env: { ...process.env, PIDS: pidFile },
      killOrphans: false,
    });
    const [orphan] = pidsIn(pidFile);
    leftovers.push(orphan ?? 0);
    expect(result.orphansEnded).toBe(false);
    expect(isRunning(orphan ?? 0)).toBe(true);
  });
});

describe('groupAlive', () => {
  it('is false for a group that does not exist', () => {
    // Process groups are numbered by their leader's pid; pid_max on Linux is at most 4194304.
    expect(groupAlive(4_194_303)).toBe(false);
  });
});

describe('forwardTerminationSignals', () => {
  it('aborts the controller with the signal as reason, and can be removed', () => {
    // SIGUSR2 stands in for SIGTERM here: emitting SIGTERM in the test worker would reach the
    // runner's own handlers. The real signals are covered by the next test.
    const controller = new AbortController();
    const before = process.listenerCount('SIGUSR2');
    const remove = forwardTerminationSignals(controller, ['SIGUSR2']);
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBeInstanceOf(TerminationSignalError);
    expect((controller.signal.reason as TerminationSignalError).signal).toBe('SIGUSR2');
    remove();
    expect(process.listenerCount('SIGUSR2')).toBe(before);
  });

  it('turns a SIGTERM to the action process into the end of the command tree', async () => {
    workspace = await createWorkspace();
    const moduleUrl = new URL(
      `file://${path.join(repoRoot, 'src/adapters/process/run-command.ts')}`,
    );
    await workspace.write(
      'action.mts', // .mts: ESM with top-level await wherever the temp folder is
      [
        `import { forwardTerminationSignals, runCommand } from ${JSON.stringify(moduleUrl.href)};`,
        'const controller = new AbortController();',
        'forwardTerminationSignals(controller);',
        'const result = await runCommand({',
        `  command: 'sleep 30 & echo "$!" >> "$PIDS"; wait',`,
        '  signal: controller.signal,',
        `  killGraceMs: ${GRACE_MS},`,
        '});',
        'process.stdout.write(JSON.stringify(result));',
        '',
      ].join('\n'),
    );
    const pidFile = workspace.path('pids');
    const action = spawn(process.execPath, ['--import', 'tsx', workspace.path('action.mts')], {
      cwd: repoRoot,
      env: { ...process.env, PIDS: pidFile },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    action.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((resolve) =>
      action.on('exit', (code) => resolve((exitCode = code))),
    );
    await waitFor(
      () => exitCode !== undefined || pidsIn(pidFile).length === 1,
      'the command to start',
      20_000,
    );
    expect(exitCode, 'the action script ended before its command started').toBeUndefined();
    const [sleepPid] = pidsIn(pidFile);
    leftovers.push(sleepPid ?? 0);
    action.kill('SIGTERM'); // what the runner does to the step's process on cancellation
    expect(await exited).toBe(0);
    const result = JSON.parse(stdout) as { cancelled: boolean; killedWith: string };
    expect(result.cancelled).toBe(true);
    expect(result.killedWith).toBe('SIGTERM');
    expect(isRunning(sleepPid ?? 0)).toBe(false);
  });
});
