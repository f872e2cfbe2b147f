/**
 * Escaping for text that comes from users' data or pull requests and ends up in markdown that
 * GitHub renders (comments, summaries, issue bodies). Without it a value could inject links,
 * mentions, HTML or break a table.
 */

const markdownSpecials = /[\\`*_{}[\]()#+!|<>~&@]/g;

/** Escapes text for inline markdown, including inside a table cell; newlines become spaces. */
export function escapeMarkdownCell(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(markdownSpecials, (char) => {
    if (char === '<') return '&lt;';
    if (char === '>') return '&gt;';
    if (char === '&') return '&amp;';
    // A zero-width joiner after @ stops GitHub from turning it into a mention.
    if (char === '@') return '@\u200d';
    return `\\${char}`;
  });
}
