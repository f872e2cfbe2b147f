/**
 * Compiles one column's rules into a loop over a column of cells. The loop is specialised by type
 * once, not decided per cell, because validation runs over millions of cells.
 */
import { shorten, type Cell } from '../data/batch.js';
import type { ColumnSchema } from '../schema/dataset-schema.js';
import { parseDateTime } from '../schema/datetime.js';
import {
  codePointLength,
  displayCell,
  invalid,
  isUnsafeInteger,
  missing,
  toBoolean,
  toDateTime,
  toInteger,
  toNumber,
  toText,
} from './cell-parsers.js';
import type { CellRule } from './violation.js';

export interface CellFinding {
  readonly rule: CellRule;
  readonly index: number;
  readonly value: string | null;
  readonly expected: string;
  readonly message: string;
}

export type FindingSink = (finding: CellFinding) => void;

export interface ColumnChecker {
  readonly name: string;
  /** Checks `values`; `lines` gives each record's line for uniqueness messages. */
  check(values: readonly Cell[], lines: ArrayLike<number>, sink: FindingSink): void;
  /** Forgets what uniqueness has seen: called between files. */
  reset(): void;
}

const typeWords: Record<ColumnSchema['type'], string> = {
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  category: 'a category',
  string: 'a string',
  text: 'text',
  datetime: 'an ISO 8601 date or date-time',
};

export function compileColumn(name: string, column: ColumnSchema): ColumnChecker {
  const seen = column.unique ? new Map<string | number, number>() : undefined;
  const typed = compileTyped(column, seen);
  // A number cell that is plainly fine (a number or safe integer within the bounds, with no
  // allowed values or uniqueness to check) is passed over right here: readers hand numbers in
  // unboxed arrays, and a call per cell would box each one again.
  const numeric = column.type === 'number' || column.type === 'integer';
  const plain = numeric && column.values === undefined && seen === undefined;
  const isInteger = column.type === 'integer';
  const min = typeof column.min === 'number' ? column.min : -Infinity;
  const max = typeof column.max === 'number' ? column.max : Infinity;
  return {
    name,
    check(values, lines, sink) {
      const n = values.length;
      for (let i = 0; i < n; i++) {
        const cell = values[i] ?? null;
        if (
          plain &&
          typeof cell === 'number' &&
          cell >= min &&
          cell <= max &&
          (!isInteger || Number.isSafeInteger(cell))
        ) {
          continue;
        }
        if (cell === null) {
          if (!column.nullable) {
            sink({
              rule: 'null',
              index: i,
              value: null,
              expected: 'a value (the column is not nullable)',
              message: 'missing value',
            });
          }
          continue;
        }
        typed(cell, i, lines, sink);
      }
    },
    reset() {
      seen?.clear();
    },
  };
}

type TypedCheck = (cell: Cell, index: number, lines: ArrayLike<number>, sink: FindingSink) => void;

