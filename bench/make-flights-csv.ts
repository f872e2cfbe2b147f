/**
 * Writes the benchmark's CSV version of the flights data set from the shared Parquet file:
 * bench/out/flights-3m.csv (header `date,delay,distance,origin,destination`, dates as
 * `YYYY-MM-DD HH:MM:SS`), and with `--jsonl` also bench/out/flights-3m.jsonl holding the same
 * values. Streamed out one batch at a time.
 *
 * Run with `npx tsx bench/make-flights-csv.ts [--jsonl]`.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDataset } from '../src/adapters/data/open-dataset.js';
import type { Cell } from '../src/core/data/batch.js';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, '..', '..', 'shared', 'datasets', 'flights-3m.parquet');
const outDir = join(here, 'out');
const COLUMNS = ['date', 'delay', 'distance', 'origin', 'destination'] as const;

function timestamp(value: Cell): string {
  if (!(value instanceof Date)) throw new Error(`expected a date, got ${String(value)}`);
  return value.toISOString().slice(0, 19).replace('T', ' ');
}

function text(value: Cell): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') {
    return String(value);
  }
  throw new Error(`unexpected value ${String(value)}`);
}

async function write(stream: WriteStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await new Promise<void>((done) => stream.once('drain', () => done()));
}

async function close(stream: WriteStream): Promise<void> {
  await new Promise<void>((done, fail) =>
    stream.end((error?: Error | null) => (error ? fail(error) : done())),
  );
}

async function main(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const csv = createWriteStream(join(outDir, 'flights-3m.csv'));
  const jsonl = process.argv.includes('--jsonl')
    ? createWriteStream(join(outDir, 'flights-3m.jsonl'))
    : undefined;
  await write(csv, `${COLUMNS.join(',')}\n`);
  let rows = 0;
  for await (const event of readDataset(source, { displayName: 'flights-3m.parquet' })) {
    if (event.kind === 'issue') throw new Error(event.issue.message);
    const { batch } = event;
    const index = COLUMNS.map((name) => batch.columns.indexOf(name));
    if (index.includes(-1)) throw new Error(`unexpected columns ${batch.columns.join(',')}`);
    const [date, delay, distance, origin, destination] = index.map(
      (c) => batch.values[c] ?? [],
    ) as [readonly Cell[], readonly Cell[], readonly Cell[], readonly Cell[], readonly Cell[]];
    let csvText = '';
    let jsonText = '';
    for (let r = 0; r < batch.rows; r++) {
      const when = timestamp(date[r] ?? null);
      const d = text(delay[r] ?? null);
      const km = text(distance[r] ?? null);
      const from = text(origin[r] ?? null);
      const to = text(destination[r] ?? null);
      csvText += `${when},${d},${km},${from},${to}\n`;
      if (jsonl)
        jsonText += `{"date":"${when}","delay":${d},"distance":${km},"origin":${JSON.stringify(from)},"destination":${JSON.stringify(to)}}\n`;
    }
    rows += batch.rows;
    await write(csv, csvText);
    if (jsonl) await write(jsonl, jsonText);
  }
  await Promise.all([close(csv), jsonl && close(jsonl)]);
  console.log(
    `wrote ${rows} rows to ${outDir}: flights-3m.csv${jsonl ? ' and flights-3m.jsonl' : ''}`,
  );
}

await main();
