/**
 * Checks the emulator's responses against GitHub's published OpenAPI description
 * (`@octokit/openapi`, api.github.com, OpenAPI 3.0.3, fully dereferenced). For each exchange the
 * request path is matched against every path template of the description (not the emulator's own
 * route), the operation found by method, and the JSON body validated with ajv against the schema
 * documented for the status. OpenAPI 3.0's `nullable` is rewritten to JSON Schema first.
 *
 * The description is 73 MB; parsing it costs a second or two and ~200 MB, once per test worker.
 * So the operations the emulator serves are cut out once into a small file in the OS temp folder,
 * keyed by the package version and the route list, and later workers read that.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { routes, type Exchange } from './index.js';

type Json = Record<string, unknown>;

interface SlimResponse {
  /** JSON schema of an `application/json` body, if documented. */
  readonly schema?: unknown;
  /** Whether any body content is documented. */
  readonly hasContent: boolean;
  readonly headers: readonly string[];
}

interface SlimOperation {
  readonly operationId: string;
  readonly responses: Readonly<Record<string, SlimResponse>>;
}

interface SlimSpec {
  readonly version: string;
  /** Every path template of the description with whether its last parameter spans segments. */
  readonly templates: readonly { readonly template: string; readonly greedy: boolean }[];
  /** `METHOD template` to operation, for the operations the emulator serves. */
  readonly operations: Readonly<Record<string, SlimOperation>>;
  /** GitHub's generic error shapes, for statuses an operation does not document. */
  readonly basicError: unknown;
  readonly validationError: unknown;
}

const require = createRequire(import.meta.url);
const SPEC_FILE = '@octokit/openapi/generated/api.github.com.deref.json';

/**
 * Where the published description is known to be wrong about what api.github.com sends, the
 * schema is corrected here, each with the reason; everything else is checked as published.
 */
const KNOWN_DEVIATIONS: readonly {
  readonly operation: string;
  readonly status: string;
  readonly path: readonly string[];
  readonly reason: string;
  readonly patch: (schema: Json) => void;
}[] = [
  {
    operation: 'GET /repos/{owner}/{repo}/pulls',
    status: '200',
    path: ['items', 'properties', 'labels', 'items', 'properties', 'description'],
    reason: 'labels without a description come back with `description: null` in pull request lists',
    patch: (schema) => {
      schema['nullable'] = true;
    },
  },
];

function specVersion(): string {
  const pkg = JSON.parse(
    readFileSync(require.resolve('@octokit/openapi/package.json'), 'utf8'),
  ) as { version: string };
  return pkg.version;
}

function cacheFile(version: string): string {
  const key = createHash('sha256')
    .update(routes.map((r) => `${r.method} ${r.template}`).join('\n'))
    .update(
      KNOWN_DEVIATIONS.map((d) => `${d.operation} ${d.status} ${d.path.join('.')}`).join('\n'),
    )
    .digest('hex')
    .slice(0, 16);
  return join(tmpdir(), 'mlops-actions-openapi', `api.github.com-${version}-${key}.json`);
}

function slimResponse(response: Json): SlimResponse {
  const content = response['content'] as Record<string, Json> | undefined;
  const headers = Object.keys((response['headers'] as Json | undefined) ?? {});
  const json = content?.['application/json']?.['schema'];
  return {
    ...(json !== undefined && { schema: json }),
    hasContent: content !== undefined && Object.keys(content).length > 0,
    headers,
  };
}

function buildSlim(version: string): SlimSpec {
  const spec = JSON.parse(readFileSync(require.resolve(SPEC_FILE), 'utf8')) as {
    paths: Record<string, Record<string, Json>>;
  };
  const templates = Object.entries(spec.paths).map(([template, item]) => {
    const last = /\{([^}]+)\}$/.exec(template)?.[1];
    const greedy = Object.values(item).some(
      (op) =>
        Array.isArray(op['parameters']) &&
        (op['parameters'] as Json[]).some(
          (p) => p['name'] === last && p['x-multi-segment'] === true,
        ),
    );
    return { template, greedy };
  });
  const operations: Record<string, SlimOperation> = {};
  for (const route of routes) {
    const op = spec.paths[route.template]?.[route.method.toLowerCase()];
    if (op === undefined) continue;
    const responses: Record<string, SlimResponse> = {};
    for (const [status, response] of Object.entries(op['responses'] as Record<string, Json>)) {
      responses[status] = slimResponse(response);
    }
    operations[`${route.method} ${route.template}`] = {
      operationId: String(op['operationId']),
      responses,
    };
  }
  for (const deviation of KNOWN_DEVIATIONS) {
    const schema = operations[deviation.operation]?.responses[deviation.status]?.schema;
    let node = schema as Json | undefined;
    for (const key of deviation.path) node = node?.[key] as Json | undefined;
    if (node !== undefined) deviation.patch(node);
  }
  const schemaOf = (path: string, method: string, status: string): unknown =>
    (
      (spec.paths[path]?.[method]?.['responses'] as Record<string, Json>)[status]?.['content'] as
        Record<string, Json> | undefined
    )?.['application/json']?.['schema'];
  return {
    version,
    templates,
    operations,
    basicError: schemaOf('/repos/{owner}/{repo}/issues/{issue_number}', 'get', '404'),
    validationError: schemaOf('/repos/{owner}/{repo}/issues', 'post', '422'),
  };
}

