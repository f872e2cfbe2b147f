/**
 * Everything in a report that came from data or a pull request is rendered inert: HTML, mentions,
 * table-breaking pipes, links, math, and Mermaid's own syntax inside the chart.
 */
import { describe, expect, it } from 'vitest';
import { renderCheckRunOutput } from '../../src/core/evaluate/render-check-run.js';
import { renderEvaluationComment } from '../../src/core/evaluate/render-comment.js';
import type { EvaluationReport } from '../../src/core/evaluate/report.js';
import { expectValidMarkdown, mermaidBlocks } from './markdown-check.js';
import { multiclassReport } from './reports.js';
import { expectMermaidParses } from '../support/mermaid-parse.js';

const img = '<img src=x onerror=alert(1)>';
const mention = '@user';
const pipe = '| pipe';
const brackets = ']]';
const mermaidBreaker = 'x"] %%{init: {"theme":"dark"}}%%\n  bar [1]\n```\n:::red `tick`';
const hostile = [img, mention, pipe, brackets, mermaidBreaker];

const hostileReport: EvaluationReport = {
  ...multiclassReport,
  model: 'iris',
  classes: [img, mention, pipe],
  data: [{ path: `data/${img}.csv`, digest: 'not a digest `) [x](http://e)' }],
  candidate: {
    ...multiclassReport.candidate,
    label: `candidate ${mention}`,
    metrics: {
      ...multiclassReport.candidate.metrics,
      values: { accuracy: 0.9333, [mermaidBreaker]: 0.5, [pipe]: 0.25 },
      perClass: [img, mention, pipe].map((label) => ({
        label,
        precision: 0.9,
        recall: 0.9,
        f1: 0.9,
        support: 10,
      })),
    },
  },
  baseline: {
    ...(multiclassReport.baseline as NonNullable<EvaluationReport['baseline']>),
    label: `production ${brackets} ${img}`,
    metrics: {
      ...(multiclassReport.baseline as NonNullable<EvaluationReport['baseline']>).metrics,
      values: { accuracy: 0.9, [mermaidBreaker]: 0.4, [pipe]: 0.2 },
    },
  },
  deltas: [
    {
      metric: mermaidBreaker,
      baseline: 0.4,
      candidate: 0.5,
      delta: 0.1,
      interval: [0.05, 0.15],
      significant: true,
    },
  ],
  slices: [
    {
      column: `${img} ${pipe}`,
      groups: hostile.map((value, index) => ({
        value,
        rows: index + 1,
        candidate: { [mermaidBreaker]: 0.5 },
      })),
      largestGap: [{ metric: mermaidBreaker, candidate: { gap: 0.1, best: mention, worst: img } }],
    },
  ],
  gates: [
    {
      metric: mermaidBreaker,
      rule: '≥ 0.9',
      status: 'failed',
      detail: `metric ${JSON.stringify(img)} does not exist; available: ${pipe}, ${mention}`,
    },
  ],
  passed: false,
  run: {
    url: 'https://github.com/a/b/actions/runs/1) [x](https://evil',
    commit: 'zzz',
    pullRequest: 1,
  },
};

describe('escaping', () => {
  const comment = renderEvaluationComment(hostileReport, { marker: 'm' });

  it('leaves no HTML but our own tags, and every table row whole', () => {
    const shape = expectValidMarkdown(comment);
    expect(shape.tables).toBeGreaterThanOrEqual(6);
    expect(comment).not.toContain('<img');
    expect(comment).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
  });

  it('breaks mentions and keeps brackets from forming links', () => {
    expect(comment).not.toMatch(/@(?!\u200d)/);
    expect(comment).toContain('production \\]\\] &lt;img');
    expect(comment).not.toContain('[x](http');
    // A run URL that is not GitHub's shape is left out rather than linked.
    expect(comment).not.toContain('Workflow run');
  });

  it('renders the hostile values in the table as text', () => {
    const row = comment.split('\n').find((line) => line.startsWith('| x'));
    expect(row).toMatchInlineSnapshot(
      `"| x"\\] %%\\{init: \\{"theme":"dark"\\}\\}%%   bar \\[1\\] \\\`\\\`\\\` :::red \\\`tick\\\` | ? | 0.4000 | 0.5000 | +0.1000 | [+0.0500, +0.1500] | changed | ❌ |"`,
    );
  });

  it('keeps Mermaid labels quoted, free of Mermaid syntax, and their text whole', async () => {
    const charts = mermaidBlocks(comment);
    expect(charts.length).toBeGreaterThan(0);
    for (const chart of charts) {
      for (const line of chart.split('\n')) {
        if (line.startsWith('  style ') || line.startsWith('%%{init:')) continue; // our own
        const outside = line.replace(/"[^"\n]*"/g, '""');
        expect(outside).not.toMatch(/%%|:::|`|#|;/);
        // Inside a label every # starts an entity code, and nothing can end the label early.
        for (const label of line.match(/"[^"\n]*"/g) ?? []) {
          expect(label.slice(1, -1).replace(/#[a-z0-9]+;/g, '')).not.toMatch(/[#%`:<>&]/);
        }
      }
    }
    // The hostile metric name is shown as its own text, entity codes decoded as Mermaid does.
    const decoded = charts.join('\n').replace(/#(quot|lt|gt|amp|\d+);/g, (_, code: string) => {
      const named: Record<string, string> = { quot: '"', lt: '<', gt: '>', amp: '&' };
      return named[code] ?? String.fromCodePoint(Number(code));
    });
    // (clipped to 40 characters, whitespace runs made one space)
    expect(decoded).toContain('"x"] %%{init: {"theme":"dark"}}%% bar [1…"');
    await expect(expectMermaidParses(comment)).resolves.toBe(charts.length);
  });

  it('keeps the check-run output inert too', () => {
    const output = renderCheckRunOutput(hostileReport);
    expectValidMarkdown(output.summary);
    expectValidMarkdown(output.text ?? '');
    expect(`${output.summary}${output.text ?? ''}`).not.toContain('<img');
    expect(output.title).not.toContain('\n');
  });
});
