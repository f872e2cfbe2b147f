/**
 * Benchmark: our streaming validator (`mlops validate`) against pandas reading the same CSV and
 * applying the same checks vectorised, on two files:
 * - `flights`: 3,000,000 rows of real flight data (5 columns: a date, two integers, two codes);
 * - `wide`: 1,000,000 rows × 31 columns, 30 float features and a two-value label, resampled with
 *   noise from the breast-cancer example (bench/make-wide-csv.ts), checked against the example's
 *   own schema (examples/breast-cancer/schema.yml).
 * Both tools run as separate processes, alternately (the order flips every run), in one run;
 * wall time and peak resident memory come from GNU time, and the medians are compared. Next to
 * each: the physical limit, the time to read the file once from the page cache (bench/read-once.ts,
 * the median of as many runs).
 *
 * Usage: npm run bench:validate [-- --runs 5] [--case flights|wide|all]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    case: { type: 'string', default: 'all' },
  },
});
const runs = Number(values.runs);
const root = path.resolve(import.meta.dirname, '../..');
const out = path.join(root, 'bench/out');
mkdirSync(out, { recursive: true });

interface BenchCase {
  readonly name: string;
  readonly csv: string;
  readonly schema: string;
  /** Writes the CSV when it is missing. */
  readonly make: readonly string[];
  readonly wallTarget: number;
  readonly memoryTarget: number;
}
const cases: BenchCase[] = [
  {
    name: 'flights',
    csv: path.join(out, 'flights-3m.csv'),
    schema: path.join(root, 'bench/validate/flights.schema.yml'),
    make: ['tsx', 'bench/make-flights-csv.ts'],
    wallTarget: 0.5,
    memoryTarget: 0.25,
  },
  {
    name: 'wide',
    csv: path.join(out, 'wide-1m.csv'),
    schema: path.join(root, 'examples/breast-cancer/schema.yml'),
    make: ['tsx', 'bench/make-wide-csv.ts'],
    wallTarget: 0.7,
    memoryTarget: 0.25,
  },
].filter((c) => values.case === 'all' || values.case === c.name);
if (cases.length === 0) throw new Error(`unknown case ${values.case}; use flights, wide or all`);

for (const c of cases) {
  if (!existsSync(c.csv)) {
    console.log(`writing ${path.relative(root, c.csv)} …`);
    execFileSync('npx', c.make, { cwd: root, stdio: 'inherit' });
  }
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
const ours = (c: BenchCase) =>
  timed(
    process.execPath,
    [
      'bin/mlops.js',
      'validate',
      '--schema',
      c.schema,
      '--data',
      c.csv,
      '--report',
      report,
      '--quiet',
      '--force',
      '--fail-on',
      'never',
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
const pandas = (c: BenchCase) =>
  timed('/usr/bin/python3', ['bench/validate/pandas_validate.py', c.csv, c.schema], (stdout) => {
    const json = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      rows: number;
      violations: number;
    };
    return { rows: json.rows, violations: json.violations };
  });
/** Seconds to read the file once from the page cache, measured inside the reading process. */
const readOnce = (c: BenchCase) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/read-once.ts', c.csv], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`read-once failed:\n${result.stderr}`);
  return (JSON.parse(result.stdout) as { seconds: number }).seconds;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const summary = (ms: Measurement[]) => ({
  seconds: median(ms.map((m) => m.seconds)),
  peakMiB: median(ms.map((m) => m.peakMiB)),
  rows: ms[0]?.rows ?? 0,
  violations: ms[0]?.violations ?? 0,
});
const line = (name: string, s: ReturnType<typeof summary>) =>
  `${name.padEnd(22)} ${s.seconds.toFixed(2).padStart(7)} s ${s.peakMiB.toFixed(0).padStart(7)} MiB ${Math.round(
    s.rows / s.seconds,
  )
    .toLocaleString('en-US')
    .padStart(12)} rows/s ${String(s.violations).padStart(8)} violations`;

const results: Record<string, unknown> = {};
for (const c of cases) {
  const measured: { ours: Measurement[]; pandas: Measurement[]; readOnce: number[] } = {
    ours: [],
    pandas: [],
    readOnce: [],
  };
  readOnce(c); // warms the page cache for both tools
  for (let run = 0; run < runs; run++) {
    // Alternate who goes first, so that neither always runs right after the other's load.
    if (run % 2 === 0) {
      measured.ours.push(ours(c));
      measured.pandas.push(pandas(c));
    } else {
      measured.pandas.push(pandas(c));
      measured.ours.push(ours(c));
    }
    measured.readOnce.push(readOnce(c));
    console.log(
      `${c.name} run ${run + 1}: mlops ${measured.ours.at(-1)?.seconds}s, pandas ${measured.pandas.at(-1)?.seconds}s, read once ${measured.readOnce.at(-1)?.toFixed(3)}s`,
    );
  }
  const a = summary(measured.ours);
  const b = summary(measured.pandas);
  const readSeconds = median(measured.readOnce);
  if (a.rows !== b.rows || a.violations !== b.violations) {
    console.error(
      `${c.name}: the tools disagree: mlops ${a.rows} rows / ${a.violations} violations, pandas ${b.rows} / ${b.violations}`,
    );
    process.exitCode = 1;
  }
  const size = statSync(c.csv).size;
  console.log(
    `\n${c.name}: validate ${a.rows.toLocaleString('en-US')} rows (${(size / 2 ** 20).toFixed(0)} MiB CSV), median of ${runs}:`,
  );
  console.log(line('mlops validate', a));
  console.log(line('pandas (read + checks)', b));
  console.log(
    `${'read once (page cache)'.padEnd(22)} ${readSeconds.toFixed(2).padStart(7)} s ${(size / 2 ** 20 / readSeconds).toFixed(0).padStart(7)} MiB/s`,
  );
  const wallRatio = a.seconds / b.seconds;
  const memoryRatio = a.peakMiB / b.peakMiB;
  console.log(
    `wall-time ratio mlops/pandas: ${wallRatio.toFixed(2)}x (target <= ${c.wallTarget}x); mlops/read-once: ${(a.seconds / readSeconds).toFixed(1)}x`,
  );
  console.log(
    `peak-memory ratio mlops/pandas: ${memoryRatio.toFixed(2)}x (target <= ${c.memoryTarget}x)\n`,
  );
  results[c.name] = {
    ours: a,
    pandas: b,
    readOnceSeconds: readSeconds,
    wallRatio,
    memoryRatio,
    targets: { wall: c.wallTarget, memory: c.memoryTarget },
    runs: measured,
  };
}
writeFileSync(
  path.join(out, 'validate-bench.json'),
  `${JSON.stringify({ runs, date: new Date().toISOString(), cases: results }, null, 2)}\n`,
);