function loadSlim(): SlimSpec {
  const version = specVersion();
  const file = cacheFile(version);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SlimSpec;
  } catch {
    const slim = buildSlim(version);
    mkdirSync(dirname(file), { recursive: true });
    // Write then rename, so a worker never reads another's half-written file.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(slim));
    renameSync(partial, file);
    return slim;
  }
}

/** OpenAPI 3.0 schema to JSON Schema: `nullable: true` becomes a union with null. */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) {
    if (key === 'nullable' || key === 'example' || key === 'examples' || key.startsWith('x-'))
      continue;
    out[key] =
      key === 'properties' || key === 'patternProperties'
        ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, toJsonSchema(v)]))
        : toJsonSchema(value);
  }
  if ((schema as Json)['nullable'] === true) {
    if (Array.isArray(out['enum']) && !(out['enum'] as unknown[]).includes(null)) {
      out['enum'] = [...(out['enum'] as unknown[]), null];
    }
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

/** Keywords whose values are data, not schemas, and so are never hoisted. */
const DATA_KEYWORDS = new Set([
  'enum',
  'const',
  'required',
  'default',
  'type',
  'format',
  'pattern',
]);

interface TemplateMatcher {
  readonly template: string;
  readonly pattern: RegExp;
  readonly literals: number;
}

function matcher(template: string, greedy: boolean): TemplateMatcher {
  const parts = template.split('/').slice(1);
  const source = parts
    .map((part, i) => {
      if (!part.startsWith('{')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return greedy && i === parts.length - 1 ? '.+' : '[^/]+';
    })
    .join('/');
  return {
    template,
    pattern: new RegExp(`^/${source}$`),
    literals: parts.filter((p) => !p.startsWith('{')).length,
  };
}

export interface ConformanceResult {
  /** What was wrong, one line each; empty when everything conforms. */
  readonly problems: string[];
  /** Operations checked, `METHOD template status`, with counts. */
  readonly checked: Map<string, number>;
}

export class OpenApiConformance {
  private readonly ajv: Ajv;
  private readonly matchers: TemplateMatcher[];
  private readonly validators = new Map<string, ValidateFunction>();

  private constructor(private readonly spec: SlimSpec) {
    // OpenAPI 3.0 schemas carry keywords JSON Schema does not know (discriminator, readOnly...).
    this.ajv = new Ajv({
      strict: false,
      allErrors: true,
      logger: false,
      inlineRefs: false,
      // Compiling is most of the cost here and each validator runs a few times: skip optimizing.
      code: { optimize: false },
    });
    ajvFormats.default(this.ajv);
    // Formats GitHub's description invents; their values are plain strings.
    this.ajv.addFormat('repo.nwo', true);
    this.ajv.addFormat('timestamp', true);
    this.matchers = spec.templates.map((t) => matcher(t.template, t.greedy));
  }

  private static instance: OpenApiConformance | undefined;

  static load(): OpenApiConformance {
    OpenApiConformance.instance ??= new OpenApiConformance(loadSlim());
    return OpenApiConformance.instance;
  }

  get version(): string {
    return this.spec.version;
  }

  /** The description's template for a request path; literal segments win over parameters. */
  templateFor(path: string): string | undefined {
    let best: TemplateMatcher | undefined;
    for (const m of this.matchers) {
      if (m.pattern.test(path) && (best === undefined || m.literals > best.literals)) best = m;
    }
    return best?.template;
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let validate = this.validators.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile(this.hoist(toJsonSchema(schema)) as Json);
      this.validators.set(key, validate);
    }
    return validate;
  }

  /**
   * The dereferenced description repeats the same object schemas (users, repositories, apps)
   * hundreds of times; compiled inline, one pull request schema takes half a second. Each distinct
   * object schema is registered once under an ID made from its content and referenced instead.
   */
  private hoist(schema: unknown): unknown {
    if (Array.isArray(schema)) return schema.map((s) => this.hoist(s));
    if (typeof schema !== 'object' || schema === null) return schema;
    const out: Json = {};
    for (const [key, value] of Object.entries(schema as Json)) {
      if (DATA_KEYWORDS.has(key)) out[key] = value;
      else if (key === 'properties' || key === 'patternProperties') {
        out[key] = Object.fromEntries(
          Object.entries(value as Json).map(([k, v]) => [k, this.hoist(v)]),
        );
      } else out[key] = this.hoist(value);
    }
    if (out['properties'] === undefined) return out;
    const id = `https://emulator.invalid/schemas/${createHash('sha256').update(JSON.stringify(out)).digest('hex').slice(0, 20)}.json`;
    if (this.ajv.getSchema(id) === undefined) this.ajv.addSchema({ ...out, $id: id });
    return { $ref: id };
  }

  /** Problems of one body against the schema documented for `method template status`. */
  validateBody(method: string, template: string, status: number, body: unknown): string[] {
    const operation = this.spec.operations[`${method.toUpperCase()} ${template}`];
    if (operation === undefined) return [`no documented operation ${method} ${template}`];
    const response = operation.responses[String(status)];
    let schema = response?.schema;
    if (response === undefined && status < 400) {
      return [`status ${status} is not documented for ${operation.operationId}`];
    }
    if (schema === undefined && status >= 400) {
      // GitHub answers errors an operation does not list (401, 403, 5xx), or lists without a body
      // (a duplicate asset's 422), in its generic error shapes.
      schema = status === 422 ? this.spec.validationError : this.spec.basicError;
    }
    if (schema === undefined) {
      return body === undefined
        ? []
        : [`${operation.operationId} ${status} documents no JSON body, but one was sent`];
    }
    const validate = this.validator(`${method} ${template} ${status}`, schema);
    if (validate(body)) return [];
    return (validate.errors ?? [])
      .slice(0, 8)
      .map(
        (e) =>
          `${operation.operationId} ${status}: ${e.instancePath || '(body)'} ${e.message ?? ''}`,
      );
  }

  check(exchanges: readonly Exchange[]): ConformanceResult {
    const problems: string[] = [];
    const checked = new Map<string, number>();
    for (const exchange of exchanges) {
      if (!exchange.api || exchange.status === 0) continue;
      const where = `${exchange.method} ${exchange.url} → ${exchange.status}`;
      const template = this.templateFor(exchange.path);
      if (template === undefined) {
        // A 404 for a path GitHub does not have either is the right answer.
        if (exchange.status !== 404 || exchange.template !== undefined) {
          problems.push(`${where}: no path of the OpenAPI description matches`);
        }
        continue;
      }
      if (exchange.template !== undefined && exchange.template !== template) {
        problems.push(
          `${where}: served as ${exchange.template}, but the description has ${template}`,
        );
      }
      const key = `${exchange.method} ${template}`;
      const operation = this.spec.operations[key];
      if (operation === undefined) {
        if (exchange.status !== 404) problems.push(`${where}: ${key} is not an operation served`);
        continue;
      }
      const contentType = exchange.responseHeaders['content-type'];
      if (exchange.responseBody !== undefined && !Buffer.isBuffer(exchange.responseBody)) {
        if (contentType !== 'application/json; charset=utf-8') {
          problems.push(`${where}: content-type ${contentType ?? '(none)'} for a JSON body`);
        }
      }
      const documented = operation.responses[String(exchange.status)];
      for (const header of documented?.headers ?? []) {
        const name = header.toLowerCase();
        // Link is only sent when there is more than one page.
        if (name !== 'link' && exchange.responseHeaders[name] === undefined) {
          problems.push(`${where}: documented header ${header} is missing`);
        }
      }
      const body = Buffer.isBuffer(exchange.responseBody) ? undefined : exchange.responseBody;
      for (const problem of this.validateBody(exchange.method, template, exchange.status, body)) {
        problems.push(`${where}: ${problem}`);
      }
      const label = `${key} ${exchange.status}`;
      checked.set(label, (checked.get(label) ?? 0) + 1);
    }
    return { problems, checked };
  }
}
