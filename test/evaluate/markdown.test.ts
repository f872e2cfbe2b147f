import { describe, expect, it } from 'vitest';
import { escapeMarkdownCell, escapeUserText } from '../../src/core/markdown/escape.js';
import { mermaidLabel, renderXyBarChart } from '../../src/core/markdown/mermaid.js';
import {
  formatCount,
  formatDistinct,
  formatParameter,
  formatPValue,
  formatSigned,
  formatValue,
} from '../../src/core/markdown/number-format.js';
import {
  clipText,
  cutMarkdown,
  fitMarkdown,
  renderBlocks,
  type MarkdownBlock,
} from '../../src/core/markdown/truncate.js';
import { expectValidMarkdown } from './markdown-check.js';

describe('escapeMarkdownCell', () => {
  it('neutralises HTML, mentions, pipes, links, math and issue references', () => {
    expect(escapeMarkdownCell('<img src=x onerror=alert(1)>')).toBe(
      '&lt;img src=x onerror=alert\\(1\\)&gt;',
    );
    expect(escapeMarkdownCell('@user')).toBe('@\u200duser');
    expect(escapeMarkdownCell('a | b')).toBe('a \\| b');
    expect(escapeMarkdownCell('[x]](http://e)')).toBe('\\[x\\]\\]\\(http://e\\)');
    expect(escapeMarkdownCell('$\\Huge{ok}$')).toBe('\\$\\\\Huge\\{ok\\}\\$');
    expect(escapeMarkdownCell('fixes #12')).toBe('fixes \\#\u200d12');
    expect(escapeMarkdownCell('# heading\nnext')).toBe('\\# heading next');
  });

  it('clips a user value before escaping it', () => {
    expect(escapeUserText('<'.repeat(10), 4)).toBe('&lt;&lt;&lt;…');
  });
});

describe('clipText', () => {
  it('keeps short text and never splits a surrogate pair', () => {
    expect(clipText('abc', 3)).toBe('abc');
    expect(clipText('abcdef', 4)).toBe('abc…');
    expect(clipText('ab😀cd', 4)).toBe('ab…');
  });
});

describe('number formats', () => {
  it('uses 4 decimal places, scientific notation for tiny and huge magnitudes', () => {
    expect(formatValue(0.97312)).toBe('0.9731');
    expect(formatValue(1)).toBe('1.0000');
    expect(formatValue(0)).toBe('0.0000');
    expect(formatValue(12345.678912)).toBe('12345.6789');
    expect(formatValue(0.0000123)).toBe('1.230e-5');
    expect(formatValue(2.5e12)).toBe('2.500e+12');
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatSigned(0.0119)).toBe('+0.0119');
    expect(formatSigned(-0.0256)).toBe('-0.0256');
    expect(formatSigned(0)).toBe('0.0000');
    expect(formatParameter(0.01)).toBe('0.01');
    expect(formatParameter(0.1 + 0.2)).toBe('0.3');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatPValue(0.00291)).toBe('p = 0.0029');
    expect(formatPValue(1e-9)).toBe('p < 0.0001');
  });

  it('shows more digits when two compared values would otherwise read the same', () => {
    expect(formatDistinct(0.89996, 0.9)).toEqual(['0.89996', '0.9']);
    expect(formatDistinct(0.9, 0.9)).toEqual(['0.9000', '0.9000']);
    expect(formatDistinct(0.91, 0.9)).toEqual(['0.9100', '0.9000']);
  });
});

describe('Mermaid', () => {
  it('quotes labels and writes what could end a string, a statement or the fence as entity codes', () => {
    // Mermaid's entity codes (#quot; #35; #37; #58; …) render as the character itself, so a label
    // keeps its text; expected values written out by hand from those codes.
    expect(mermaidLabel('roc_auc')).toBe('"roc_auc"');
    expect(mermaidLabel('mean fractal dimension: current')).toBe(
      '"mean fractal dimension#58; current"',
    );
    expect(mermaidLabel('0.05–0.0574')).toBe('"0.05–0.0574"');
    expect(mermaidLabel('a"] %%{init: {"theme":"dark"}}%%\nbar [1]')).toBe(
      '"a#quot;] #37;#37;{init#58; {#quot;theme#quot;#58;#quot;dark#quot;}}#37;#37; bar [1]"',
    );
    expect(mermaidLabel('x:::red `y` #quot; z; <b>&')).toBe(
      '"x#58;#58;#58;red #96;y#96; #35;quot; z; #lt;b#gt;#amp;"',
    );
    expect(mermaidLabel('große Klasse 1/2 (neu)')).toBe('"große Klasse 1/2 (neu)"');
    expect(mermaidLabel('"""')).toBe('"#quot;#quot;#quot;"');
    expect(mermaidLabel('   ')).toBe('"_"');
    expect(mermaidLabel('a'.repeat(100), 10)).toBe(`"${'a'.repeat(9)}…"`);
  });

  it('writes an xychart with bars and a line', () => {
    expect(
      renderXyBarChart({
        title: 'candidate (bars) vs production v1.2.0 (line)',
        categories: ['accuracy', 'roc_auc'],
        yAxis: { title: 'value', min: 0, max: 1 },
        bars: [0.951, 0.97312],
        line: [0.95, 0.9612],
      }),
    ).toMatchInlineSnapshot(`
      "\`\`\`mermaid
      xychart-beta
        title "candidate (bars) vs production v1.2.0 (line)"
        x-axis ["accuracy", "roc_auc"]
        y-axis "value" 0 --> 1
        bar [0.951, 0.9731]
        line [0.95, 0.9612]
      \`\`\`"
    `);
  });
});

