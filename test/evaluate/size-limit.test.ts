/**
 * The body never exceeds the limit, whatever the report holds, and stays valid markdown: sections
 * are dropped whole, tables lose whole rows, fences and <details> are closed.
 */
import { describe, expect, it } from 'vitest';
import { renderCheckRunOutput } from '../../src/core/evaluate/render-check-run.js';
import { renderEvaluationComment } from '../../src/core/evaluate/render-comment.js';
import { renderEvaluationSummary } from '../../src/core/evaluate/render-summary.js';
import type { EvaluationReport, MetricSet } from '../../src/core/evaluate/report.js';
import { expectValidMarkdown } from './markdown-check.js';
import { binaryReport, multiclassReport } from './reports.js';

const marker = 'mlops-actions:evaluate:huge';
const markerLine = `<!-- ${marker} -->`;

function manyClasses(count: number, label: (index: number) => string): MetricSet {
  return {
    values: { accuracy: 0.5, macro_f1: 0.49 },
    perClass: Array.from({ length: count }, (_, index) => ({
      label: label(index),
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
      support: 10,
    })),
    confusion: Array.from({ length: count }, (_, truth) =>
      Array.from({ length: count }, (_, predicted) =>
        truth === predicted ? 5 : (truth * 7 + predicted * 3) % 11 === 0 ? 1 : 0,
      ),
    ),
  };
}

const thousandsOfClasses: EvaluationReport = {
  ...multiclassReport,
  classes: Array.from({ length: 2000 }, (_, index) => `class-${index}`),
  candidate: { ...multiclassReport.candidate, metrics: manyClasses(2000, (i) => `class-${i}`) },
  baseline: {
    ...(multiclassReport.baseline as NonNullable<EvaluationReport['baseline']>),
    metrics: manyClasses(2000, (i) => `class-${i}`),
  },
};

const tenThousandSliceGroups: EvaluationReport = {
  ...multiclassReport,
  slices: [
    {
      column: 'customer_id',
      groups: Array.from({ length: 10_000 }, (_, index) => ({
        value: `customer-${index}`,
        rows: 3,
        candidate: { accuracy: (index % 3) / 3 },
        baseline: { accuracy: 0.5 },
      })),
      largestGap: [
        {
          metric: 'accuracy',
          candidate: { gap: 1, best: 'customer-2', worst: 'customer-0' },
          baseline: { gap: 0, best: 'customer-0', worst: 'customer-1' },
        },
      ],
    },
  ],
};

const huge = 'ü<@|`"\n'.repeat((60 * 1024) / 7);
const sixtyKilobyteLabels: EvaluationReport = {
  ...multiclassReport,
  model: huge,
  classes: [huge, `${huge}2`, `${huge}3`],
  data: Array.from({ length: 20 }, () => ({ path: huge, digest: huge })),
  baselineNote: huge,
  candidate: {
    ...multiclassReport.candidate,
    label: huge,
    metrics: {
      ...manyClasses(3, () => huge),
      values: Object.fromEntries(
        Array.from({ length: 1000 }, (_, index) => [`${huge}${index}`, index / 1000]),
      ),
    },
  },
  baseline: {
    ...(multiclassReport.baseline as NonNullable<EvaluationReport['baseline']>),
    label: huge,
  },
  slices: Array.from({ length: 30 }, () => ({
    column: huge,
    groups: Array.from({ length: 50 }, () => ({ value: huge, rows: 1, candidate: { [huge]: 1 } })),
    largestGap: [{ metric: huge, candidate: { gap: 1, best: huge, worst: huge } }],
  })),
  gates: Array.from({ length: 200 }, () => ({
    metric: huge,
    rule: huge,
    status: 'failed' as const,
    detail: huge,
  })),
  passed: false,
};

/** 2,000 metrics in the main table: nothing droppable is big, the table itself must shrink. */
const thousandsOfMetrics: EvaluationReport = {
  ...binaryReport,
  candidate: {
    ...binaryReport.candidate,
    metrics: {
      values: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`metric_${i}`, i / 2000])),
    },
  },
  deltas: Array.from({ length: 2000 }, (_, i) => ({
    metric: `metric_${i}`,
    baseline: 0.5,
    candidate: i / 2000,
    delta: i / 2000 - 0.5,
    interval: [-0.1, 0.1] as const,
    significant: i % 2 === 0,
  })),
};

const cases = {
  'thousands of classes': thousandsOfClasses,
  '10,000 slice groups': tenThousandSliceGroups,
  '60 KB labels': sixtyKilobyteLabels,
  'thousands of metrics': thousandsOfMetrics,
};

describe.each(Object.entries(cases))('%s', (_name, report) => {
  it.each([65_536, 20_000, 3_000, 600])(
    'fits a comment of %i characters, still valid',
    (maxLength) => {
      const comment = renderEvaluationComment(report, { marker, maxLength });
      expect(comment.length).toBeLessThanOrEqual(maxLength);
      expect(comment.startsWith(markerLine)).toBe(true);
      expectValidMarkdown(comment);
    },
  );

  it('fits the job summary in UTF-8 bytes', () => {
    const maxBytes = 50_000;
    const summary = renderEvaluationSummary(report, { maxBytes });
    expect(new TextEncoder().encode(summary).length).toBeLessThanOrEqual(maxBytes);
    expectValidMarkdown(summary);
  });

  it('fits the check run limits', () => {
    const output = renderCheckRunOutput(report);
    expect(output.title.length).toBeLessThanOrEqual(255);
    expect(output.summary.length).toBeLessThanOrEqual(65_535);
    expect((output.text ?? '').length).toBeLessThanOrEqual(65_535);
    expectValidMarkdown(output.summary);
    expectValidMarkdown(output.text ?? '');
  });
});

describe('what is given up first', () => {
  it('drops the slice sections, keeps the verdict, table and chart, and says so', () => {
    const comment = renderEvaluationComment(tenThousandSliceGroups, { marker });
    expect(comment).toContain('| accuracy | 0.9000 | 0.9333 |');
    expect(comment).toContain('```mermaid');
    expect(comment).toContain('<details><summary>Confusion matrices');
    expect(comment).not.toContain('customer-9999');
    expect(comment).toContain(
      "_1 section omitted to fit GitHub's comment size limit: see the report artifact / job summary._",
    );
    // The job summary has room for what the comment left out.
    expect(renderEvaluationSummary(tenThousandSliceGroups)).toContain('customer-9999');
  });

  it('lists the most frequent confusions when a matrix has too many classes', () => {
    const summary = renderEvaluationSummary(thousandsOfClasses);
    expect(summary).toContain(
      '2,000 classes: too many for a matrix; the 25 most frequent confusions of',
    );
    expectValidMarkdown(summary);
  });

  it('cuts the main table by rows with a note when nothing else is left to drop', () => {
    const comment = renderEvaluationComment(thousandsOfMetrics, { marker });
    expect(comment.length).toBeLessThanOrEqual(65_536);
    expect(comment).toMatch(
      /_[\d,]+ more rows not shown: see the report artifact \/ job summary\._/,
    );
    expect(comment).toContain('| metric\\_0 |');
    // The footer with the links survives.
    expect(comment).toContain('[Workflow run](https://github.com/acme/churn/actions/runs/42)');
  });

  it('clips every 60 KB value to a short one', () => {
    const comment = renderEvaluationComment(sixtyKilobyteLabels, { marker });
    const longestLine = Math.max(...comment.split('\n').map((line) => line.length));
    expect(longestLine).toBeLessThan(5_000);
  });
});
