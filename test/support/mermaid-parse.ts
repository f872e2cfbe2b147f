/**
 * Validates Mermaid blocks with the real parser (`mermaid` 11's `parse`), the same code GitHub's
 * renderer runs, so a chart that would show "Unable to render rich display" fails a test instead.
 * Mermaid needs a DOM even to parse (DOMPurify is set up on import), so jsdom provides one, set on
 * `globalThis` before the module is imported. Loading takes a few seconds: call `loadMermaid`
 * once per test file (in `beforeAll`).
 */
import { JSDOM } from 'jsdom';

interface MermaidApi {
  initialize(config: { startOnLoad: boolean }): void;
  parse(text: string): Promise<unknown>;
}

let loaded: Promise<MermaidApi> | undefined;

export function loadMermaid(): Promise<MermaidApi> {
  loaded ??= (async () => {
    const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
    const globals = globalThis as unknown as Record<string, unknown>;
    globals.window ??= dom.window;
    globals.document ??= dom.window.document;
    const mermaid = (await import('mermaid')).default as unknown as MermaidApi;
    mermaid.initialize({ startOnLoad: false });
    return mermaid;
  })();
  return loaded;
}

/** The bodies of every ```mermaid block in a markdown text, in order. */
export function mermaidBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const fence = /^```mermaid\n([\s\S]*?)\n```$/gm;
  for (const match of markdown.matchAll(fence)) blocks.push(match[1] ?? '');
  return blocks;
}

/**
 * Parses every Mermaid block of `markdown`; rejects with the block and the parser's message on
 * the first that does not parse. Resolves with the number of blocks parsed.
 */
export async function expectMermaidParses(markdown: string): Promise<number> {
  const mermaid = await loadMermaid();
  const blocks = mermaidBlocks(markdown);
  for (const [index, block] of blocks.entries()) {
    try {
      await mermaid.parse(block);
    } catch (error) {
      throw new Error(
        `Mermaid block ${index + 1} of ${blocks.length} does not parse: ${(error as Error).message}\n${block}`,
      );
    }
  }
  return blocks.length;
}