function compileTyped(
  column: ColumnSchema,
  seen: Map<string | number, number> | undefined,
): TypedCheck {
  const typeFinding = (cell: Cell, index: number): CellFinding => {
    const shown = shorten(displayCell(cell) ?? '');
    return {
      rule: 'type',
      index,
      value: shown,
      expected: typeWords[column.type],
      message: `"${shown}" is not ${typeWords[column.type]}`,
    };
  };
  const tooLargeFinding = (cell: Cell, index: number): CellFinding => {
    const shown = shorten(displayCell(cell) ?? '');
    return {
      rule: 'type',
      index,
      value: shown,
      expected: `an integer from -${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER} (2^53 - 1)`,
      message: `"${shown}": integer too large to represent exactly (declare the column type: string to keep it as text)`,
    };
  };
  const unique = (
    key: string | number,
    cell: Cell,
    index: number,
    lines: ArrayLike<number>,
    sink: FindingSink,
  ) => {
    if (!seen) return;
    const line = lines[index] ?? 0;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, line);
      return;
    }
    const shown = shorten(displayCell(cell) ?? '');
    sink({
      rule: 'unique',
      index,
      value: shown,
      expected: 'a value not seen before in this file',
      message: `"${shown}" is a duplicate of the value on line ${first}`,
    });
  };
  const allowed = column.values ? new Set(column.values.map(String)) : undefined;
  const allowedText = column.values
    ? `one of: ${shorten(column.values.map(String).join(', '), 120)}`
    : '';
  const notAllowed = (text: string, index: number, sink: FindingSink) => {
    const shown = shorten(text);
    sink({
      rule: 'values',
      index,
      value: shown,
      expected: allowedText,
      message: `"${shown}" is not an allowed value`,
    });
  };

  switch (column.type) {
    case 'number':
    case 'integer': {
      const min = typeof column.min === 'number' ? column.min : -Infinity;
      const max = typeof column.max === 'number' ? column.max : Infinity;
      const isInteger = column.type === 'integer';
      return (cell, index, lines, sink) => {
        const value = isInteger ? toInteger(cell) : toNumber(cell);
        if (value === missing) {
          if (!column.nullable) {
            sink({
              rule: 'null',
              index,
              value: displayCell(cell),
              expected: 'a value (the column is not nullable)',
              message: 'missing value (NaN)',
            });
          }
          return;
        }
        if (value === invalid) {
          sink(
            isInteger && isUnsafeInteger(cell)
              ? tooLargeFinding(cell, index)
              : typeFinding(cell, index),
          );
          return;
        }
        if (value < min) {
          sink({
            rule: 'min',
            index,
            value: String(value),
            expected: `at least ${min}`,
            message: `${value} is below the minimum ${min}`,
          });
        } else if (value > max) {
          sink({
            rule: 'max',
            index,
            value: String(value),
            expected: `at most ${max}`,
            message: `${value} is above the maximum ${max}`,
          });
        }
        if (allowed && !allowed.has(String(value))) notAllowed(String(value), index, sink);
        unique(value, cell, index, lines, sink);
      };
    }
    case 'boolean':
      return (cell, index, _lines, sink) => {
        if (toBoolean(cell) === invalid) sink(typeFinding(cell, index));
      };
    case 'datetime': {
      const min =
        column.min === undefined ? -Infinity : (parseDateTime(String(column.min)) ?? -Infinity);
      const max =
        column.max === undefined ? Infinity : (parseDateTime(String(column.max)) ?? Infinity);
      return (cell, index, lines, sink) => {
        const time = toDateTime(cell);
        if (time === invalid) {
          sink(typeFinding(cell, index));
          return;
        }
        const shown = shorten(displayCell(cell) ?? '');
        if (time < min) {
          sink({
            rule: 'min',
            index,
            value: shown,
            expected: `at or after ${String(column.min)}`,
            message: `${shown} is before the minimum ${String(column.min)}`,
          });
        } else if (time > max) {
          sink({
            rule: 'max',
            index,
            value: shown,
            expected: `at or before ${String(column.max)}`,
            message: `${shown} is after the maximum ${String(column.max)}`,
          });
        }
        unique(time, cell, index, lines, sink);
      };
    }
    case 'category':
    case 'string':
    case 'text': {
      const pattern =
        column.pattern === undefined ? undefined : new RegExp(`^(?:${column.pattern})$`, 'u');
      const minLength = column['min-length'] ?? 0;
      const maxLength = column['max-length'] ?? Infinity;
      const checkLength = minLength > 0 || maxLength < Infinity;
      return (cell, index, lines, sink) => {
        const text = toText(cell);
        if (text === invalid) {
          sink(typeFinding(cell, index));
          return;
        }
        if (allowed && !allowed.has(text)) notAllowed(text, index, sink);
        if (pattern && !pattern.test(text)) {
          const shown = shorten(text);
          sink({
            rule: 'pattern',
            index,
            value: shown,
            expected: `to match ${column.pattern ?? ''}`,
            message: `"${shown}" does not match the pattern ${column.pattern ?? ''}`,
          });
        }
        if (checkLength) {
          const length = codePointLength(text);
          if (length < minLength) {
            const shown = shorten(text);
            sink({
              rule: 'min-length',
              index,
              value: shown,
              expected: `at least ${minLength} characters`,
              message: `"${shown}" has ${length} characters, fewer than ${minLength}`,
            });
          } else if (length > maxLength) {
            const shown = shorten(text);
            sink({
              rule: 'max-length',
              index,
              value: shown,
              expected: `at most ${maxLength} characters`,
              message: `"${shown}" has ${length} characters, more than ${maxLength}`,
            });
          }
        }
        unique(text, cell, index, lines, sink);
      };
    }
  }
}
