/**
 * Streaming JSON Lines reader: one JSON object per line, columns in the order keys are first
 * seen. Text arrives in blocks cut after a newline (text-blocks.ts), so each line is parsed with
 * one `JSON.parse` of a slice of its block.
 */
import {
  DEFAULT_BATCH_SIZE,
  shorten,
  type Cell,
  type DataBatch,
  type ReadEvent,
  type ReadOptions,
  type StructuralIssue,
  type StructuralRule,
} from './batch.js';
import { textBlocks } from './text-blocks.js';
import type { InvalidSequence } from './utf8.js';

const CR = 13;

/** Reads JSON Lines as batches; lines that are not JSON objects become issues and are left out. */
export async function* readJsonl(
  source: AsyncIterable<Uint8Array>,
  options: ReadOptions,
): AsyncGenerator<ReadEvent> {
  const reader = new JsonlBatcher(options);
  // A line never spans blocks, except a last line without a newline, which ends the input.
  let line = 1;
  for await (const block of textBlocks(source)) {
    line = reader.consume(block.text, block.invalid, line);
    yield* reader.drain();
  }
  reader.finish();
  yield* reader.drain();
}

class JsonlBatcher {
  private readonly file: string;
  private readonly batchSize: number;
  private events: ReadEvent[] = [];
  private readonly columns: string[] = [];
  private readonly index = new Map<string, number>();
  /** Row of the current batch in which each column was last set, to fill the others with null. */
  private readonly setAt: number[] = [];
  private cols: Cell[][] = [];
  private lines: number[] = [];
  private row = 0;
  private sawLine = false;

  constructor(options: ReadOptions) {
    this.file = options.file;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  }

  *drain(): Generator<ReadEvent> {
    const events = this.events;
    this.events = [];
    yield* events;
  }

  /** Reads the lines of `text`, the first numbered `line`; returns the next line's number. */
  consume(text: string, invalid: readonly InvalidSequence[], line: number): number {
    const len = text.length;
    let invalidIndex = 0;
    let nextInvalid = invalid.length > 0 ? (invalid[0] as InvalidSequence).offset : len;
    let pos = 0;
    while (pos < len) {
      let nl = text.indexOf('\n', pos);
      if (nl === -1) nl = len;
      const end = nl > pos && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      const start = pos;
      const here = line;
      pos = nl + 1;
      line++;
      if (end === start) continue;
      if (nextInvalid < nl) {
        this.sawLine = true;
        const bad = invalid[invalidIndex];
        while (nextInvalid < nl) nextInvalid = invalid[++invalidIndex]?.offset ?? len;
        this.issue(
          'invalid-utf8',
          here,
          `bytes that are not UTF-8 (${bad?.bytes ?? 'unknown'}); save the file as UTF-8`,
          text.slice(start, Math.min(end, start + 200)),
        );
        continue;
      }
      const source = text.slice(start, end);
      let value: unknown;
      try {
        value = JSON.parse(source);
      } catch (error) {
        if (source.trim() === '') continue;
        this.sawLine = true;
        const column = jsonErrorOffset(source) + 1;
        this.issue(
          'invalid-json',
          here,
          `not valid JSON at column ${column}: ${parserMessage(error)}`,
          source.slice(0, 200),
        );
        continue;
      }
      this.sawLine = true;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        const kind =
          value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
        this.issue(
          'not-an-object',
          here,
          `each line must be a JSON object ({"column": value, ...}), found ${kind}`,
          source.slice(0, 200),
        );
        continue;
      }
      this.add(value as Record<string, unknown>, here);
    }
    return line;
  }

  private add(record: Record<string, unknown>, line: number): void {
    const row = this.row;
    const cols = this.cols;
    const setAt = this.setAt;
    let set = 0;
    for (const key in record) {
      let c = this.index.get(key);
      if (c === undefined) {
        c = this.columns.length;
        this.index.set(key, c);
        this.columns.push(key);
        cols.push(new Array<Cell>(row).fill(null));
        setAt.push(-1);
      }
      (cols[c] as Cell[])[row] = toCell(record[key]);
      setAt[c] = row;
      set++;
    }
    if (set < cols.length) {
      for (let c = 0; c < cols.length; c++) {
        if (setAt[c] !== row) (cols[c] as Cell[])[row] = null;
      }
    }
    this.lines[row] = line;
    if (++this.row === this.batchSize) this.emit();
  }

  finish(): void {
    this.emit();
    if (!this.sawLine) {
      const issue: StructuralIssue = {
        rule: 'empty-file',
        file: this.file,
        line: null,
        message: 'the file is empty: there is no JSON object in it',
      };
      this.events.push({ kind: 'issue', issue });
    }
  }

  private emit(): void {
    const rows = this.row;
    if (rows === 0) return;
    const batch: DataBatch = {
      file: this.file,
      format: 'jsonl',
      columns: this.columns.slice(),
      values: this.cols,
      lines: this.lines,
      rows,
    };
    this.events.push({ kind: 'batch', batch });
    this.cols = this.columns.map(() => []);
    this.setAt.fill(-1);
    this.lines = [];
    this.row = 0;
  }

  private issue(rule: StructuralRule, line: number, message: string, excerpt: string): void {
    const issue: StructuralIssue = {
      rule,
      file: this.file,
      line,
      message,
      value: shorten(excerpt),
    };
    this.events.push({ kind: 'issue', issue });
  }
}

function toCell(value: unknown): Cell {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'object':
      // Nested arrays and objects stay as JSON text, so they can still be checked and shown.
      return value === null ? null : JSON.stringify(value);
    default:
      return null;
  }
}

/** V8's message without the copy of the whole line it appends to some messages. */
function parserMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, ".*" is not valid JSON$/s, '');
}

const HEX = /^[0-9a-fA-F]{4}$/;

/**
 * Offset of the first character at which `text` stops being JSON (its length when it ends too
 * early). Run only after `JSON.parse` failed: V8's messages give a position for some errors and
 * not for others ("Unexpected token '}'"), and a user needs the column every time.
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  let i = 0;
  const fail = (): never => {
    throw new JsonStop(i);
  };
  const space = (): void => {
    while (i < n && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const expect = (char: string): void => {
    space();
    if (text[i] !== char) fail();
    i++;
  };
  const digits = (): void => {
    const start = i;
    while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    if (i === start) fail();
  };
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= n) fail();
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        i++;
        return;
      }
      if (code < 0x20) fail();
      if (code === 0x5c) {
        i++;
        const escape = text[i];
        if (escape === 'u') {
          if (!HEX.test(text.slice(i + 1, i + 5))) fail();
          i += 5;
        } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) i++;
        else fail();
      } else i++;
    }
  };
  const value = (): void => {
    space();
    const char = text[i];
    if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (close === '}') {
          space();
          if (text[i] !== '"') fail();
          string();
          expect(':');
        }
        value();
        space();
        if (text[i] === ',') i++;
        else return expect(close);
      }
    }
    if (char === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (char !== word[0]) continue;
      for (const letter of word) {
        if (text[i] !== letter) fail();
        i++;
      }
      return;
    }
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  try {
    value();
    space();
    return i < n ? i : n;
  } catch (error) {
    if (error instanceof JsonStop) return error.offset;
    return i; // nested too deep to follow: the furthest point reached
  }
}

class JsonStop {
  constructor(readonly offset: number) {}
}
