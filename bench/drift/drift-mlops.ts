/**
 * Our side of the drift benchmark (bench/drift/run.ts): streams a flights file (CSV or Parquet)
 * twice with `readDataset` — first the dates alone, to find where the first half of the rows by
 * date ends, then every column into two profile builders (reference, current) — and runs
 * Evidently's default test plus KS (numerical columns) through src/core/drift on the profiles'
 * distributions. Prints one line of JSON: the statistics and this process's peak RSS.
 *
 * The split is the stable sort's: with `half = floor(rows / 2)` and `T` the date of the
 * half-th row by date, reference = rows dated before `T` plus the first rows (in file order)
 * dated `T` until it holds `half` rows; pandas' `sort_values(kind='stable').iloc[:half]` is the
 * same set of rows.
 *
 * Usage: npx tsx bench/drift/drift-mlops.ts <file>
 */
import type { Cell, DataBatch } from '../../src/core/data/batch.js';
import { readDataset } from '../../src/adapters/data/open-dataset.js';
import { compareColumns } from './compare-columns.js';
import { createProfileBuilder } from '../../src/core/profile/profile.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { toDateTime } from '../../src/core/validate/cell-parsers.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: drift-mlops.ts <file>');

const schema = parseDatasetSchema(
  [
    'version: 1',
    'columns:',
    '  date: { type: datetime }',
    '  delay: { type: integer }',
    '  distance: { type: integer }',
    '  origin: { type: string }',
    '  destination: { type: string }',
  ].join('\n'),
  'flights.schema.yml',
);

async function* batches(): AsyncGenerator<DataBatch> {
  for await (const event of readDataset(file!)) {
    if (event.kind === 'issue') throw new Error(event.issue.message);
    yield event.batch;
  }
}

function dateCells(batch: DataBatch): readonly Cell[] {
  const index = batch.columns.indexOf('date');
  const cells = batch.values[index];
  if (cells === undefined) throw new Error('no date column');
  return cells;
}

/** A date as a number; a missing or unreadable one sorts last, as pandas puts NaT last. */
function dateOf(cell: Cell): number {
  const time = cell === null ? Infinity : toDateTime(cell);
  return typeof time === 'number' ? time : Infinity;
}

// Pass 1: the dates alone.
let dates = new Float64Array(1 << 20);
let rows = 0;
for await (const batch of batches()) {
  const cells = dateCells(batch);
  if (rows + batch.rows > dates.length) {
    const grown = new Float64Array(Math.max(dates.length * 2, rows + batch.rows));
    grown.set(dates.subarray(0, rows));
    dates = grown;
  }
  for (let r = 0; r < batch.rows; r++) dates[rows + r] = dateOf(cells[r] ?? null);
  rows += batch.rows;
}
const half = Math.floor(rows / 2);
const sorted = dates.slice(0, rows).sort();
dates = new Float64Array(0);
const threshold = sorted[half - 1] ?? -Infinity;
let below = 0;
while (below < half && sorted[below]! < threshold) below++;
let equalToReference = half - below;

// Pass 2: every column, each row into the reference or the current profile.
const reference = createProfileBuilder({ schema });
const current = createProfileBuilder({ schema });
function subBatch(batch: DataBatch, keep: Uint8Array, want: number, count: number): DataBatch {
  const lines: number[] = [];
  for (let r = 0; r < batch.rows; r++) if (keep[r] === want) lines.push(batch.lines[r]!);
  return {
    ...batch,
    values: batch.values.map((cells) => cells.filter((_, r) => keep[r] === want)),
    lines,
    rows: count,
  };
}
for await (const batch of batches()) {
  const cells = dateCells(batch);
  const keep = new Uint8Array(batch.rows);
  let toReference = 0;
  for (let r = 0; r < batch.rows; r++) {
    const time = dateOf(cells[r] ?? null);
    if (time < threshold || (time === threshold && equalToReference-- > 0)) {
      keep[r] = 1;
      toReference++;
    }
  }
  if (toReference === batch.rows) reference.add(batch);
  else if (toReference === 0) current.add(batch);
  else {
    reference.add(subBatch(batch, keep, 1, toReference));
    current.add(subBatch(batch, keep, 0, batch.rows - toReference));
  }
}
const ref = reference.finish();
const cur = current.finish();

// `date:hour` is reported as `hour`, the name the pandas side derives.
const columns = compareColumns(ref, cur, (name) => (name === 'date:hour' ? 'hour' : name));

console.log(
  JSON.stringify({
    rows,
    reference: ref.rows,
    current: cur.rows,
    threshold: Number.isFinite(threshold) ? new Date(threshold).toISOString() : null,
    columns,
    maxRssKiB: process.resourceUsage().maxRSS,
  }),
);
