/**
 * Our side of the wide drift benchmark (bench/drift/run.ts, case `wide`): streams
 * bench/out/wide-1m.csv once with `readDataset` as `mlops profile`/`drift` read data (number
 * columns parsed in place, `numberColumnsOf`), the first half of the records into the reference
 * profile and the rest into the current one, and runs Evidently's default test plus KS
 * (numerical columns) through src/core/drift on the profiles' distributions. Prints one line of
 * JSON: the statistics and this process's peak RSS.
 *
 * Usage: npx tsx bench/drift/drift-wide-mlops.ts <file> [rows in the reference]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DataBatch } from '../../src/core/data/batch.js';
import { numberColumnsOf, readDataset } from '../../src/adapters/data/open-dataset.js';
import { compareColumns } from './compare-columns.js';
import { createProfileBuilder } from '../../src/core/profile/profile.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: drift-wide-mlops.ts <file> [reference rows]');
const root = path.resolve(import.meta.dirname, '../..');
const schemaPath = path.join(root, 'examples/breast-cancer/schema.yml');
const schema = parseDatasetSchema(readFileSync(schemaPath, 'utf8'), schemaPath);
const referenceRows = Number(process.argv[3] ?? 500_000);

/** Records `from`..`to` (exclusive) of a batch, as a batch. */
function part(batch: DataBatch, from: number, to: number): DataBatch {
  return {
    ...batch,
    values: batch.values.map((cells) => cells.slice(from, to)),
    lines: Array.from(batch.lines).slice(from, to),
    rows: to - from,
  };
}

const reference = createProfileBuilder({ schema });
const current = createProfileBuilder({ schema });
let rows = 0;
for await (const event of readDataset(file, { numberColumns: numberColumnsOf(schema) })) {
  if (event.kind === 'issue') throw new Error(event.issue.message);
  const { batch } = event;
  const split = Math.min(Math.max(referenceRows - rows, 0), batch.rows);
  if (split === batch.rows) reference.add(batch);
  else if (split === 0) current.add(batch);
  else {
    reference.add(part(batch, 0, split));
    current.add(part(batch, split, batch.rows));
  }
  rows += batch.rows;
}
const ref = reference.finish();
const cur = current.finish();

const columns = compareColumns(ref, cur);

console.log(
  JSON.stringify({
    rows,
    reference: ref.rows,
    current: cur.rows,
    columns,
    maxRssKiB: process.resourceUsage().maxRSS,
  }),
);
