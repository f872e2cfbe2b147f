import { it } from 'vitest';
import { loadMermaid } from './mermaid-parse.js';
it('labels', async () => {
  const m = await loadMermaid();
  const tries = [
    'xychart-beta\n  title "a"b"\n  x-axis ["a"]\n  y-axis "s" 0 --> 1\n  bar [0.1]',
    'xychart-beta\n  title "a"\n  x-axis ["a"]\n  y-axis "s" 0 --> 1\n  bar [1e-7]',
    'xychart-beta\n  title "a %% b #35; c #quot; :::x"\n  x-axis ["a"]\n  y-axis "s" 0 --> 1\n  bar [0.1]',
    'xychart-beta\n  title "a"\n  x-axis ["a"]\n  y-axis "s" 0 --> 1\n  bar [0.1]\n  line [0.1, 0.2]',
    'block-beta\n  columns 3\n  h0["truth #8595; / predicted"] h1["a #quot;b#quot;"] h2["c"]\n',
    'xychart-beta horizontal\n  title "a"\n  x-axis ["a"]\n  y-axis "s" 0 --> 1\n  bar [0.1]',
  ];
  for (const t of tries) {
    try { await m.parse(t); console.log('OK  ', t.split('\n')[1]); } catch (e) { console.log('FAIL', t.split('\n')[1], (e as Error).message.slice(0, 150)); }
  }
}, 60000);
