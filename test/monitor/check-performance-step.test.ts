/**
 * The check-performance step with its ports handed in: the released metrics come from the
 * production version's metrics.json through the registry port; labels in JSONL joined by request
 * id. Then `mlops performance` (the bundle) on the same files, exit status by --fail-on.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMlopsConfig } from '../../src/adapters/fs/load-config.js';
import { runCommand } from '../../src/adapters/process/run-command.js';
import { DataError } from '../../src/core/errors.js';
import { createSilentLogger } from '../../src/core/logger.js';
import type { PerformanceRegistry } from '../../src/core/monitor/performance-port.js';
import { formatLogLine } from '../../src/core/serve/prediction-log-record.js';
import { checkPerformance } from '../../src/steps/check-performance.js';
import { mlops } from '../support/run-cli.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';

let workspace: Workspace;

// Regression, key request: r1 (one record) and r2 (two records, keyed r2#0 and r2#1).
// Errors 1, −2, 2 → RMSE = √((1 + 4 + 4) / 3) = √3; MAE = 5/3.
const LOG = [
  ['r1', 0, 11],
  ['r2', 0, 18],
  ['r2', 1, 32],
] as const;
const LABELS = [
  { id: 'r1', label: 10, time: '2026-12-01T12:00:00Z' },
  { id: 'r2#0', label: 20, time: '2026-12-01T12:00:00Z' },
  { id: 'r2#1', label: 30, time: '2026-12-01T12:00:00Z' },
];

beforeAll(async () => {
  workspace = await createWorkspace({});
  await workspace.write(
    'schema.yml',
    'version: 1\ncolumns:\n  x: { type: number }\n  y: { type: number, role: target }\n',
  );
  await workspace.write(
    'mlops.yml',
    `version: 1
model: { name: price, task: regression }
data: { schema: schema.yml }
monitoring:
  logs: log.jsonl
  labels: labels.jsonl
  performance: { window: 1d, min-labels: 3, metrics: { rmse: { moderate: '20%', severe: '50%' } } }
`,
  );
  await workspace.write(
    'log.jsonl',
    `${LOG.map(([request, record, prediction]) =>
      formatLogLine(['x'], [record], {
        time: '2026-12-01T08:00:00Z',
        request,
        record,
        id: null,
        model: 'price',
        version: '1.2.0',
        digest: 'sha256:00',
        prediction,
      }),
    ).join('\n')}\n`,
  );
  await workspace.write('labels.jsonl', `${LABELS.map((l) => JSON.stringify(l)).join('\n')}\n`);
});

afterAll(async () => {
  await workspace.cleanup();
});

function registry(
  metrics: Record<string, number> | null,
): PerformanceRegistry & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    findStage: async (model) =>
      metrics === null
        ? null
        : {
            model,
            stage: 'production',
            version: '1.2.0',
            tag: `${model}#production#1`,
            n: 1,
            commit: null,
            pullRequest: null,
            approvedBy: [],
            run: null,
          },
    downloadAsset: async (model, version, name, destDir) => {
      asked.push(`${model}@${version}/${name}`);
      const file = path.join(destDir, name);
      await mkdir(destDir, { recursive: true });
      await writeFile(file, JSON.stringify(metrics));
      return file;
    },
  };
}

async function run(metrics: Record<string, number> | null) {
  const loaded = await loadMlopsConfig({ cwd: workspace.dir, path: 'mlops.yml' });
  const ports = registry(metrics);
  const result = await checkPerformance({
    cwd: workspace.dir,
    loaded: loaded!,
    reportPath: path.join(workspace.dir, 'out/report.json'),
    registry: ports,
    issues: null,
    dispatcher: null,
    runUrl: null,
    workDir: path.join(workspace.dir, '.work'),
    logger: createSilentLogger(),
  });
  return { result, asked: ports.asked };
}

describe('check-performance with the production release', () => {
  it("compares with the production version's metrics.json", async () => {
    // Released RMSE 1.2: √3 ≈ 1.732 is 0.532 worse, at least 20% of 1.2 (0.24), under 50% (0.6).
    const { result, asked } = await run({ rmse: 1.2, mae: 1 });
    expect(asked).toEqual(['price@1.2.0/metrics.json']);
    const { report } = result;
    expect(report.released).toEqual({ version: '1.2.0', metrics: { rmse: 1.2, mae: 1 } });
    expect(report.key).toBe('request');
    expect(report.coverage).toMatchObject({
      predictions: 3,
      labelled: 3,
      never_labelled: 0,
      unmatched_labels: 0,
    });
    expect(report.windows[0]?.metrics['rmse']).toBeCloseTo(Math.sqrt(3), 12);
    expect(report.windows[0]?.metrics['mae']).toBeCloseTo(5 / 3, 12);
    expect(report.severity).toBe('moderate');
    expect(result.issueBody).toContain('<!-- mlops-actions:performance:price -->');
  });

  it('says when no version is in production', async () => {
    await expect(run(null)).rejects.toThrow(DataError);
    await expect(run(null)).rejects.toThrow(/price has no production version/);
  });
});

describe('the labels command', () => {
  const commands = { runCommand: (c: Parameters<typeof runCommand>[0]) => runCommand(c) };
  async function withCommand(command: string) {
    const loaded = await loadMlopsConfig({ cwd: workspace.dir, path: 'mlops.yml' });
    return checkPerformance({
      cwd: workspace.dir,
      loaded: loaded!,
      labels: [],
      labelsCommand: command,
      commands,
      releasedMetrics: 'released-cmd.json',
      reportPath: path.join(workspace.dir, 'out/cmd.json'),
      registry: null,
      issues: null,
      dispatcher: null,
      runUrl: null,
      workDir: path.join(workspace.dir, '.work-cmd'),
      logger: createSilentLogger(),
    });
  }

  it("reads its output as labels, and it never sees the runner's token", async () => {
    await workspace.write('released-cmd.json', JSON.stringify({ rmse: 1.2 }));
    const before = process.env['GITHUB_TOKEN'];
    process.env['GITHUB_TOKEN'] = 'ghs_secret';
    try {
      // Fails (bash -e) if the token reached it; prints two of the three labels as JSONL.
      const result = await withCommand(`test -z "\${GITHUB_TOKEN:-}"; head -n 2 labels.jsonl`);
      expect(result.report.coverage).toMatchObject({ labelled: 2, never_labelled: 1 });
      // Errors 1 and −2: RMSE √(5/2).
      expect(result.report.windows[0]?.metrics['rmse']).toBeCloseTo(Math.sqrt(2.5), 12);
    } finally {
      if (before === undefined) delete process.env['GITHUB_TOKEN'];
      else process.env['GITHUB_TOKEN'] = before;
    }
  });

  it('fails with its exit code and last output', async () => {
    await expect(withCommand('echo "no access to the bucket" >&2; exit 3')).rejects.toThrow(
      /monitoring\.labels-command\): the labels command exited with code 3; its last output:\nno access to the bucket/,
    );
  });
});

describe('mlops performance', () => {
  it('writes the report and the issue body, and exits 1 at --fail-on moderate', async () => {
    await workspace.write('released.json', JSON.stringify({ rmse: 1.2 }));
    const args = [
      'performance',
      '--released-metrics',
      'released.json',
      '--report',
      'cli/report.json',
      '--issue-out',
      'cli/issue.md',
      '--force',
    ];
    const graded = await mlops(workspace.dir, ...args, '--fail-on', 'moderate');
    expect(graded.code, graded.stderr).toBe(1);
    expect(graded.stdout).toContain('Performance: moderate (3 of 3 predictions labelled)');
    const report = JSON.parse(await workspace.read('cli/report.json')) as { severity: string };
    expect(report.severity).toBe('moderate');
    expect(await workspace.read('cli/issue.md')).toContain('**Severity: moderate**');
    const lenient = await mlops(workspace.dir, ...args);
    expect(lenient.code, lenient.stderr).toBe(0);
  });
});
