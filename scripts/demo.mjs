// `npm run demo`: the whole lifecycle, locally, on the bundled breast-cancer example, with the
// embedded default (a local registry folder; no GitHub, no Python). Every step is the real
// command (`node bin/mlops.js ...` in a child process), run in a copy of the example so the
// repository is never modified:
//
//   1. validate            the data against schema.yml
//   2. train v1            the built-in logistic-regression baseline
//   3. evaluate v1         no production yet (--baseline none)
//   4. publish v1.0.0      into the local registry (work/.mlops/registry)
//   5. promote v1.0.0      to production (no review is checked locally)
//   6. train v2            a second candidate: the built-in softmax-regression
//   7. evaluate v2         against production (the local registry's production version)
//   8. publish v1.1.0
//   9. drift               on a drifted batch against production's reference profile
//  10. serve               mlops serve (production, v1.0.0) answers the evaluation records, one
//                          request each (eval-<n>), then drains its prediction log on SIGTERM
//  11. drift on the log    the prediction log as current data: the model saw what it was trained
//                          on, so no drift
//  12. performance         the labels of 100 of those records arrive an hour later: the model's
//                          real metrics on them against those v1.0.0 was released with
//  13. registry show       what the registry holds now
//  13. dashboard          the static dashboard of the registry and the drift reports (site/)
//
// Output (demo-output/, git-ignored; MLOPS_DEMO_OUTPUT=<dir> writes elsewhere):
//   work/                the copy of examples/breast-cancer the steps run in
//   work/data/drifted-batch.csv
//                        the drifted batch: the evaluation records with ten size, texture and
//                        shape measurements (DRIFT below) multiplied by 1.3, as if a new scanner
//                        calibration read every mass 30% larger and coarser. The schema still
//                        accepts it (the columns only have min: 0), so only a drift check can
//                        notice: 10 of the profile's 31 columns (30 features and the label),
//                        a share of 0.32, is moderate drift (0.25 <= share < 0.5).
//   serve-drift-report.json
//                        drift of the served requests (the prediction log) against production
//   drift-report.json, drift-issue.md
//                        the drift report and the issue the check-drift action would open
//   pr-comment-v1.md, pr-comment-v2.md
//                        the pull request comment the evaluate action would post
//   evaluate-v1.json, evaluate-v2.json
//                        the evaluation reports
//   registry.txt         `mlops registry show breast-cancer`
//   site/                `mlops dashboard build`: the static dashboard (index.html; serve the
//                        folder over HTTP for its charts)
//   summary.txt          one line per step with its duration
//
// It needs a build (`npm run demo` builds first) and takes a few seconds.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin', 'mlops.js');
const example = path.join(root, 'examples', 'breast-cancer');
const out = path.resolve(process.env.MLOPS_DEMO_OUTPUT ?? path.join(root, 'demo-output'));
const work = path.join(out, 'work');
const model = 'breast-cancer';

/** The drifted batch: which columns are shifted, and by how much (documented in the file). */
const DRIFT = JSON.parse(
  await readFile(path.join(root, 'examples/breast-cancer/drift-shift.json'), 'utf8'),
);

if (!existsSync(path.join(root, 'dist', 'cli.js'))) {
  console.error('demo: dist/cli.js is missing; run "npm run build" first (npm run demo does)');
  process.exit(3);
}

/** Runs `mlops <args>` in the work folder; resolves with its exit code and output. */
function mlops(args) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: work, env: childEnv(), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 3;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** No CI variables leak in: the steps see a local run, whatever shell starts the demo. */
function childEnv() {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('GITHUB_') || name.startsWith('INPUT_') || name === 'RUNNER_TEMP') {
      delete env[name];
    }
  }
  return env;
}

const summary = [];
const started = performance.now();

/**
 * One step: runs it, prints one line (number, name, duration, the command's last line of
 * output), and stops the demo with the command's output when its exit code is not accepted.
 */
async function step(name, args, { accept = [0], after } = {}) {
  const number = summary.length + 1;
  const t0 = performance.now();
  const result = await mlops(args);
  if (!accept.includes(result.code)) {
    process.stdout.write(
      `\n${number}. ${name}: mlops ${args.join(' ')} exited with ${result.code}\n${result.stdout}${result.stderr}`,
    );
    process.exit(1);
  }
  if (after !== undefined) await after(result);
  const seconds = (performance.now() - t0) / 1000;
  const lines = result.stdout.trim().split('\n').filter(Boolean);
  const detail = (lines[0] ?? '').length > 110 ? `${lines[0].slice(0, 107)}...` : (lines[0] ?? '');
  const line = `${String(number).padStart(2)}. ${name.padEnd(18)} ${seconds.toFixed(2).padStart(6)} s  ${detail}`;
  summary.push(line);
  process.stdout.write(`${line}\n`);
  return result;
}

