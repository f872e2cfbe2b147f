/**
 * `npm run demo` (scripts/demo.mjs) end to end, written to a temporary folder
 * (MLOPS_DEMO_OUTPUT): every step's output file, two versions with production on v1.0.0, the
 * second evaluation compared with production, the drifted batch as documented, and the example
 * in the repository left untouched. Runs the built command (`npm run build` first, as `npm test`
 * does; `npm run demo` builds by itself).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMermaidParses } from '../support/mermaid-parse.js';

const root = path.resolve(import.meta.dirname, '../..');
/** The columns the demo shifts, as documented in the example. */
const SHIFT = JSON.parse(
  readFileSync(path.join(root, 'examples/breast-cancer/drift-shift.json'), 'utf8'),
) as { factor: number; columns: string[] };
const SHIFTED = SHIFT.columns;
const run = promisify(execFile);

let out: string;
let stdout: string;

function csv(text: string): { header: string[]; rows: string[][] } {
  const [header = '', ...rows] = text.trimEnd().split('\n');
  return { header: header.split(','), rows: rows.map((row) => row.split(',')) };
}

beforeAll(async () => {
  out = path.join(await realpath(await mkdtemp(path.join(os.tmpdir(), 'mlops-demo-'))), 'out');
  ({ stdout } = await run(process.execPath, [path.join(root, 'scripts/demo.mjs')], {
    cwd: root,
    env: { ...process.env, MLOPS_DEMO_OUTPUT: out },
  }));
}, 120_000);

