/**
 * Escaping for text that comes from users' data or pull requests and ends up in markdown that
 * GitHub renders (comments, summaries, issue bodies). Without it a value could inject links,
 * mentions, HTML, math or break a table.
 */

import { clipText } from './truncate.js';

// `$` is here because GitHub renders `$…$` and `$$…$$` as math: a label could otherwise draw
// arbitrary large text (\Huge, \color) into a comment that looks like ours.
const markdownSpecials = /[\\`*_{}[\]()#+!|<>~&@$]/g;

/** Escapes text for inline markdown, including inside a table cell; newlines become spaces. */
export function escapeMarkdownCell(text: string): string {
  return (
    text
      .replace(/\r\n|\r|\n/g, ' ')
      .replace(markdownSpecials, (char) => {
        if (char === '<') return '&lt;';
        if (char === '>') return '&gt;';
        if (char === '&') return '&amp;';
        // A zero-width joiner after @ stops GitHub from turning it into a mention.
        if (char === '@') return '@\u200d';
        return `\\${char}`;
      })
      // GitHub links `#123` to an issue (and records a cross-reference there) after markdown is
      // rendered, so the backslash alone does not stop it; a zero-width joiner does, as for @.
      .replace(/\\#(?=\d)/g, '\\#\u200d')
  );
}

/**
 * A user-supplied value shortened to `maxLength` characters, then escaped: one cap per value keeps
 * a 60 KB label from filling a comment on its own, and clipping first never cuts an escape.
 */
export function escapeUserText(text: string, maxLength: number): string {
  return escapeMarkdownCell(clipText(text, maxLength));
}

/**
 * Text shown as inline code. Backslash escapes and entities show literally inside a code span,
 * so instead the fence is made longer than any run of backticks in the text (CommonMark), and
 * line breaks become spaces.
 */
export function codeSpan(text: string): string {
  const flat = text.replace(/\r\n|\r|\n/g, ' ');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
