/**
 * Writes the wide numeric benchmark file, bench/out/wide-1m.csv: 1,000,000 records of the
 * Breast Cancer Wisconsin (Diagnostic) data set's 30 float features and its two-value label
 * (examples/breast-cancer/data/*.csv, 569 records), resampled with noise so that the numbers
 * look like real features: each record copies a random source record and multiplies each
 * feature by (1 + 0.03·N(0, 1)), clamped at 0, printed with as many decimals as most of that
 * column's values have in the source (so a column keeps its precision and its distinct values stay countable).
 *
 * The second half (records 500,001 on) is shifted a little, so that a drift check on the two
 * halves has something to find: `mean texture` is 5% larger and malignant records are drawn
 * twice as often. A few values are made negative on purpose (`min: 0` violations, one every
 * 250,000 records) so that validation has findings to agree on.
 *
 * Deterministic: a fixed-seed PRNG (mulberry32), the same bytes on every machine.
 * The schema is the example's own (examples/breast-cancer/schema.yml).
 *
 * Run with `npx tsx bench/make-wide-csv.ts [--rows 1000000] [--out bench/out/wide-1m.csv]`.
 */
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    out: { type: 'string' },
    seed: { type: 'string', default: '18' },
  },
});
const root = path.resolve(import.meta.dirname, '..');
const rows = Number(values.rows);
const out = path.resolve(root, values.out ?? 'bench/out/wide-1m.csv');

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; enough for resampling. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(Number(values.seed));
let spare: number | undefined;
/** A standard normal deviate (Box–Muller, both values used). */
function gaussian(): number {
  if (spare !== undefined) {
    const s = spare;
    spare = undefined;
    return s;
  }
  const u = 1 - random();
  const v = random();
  const r = Math.sqrt(-2 * Math.log(u));
  spare = r * Math.sin(2 * Math.PI * v);
  return r * Math.cos(2 * Math.PI * v);
}

// The source: both files of the example, header once. Its cells hold no quotes or commas.
const sourceFiles = ['train.csv', 'eval.csv'].map((name) =>
  readFileSync(path.join(root, 'examples/breast-cancer/data', name), 'utf8')
    .trim()
    .split('\n'),
);
const header = sourceFiles[0]![0]!;
const names = header.split(',');
const labelIndex = names.indexOf('diagnosis');
if (labelIndex !== names.length - 1) throw new Error('expected diagnosis as the last column');
const features = names.length - 1;
const records = sourceFiles.flatMap((lines) => lines.slice(1).map((line) => line.split(',')));
// A column's decimals: the count most of its source values have (a few have one more digit).
const decimals = Array.from({ length: features }, (_, c) => {
  const tally = new Map<number, number>();
  for (const record of records) {
    const text = record[c]!;
    const dot = text.indexOf('.');
    const places = dot === -1 ? 0 : text.length - dot - 1;
    tally.set(places, (tally.get(places) ?? 0) + 1);
  }
  return [...tally].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
});
const numbers = records.map((record) => record.slice(0, features).map(Number));
const labels = records.map((record) => record[labelIndex]!);
const malignant = records.map((_, i) => i).filter((i) => labels[i] === 'malignant');
const texture = names.indexOf('mean texture');

async function write(stream: WriteStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await new Promise<void>((done) => stream.once('drain', () => done()));
}

await mkdir(path.dirname(out), { recursive: true });
const stream = createWriteStream(out);
await write(stream, `${header}\n`);
let text = '';
for (let r = 0; r < rows; r++) {
  const shifted = r >= rows / 2;
  // Shifted half: half the draws from the malignant records, so about twice their share.
  const pick =
    shifted && random() < 0.5
      ? malignant[Math.floor(random() * malignant.length)]!
      : Math.floor(random() * records.length);
  const source = numbers[pick]!;
  for (let c = 0; c < features; c++) {
    let value = source[c]! * (1 + 0.03 * gaussian());
    if (shifted && c === texture) value *= 1.05;
    if (value < 0) value = 0;
    // One deliberate violation every 250,000 records, in a rotating column.
    if (r % 250_000 === 12_345 && c === Math.floor(r / 250_000) % features) value = -value - 1;
    text += value.toFixed(decimals[c]);
    text += ',';
  }
  text += labels[pick];
  text += '\n';
  if (text.length > 1 << 20) {
    await write(stream, text);
    text = '';
  }
}
await write(stream, text);
await new Promise<void>((done, fail) =>
  stream.end((error?: Error | null) => (error ? fail(error) : done())),
);
console.log(`wrote ${rows.toLocaleString('en-US')} records to ${path.relative(root, out)}`);
