/**
 * Large data files broken on purpose, with the violations they hold counted while they are
 * written: the expected counts come from the construction, never from the validator under test.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';

export const breastCancerDir = path.resolve(import.meta.dirname, '../../examples/breast-cancer');

/** A violation the construction put in, in the order the validator checks a record's columns. */
export interface PlantedViolation {
  readonly line: number;
  readonly title: string;
}

export interface DirtyFile {
  readonly records: number;
  /** Violations by "rule (column)", as the action titles them. */
  readonly counts: Readonly<Record<string, number>>;
  readonly total: number;
  /** The first `keepFirst` violations by line, then column order. */
  readonly first: readonly PlantedViolation[];
}

/** The 569 records of the breast-cancer example (train, then eval) and its header. */
export async function breastCancerRecords(): Promise<{ header: string; records: string[] }> {
  const [train, evaluation] = await Promise.all(
    ['train.csv', 'eval.csv'].map((name) =>
      readFile(path.join(breastCancerDir, 'data', name), 'utf8'),
    ),
  );
  const lines = (text: string | undefined) => (text ?? '').trimEnd().split('\n');
  const [header = '', ...trainRecords] = lines(train);
  const evalRecords = lines(evaluation).slice(1);
  return { header, records: [...trainRecords, ...evalRecords] };
}

async function writeLines(
  file: string,
  header: string,
  records: number,
  line: (r: number) => string,
): Promise<void> {
  const out = createWriteStream(file);
  let chunk = `${header}\n`;
  for (let r = 0; r < records; r++) {
    chunk += `${line(r)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/**
 * `records` records cycling through the example's 569, with three kinds of corrupted cell: every
 * 3rd record's `mean radius` is "abc" (type), every 11th's `mean area` is -5 (min 0), every 7th's
 * `diagnosis` is "unknown" (not an allowed value). Record r is on line r + 2.
 */
export async function writeDirtyBreastCancer(
  file: string,
  records: number,
  keepFirst = 1000,
): Promise<DirtyFile> {
  const { header, records: clean } = await breastCancerRecords();
  const columns = header.split(',');
  const radius = columns.indexOf('mean radius');
  const area = columns.indexOf('mean area');
  const diagnosis = columns.indexOf('diagnosis');
  // The validator checks columns in the header's order; so does this list.
  const planted = [
    { column: radius, every: 3, value: 'abc', title: 'schema: type (mean radius)' },
    { column: area, every: 11, value: '-5', title: 'schema: min (mean area)' },
    { column: diagnosis, every: 7, value: 'unknown', title: 'schema: values (diagnosis)' },
  ].sort((a, b) => a.column - b.column);
  const counts: Record<string, number> = {};
  const first: PlantedViolation[] = [];
  let total = 0;
  await writeLines(file, header, records, (r) => {
    const cells = (clean[r % clean.length] ?? '').split(',');
    for (const plant of planted) {
      if (r % plant.every !== 0) continue;
      cells[plant.column] = plant.value;
      counts[plant.title] = (counts[plant.title] ?? 0) + 1;
      total++;
      if (first.length < keepFirst) first.push({ line: r + 2, title: plant.title });
    }
    return cells.join(',');
  });
  return { records, counts, total, first };
}

/** The schema for `writeNarrow`: two columns. */
export const narrowSchema = `version: 1
columns:
  id: {type: integer, min: 0}
  score: {type: number, min: 0, max: 1}
`;

/**
 * `records` records of `id,score`. With `broken`, every score is 2 (above the maximum 1) and every
 * 1000th id is "x" (not an integer): every record violates. Otherwise all are valid.
 */
export async function writeNarrow(
  file: string,
  records: number,
  broken: boolean,
): Promise<{ counts: Record<string, number>; total: number }> {
  const counts = { 'type (id)': 0, 'max (score)': 0 };
  await writeLines(file, 'id,score', records, (r) => {
    if (!broken) return `${r},0.${r % 10}`;
    counts['max (score)']++;
    if (r % 1000 === 0) {
      counts['type (id)']++;
      return 'x,2';
    }
    return `${r},2`;
  });
  return { counts, total: counts['type (id)'] + counts['max (score)'] };
}
