/**
 * GitHub's own workflow parser (`@actions/workflow-parser`, the one behind the Actions language
 * service), loaded for the tests.
 *
 * Its published ESM build imports its JSON schema without an import attribute, which Node
 * refuses (actions/languageservices#387), and vitest leaves node_modules to Node. So it is
 * bundled once per test file with esbuild (already our build tool), which inlines the JSON, into
 * a temporary module that is then imported. Its CommonJS dependency (yaml) gets a `require`, as
 * in scripts/build.mjs.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as WorkflowParser from '@actions/workflow-parser';
import type { WorkflowTemplate } from '@actions/workflow-parser';
import { build } from 'esbuild';

export type { WorkflowTemplate };
export type Parser = typeof WorkflowParser;

let loading: Promise<Parser> | undefined;

/** The parser module; bundled and imported on first use. */
export function loadWorkflowParser(): Promise<Parser> {
  loading ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mlops-workflow-parser-'));
    const outfile = path.join(dir, 'workflow-parser.mjs');
    try {
      await build({
        // esbuild resolves the package as an import (its exports offer nothing else).
        stdin: {
          contents: "export * from '@actions/workflow-parser';",
          resolveDir: import.meta.dirname,
          loader: 'js',
        },
        outfile,
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        logLevel: 'error',
        banner: {
          js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        },
      });
      return (await import(pathToFileURL(outfile).href)) as Parser;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return loading;
}

/** Where `uses: <owner>/<repo>/.github/workflows/<file>@<ref>` points to in this repository. */
export type WorkflowResolver = (owner: string, repository: string, file: string) => string | null;

export interface ParsedWorkflow {
  /** Errors of the parser and of the conversion, with file, line and column. */
  errors: string[];
  /** The converted template; undefined when parsing failed. */
  template: WorkflowTemplate | undefined;
}

/**
 * Parses a workflow as GitHub does and converts it to its template. Reusable workflows it calls
 * are fetched (depth 1) through `resolve`, so a caller's `with:` and `secrets:` are checked
 * against the called workflow's `workflow_call` inputs and secrets.
 */
export async function parseWorkflowFile(
  file: string,
  content: string,
  resolve: WorkflowResolver,
): Promise<ParsedWorkflow> {
  const parser = await loadWorkflowParser();
  const parsed = parser.parseWorkflow({ name: file, content }, new parser.NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  if (parsed.value === undefined) return { errors, template: undefined };
  const template = await parser.convertWorkflowTemplate(
    parsed.context,
    parsed.value,
    {
      async getFileContent(ref) {
        if (!('repository' in ref)) {
          throw new Error(`local reusable workflow ./${ref.path} is not resolved by the tests`);
        }
        const local = resolve(ref.owner, ref.repository, ref.path);
        if (local === null) {
          throw new Error(`${ref.owner}/${ref.repository}/${ref.path}@${ref.version} is unknown`);
        }
        return { name: ref.path, content: await readFile(local, 'utf8') };
      },
    },
    { fetchReusableWorkflowDepth: 1 },
  );
  // The template's errors include the context's; keep each message once.
  const all = [...errors, ...(template.errors ?? []).map((error) => error.Message)];
  return { errors: [...new Set(all)], template };
}
