/**
 * Benchmark: validating 3,000,000 rows of real flight data written as CSV, our streaming
 * validator (`mlops validate`) against pandas reading the same CSV and applying the same checks
 * vectorised. Both run as separate processes, alternately, in one run; wall time and peak
 * resident memory come from GNU time. Prints rows/s and the ratios.
 *
 * Usage: npm run bench:validate [-- --runs 3]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const root = path.resolve(import.meta.dirname, '../..');
const out = path.join(root, 'bench/out');
const csv = path.join(out, 'flights-3m.csv');
const schema = path.join(root, 'bench/validate/flights.schema.yml');
mkdirSync(out, { recursive: true });

if (!existsSync(csv)) {
  console.log('writing bench/out/flights-3m.csv from ../shared/datasets/flights-3m.parquet …');
  execFileSync('npx', ['tsx', 'bench/make-flights-csv.ts'], { cwd: root, stdio: 'inherit' });
}
if (!existsSync(path.join(root, 'dist/cli.js'))) {
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

interface Measurement {
  seconds: number;
  peakMiB: number;
  rows: number;
  violations: number;
}

/** Runs a command under GNU time; `%e` is wall seconds, `%M` peak RSS in KiB. */
function timed(
  command: string,
  args: string[],
  parse: (stdout: string) => { rows: number; violations: number },
): Measurement {
  const result = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', command, ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const timing = /TIME ([\d.]+) (\d+)/.exec(result.stderr);
  if (!timing) throw new Error(`${command} failed (${result.status}):\n${result.stderr}`);
  return { seconds: Number(timing[1]), peakMiB: Number(timing[2]) / 1024, ...parse(result.stdout) };
}

const report = path.join(out, 'validate-report.json');
const ours = () =>
  timed(
    process.execPath,
    [
      'bin/mlops.js',
      'validate',
      '--schema',
      schema,
      '--data',
      csv,
      '--report',
      report,
      '--quiet',
      '--fail-on',
      'never',
      // The same report is written by every round.
      '--force',
    ],
    () => {
      const json = JSON.parse(readFileSync(report, 'utf8')) as {
        rows: number;
        violationCount: number;
      };
      // The report lists the first violations of each rule and counts them all.
      return { rows: json.rows, violations: json.violationCount };
    },
  );
const pandas = () =>
  timed('/usr/bin/python3', ['bench/validate/pandas_validate.py', csv, schema], (stdout) => {
    const json = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      rows: number;
      violations: number;
    };
    return { rows: json.rows, violations: json.violations };
  });

const results: { ours: Measurement[]; pandas: Measurement[] } = { ours: [], pandas: [] };
for (let run = 0; run < runs; run++) {
  results.ours.push(ours());
  results.pandas.push(pandas());
  console.log(
    `run ${run + 1}: mlops ${results.ours.at(-1)?.seconds}s, pandas ${results.pandas.at(-1)?.seconds}s`,
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const summary = (ms: Measurement[]) => ({
  seconds: median(ms.map((m) => m.seconds)),
  peakMiB: median(ms.map((m) => m.peakMiB)),
  rows: ms[0]?.rows ?? 0,
  violations: ms[0]?.violations ?? 0,
});
const a = summary(results.ours);
const b = summary(results.pandas);
if (a.rows !== b.rows || a.violations !== b.violations) {
  console.error(
    `the tools disagree: mlops ${a.rows} rows / ${a.violations} violations, pandas ${b.rows} / ${b.violations}`,
  );
  process.exitCode = 1;
}
const line = (name: string, s: ReturnType<typeof summary>) =>
  `${name.padEnd(22)} ${s.seconds.toFixed(2).padStart(7)} s ${s.peakMiB.toFixed(0).padStart(7)} MiB ${Math.round(
    s.rows / s.seconds,
  )
    .toLocaleString('en-US')
    .padStart(12)} rows/s ${String(s.violations).padStart(8)} violations`;
console.log(
  `\nvalidate ${a.rows.toLocaleString('en-US')} rows (${(statSync(csv).size / 2 ** 20).toFixed(0)} MiB CSV), median of ${runs}:`,
);
console.log(line('mlops validate', a));
console.log(line('pandas (read + checks)', b));
const wallRatio = a.seconds / b.seconds;
const memoryRatio = a.peakMiB / b.peakMiB;
console.log(`\nwall-time ratio mlops/pandas: ${wallRatio.toFixed(2)}x (target <= 1.0x)`);
console.log(`peak-memory ratio mlops/pandas: ${memoryRatio.toFixed(2)}x (target <= 0.25x)`);
writeFileSync(
  path.join(out, 'validate-bench.json'),
  `${JSON.stringify({ ours: a, pandas: b, wallRatio, memoryRatio, runs }, null, 2)}\n`,
);
