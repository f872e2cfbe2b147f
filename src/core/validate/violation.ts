/** What validation finds, in the shape the report, the annotations and the summary share. */
import type { StructuralRule } from '../data/batch.js';

export type CellRule =
  'null' | 'type' | 'min' | 'max' | 'values' | 'pattern' | 'min-length' | 'max-length' | 'unique';

export type DatasetRule = 'missing-column' | 'extra-column' | 'rows-min' | 'rows-max';

export type Rule = CellRule | DatasetRule | StructuralRule;

export interface Violation {
  readonly file: string;
  /** 1-based line where the record starts (Parquet: row number); null for whole-file findings. */
  readonly line: number | null;
  readonly column: string | null;
  readonly rule: Rule;
  /** The offending value as text, shortened; null when there is none (a missing value). */
  readonly value: string | null;
  /** What was expected, in words. */
  readonly expected: string;
  /** One sentence: what is wrong here. */
  readonly message: string;
}
