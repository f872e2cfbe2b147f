/**
 * The layer rules of docs/architecture.md: entrypoints and the CLI -> steps -> core, adapters at
 * the edge. Checked twice: the ESLint rule (which `npm test` runs over src/) refuses fixtures that
 * break it, and every import in src/ is resolved and checked against the same arrows, so a gap in
 * the rule's patterns cannot hide a backward import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/layers');

async function lintAs(fixture: string, filePath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const code = readFileSync(path.join(fixtures, fixture), 'utf8');
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

describe('the layer lint rule', () => {
  it('refuses an adapter that imports a step', async () => {
    const messages = await lintAs('adapter-imports-step.ts.txt', 'src/adapters/github/bad.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('Adapters implement ports of the core and never import a step');
  });

  it('refuses the same import from an adapter at any depth', async () => {
    const code = "import type { X } from '../steps/check-drift.js';\nexport type Y = X;\n";
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintText(code, {
      filePath: path.join(root, 'src/adapters/bad.ts'),
    });
    expect(result?.messages.map((message) => message.ruleId)).toContain('no-restricted-imports');
  });

  it('refuses the core importing an adapter or node:fs', async () => {
    const messages = await lintAs('core-imports-adapter.ts.txt', 'src/core/evaluate/bad.ts');
    expect(messages).toHaveLength(2);
    expect(messages.join('\n')).toContain('src/core does no I/O');
    expect(messages.join('\n')).toContain('src/core is pure');
  });

  it('refuses a step importing an action or @actions/core', async () => {
    const messages = await lintAs('step-imports-action.ts.txt', 'src/steps/bad.ts');
    expect(messages).toHaveLength(2);
    expect(messages.join('\n')).toContain('Steps reach GitHub and the runner through ports');
  });

  it('allows an adapter to import src/adapters/actions (not the entrypoints)', async () => {
    expect(await lintAs('adapter-imports-own-actions.ts.txt', 'src/adapters/bad.ts')).toEqual([]);
  });
});

/** Which layer a file under src/ belongs to: its first folder. */
function layerOf(file: string): string {
  return path.relative(path.join(root, 'src'), file).split(path.sep)[0] ?? '';
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative imports and re-exports of a file, resolved to absolute paths. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)];
  const dynamic = [...text.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g)];
  return [...specifiers, ...dynamic].map((match) =>
    path.resolve(path.dirname(file), match[1] ?? ''),
  );
}

// What each layer may import (besides itself).
const allowed: Record<string, readonly string[]> = {
  core: [],
  adapters: ['core'],
  steps: ['core', 'adapters'],
  actions: ['steps', 'core', 'adapters'],
  cli: ['steps', 'core', 'adapters'],
};

describe('the imports of src/', () => {
  const files = sourceFiles(path.join(root, 'src'));

  it('point only downward, and no adapter imports a step', () => {
    const backward: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const target of relativeImports(file)) {
        const to = layerOf(target);
        if (to === from || (allowed[from] ?? []).includes(to)) continue;
        backward.push(`${path.relative(root, file)} -> ${path.relative(root, target)}`);
      }
    }
    expect(backward).toEqual([]);
  });

  it('finds imports at all (the check above is not vacuous)', () => {
    const adapterImports = files
      .filter((file) => layerOf(file) === 'adapters')
      .flatMap(relativeImports)
      .map(layerOf);
    expect(adapterImports).toContain('core');
    expect(files.length).toBeGreaterThan(100);
  });
});
