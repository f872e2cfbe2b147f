/**
 * `${{ }}` expressions of workflow values (`with:`, `env:`, job `outputs:`), evaluated with
 * GitHub's own expression engine (`@actions/expressions`, as `evaluateIf` in
 * test/workflows/workflow-rules.ts does for `if:`), converted to the string a step receives.
 *
 * Strict where GitHub is lenient: a reference to an input the workflow does not declare, to a
 * step or job that has not run, or to an output that step's action does not declare, throws
 * naming it, so that a typo never turns silently into an empty input.
 */
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';

export type Dict = Record<string, unknown>;

/** The contexts an expression may read; any other name is refused by the parser. */
export const CONTEXT_NAMES = [
  'github',
  'inputs',
  'secrets',
  'steps',
  'needs',
  'env',
  'vars',
  'runner',
  'job',
  'matrix',
] as const;
export type ContextName = (typeof CONTEXT_NAMES)[number];
export type Contexts = Partial<Record<ContextName, Dict>>;

/** What references must resolve to, beyond the values themselves. */
export interface ReferenceRules {
  /** Inputs the workflow declares (`inputs.<name>`). */
  inputs?: ReadonlySet<string>;
  /** Outputs each step id's action declares (`steps.<id>.outputs.<name>`). */
  stepOutputs?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Outputs each needed job declares (`needs.<job>.outputs.<name>`). */
  jobOutputs?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Secrets the workflow declares or receives (`secrets.<name>`). */
  secrets?: ReadonlySet<string>;
  /** The keys of the job's `strategy.matrix` (`matrix.<key>`); absent outside a matrix job. */
  matrix?: ReadonlySet<string>;
}

const isDict = (value: unknown): value is Dict =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function toData(value: unknown): data.ExpressionData {
  if (value === null || value === undefined) return new data.Null();
  if (typeof value === 'string') return new data.StringData(value);
  if (typeof value === 'number') return new data.NumberData(value);
  if (typeof value === 'boolean') return new data.BooleanData(value);
  if (Array.isArray(value)) return new data.Array(...value.map(toData));
  const dict = new data.Dictionary();
  for (const [key, item] of Object.entries(value as Dict)) dict.add(key, toData(item));
  return dict;
}

/** The plain value of an expression result (objects and arrays as plain data). */
export function fromData(value: data.ExpressionData): unknown {
  switch (value.kind) {
    case data.Kind.Null:
      return null;
    case data.Kind.String:
    case data.Kind.Boolean:
    case data.Kind.Number:
      return (value as data.StringData | data.BooleanData | data.NumberData).value;
    default:
      return JSON.parse(JSON.stringify(value, data.replacer)) as unknown;
  }
}

/** How the runner turns a value into a step input: null → '', objects → JSON. */
export function toInputString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function checkReferences(expression: string, rules: ReferenceRules, where: string): void {
  const fail = (what: string): never => {
    throw new Error(`${where}: \`\${{ ${expression.trim()} }}\` reads ${what}`);
  };
  for (const match of expression.matchAll(/(?<![\w.-])inputs\.([\w-]+)/g)) {
    const name = match[1] as string;
    if (rules.inputs !== undefined && !rules.inputs.has(name)) {
      fail(`inputs.${name}, which the workflow does not declare`);
    }
  }
  for (const match of expression.matchAll(/(?<![\w.-])matrix\.([\w-]+)/g)) {
    const key = match[1] as string;
    if (rules.matrix === undefined) fail(`matrix.${key} outside a matrix job`);
    if (!rules.matrix?.has(key)) fail(`matrix.${key}, which the job's matrix does not define`);
  }
  for (const match of expression.matchAll(/(?<![\w.-])secrets\.([\w-]+)/g)) {
    const name = match[1] as string;
    if (rules.secrets !== undefined && !rules.secrets.has(name) && name !== 'GITHUB_TOKEN') {
      fail(`secrets.${name}, which the workflow neither declares nor receives`);
    }
  }
  for (const [context, map] of [
    ['steps', rules.stepOutputs],
    ['needs', rules.jobOutputs],
  ] as const) {
    for (const match of expression.matchAll(
      new RegExp(`(?<![\\w.-])${context}\\.([\\w-]+)(\\.[\\w-]+)?(\\.[\\w-]+)?`, 'g'),
    )) {
      const id = match[1] as string;
      const field = match[2]?.slice(1);
      if (map === undefined) fail(`${context}.${id}, which is not available here`);
      const outputs = map?.get(id);
      if (outputs === undefined) fail(`${context}.${id}, which has not run before this point`);
      if (field === 'outputs') {
        const output = match[3]?.slice(1);
        if (output === undefined) fail(`${context}.${id}.outputs as a whole (not supported)`);
        if (!outputs?.has(output as string)) {
          fail(`${context}.${id}.outputs.${output as string}, which is not declared`);
        }
      } else if (field !== 'result' && field !== 'outcome' && field !== 'conclusion') {
        fail(`${context}.${id}.${field ?? ''} (only outputs and result are supported)`);
      }
    }
  }
}

/** Evaluates one expression (the text inside `${{ }}`) to its plain value. */
export function evaluateExpression(
  expression: string,
  contexts: Contexts,
  rules: ReferenceRules,
  where: string,
): unknown {
  checkReferences(expression, rules, where);
  try {
    const lexed = new Lexer(expression).lex();
    const tree = new Parser(lexed.tokens, [...CONTEXT_NAMES], []).parse();
    const context = new data.Dictionary();
    for (const name of CONTEXT_NAMES) context.add(name, toData(contexts[name] ?? {}));
    return fromData(new Evaluator(tree, context).evaluate());
  } catch (error) {
    throw new Error(
      `${where}: cannot evaluate \`\${{ ${expression.trim()} }}\`: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * A workflow value: a literal (YAML scalars as the runner gives them: `true` → 'true'), a whole
 * `${{ }}` expression, or text with expressions inside, joined as strings.
 */
export function evaluateValue(
  value: unknown,
  contexts: Contexts,
  rules: ReferenceRules,
  where: string,
): unknown {
  if (typeof value !== 'string') {
    if (isDict(value) || Array.isArray(value)) {
      throw new Error(`${where}: a mapping or sequence is not a step input value`);
    }
    return value;
  }
  const whole = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/.exec(value);
  if (whole !== null && !(whole[1] as string).includes('}}')) {
    return evaluateExpression(whole[1] as string, contexts, rules, where);
  }
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) =>
    toInputString(evaluateExpression(expression, contexts, rules, where)),
  );
}

/** `evaluateValue`, as the string a step input or an env variable receives. */
export function evaluateString(
  value: unknown,
  contexts: Contexts,
  rules: ReferenceRules,
  where: string,
): string {
  return toInputString(evaluateValue(value, contexts, rules, where));
}