afterAll(async () => {
  await rm(path.dirname(out), { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('prints one line per step with its duration, and the total', () => {
    for (const step of [
      'validate',
      'train v1',
      'evaluate v1',
      'publish v1.0.0',
      'promote v1.0.0',
      'train v2',
      'evaluate v2',
      'publish v1.1.0',
      'drift \\(114 rows\\)',
      'registry show',
    ]) {
      expect(stdout).toMatch(new RegExp(`^\\s*\\d+\\. ${step}\\s+\\d+\\.\\d\\d s `, 'm'));
    }
    expect(stdout).toMatch(
      /^\s*9\. drift \(114 rows\)\s+\S+ s {2}Drift: moderate \(10 drifted columns, share 0\.32\)/m,
    );
    expect(stdout).toMatch(/^total \d+\.\d\d s/m);
  });

  it('writes each step’s output files', async () => {
    for (const file of [
      'pr-comment-v1.md',
      'pr-comment-v2.md',
      'evaluate-v1.json',
      'evaluate-v2.json',
      'registry.txt',
      'summary.txt',
      'drift-report.json',
      'drift-issue.md',
      'work/data/drifted-batch.csv',
      'work/.mlops/registry/breast-cancer/v1.0.0/model.onnx',
      'work/.mlops/registry/breast-cancer/v1.1.0/model.onnx',
    ]) {
      expect(existsSync(path.join(out, file)), file).toBe(true);
    }
    const summary = await readFile(path.join(out, 'summary.txt'), 'utf8');
    const steps = summary
      .trimEnd()
      .split('\n')
      .map((line) => /^\s*\d+\. (.+?)\s{2,}/.exec(line)?.[1]);
    for (const name of [
      'validate',
      'train v1',
      'publish v1.0.0',
      'serve (114 requests)',
      'drift on the log',
    ]) {
      expect(steps, name).toContain(name);
    }
    expect(summary.trimEnd().split('\n').at(-1)).toMatch(/^total \d+\.\d\d s$/);
  });

  it('serves production to the evaluation records and finds no drift in its prediction log', async () => {
    const summary = await readFile(path.join(out, 'summary.txt'), 'utf8');
    expect(summary).toMatch(
      /serve \(114 requests\).*114 records answered by http:\/\/127\.0\.0\.1:\d+/,
    );
    const log = (await readdir(path.join(out, 'work/.mlops/predictions'))).filter((f) =>
      f.endsWith('.jsonl'),
    );
    const lines = (
      await Promise.all(
        log.map((f) => readFile(path.join(out, 'work/.mlops/predictions', f), 'utf8')),
      )
    )
      .join('')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(114);
    const ids = lines.map(
      (line) => (JSON.parse(line) as { _mlops: { request: string } })._mlops.request,
    );
    expect(new Set(ids)).toEqual(new Set(Array.from({ length: 114 }, (_, n) => `eval-${n}`)));
    const report = JSON.parse(
      await readFile(path.join(out, 'serve-drift-report.json'), 'utf8'),
    ) as {
      severity: string;
    };
    expect(report.severity).toBe('none');
  });

  it('measures the served model on the 100 labels that arrived later, accuracy as counted here', async () => {
    const report = JSON.parse(
      await readFile(path.join(out, 'performance-report.json'), 'utf8'),
    ) as {
      severity: string;
      coverage: { predictions: number; labelled: number; never_labelled: number };
      windows: { labelled: number; metrics: { accuracy: number } }[];
    };
    expect(report.coverage).toMatchObject({ predictions: 114, labelled: 100, never_labelled: 14 });
    // The truth of eval-<n> is row n of eval.csv; the prediction is in the log.
    const [header = '', ...rows] = (await readFile(path.join(out, 'work/data/eval.csv'), 'utf8'))
      .trimEnd()
      .split('\n');
    const target = header.split(',').indexOf('diagnosis');
    const dir = path.join(out, 'work/.mlops/predictions');
    const predicted = new Map<string, string>();
    for (const file of await readdir(dir)) {
      for (const line of (await readFile(path.join(dir, file), 'utf8')).trim().split('\n')) {
        const logged = (JSON.parse(line) as { _mlops: { request: string; prediction: string } })
          ._mlops;
        predicted.set(logged.request, logged.prediction);
      }
    }
    const correct = rows
      .slice(0, 100)
      .filter((row, n) => row.split(',')[target] === predicted.get(`eval-${n}`)).length;
    const labelledWindows = report.windows.filter((w) => w.labelled > 0);
    const total = labelledWindows.reduce((sum, w) => sum + w.labelled, 0);
    expect(total).toBe(100);
    if (labelledWindows.length === 1) {
      expect(labelledWindows[0]?.metrics.accuracy).toBeCloseTo(correct / 100, 12);
    }
    expect(existsSync(path.join(out, 'performance-issue.md'))).toBe(true);
  });

  it('registry.txt shows v1.0.0 and v1.1.0, production on v1.0.0', async () => {
    const registry = await readFile(path.join(out, 'registry.txt'), 'utf8');
    expect(registry).toContain('breast-cancer in .mlops/registry: 2 versions, 1 stage event');
    expect(registry).toMatch(/^v1\.1\.0 +\S+ +sha256:\w+\s*$/m);
    expect(registry).toMatch(/^v1\.0\.0 +\S+ +sha256:\w+ +production$/m);
    expect(registry).toMatch(/^\* +#1 +production +v1\.0\.0/m);
  });

  it('evaluates v1 alone and v2 against production v1.0.0; the comments are the PR comments', async () => {
    const v1 = JSON.parse(await readFile(path.join(out, 'evaluate-v1.json'), 'utf8')) as {
      baseline: unknown;
      candidate: { digest: string };
    };
    const v2 = JSON.parse(await readFile(path.join(out, 'evaluate-v2.json'), 'utf8')) as {
      baseline: { version: string; digest: string } | null;
      candidate: { digest: string };
    };
    expect(v1.baseline).toBeNull();
    // The report names the baseline as evaluate resolved it (`v1.0.0` today); either spelling.
    expect(v2.baseline?.version.replace(/^v/, '')).toBe('1.0.0');
    expect(v2.baseline?.digest).toBe(v1.candidate.digest);
    expect(v2.candidate.digest).not.toBe(v1.candidate.digest);

    const c1 = await readFile(path.join(out, 'pr-comment-v1.md'), 'utf8');
    const c2 = await readFile(path.join(out, 'pr-comment-v2.md'), 'utf8');
    for (const comment of [c1, c2]) {
      expect(comment.startsWith('<!-- mlops-actions:evaluate:breast-cancer -->')).toBe(true);
    }
    expect(c1).toContain(v1.candidate.digest);
    expect(c2).toContain('production v1.0.0');
    expect(c2).toContain(v2.candidate.digest);

    const manifest = JSON.parse(
      await readFile(
        path.join(out, 'work/.mlops/registry/breast-cancer/v1.1.0/manifest.json'),
        'utf8',
      ),
    ) as { model: { version: string }; publication: { evaluation: { baselineVersion: string } } };
    expect(manifest.model.version).toBe('1.1.0');
    expect(manifest.publication.evaluation.baselineVersion.replace(/^v/, '')).toBe('1.0.0');
  });

  it('grades the drift moderate: 10 shifted of 31 profiled columns, and opens (writes) the issue', async () => {
    const report = JSON.parse(await readFile(path.join(out, 'drift-report.json'), 'utf8')) as {
      severity: string;
      share: number;
      columns: { column: string; kind: string; drifted: boolean }[];
    };
    // 30 features and the label are profiled; the ten shifted ones drift, as designed.
    const data = report.columns.filter((c) => c.kind !== 'prediction');
    expect(new Set(data.map((c) => c.column)).size).toBe(31);
    expect(
      data
        .filter((c) => c.drifted)
        .map((c) => c.column)
        .sort(),
    ).toEqual([...SHIFTED].sort());
    expect(report.share).toBeCloseTo(10 / 31, 12);
    expect(report.severity).toBe('moderate');
    const issue = await readFile(path.join(out, 'drift-issue.md'), 'utf8');
    expect(issue).toContain('**Severity: moderate**');
    expect(issue).toContain('```mermaid');
  });

  it('shows a reviewer the verdict, the positive class and the pictures; every Mermaid block parses', async () => {
    const v2 = await readFile(path.join(out, 'pr-comment-v2.md'), 'utf8');
    // The demo's candidate is significantly worse on log_loss and no better elsewhere.
    expect(v2).toMatch(/candidate is (worse than|not better than|no significant difference)/i);
    expect(v2).toMatch(/Significantly worse: \*\*log\\_loss\*\*/);
    expect(v2).toContain('Positive class: **malignant**');
    for (const picture of ['ROC', 'Precision-recall', 'Calibration', 'Latency']) {
      expect(v2.toLowerCase(), picture).toContain(picture.toLowerCase());
    }
    const issue = await readFile(path.join(out, 'drift-issue.md'), 'utf8');
    expect(issue).toMatch(/What happens next|what happens next/);
    // No path of the machine that ran the check: the report is named, not located.
    expect(issue).not.toContain(out);
    expect(issue).not.toMatch(/Full report: \//);
    let blocks = 0;
    for (const file of [
      'pr-comment-v1.md',
      'pr-comment-v2.md',
      'drift-issue.md',
      'performance-issue.md',
    ]) {
      blocks += await expectMermaidParses(await readFile(path.join(out, file), 'utf8'));
    }
    expect(blocks).toBeGreaterThan(10);
  }, 120_000);

  it('the drifted batch is the evaluation records with ten columns x 1.3', async () => {
    const original = csv(
      await readFile(path.join(root, 'examples/breast-cancer/data/eval.csv'), 'utf8'),
    );
    const drifted = csv(await readFile(path.join(out, 'work/data/drifted-batch.csv'), 'utf8'));
    expect(drifted.header).toEqual(original.header);
    expect(drifted.rows).toHaveLength(original.rows.length);
    const shifted = new Set(SHIFTED);
    original.rows.forEach((row, r) => {
      row.forEach((value, c) => {
        const got = drifted.rows[r]?.[c];
        if (shifted.has(original.header[c] ?? '')) {
          expect(Number(got)).toBeCloseTo(Number(value) * SHIFT.factor, 9);
        } else {
          expect(got).toBe(value);
        }
      });
    });
  });

  it('leaves the example in the repository untouched', () => {
    expect(existsSync(path.join(root, 'examples/breast-cancer/.mlops'))).toBe(false);
    expect(existsSync(path.join(root, 'examples/breast-cancer/data/drifted-batch.csv'))).toBe(
      false,
    );
  });
});
