/**
 * Runs a workflow's `run:` step for real, as the runner does on Linux (`bash --noprofile --norc
 * -eo pipefail`), for the steps whose logic a journey must exercise rather than assume: its
 * `env:`, `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files, and `gh` replaced by a shim that asks
 * the emulator (test/journey/gh-shim/gh, which needs curl and jq; `yq` as on GitHub's images).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SHIM_DIR = path.join(import.meta.dirname, 'gh-shim');

export interface BashStepResult {
  readonly outputs: Record<string, string>;
  /** `::notice ...::message` and the like, as written. */
  readonly commands: string[];
  readonly summary: string;
  readonly stdout: string;
}

/** `name=value` lines (GitHub also takes `name<<DELIMITER` blocks; ours do not write them). */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
  }
  return outputs;
}

export async function runBashStep(options: {
  script: string;
  env: Record<string, string>;
  cwd: string;
  apiUrl: string;
}): Promise<BashStepResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mlops-run-step-'));
  const files = {
    output: path.join(dir, 'output'),
    summary: path.join(dir, 'summary'),
    script: path.join(dir, 'step.sh'),
  };
  try {
    await writeFile(files.output, '');
    await writeFile(files.summary, '');
    await writeFile(files.script, options.script);
    const { stdout } = await run(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', files.script],
      {
        cwd: options.cwd,
        env: {
          PATH: `${SHIM_DIR}${path.delimiter}${process.env['PATH'] ?? ''}`,
          HOME: process.env['HOME'] ?? dir,
          GITHUB_API_URL: options.apiUrl,
          GITHUB_OUTPUT: files.output,
          GITHUB_STEP_SUMMARY: files.summary,
          ...options.env,
        },
      },
    );
    return {
      outputs: parseOutputs(await readFile(files.output, 'utf8')),
      commands: stdout.split('\n').filter((line) => line.startsWith('::')),
      summary: await readFile(files.summary, 'utf8'),
      stdout,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
