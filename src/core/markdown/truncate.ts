/**
 * Markdown that must fit a size limit (GitHub refuses comment bodies over 65,536 characters; a
 * step summary over 1 MiB). Documents are built as blocks so that shortening never cuts inside an
 * HTML tag, a table row or a code fence: first whole `<details>` sections are dropped from the end
 * (they are the least important part of a report), then table rows, and only as a last resort the
 * text is cut at a line boundary with every open fence and `<details>` closed again.
 */

export type MarkdownBlock =
  /** Rendered markdown kept whole: a heading, a paragraph, a fenced code block. */
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'table'; readonly table: MarkdownTable }
  /** A collapsible `<details>` section; `summary` is already escaped inline markdown. */
  | {
      readonly kind: 'details';
      readonly summary: string;
      readonly open?: boolean;
      readonly blocks: readonly MarkdownBlock[];
    };

export interface MarkdownTable {
  /** Cells are rendered inline markdown, already escaped by the caller. */
  readonly header: readonly string[];
  readonly align?: readonly ('left' | 'right' | 'center')[];
  readonly rows: readonly (readonly string[])[];
  /** Rows the caller left out before building the table; added to the "omitted" note. */
  readonly omittedRows?: number;
}

export interface FitOptions {
  readonly maxLength: number;
  /**
   * The size of a text; additive over concatenation. Default: UTF-16 code units (`length`), which
   * is never less than the number of characters GitHub counts. Use UTF-8 bytes for byte limits.
   */
  readonly measure?: (text: string) => number;
  /** The paragraph that replaces dropped sections, e.g. "2 sections omitted: see …". */
  readonly sectionsOmittedNote: (count: number) => string;
  /** The paragraph under a table whose rows were cut. */
  readonly rowsOmittedNote: (count: number) => string;
  /** The last line of a document cut as a last resort. */
  readonly cutNote?: string;
}

const defaultMeasure = (text: string): number => text.length;

/** Renders blocks with a blank line between them. */
export function renderBlocks(
  blocks: readonly MarkdownBlock[],
  rowsOmittedNote: (count: number) => string = (count) => `${count} more rows not shown.`,
): string {
  return blocks.map((block) => renderBlock(block, rowsOmittedNote)).join('\n\n');
}

function renderBlock(block: MarkdownBlock, note: (count: number) => string): string {
  switch (block.kind) {
    case 'text':
      return block.text;
    case 'table':
      return renderTable(block.table, note);
    case 'details':
      // Blank lines around the content: GitHub renders markdown inside HTML blocks only then.
      return [
        `<details${block.open === true ? ' open' : ''}><summary>${block.summary}</summary>`,
        renderBlocks(block.blocks, note),
        '</details>',
      ]
        .filter((part) => part !== '')
        .join('\n\n');
  }
}

/** A GFM table; a note under it says how many rows were left out. */
export function renderTable(table: MarkdownTable, note: (count: number) => string): string {
  const width = table.header.length;
  const lines = [
    tableRow(table.header, width),
    tableRow(
      Array.from({ length: width }, (_, index) => {
        const align = table.align?.[index];
        return align === 'right' ? '---:' : align === 'center' ? ':---:' : '---';
      }),
      width,
    ),
    ...table.rows.map((row) => tableRow(row, width)),
  ];
  const omitted = table.omittedRows ?? 0;
  return omitted > 0 ? `${lines.join('\n')}\n\n${note(omitted)}` : lines.join('\n');
}

function tableRow(cells: readonly string[], width: number): string {
  const padded = Array.from({ length: width }, (_, index) =>
    // A newline would end the row early; callers escape, this is the backstop.
    (cells[index] ?? '').replace(/\r\n|\r|\n/g, ' '),
  );
  return `| ${padded.join(' | ')} |`;
}

/**
 * Renders blocks within `maxLength`: whole top-level `<details>` sections are dropped from the end
 * first (one note stands where the first dropped one was), then rows are cut from the last table
 * backwards, then the text is cut at a line boundary (`cutMarkdown`).
 */
