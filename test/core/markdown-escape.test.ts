import { describe, expect, it } from 'vitest';
import { codeSpan, escapeMarkdownCell } from '../../src/core/markdown/escape.js';

describe('markdown escaping of user text', () => {
  it('neutralises links, mentions, HTML and table pipes', () => {
    expect(escapeMarkdownCell('<img src=x> | @alice [x](y)')).toBe(
      '&lt;img src=x&gt; \\| @\u200dalice \\[x\\]\\(y\\)',
    );
  });

  it('wraps code in a fence longer than any backtick run inside (CommonMark)', () => {
    expect(codeSpan('train.py')).toBe('`train.py`');
    expect(codeSpan('a `b` c')).toBe('``a `b` c``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
    expect(codeSpan('two\nlines')).toBe('`two lines`');
    expect(codeSpan('python train_model.py --lr 1e-3')).toBe('`python train_model.py --lr 1e-3`');
  });
});
