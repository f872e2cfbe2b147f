/**
 * Structural checks on rendered markdown, for the tests: fences closed, `<details>` balanced,
 * every table row with its header's number of cells, no HTML but the tags we write.
 */
import { expect } from 'vitest';

/** The tags the renderers write themselves; anything else starting with `<` is an injection. */
const ourTags =
  /^<(?:!-- [^\n]*? -->|details(?: open)?>|\/details>|summary>|\/summary>|sub>|\/sub>)/;

/** Cells of a table row: pipes not escaped by a backslash separate them. */
export function cellCount(row: string): number {
  let pipes = 0;
  for (let index = 0; index < row.length; index += 1) {
    const char = row[index];
    if (char === '\\') index += 1;
    else if (char === '|') pipes += 1;
  }
  return pipes - 1;
}

export interface MarkdownShape {
  readonly fences: number;
  readonly details: number;
  readonly tables: number;
}

export function expectValidMarkdown(markdown: string): MarkdownShape {
  const lines = markdown.split('\n');
  let fence = false;
  let depth = 0;
  let fences = 0;
  let details = 0;
  let tables = 0;
  let tableWidth: number | null = null;
  for (const line of lines) {
    if (/^```/.test(line)) {
      fence = !fence;
      fences += 1;
      tableWidth = null;
      continue;
    }
    if (fence) {
      expect(line, 'a line inside a code fence').not.toContain('```');
      continue;
    }
    for (const match of line.matchAll(/</g)) {
      expect(line.slice(match.index), `HTML in ${line.slice(0, 200)}`).toMatch(ourTags);
    }
    const opens = (line.match(/<details[ >]/g) ?? []).length;
    depth += opens - (line.match(/<\/details>/g) ?? []).length;
    details += opens;
    expect(depth, 'a </details> without its <details>').toBeGreaterThanOrEqual(0);
    if (line.startsWith('|')) {
      const width = cellCount(line);
      if (tableWidth === null) {
        tableWidth = width;
        tables += 1;
      } else expect(width, `cells in ${line.slice(0, 200)}`).toBe(tableWidth);
    } else tableWidth = null;
  }
  expect(fence, 'an unclosed code fence').toBe(false);
  expect(depth, 'an unclosed <details>').toBe(0);
  return { fences, details, tables };
}

/** The lines between ```mermaid and the closing fence. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((match) => match[1] ?? '');
}