export function fitMarkdown(blocks: readonly MarkdownBlock[], options: FitOptions): string {
  const measure = options.measure ?? defaultMeasure;
  const render = (current: readonly MarkdownBlock[]): string =>
    renderBlocks(current, options.rowsOmittedNote);
  const fits = (text: string): boolean => measure(text) <= options.maxLength;

  let current = blocks;
  let text = render(current);
  if (fits(text)) return text;

  const sections = blocks.flatMap((block, index) => (block.kind === 'details' ? [index] : []));
  for (let dropped = 1; dropped <= sections.length; dropped += 1) {
    const firstDropped = sections[sections.length - dropped] as number;
    const droppedSet = new Set(sections.slice(sections.length - dropped));
    current = blocks.flatMap((block, index): MarkdownBlock[] => {
      if (index === firstDropped)
        return [{ kind: 'text', text: options.sectionsOmittedNote(dropped) }];
      return droppedSet.has(index) ? [] : [block];
    });
    text = render(current);
    if (fits(text)) return text;
  }

  // Cut table rows, last table first: the tables near the top (the verdict's) matter most.
  const working = [...current];
  for (let index = working.length - 1; index >= 0; index -= 1) {
    const block = working[index];
    if (block?.kind !== 'table' || block.table.rows.length === 0) continue;
    const table = block.table;
    const withRows = (keep: number): MarkdownBlock => ({
      kind: 'table',
      table: {
        ...table,
        rows: table.rows.slice(0, keep),
        omittedRows: (table.omittedRows ?? 0) + table.rows.length - keep,
      },
    });
    const sizeWith = (keep: number): string => {
      working[index] = withRows(keep);
      return render(working);
    };
    // Size grows with every kept row (a row adds more characters than the note's count loses),
    // so the largest row count that fits is found by bisection.
    let low = 0;
    let high = table.rows.length - 1;
    if (!fits(sizeWith(0))) {
      working[index] = withRows(0);
      continue;
    }
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (fits(sizeWith(middle))) low = middle;
      else high = middle - 1;
    }
    text = sizeWith(low);
    if (fits(text)) return text;
  }

  return cutMarkdown(
    render(working),
    options.maxLength,
    options.cutNote ?? 'The rest is cut: it did not fit.',
    measure,
  );
}

/**
 * Cuts markdown at a line boundary so that it fits `maxLength` with `note` as the last paragraph.
 * Open code fences and `<details>` sections are closed again, so what is left stays valid; a table
 * loses whole rows, never half of one. Assumes tags of `<details>` stand on their own lines, as
 * `renderBlocks` writes them.
 */
export function cutMarkdown(
  markdown: string,
  maxLength: number,
  note: string,
  measure: (text: string) => number = defaultMeasure,
): string {
  if (measure(markdown) <= maxLength) return markdown;
  const lines = markdown.split('\n');
  const attempt = (withNote: boolean): string => {
    const kept: string[] = [];
    let size = 0;
    let fence: string | null = null;
    let depth = 0;
    let best = closing(false, null, 0, withNote ? note : null);
    for (const line of lines) {
      let nextFence: string | null = fence;
      let nextDepth = depth;
      if (fence === null) {
        const opening = /^ {0,3}(`{3,}|~{3,})/.exec(line);
        if (opening?.[1] !== undefined) nextFence = opening[1];
        else {
          nextDepth += (line.match(/<details[\s>]/g) ?? []).length;
          nextDepth -= (line.match(/<\/details>/g) ?? []).length;
        }
      } else if (
        new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(line)
      ) {
        nextFence = null;
      }
      const lineSize = measure(line) + (kept.length > 0 ? 1 : 0);
      const tail = closing(true, nextFence, Math.max(0, nextDepth), withNote ? note : null);
      if (size + lineSize + measure(tail) > maxLength) break;
      kept.push(line);
      size += lineSize;
      fence = nextFence;
      depth = Math.max(0, nextDepth);
      best = kept.join('\n') + tail;
    }
    return best;
  };
  const withNote = attempt(true);
  if (measure(withNote) <= maxLength) return withNote;
  const withoutNote = attempt(false);
  return measure(withoutNote) <= maxLength ? withoutNote : '';
}

/** What ends a cut document: fence and section closers, then the note. */
function closing(
  afterText: boolean,
  fence: string | null,
  depth: number,
  note: string | null,
): string {
  const parts: string[] = [];
  if (fence !== null) parts.push(`\n${fence}`);
  for (let level = 0; level < depth; level += 1) parts.push('\n\n</details>');
  if (note !== null) parts.push(`\n\n${note}`);
  const tail = parts.join('');
  return afterText ? tail : tail.replace(/^\n+/, '');
}

/**
 * Shortens one value (a label, a file name) to at most `maxLength` characters, ending in "…".
 * Clip before escaping, so an escape sequence is never cut in half; never splits a surrogate pair.
 */
export function clipText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let end = Math.max(0, maxLength - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
