/**
 * YAML parsing that remembers where every value came from, so that a schema error can name the
 * file, line and column of the offending field rather than only its path.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { ZodType, z } from 'zod';
import { ConfigError } from '../errors.js';

export type PathSegment = string | number;

export interface LocatedYaml {
  readonly file: string;
  readonly value: unknown;
  /** Line and column (1-based) of the value at `path`, or of its nearest existing parent. */
  locate(
    path: readonly PathSegment[],
    options?: { key?: boolean },
  ): { line: number; column: number };
}

/** Formats a path the way users write it: `columns.age.min`, `data.train[1]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** Parses YAML text; syntax errors become a `ConfigError` with the line and column. */
export function parseLocatedYaml(text: string, file: string): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const [first] = doc.errors;
  if (first) {
    const pos = first.linePos?.[0];
    const headline = (first.message.split('\n')[0] ?? first.message).replace(
      / at line \d+, column \d+:?$/,
      '',
    );
    throw new ConfigError(headline, {
      location: { file, line: pos?.line, column: pos?.col },
    });
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  return {
    file,
    value,
    locate(path, options) {
      return locateNode(doc, lineCounter, path, options?.key ?? false);
    },
  };
}

function locateNode(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PathSegment[],
  wantKey: boolean,
): { line: number; column: number } {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (!pair) break;
      const keyStart = rangeStart(pair.key);
      offset = (wantKey || pair.value == null ? keyStart : rangeStart(pair.value)) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range?.[0];
  }
  return undefined;
}

function keyText(key: unknown): string {
  if (key && typeof key === 'object' && 'value' in key)
    return String((key as { value: unknown }).value);
  return String(key);
}

/**
 * Validates a located YAML value with a zod schema. The first problem becomes a `ConfigError`
 * naming file, line, column and field; the others are listed after it so a user can fix them all
 * in one go.
 */
export function parseWithSchema<T>(schema: ZodType<T>, source: LocatedYaml, what: string): T {
  const result = schema.safeParse(source.value);
  if (result.success) return result.data;
  const messages = result.error.issues.map(explainUnion).map((issue) => {
    let path: PathSegment[] = issue.path.filter(
      (segment): segment is PathSegment => typeof segment !== 'symbol',
    );
    let detail = issue.message;
    if (issue.code === 'unrecognized_keys') {
      const [key] = issue.keys;
      if (key !== undefined) path = [...path, key];
      const known = knownKeys(schema, issue.path);
      detail = `unknown field "${issue.keys.join('", "')}"${known ? `; expected one of: ${known.join(', ')}` : ''}`;
    } else if (issue.code === 'invalid_type' && / received undefined$/.test(detail)) {
      detail = `missing required field; expected ${issue.expected}`;
    } else {
      detail = detail.replace(/^Invalid input: /, '');
    }
    const pos = source.locate(path, { key: issue.code === 'unrecognized_keys' });
    return { path, detail, pos };
  });
  const [first, ...rest] = messages;
  if (!first) throw new ConfigError(`${what} is not valid`, { location: { file: source.file } });
  const more = rest.map(
    (m) =>
      `\n  ${source.file}:${m.pos.line}:${m.pos.column} (${formatPath(m.path) || 'top level'}): ${m.detail}`,
  );
  throw new ConfigError(`${first.detail}${more.length ? `\nAlso:${more.join('')}` : ''}`, {
    location: {
      file: source.file,
      line: first.pos.line,
      column: first.pos.column,
      field: formatPath(first.path) || 'top level',
    },
  });
}

/** The keys an object schema accepts at `path`, for "expected one of" hints. */
function knownKeys(schema: ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let current: unknown = schema;
  for (const segment of path) {
    current = unwrap(current);
    const shape = shapeOf(current);
    if (shape && typeof segment === 'string' && segment in shape) {
      current = shape[segment];
      continue;
    }
    const def = defOf(current);
    if (def?.type === 'record' && def.valueType) {
      current = def.valueType;
      continue;
    }
    if (def?.type === 'array' && def.element) {
      current = def.element;
      continue;
    }
    return undefined;
  }
  const shape = shapeOf(unwrap(current));
  return shape ? Object.keys(shape) : undefined;
}

interface LooseDef {
  type?: string;
  innerType?: unknown;
  valueType?: unknown;
  element?: unknown;
  shape?: Record<string, unknown>;
  in?: unknown;
}

function defOf(schema: unknown): LooseDef | undefined {
  if (schema && typeof schema === 'object' && '_zod' in schema) {
    return (schema as { _zod: { def: LooseDef } })._zod.def;
  }
  return undefined;
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let depth = 0; depth < 10; depth++) {
    const def = defOf(current);
    if (def?.innerType) current = def.innerType;
    else if (def?.type === 'pipe' && def.in) current = def.in;
    else break;
  }
  return current;
}

function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  return defOf(schema)?.shape;
}

type Issue = z.core.$ZodIssue;

/**
 * zod reports a failed union as "Invalid input". A user learns more from the branch that got
 * furthest (a list whose second item is wrong), or, when none did, from the types each branch
 * expected.
 */
function explainUnion(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const branches = issue.errors.filter((branch) => branch.length > 0);
  const depth = (branch: Issue[]) => Math.max(...branch.map((inner) => inner.path.length));
  const deepest = branches.reduce<Issue[] | undefined>(
    (best, branch) => (best === undefined || depth(branch) > depth(best) ? branch : best),
    undefined,
  );
  if (deepest && depth(deepest) > 0) {
    const [inner] = deepest;
    if (inner) return { ...inner, path: [...issue.path, ...inner.path] };
  }
  const expected = branches.flatMap((branch) =>
    branch.flatMap((inner) => (inner.code === 'invalid_type' ? [inner.expected] : [])),
  );
  const received = /received (\w+)/.exec(branches[0]?.[0]?.message ?? '')?.[1];
  if (expected.length === 0) return issue;
  return {
    ...issue,
    message: `expected ${[...new Set(expected)].join(' or ')}${received ? `, received ${received}` : ''}`,
  };
}