/** The evaluation records with the documented shift (see DRIFT above). */
async function writeDriftedBatch(source, target) {
  const text = await readFile(source, 'utf8');
  if (text.includes('"')) throw new Error(`${source}: quoted CSV fields are not expected here`);
  const [header = '', ...rows] = text.trimEnd().split(/\r?\n/);
  const names = header.split(',');
  const indexes = DRIFT.columns.map((column) => {
    const index = names.indexOf(column);
    if (index < 0) throw new Error(`${source}: no column "${column}"`);
    return index;
  });
  const shifted = rows.map((row) => {
    const fields = row.split(',');
    for (const index of indexes) {
      const value = Number(fields[index]);
      if (fields[index] !== '' && Number.isFinite(value)) {
        fields[index] = String(Number((value * DRIFT.factor).toPrecision(12)));
      }
    }
    return fields.join(',');
  });
  await writeFile(target, `${[header, ...shifted].join('\n')}\n`);
  return rows.length;
}

/** A CSV without quoted fields as records: numbers where the text is one. */
async function readCsvRecords(file) {
  const [header = '', ...rows] = (await readFile(file, 'utf8')).trimEnd().split(/\r?\n/);
  const names = header.split(',');
  return rows.map((row) =>
    Object.fromEntries(
      row
        .split(',')
        .map((text, i) => [
          names[i],
          text !== '' && Number.isFinite(Number(text)) ? Number(text) : text,
        ]),
    ),
  );
}

/**
 * Starts `mlops serve` in the work folder, sends each record as one :predict request named
 * eval-<n>, then stops it with SIGTERM and checks that it exited 0 having logged every record.
 */
