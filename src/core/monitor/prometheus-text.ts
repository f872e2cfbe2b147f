/**
 * A parser of the Prometheus text exposition format (version 0.0.4), the text `mlops serve`'s
 * `/metrics` answers. prom-client writes this format but has no parser, so here is a small one:
 * `# HELP` / `# TYPE` lines, and samples `name{label="value",...} value [timestamp]` with the
 * format's escapes (`\\`, `\"`, `\n` in label values) and its special values (`+Inf`, `-Inf`,
 * `NaN`). Anything else is a DataError naming the line.
 */
import { DataError } from '../errors.js';

export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PrometheusScrape {
  readonly samples: readonly PrometheusSample[];
  /** `# TYPE` of each metric family: counter, gauge, histogram, summary, untyped. */
  readonly types: ReadonlyMap<string, string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** A sample value: Go's ParseFloat as Prometheus uses it, with its Inf and NaN spellings. */
export function parseSampleValue(text: string): number | null {
  if (/^[+]?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  return Number(text);
}

export function parsePrometheusText(text: string, file: string): PrometheusScrape {
  const samples: PrometheusSample[] = [];
  const types = new Map<string, string>();
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').trim();
    const fail = (what: string): never => {
      throw new DataError(`not Prometheus text format: ${what}`, {
        location: { file, line: index + 1 },
      });
    };
    if (line === '') return;
    if (line.startsWith('#')) {
      const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
      if (type !== null) types.set(type[1] as string, (type[2] as string).toLowerCase());
      return; // HELP and other comments.
    }
    const name = NAME.exec(line)?.[0];
    if (name === undefined) fail('a sample starts with a metric name');
    let rest = line.slice((name as string).length);
    const labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      rest = rest.slice(1);
      for (;;) {
        rest = rest.trimStart();
        if (rest.startsWith('}')) {
          rest = rest.slice(1);
          break;
        }
        const label = LABEL_NAME.exec(rest)?.[0];
        if (label === undefined) fail('expected a label name or "}"');
        rest = rest.slice((label as string).length).trimStart();
        if (!rest.startsWith('="')) fail(`expected ="value" after the label ${label as string}`);
        rest = rest.slice(2);
        let value = '';
        let closed = false;
        while (rest.length > 0) {
          const c = rest[0] as string;
          if (c === '\\') {
            const next = rest[1];
            value +=
              next === 'n' ? '\n' : next === '\\' ? '\\' : next === '"' ? '"' : `\\${next ?? ''}`;
            rest = rest.slice(2);
          } else if (c === '"') {
            rest = rest.slice(1);
            closed = true;
            break;
          } else {
            value += c;
            rest = rest.slice(1);
          }
        }
        if (!closed) fail(`the value of the label ${label as string} is not closed by "`);
        labels[label as string] = value;
        rest = rest.trimStart();
        if (rest.startsWith(',')) rest = rest.slice(1);
        else if (!rest.startsWith('}')) fail('expected "," or "}" after a label');
      }
    }
    const fields = rest.trim().split(/\s+/);
    if (fields.length < 1 || fields.length > 2 || fields[0] === '') {
      fail(`expected a value (and an optional timestamp) after ${name as string}`);
    }
    const value = parseSampleValue(fields[0] as string);
    if (value === null) fail(`${JSON.stringify(fields[0])} is not a number`);
    samples.push({ name: name as string, labels, value: value as number });
  });
  return { samples, types };
}
