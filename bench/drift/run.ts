/**
 * Benchmark: a drift check on ../shared/datasets/flights-3m.parquet — reference = the first half
 * of its rows by date, current = the second half; every column (the date as its hour of day) —
 * through our profiles and src/core/drift, against pandas + scipy doing the same tests on the
 * same rows, in one run, alternately (median of N), each in its own process. Wall time and peak
 * RSS come from GNU time (`/usr/bin/time -f '%e %M'`), else from the child's own report
 * (`process.resourceUsage().maxRSS`, `ru_maxrss`) and the parent's clock.
 *
 * Input: this Python has no pyarrow/fastparquet, so pandas cannot read Parquet. The bench writes
 * the same rows once (untimed) with our reader to bench/out/drift/flights.csv, and BOTH timed
 * sides read that CSV: parse + split + profile + tests on our side, `read_csv` + sort + tests on
 * pandas'. Our side is also run on the Parquet file itself once (reported, not in the ratio).
 *
 * The split: our side reads the file twice (dates first, to find the median row by date; see
 * drift-mlops.ts), pandas sorts the frame (stable) and takes the first half. Every statistic must
 * agree to 1e-9 relative, else the run fails.
 *
 * Case `wide` (`--case wide`): bench/out/wide-1m.csv (bench/make-wide-csv.ts: 1,000,000 records,
 * 30 float features and a two-value label, resampled from the breast-cancer example), the first
 * 500,000 records as the reference and the rest as the current data, 31 columns tested
 * (drift-wide-mlops.ts against drift_wide_pandas.py); no Parquet run. The order of the two tools
 * alternates from run to run, and the time to read the file once from the page cache
 * (bench/read-once.ts) is printed next to them as the physical limit.
 *
 * Usage: npm run bench:drift [-- --runs 3] [--case flights|wide]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, case: { type: 'string', default: 'flights' } },
});
const runs = Number(values.runs);
const wide = values.case === 'wide';
if (!wide && values.case !== 'flights') throw new Error('--case is flights or wide');
const root = path.resolve(import.meta.dirname, '../..');
const out = path.join(root, 'bench/out/drift');
const csv = wide ? path.join(root, 'bench/out/wide-1m.csv') : path.join(out, 'flights.csv');
const parquet = path.resolve(root, '../shared/datasets/flights-3m.parquet');
const TOLERANCE = 1e-9;
mkdirSync(out, { recursive: true });

if (wide && !existsSync(csv)) {
  console.log('writing bench/out/wide-1m.csv …');
  execFileSync('npx', ['tsx', 'bench/make-wide-csv.ts'], { cwd: root, stdio: 'inherit' });
}
if (!existsSync(csv)) {
  const shared = path.join(root, 'bench/out/flights-3m.csv');
  if (!existsSync(shared)) {
    console.log('writing the flights CSV from the Parquet file with our reader …');
    execFileSync('npx', ['tsx', 'bench/make-flights-csv.ts'], { cwd: root, stdio: 'inherit' });
  }
  copyFileSync(shared, csv);
}

interface Stats {
  rows: number;
  reference: number;
  current: number;
  columns: Record<string, Record<string, number | string | null>>;
  maxRssKiB: number;
}
interface Measurement {
  seconds: number;
  peakMiB: number;
  stats: Stats;
}

const gnuTime = existsSync('/usr/bin/time');
function timed(command: string, args: string[]): Measurement {
  const started = performance.now();
  const result = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', command, ...args], {
        cwd: root,
        encoding: 'utf8',
      })
    : spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  const elapsed = (performance.now() - started) / 1000;
  if (result.status !== 0)
    throw new Error(`${command} failed (${result.status}):\n${result.stderr}`);
  const stats = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Stats;
  const timing = /TIME ([\d.]+) (\d+)/.exec(result.stderr);
  return timing
    ? { seconds: Number(timing[1]), peakMiB: Number(timing[2]) / 1024, stats }
    : { seconds: elapsed, peakMiB: stats.maxRssKiB / 1024, stats };
}

const ourScript = wide ? 'bench/drift/drift-wide-mlops.ts' : 'bench/drift/drift-mlops.ts';
const pandasScript = wide ? 'bench/drift/drift_wide_pandas.py' : 'bench/drift/drift_pandas.py';
const ours = (file: string) => timed(process.execPath, ['--import', 'tsx', ourScript, file]);
const pandas = () => timed('/usr/bin/python3', [pandasScript, csv]);
/** Seconds to read the file once from the page cache, measured inside the reading process. */
const readOnce = () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/read-once.ts', csv], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`read-once failed:\n${result.stderr}`);
  return (JSON.parse(result.stdout) as { seconds: number }).seconds;
};

