/**
 * The bundled evaluate action against the GitHub emulator, run as a runner runs it on a
 * pull_request event: a first model with no production, a production baseline from the registry
 * with deltas, a re-run updating the one comment, a failing gate, and faults (5xx, secondary rate
 * limits) that still end with exactly one comment and one check run.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatStageTagMessage } from '../../src/core/registry/registry-port.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { trainBaseline } from '../../src/core/train/baselines.js';
import { loadFeatureMatrix } from '../../src/adapters/data/load-feature-matrix.js';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator/index.js';
import { expectMermaidParses } from '../support/mermaid-parse.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { createWorkspace, type Workspace } from '../support/temp-workspace.js';
import {
  makeManifest,
  seedAnnotatedTag,
  seedRelease,
  sha256,
} from '../github/registry-fixtures.js';

const root = path.resolve(import.meta.dirname, '../..');
const action = path.join(root, 'actions/evaluate');

let emulator: GitHubEmulator;
let workspace: Workspace;
let prNumber: number;
let headSha: string;
let candidateBytes: Buffer;

beforeAll(async () => {
  emulator = await startGitHubEmulator();
  workspace = await createWorkspace({});
  await workspace.copyInto(path.join(root, 'examples/breast-cancer'), '.');
  const schema = parseDatasetSchema(
    await readFile(workspace.path('schema.yml'), 'utf8'),
    'schema.yml',
  );
  const matrix = await loadFeatureMatrix([workspace.path('data/train.csv')], schema);
  // The candidate: the built-in logistic regression, where training would have written it.
  candidateBytes = Buffer.from(
    trainBaseline({ kind: 'logistic-regression', matrix, seed: 42 }).onnx,
  );
  await workspace.write('.mlops/train/model.onnx', candidateBytes);
  headSha = emulator.repo.refs.get('refs/heads/main') as string;
  prNumber = emulator.repo.addIssue({ title: 'Retrain with more data' }).number;
});

afterAll(async () => {
  await workspace.cleanup();
  await emulator.close();
});

function evaluateRun(inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    action,
    cwd: workspace.dir,
    inputs: { 'github-token': emulator.token, ...inputs },
    event: {
      name: 'pull_request',
      payload: { number: prNumber, pull_request: { number: prNumber, head: { sha: headSha } } },
    },
    github: {
      apiUrl: emulator.url,
      repository: emulator.repo.fullName,
      sha: 'f'.repeat(40),
      runId: 99,
    },
    timeoutMs: 60_000,
  });
}

const comments = () =>
  [...emulator.repo.comments.values()].filter((c) => c.issueNumber === prNumber);
const checkRuns = () => [...emulator.repo.checkRuns.values()];

function seedProduction(bytes: Buffer): void {
  const manifest = makeManifest('breast-cancer', '1.0.0', bytes);
  const release = seedRelease(emulator.repo, 'breast-cancer@v1.0.0', [
    { name: 'model.onnx', data: bytes },
    { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
  ]);
  seedAnnotatedTag(
    emulator.repo,
    'breast-cancer#production#1',
    release.targetCommitish,
    formatStageTagMessage({ version: '1.0.0', pullRequest: 3, approvedBy: ['alice'], run: null }),
  );
}

describe('evaluate action', () => {
  it('evaluates a first model with no production version, posting one comment and one check run', async () => {
    const run = await evaluateRun();
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(run.outputs['baseline-version']).toBe('');
    const metrics = JSON.parse(run.outputs.metrics ?? '{}') as {
      candidate: Record<string, number>;
      baseline: null;
    };
    // 107 of the 114 eval records, as the trainer's own evaluation found (and scikit-learn).
    expect(metrics.candidate.accuracy).toBeCloseTo(107 / 114, 12);
    expect(metrics.baseline).toBeNull();
    expect(comments()).toHaveLength(1);
    const body = comments()[0]?.body ?? '';
    expect(body.startsWith('<!-- mlops-actions:evaluate:breast-cancer -->')).toBe(true);
    expect(body).toContain('no production version yet');
    expect(body).toContain(sha256(candidateBytes));
    expect(run.outputs['comment-url']).toContain(`/issues/${prNumber}#issuecomment-`);
    expect(checkRuns()).toHaveLength(1);
    expect(checkRuns()[0]).toMatchObject({
      name: 'mlops/evaluate (breast-cancer)',
      headSha,
      conclusion: 'success',
    });
    const report = JSON.parse(await readFile(workspace.path(run.outputs.report ?? ''), 'utf8')) as {
      candidate: { digest: string };
    };
    expect(report.candidate.digest).toBe(sha256(candidateBytes));
  });

  it('compares with the production version from the registry and updates the same comment', async () => {
    // Production: the softmax baseline on the same data, published as v1.0.0 and promoted.
    const schema = parseDatasetSchema(
      await readFile(workspace.path('schema.yml'), 'utf8'),
      'schema.yml',
    );
    const matrix = await loadFeatureMatrix([workspace.path('data/train.csv')], schema);
    seedProduction(
      Buffer.from(trainBaseline({ kind: 'softmax-regression', matrix, seed: 1 }).onnx),
    );
    const run = await evaluateRun();
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs['baseline-version']).toBe('v1.0.0');
    const body = comments()[0]?.body ?? '';
    expect(comments()).toHaveLength(1);
    expect(body).toContain('production v1.0.0');
    expect(body).toMatch(/\| accuracy \| ↑ higher \| [\d.]+ \| [\d.]+ \| [^|]+ \| \[[^\]]+\] \|/);
    // The example's positive class, named in the comment.
    expect(body).toContain('Positive class: **malignant**');
    expect(body).toContain("McNemar's exact test");
    expect(checkRuns()).toHaveLength(1);
  });

  it('fails a gate: passed=false, a failing check run and a non-zero exit', async () => {
    const config = await readFile(workspace.path('mlops.yml'), 'utf8');
    await writeFile(
      workspace.path('mlops.yml'),
      // The example's own evaluate section replaced by one with a gate it fails.
      `${config.replace(/^evaluate:[\s\S]*$/m, '')}evaluate:\n  gates:\n    - metric: accuracy\n      min: 0.99\n    - metric: roc_auc\n      max-drop: 5%\n`,
    );
    try {
      const run = await evaluateRun();
      expect(run.exitCode).toBe(1);
      expect(run.outputs.passed).toBe('false');
      expect(checkRuns()).toHaveLength(1);
      expect(checkRuns()[0]?.conclusion).toBe('failure');
      expect(comments()).toHaveLength(1);
      expect(comments()[0]?.body).toContain('failed evaluation');
      expect(run.annotations.map((a) => a.message).join('\n')).toMatch(
        /^1 gate\(s\) failed: accuracy /m,
      );
    } finally {
      await writeFile(workspace.path('mlops.yml'), config);
    }
  });

  it('survives 5xx and secondary rate limits with exactly one comment and one check run', async () => {
    emulator.faults.push({ method: 'GET', path: /\/issues\/\d+\/comments/, status: 502, times: 2 });
    emulator.faults.push({
      method: 'PATCH',
      path: /\/issues\/comments\//,
      status: 403,
      rateLimit: 'secondary',
      retryAfter: 1,
      times: 1,
    });
    emulator.faults.push({ method: 'GET', path: /\/check-runs/, status: 503, times: 1 });
    emulator.faults.push({
      method: 'GET',
      path: /matching-refs/,
      status: 429,
      rateLimit: 'secondary',
      retryAfter: 1,
      times: 1,
    });
    const run = await evaluateRun();
    expect(run.exitCode, run.stdout).toBe(0);
    expect(comments()).toHaveLength(1);
    expect(checkRuns()).toHaveLength(1);
  });
  it('charts the gated metrics of the released versions, verified against their manifests', async () => {
    /** A release whose manifest records metrics.json's digest; `served` replaces the file. */
    const seedVersion = (version: string, metrics: Record<string, number>, served?: string) => {
      const model = Buffer.from(`history model ${version}`);
      const text = Buffer.from(`${JSON.stringify(metrics)}\n`);
      const manifest = {
        ...makeManifest('breast-cancer', version, model),
        publication: {
          commit: null,
          pullRequest: null,
          evaluation: null,
          assets: [{ path: 'metrics.json', digest: sha256(text), bytes: text.length }],
        },
      };
      seedRelease(emulator.repo, `breast-cancer@v${version}`, [
        { name: 'model.onnx', data: model },
        { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) },
        { name: 'metrics.json', data: served === undefined ? text : Buffer.from(served) },
      ]);
    };
    seedVersion('1.1.0', { accuracy: 0.91, recall: 0.86, roc_auc: 0.95 });
    seedVersion('1.2.0', { accuracy: 0.93, recall: 0.88, roc_auc: 0.97 });
    // Changed after publication: never drawn.
    seedVersion('1.3.0', { accuracy: 0.94, recall: 0.9, roc_auc: 0.98 }, '{"accuracy": 1}\n');
    const run = await evaluateRun();
    expect(run.exitCode, run.stdout).toBe(0);
    expect(comments()).toHaveLength(1);
    const body = comments()[0]?.body ?? '';
    // v1.0.0 (seeded above) has no metrics.json: it is not history.
    expect(body).toContain('History: 2 released versions and the candidate');
    expect(body).toContain('x-axis "version" ["v1.1.0", "v1.2.0", "candidate"]');
    // Recall, ROC AUC, accuracy: the gates' order. (The emulator's http:// pages are not linked.)
    expect(body).toContain('| v1.1.0 | 0.8600 | 0.9500 | 0.9100 |');
    expect(body).toContain('| v1.2.0 | 0.8800 | 0.9700 | 0.9300 |');
    expect(body).toContain('_v1.3.0 is not shown: its metrics.json does not match the digest');
    expect(body.length).toBeLessThanOrEqual(65_536);
    await expectMermaidParses(body);
  });
  it("draws the candidate's training curves, unless the manifest records another digest", async () => {
    const text = '{"epoch": 1, "train_loss": 0.6}\n{"epoch": 2, "train_loss": 0.4}\n';
    await workspace.write('.mlops/train/metrics-history.jsonl', text);
    try {
      const run = await evaluateRun();
      expect(run.exitCode, run.stdout).toBe(0);
      const body = comments()[0]?.body ?? '';
      expect(body).toContain('Training curves of the candidate (2 epochs)');
      expect(body).toContain('  line [0.6, 0.4]');
      await expectMermaidParses(body);

      // A file that is not the one training recorded is never drawn.
      await workspace.write(
        '.mlops/train/manifest.json',
        JSON.stringify({ training: { metricsHistory: { digest: `sha256:${'0'.repeat(64)}` } } }),
      );
      const mismatch = await evaluateRun();
      expect(mismatch.exitCode, mismatch.stdout).toBe(0);
      expect(comments()[0]?.body).not.toContain('Training curves of the candidate');
      expect(mismatch.stdout).toContain('does not match the digest its manifest records');
    } finally {
      await rm(workspace.path('.mlops/train/metrics-history.jsonl'), { force: true });
      await rm(workspace.path('.mlops/train/manifest.json'), { force: true });
    }
  });
});