const note = {
  sectionsOmittedNote: (count: number) => `${count} sections omitted`,
  rowsOmittedNote: (count: number) => `${count} rows omitted`,
  cutNote: 'cut',
};

function section(name: string, size: number): MarkdownBlock {
  return { kind: 'details', summary: name, blocks: [{ kind: 'text', text: 'x'.repeat(size) }] };
}

describe('fitMarkdown', () => {
  const table: MarkdownBlock = {
    kind: 'table',
    table: {
      header: ['a', 'b'],
      align: ['left', 'right'],
      rows: Array.from({ length: 100 }, (_, index) => [`row ${index}`, String(index)]),
    },
  };

  it('returns the document unchanged when it fits', () => {
    const blocks: MarkdownBlock[] = [{ kind: 'text', text: 'head' }, section('s', 10)];
    expect(fitMarkdown(blocks, { maxLength: 1000, ...note })).toBe(renderBlocks(blocks));
  });

  it('drops sections from the end first, one note where the first dropped one stood', () => {
    const blocks: MarkdownBlock[] = [
      { kind: 'text', text: 'head' },
      section('one', 10),
      section('two', 100),
      section('three', 100),
      { kind: 'text', text: 'foot' },
    ];
    const fitted = fitMarkdown(blocks, { maxLength: 120, ...note });
    expect(fitted).toMatchInlineSnapshot(`
      "head

      <details><summary>one</summary>

      xxxxxxxxxx

      </details>

      2 sections omitted

      foot"
    `);
    expect(fitted.length).toBeLessThanOrEqual(120);
  });

  it('then cuts table rows, whole rows only, with a note', () => {
    const fitted = fitMarkdown([{ kind: 'text', text: 'head' }, table, section('s', 500)], {
      maxLength: 150,
      ...note,
    });
    expect(fitted.length).toBeLessThanOrEqual(150);
    expect(fitted).toMatchInlineSnapshot(`
      "head

      | a | b |
      | --- | ---: |
      | row 0 | 0 |
      | row 1 | 1 |
      | row 2 | 2 |
      | row 3 | 3 |
      | row 4 | 4 |

      95 rows omitted

      1 sections omitted"
    `);
  });

  it('measures with the given function, e.g. UTF-8 bytes', () => {
    const bytes = (text: string) => new TextEncoder().encode(text).length;
    const wide: MarkdownBlock = {
      kind: 'table',
      table: { header: ['ü'], rows: Array.from({ length: 50 }, () => ['üüüüüüüüüü']) },
    };
    const fitted = fitMarkdown([wide], { maxLength: 300, measure: bytes, ...note });
    expect(bytes(fitted)).toBeLessThanOrEqual(300);
    expect(fitted.length).toBeLessThan(300);
    expectValidMarkdown(fitted);
  });
});

describe('cutMarkdown', () => {
  it('cuts at a line, closing an open fence and open sections', () => {
    const markdown = [
      'head',
      '',
      '<details><summary>s</summary>',
      '',
      '```mermaid',
      ...Array.from({ length: 50 }, (_, index) => `line ${index}`),
      '```',
      '',
      '</details>',
    ].join('\n');
    const cut = cutMarkdown(markdown, 120, 'cut');
    expect(cut.length).toBeLessThanOrEqual(120);
    expect(cut).toMatchInlineSnapshot(`
      "head

      <details><summary>s</summary>

      \`\`\`mermaid
      line 0
      line 1
      line 2
      line 3
      line 4
      line 5
      line 6
      \`\`\`

      </details>

      cut"
    `);
    expectValidMarkdown(cut);
  });

  it('returns what fits of a tiny limit, down to nothing', () => {
    expect(cutMarkdown('a\nb\nc', 3, 'a long note')).toBe('a\nb');
    expect(cutMarkdown('abc', 2, 'n')).toBe('n');
    expect(cutMarkdown('abc', 0, 'n')).toBe('');
  });
});
