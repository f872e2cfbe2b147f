/**
 * Category frequencies (category, string and boolean columns; the tokens of text columns).
 *
 * Counts stay exact up to a cap of distinct keys. Past it, the most frequent keys are kept (ties
 * broken by key, so the result does not depend on insertion order) and the rest are folded into
 * one `other` count, and the summary is marked not exact. While building, the map may grow to
 * twice the cap before it is folded back to the cap, so memory stays bounded. Folding is
 * approximate by nature: which keys survive can depend on the order in which rows and shards
 * arrive, so a folded summary is a close approximation (keys near the cut may be missing or
 * undercounted), and a chi-square test on it is approximate too. Without folding, merging is
 * exact, associative and commutative.
 */

export interface CategorySummary {
  /** Key → count, most frequent first (ties by key). */
  readonly counts: ReadonlyMap<string, number>;
  /** Occurrences of keys folded away; 0 when exact. */
  readonly other: number;
  /** False once keys have been folded into `other`. */
  readonly exact: boolean;
}

/** The key under which folded occurrences appear in a categorical distribution. */
export const OTHER_KEY = '__other__';

/**
 * A copy of a cell's text that does not pin the reader's text block: the CSV reader hands out
 * strings of 13 or more characters as slices of a 64 KiB block (see csv-reader.ts), which a key
 * kept in a map would keep alive. Concatenation and slicing make V8 flatten into a new string.
 * Called only for keys seen for the first time.
 */
function ownString(text: string): string {
  return text.length >= 13 ? (' ' + text).slice(1) : text;
}

function byCountThenKey(a: [string, number], b: [string, number]): number {
  if (a[1] !== b[1]) return b[1] - a[1];
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** Sorts entries (most frequent first) and folds all past `cap` into the returned `other`. */
function sortAndFold(
  entries: [string, number][],
  cap: number,
): { counts: Map<string, number>; folded: number } {
  entries.sort(byCountThenKey);
  let folded = 0;
  for (let i = cap; i < entries.length; i++) folded += (entries[i] as [string, number])[1];
  if (entries.length > cap) entries.length = cap;
  return { counts: new Map(entries), folded };
}

/** Builds a CategorySummary one key at a time. */
export class CategoryAccumulator {
  private counts = new Map<string, number>();
  private other = 0;

  constructor(private readonly cap: number) {}

  add(key: string): void {
    const count = this.counts.get(key);
    if (count !== undefined) {
      this.counts.set(key, count + 1);
      return;
    }
    this.counts.set(ownString(key), 1);
    if (this.counts.size > 2 * this.cap) this.fold();
  }

  private fold(): void {
    const { counts, folded } = sortAndFold([...this.counts], this.cap);
    this.counts = counts;
    this.other += folded;
  }

  finish(): CategorySummary {
    const { counts, folded } = sortAndFold([...this.counts], this.cap);
    const other = this.other + folded;
    return { counts, other, exact: other === 0 };
  }
}

/** The summary of the two data sets together (exact when neither side nor the sum is folded). */
export function mergeCategorySummaries(
  a: CategorySummary,
  b: CategorySummary,
  cap: number,
): CategorySummary {
  const sum = new Map(a.counts);
  for (const [key, count] of b.counts) sum.set(key, (sum.get(key) ?? 0) + count);
  const { counts, folded } = sortAndFold([...sum], cap);
  const other = a.other + b.other + folded;
  return { counts, other, exact: other === 0 };
}
