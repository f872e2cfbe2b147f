/**
 * Counts every violation and keeps only a bounded number of them, so that validation needs memory
 * in proportion to the schema (rules × columns), never to the data: a 3M-row file where every row
 * is wrong produces 3M findings, and keeping them all cost over 1 GB.
 *
 * Two sets are kept, both bounded:
 * - the first `examplesPerRule` findings of each rule on each column, for the report and the
 *   terminal, so a rule that fires on every row cannot hide the other rules;
 * - the first `firstLines` findings of all, by file and line, for line annotations ("every
 *   violation line up to the cap is marked").
 */
import type { Rule, Violation } from './violation.js';

export interface RuleCount {
  readonly rule: Rule;
  readonly column: string | null;
  readonly count: number;
  /** The first finding of this rule on this column. */
  readonly first: Violation;
}

export interface CollectorLimits {
  /** Findings kept per rule and column; the rest are only counted. */
  readonly examplesPerRule: number;
  /** Findings kept in order of file and line, whatever their rule (0: none). */
  readonly firstLines: number;
}

interface Kept {
  readonly violation: Violation;
  readonly file: number;
  readonly seq: number;
}

interface Tally {
  readonly rule: Rule;
  readonly column: string | null;
  count: number;
  first: Violation;
}

/** Order of a report: file, then line (whole-file findings first), then order of finding. */
function byPlace(a: Kept, b: Kept): number {
  return a.file - b.file || (a.violation.line ?? 0) - (b.violation.line ?? 0) || a.seq - b.seq;
}

const keyOf = (rule: Rule, column: string | null): string => `${rule}\u0000${column ?? ''}`;

export class ViolationCollector {
  readonly #limits: CollectorLimits;
  readonly #tallies = new Map<string, Tally>();
  readonly #examples = new Map<string, Kept[]>();
  #fileTallies = new Map<string, Tally>();
  /** The first `firstLines` findings so far, in order of place. */
  #leading: Kept[] = [];
  /** Findings since the last `flush`, at most `firstLines` per rule and column. */
  #pending: Kept[] = [];
  readonly #pendingPerKey = new Map<string, number>();
  #file = -1;
  #seq = 0;
  #total = 0;

  constructor(limits: CollectorLimits) {
    this.#limits = limits;
  }

  get total(): number {
    return this.#total;
  }

  /** Starts the next file: findings are ordered by file first. */
  startFile(): void {
    this.flush();
    this.#file++;
    this.#fileTallies = new Map();
  }

  add(violation: Violation): void {
    this.#total++;
    const key = keyOf(violation.rule, violation.column);
    countInto(this.#tallies, key, violation);
    countInto(this.#fileTallies, key, violation);
    const kept: Kept = { violation, file: this.#file, seq: this.#seq++ };
    const examples = this.#examples.get(key);
    if (examples === undefined) {
      if (this.#limits.examplesPerRule > 0) this.#examples.set(key, [kept]);
    } else if (examples.length < this.#limits.examplesPerRule) {
      examples.push(kept);
    }
    const { firstLines } = this.#limits;
    if (firstLines === 0) return;
    // Columns are checked one after another within a batch, so line order is only restored at
    // `flush`; until then each rule and column may hold up to `firstLines` candidates.
    const pending = this.#pendingPerKey.get(key) ?? 0;
    if (pending < firstLines) {
      this.#pendingPerKey.set(key, pending + 1);
      this.#pending.push(kept);
    }
  }

  /**
   * Merges the findings since the last call into the leading ones. Call it after each batch: the
   * findings of later batches come from later lines, so what is cut here can never come back.
   */
  flush(): void {
    if (this.#pending.length === 0) return;
    this.#leading = [...this.#leading, ...this.#pending]
      .sort(byPlace)
      .slice(0, this.#limits.firstLines);
    this.#pending = [];
    this.#pendingPerKey.clear();
  }

  /** Counts of the current file by rule and column, in order of first appearance. */
  fileCounts(): RuleCount[] {
    return [...this.#fileTallies.values()].map(freeze);
  }

  /** Counts of all files by rule and column, in order of first appearance. */
  counts(): RuleCount[] {
    return [...this.#tallies.values()].map(freeze);
  }

  /** The kept findings (both sets, each once) in order of file and line. */
  kept(): Violation[] {
    this.flush();
    const all = new Set<Kept>(this.#leading);
    for (const examples of this.#examples.values()) for (const kept of examples) all.add(kept);
    return [...all].sort(byPlace).map((kept) => kept.violation);
  }

  /** The first `firstLines` findings in order of file and line. */
  leading(): Violation[] {
    this.flush();
    return this.#leading.map((kept) => kept.violation);
  }
}

function countInto(tallies: Map<string, Tally>, key: string, violation: Violation): void {
  const tally = tallies.get(key);
  if (tally) tally.count++;
  else
    tallies.set(key, {
      rule: violation.rule,
      column: violation.column,
      count: 1,
      first: violation,
    });
}

function freeze(tally: Tally): RuleCount {
  return { rule: tally.rule, column: tally.column, count: tally.count, first: tally.first };
}
