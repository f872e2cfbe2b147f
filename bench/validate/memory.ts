/**
 * Benchmark: peak memory of `mlops validate` on 3,000,000 records that are all valid against the
 * same 3,000,000 records where every one violates the schema (3,003,000 violations). Validation
 * counts every violation and keeps only the first of each rule, so the second run should need
 * about the memory of the first; when every violation was kept it grew past 1 GB.
 *
 * Each run is a child process under GNU time (`%M`: peak resident set size); the runs alternate,
 * and the medians are compared. The violation counts are checked against the construction.
 *
 * Usage: npm run build && npx tsx bench/validate/memory.ts [--runs 3] [--records 3000000]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { narrowSchema, writeNarrow } from '../../test/support/dirty-data.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    records: { type: 'string', default: '3000000' },
  },
});
const runs = Number(values.runs);
const records = Number(values.records);
const root = path.resolve(import.meta.dirname, '../..');
const out = path.join(root, 'bench/out/validate-memory');
mkdirSync(out, { recursive: true });

const schema = path.join(out, 'narrow.schema.yml');
writeFileSync(schema, narrowSchema);
const files = {
  clean: { csv: path.join(out, 'clean.csv'), broken: false },
  'all violating': { csv: path.join(out, 'all-violating.csv'), broken: true },
};
const expected: Record<string, number> = {};
for (const [name, file] of Object.entries(files)) {
  expected[name] = (await writeNarrow(file.csv, records, file.broken)).total;
}

interface Measurement {
  seconds: number;
  peakMiB: number;
  violations: number;
}

function measure(csv: string): Measurement {
  const report = path.join(out, 'report.json');
  const result = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      'TIME %e %M',
      process.execPath,
      path.join(root, 'bin/mlops.js'),
      'validate',
      '--schema',
      schema,
      '--data',
      csv,
      '--report',
      report,
      '--force',
      '--quiet',
      '--fail-on',
      'never',
    ],
    { cwd: out, encoding: 'utf8' },
  );
  const timing = /TIME ([\d.]+) (\d+)/.exec(result.stderr);
  if (result.status !== 0 || !timing) {
    throw new Error(`mlops validate failed (${result.status}):\n${result.stderr}`);
  }
  const json = JSON.parse(readFileSync(report, 'utf8')) as { violationCount: number };
  return {
    seconds: Number(timing[1]),
    peakMiB: Number(timing[2]) / 1024,
    violations: json.violationCount,
  };
}

const results: Record<string, Measurement[]> = { clean: [], 'all violating': [] };
for (let run = 0; run < runs; run++) {
  for (const [name, file] of Object.entries(files)) {
    const m = measure(file.csv);
    results[name]?.push(m);
    console.log(
      `run ${run + 1} ${name}: ${m.seconds.toFixed(2)} s, ${m.peakMiB.toFixed(0)} MiB peak`,
    );
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const summary: Record<string, { seconds: number; peakMiB: number; violations: number }> = {};
for (const [name, ms] of Object.entries(results)) {
  summary[name] = {
    seconds: median(ms.map((m) => m.seconds)),
    peakMiB: median(ms.map((m) => m.peakMiB)),
    violations: ms[0]?.violations ?? NaN,
  };
  if (summary[name].violations !== expected[name]) {
    console.error(`${name}: ${summary[name].violations} violations, built with ${expected[name]}`);
    process.exitCode = 1;
  }
}
const clean = summary['clean'];
const dirty = summary['all violating'];
console.log(
  `\nmlops validate, ${records.toLocaleString('en-US')} records (${(statSync(files.clean.csv).size / 2 ** 20).toFixed(0)} MiB CSV), median of ${runs}:`,
);
for (const [name, s] of Object.entries(summary)) {
  console.log(
    `${name.padEnd(14)} ${s.seconds.toFixed(2).padStart(6)} s ${s.peakMiB.toFixed(0).padStart(6)} MiB ${s.violations.toLocaleString('en-US').padStart(10)} violations`,
  );
}
const ratio = (dirty?.peakMiB ?? NaN) / (clean?.peakMiB ?? NaN);
console.log(`\npeak-memory ratio all-violating / clean: ${ratio.toFixed(2)}x (target <= 2x)`);
if (!(ratio <= 2)) process.exitCode = 1;
writeFileSync(
  path.join(out, 'memory-bench.json'),
  `${JSON.stringify({ records, runs, summary, ratio }, null, 2)}\n`,
);