const results: { ours: Measurement[]; pandas: Measurement[] } = { ours: [], pandas: [] };
const readTimes: number[] = [];
readOnce(); // warms the page cache for both tools
for (let run = 0; run < runs; run++) {
  // Alternate who goes first, so that neither always runs right after the other's load.
  if (run % 2 === 0) {
    results.ours.push(ours(csv));
    results.pandas.push(pandas());
  } else {
    results.pandas.push(pandas());
    results.ours.push(ours(csv));
  }
  readTimes.push(readOnce());
  console.log(
    `run ${run + 1}: mlops ${results.ours.at(-1)?.seconds.toFixed(2)} s, pandas ${results.pandas.at(-1)?.seconds.toFixed(2)} s, read once ${readTimes.at(-1)?.toFixed(3)} s`,
  );
}
const parquetRun = wide ? undefined : ours(parquet);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const summary = (ms: Measurement[]) => ({
  seconds: median(ms.map((m) => m.seconds)),
  peakMiB: median(ms.map((m) => m.peakMiB)),
});
const a = summary(results.ours);
const b = summary(results.pandas);

/** |x - y| / max(|x|, |y|), 0 when both are 0. */
function relative(x: unknown, y: unknown): number {
  if (typeof x !== 'number' || typeof y !== 'number') return x === y ? 0 : Infinity;
  const scale = Math.max(Math.abs(x), Math.abs(y));
  return scale === 0 ? 0 : Math.abs(x - y) / scale;
}

// Compare every run's statistics (ours on CSV and Parquet) with the first pandas run's.
const expected = results.pandas[0]!.stats;
const agreement: Record<string, { test: string; maxRelativeDifference: number }> = {};
let failed = false;
for (const [name, want] of Object.entries(expected.columns)) {
  let worst = 0;
  for (const m of [...results.ours, ...(parquetRun ? [parquetRun] : []), ...results.pandas]) {
    const got = m.stats.columns[name];
    if (got === undefined || got['test'] !== want['test']) {
      worst = Infinity;
      continue;
    }
    for (const key of Object.keys(want)) {
      if (key !== 'test') worst = Math.max(worst, relative(got[key], want[key]));
    }
  }
  agreement[name] = { test: String(want['test']), maxRelativeDifference: worst };
  if (!(worst <= TOLERANCE)) failed = true;
}
for (const m of [...results.ours, ...(parquetRun ? [parquetRun] : [])]) {
  if (m.stats.reference !== expected.reference || m.stats.current !== expected.current)
    failed = true;
}

console.log(
  `\ndrift check on ${expected.rows.toLocaleString('en-US')} rows (reference ${expected.reference.toLocaleString('en-US')}, current ${expected.current.toLocaleString('en-US')}), median of ${runs}:`,
);
const line = (name: string, s: { seconds: number; peakMiB: number }) =>
  `${name.padEnd(30)} ${s.seconds.toFixed(2).padStart(7)} s ${s.peakMiB.toFixed(0).padStart(7)} MiB`;
console.log(line('mlops (CSV)', a));
console.log(line('pandas + scipy (CSV)', b));
if (parquetRun) console.log(line('mlops (Parquet, one run)', parquetRun));
const readSeconds = median(readTimes);
console.log(`${'read once (page cache)'.padEnd(30)} ${readSeconds.toFixed(2).padStart(7)} s`);
console.log('\nstatistics, max relative difference (every run vs pandas):');
for (const [name, { test, maxRelativeDifference }] of Object.entries(agreement)) {
  console.log(
    `  ${name.padEnd(wide ? 24 : 12)} ${test.padEnd(14)} ${maxRelativeDifference.toExponential(2)} ${maxRelativeDifference <= TOLERANCE ? 'ok' : 'FAIL'}`,
  );
}
const wallRatio = a.seconds / b.seconds;
const memoryRatio = a.peakMiB / b.peakMiB;
console.log(
  `\nwall-time ratio mlops/pandas: ${wallRatio.toFixed(2)}x (target <= ${wide ? 0.7 : 1.0}x); mlops/read-once: ${(a.seconds / readSeconds).toFixed(1)}x`,
);
console.log(
  `peak-memory ratio mlops/pandas: ${memoryRatio.toFixed(2)}x${wide ? ' (target <= 0.35x)' : ''}`,
);
writeFileSync(
  path.join(out, wide ? 'results-wide.json' : 'results.json'),
  `${JSON.stringify(
    {
      runs,
      date: new Date().toISOString(),
      input: `${path.relative(root, csv)} (both sides)`,
      readOnceSeconds: readSeconds,
      measured: {
        ours: results.ours.map((m) => [m.seconds, m.peakMiB]),
        pandas: results.pandas.map((m) => [m.seconds, m.peakMiB]),
        readOnce: readTimes,
      },
      timing: gnuTime ? '/usr/bin/time' : 'parent clock + child maxRSS',
      ours: a,
      pandas: b,
      ...(parquetRun && {
        oursParquet: { seconds: parquetRun.seconds, peakMiB: parquetRun.peakMiB },
      }),
      wallRatio,
      memoryRatio,
      tolerance: TOLERANCE,
      agreement,
      statistics: { ours: results.ours[0]?.stats.columns, pandas: expected.columns },
    },
    null,
    2,
  )}\n`,
);
if (failed) {
  console.error(`\nFAIL: a statistic (or the split) differs by more than ${TOLERANCE} relative`);
  process.exitCode = 1;
}