async function serveStep(name, records) {
  const number = summary.length + 1;
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--poll', '0'], {
    cwd: work,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk.toString();
      const match = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`mlops serve exited with ${code}:\n${output}`)));
  });
  const labels = new Map();
  const features = (record) =>
    Object.fromEntries(Object.entries(record).filter(([column]) => column !== 'diagnosis'));
  // Eight at a time, as a client pool would: the server answers 503 beyond --max-in-flight.
  let next = 0;
  const client = async () => {
    while (next < records.length) {
      const n = next++;
      const response = await fetch(`${url}/v1/models/${model}:predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `eval-${n}` },
        body: JSON.stringify({ instances: [features(records[n])] }),
      });
      if (response.status !== 200) {
        throw new Error(`request eval-${n}: ${response.status} ${await response.text()}`);
      }
      const answer = await response.json();
      labels.set(`eval-${n}`, answer.predictions[0].label);
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0 || !output.includes(`${records.length} predictions logged`)) {
    process.stdout.write(`\n${number}. ${name}: mlops serve ended with ${code}\n${output}`);
    process.exit(1);
  }
  const correct = records.filter(
    (record, n) => labels.get(`eval-${n}`) === record.diagnosis,
  ).length;
  const seconds = (performance.now() - t0) / 1000;
  const line = `${String(number).padStart(2)}. ${name.padEnd(18)} ${seconds.toFixed(2).padStart(6)} s  ${records.length} records answered by ${url} (${correct} predicted as labelled); prediction log in .mlops/predictions`;
  summary.push(line);
  process.stdout.write(`${line}\n`);
}

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await cp(example, work, { recursive: true });
const driftedRows = await writeDriftedBatch(
  path.join(work, 'data', 'eval.csv'),
  path.join(work, 'data', 'drifted-batch.csv'),
);
process.stdout.write(
  `mlops-actions demo: ${model} (examples/breast-cancer), local registry ${path.relative(process.cwd(), path.join(work, '.mlops', 'registry')) || '.'}\n\n`,
);

const report = path.join('.mlops', 'evaluate-report.json');
const copyReport = (name) => () => copyFile(path.join(work, report), path.join(out, name));

await step('validate', ['validate']);
await step('train v1', ['train', '--builtin', 'logistic-regression']);
await step(
  'evaluate v1',
  ['evaluate', '--baseline', 'none', '--comment-out', path.join(out, 'pr-comment-v1.md')],
  { after: copyReport('evaluate-v1.json') },
);
await step('publish v1.0.0', ['publish', '--version', '1.0.0']);
await step('promote v1.0.0', ['promote', '--version', '1.0.0', '--stage', 'production']);
await step('train v2', ['train', '--builtin', 'softmax-regression']);
await step(
  'evaluate v2',
  ['evaluate', '--baseline', 'production', '--comment-out', path.join(out, 'pr-comment-v2.md')],
  { after: copyReport('evaluate-v2.json') },
);
await step('publish v1.1.0', ['publish', '--version', '1.1.0']);

// drift step ------------------------------------------------------------------------------------
// `mlops drift` compares data/drifted-batch.csv (written above, see DRIFT) with the production
// version's reference profile, and the production model's predictions on it with its predictions
// on the training data. Drift found is the expected verdict here: --fail-on never.
await step(`drift (${driftedRows} rows)`, [
  'drift',
  '--current',
  path.join('data', 'drifted-batch.csv'),
  '--report',
  path.join(out, 'drift-report.json'),
  '--issue-out',
  path.join(out, 'drift-issue.md'),
  '--fail-on',
  'never',
]);
// end of drift step -----------------------------------------------------------------------------

// serve step ------------------------------------------------------------------------------------
// `mlops serve` serves the production version (v1.0.0) on a free loopback port; the evaluation
// records are sent as requests, one record each, named eval-<n> (x-request-id), as a client with
// its own ids would. SIGTERM drains: every answered record is in the prediction log, which the
// next step reads as drift data, and against which the evaluation labels "arrive later".
const evalRecords = await readCsvRecords(path.join(work, 'data', 'eval.csv'));
await serveStep(`serve (${evalRecords.length} requests)`, evalRecords);
await step('drift on the log', [
  'drift',
  '--current',
  path.join('.mlops', 'predictions', '*.jsonl'),
  '--report',
  path.join(out, 'serve-drift-report.json'),
  '--fail-on',
  'never',
]);
// The truth arrives later: the evaluation labels of the first 100 requests, an hour after they
// were answered (the last 14 are never labelled), joined to the log by request id.
const labelled = 100;
const arrived = new Date(Date.now() + 60 * 60 * 1000).toISOString();
await writeFile(
  path.join(work, 'data', 'labels.csv'),
  `id,label,time\n${evalRecords
    .slice(0, labelled)
    .map((record, n) => `eval-${n},${record.diagnosis},${arrived}`)
    .join('\n')}\n`,
);
await step(`performance (${labelled} labels)`, [
  'performance',
  '--logs',
  path.join('.mlops', 'predictions', '*.jsonl'),
  '--labels',
  path.join('data', 'labels.csv'),
  '--report',
  path.join(out, 'performance-report.json'),
  '--issue-out',
  path.join(out, 'performance-issue.md'),
  '--fail-on',
  'never',
]);
// end of serve step -----------------------------------------------------------------------------

await step('registry show', ['registry', 'show', model], {
  after: (result) => writeFile(path.join(out, 'registry.txt'), result.stdout),
});

// dashboard step --------------------------------------------------------------------------------
// `mlops dashboard build` writes the static site of the registry (the versions, the stage
// timeline, metrics across versions, the drift checks above; the performance report too when a
// monitoring step wrote one) into site/. Its charts read JSON over HTTP: serve the folder to see
// them (`npx http-server demo-output/site`); the tables need no JavaScript.
const dashboardReports = ['drift-report.json', 'serve-drift-report.json']
  .filter((name) => existsSync(path.join(out, name)))
  .flatMap((name) => ['--drift', path.join(out, name)]);
if (existsSync(path.join(out, 'performance-report.json'))) {
  dashboardReports.push('--performance', path.join(out, 'performance-report.json'));
}
await step('dashboard', [
  'dashboard',
  'build',
  '--out',
  path.join(out, 'site'),
  '--previous',
  'none',
  ...dashboardReports,
]);
// end of dashboard step -------------------------------------------------------------------------

const total = (performance.now() - started) / 1000;
const totalLine = `total ${total.toFixed(2)} s`;
await writeFile(path.join(out, 'summary.txt'), `${[...summary, totalLine].join('\n')}\n`);
process.stdout.write(
  `\n${totalLine}. Output in ${path.relative(process.cwd(), out) || '.'}/: pr-comment-v1.md, pr-comment-v2.md, evaluate-v1.json, evaluate-v2.json, drift-report.json, drift-issue.md, serve-drift-report.json, performance-report.json, performance-issue.md, registry.txt, site/, summary.txt\n`,
);
