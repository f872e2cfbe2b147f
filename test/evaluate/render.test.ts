import { describe, expect, it } from 'vitest';
import { renderCheckRunOutput } from '../../src/core/evaluate/render-check-run.js';
import { markerComment, renderEvaluationComment } from '../../src/core/evaluate/render-comment.js';
import { renderEvaluationSummary } from '../../src/core/evaluate/render-summary.js';
import { expectValidMarkdown } from './markdown-check.js';
import { binaryReport, failingReport, firstModelReport, multiclassReport } from './reports.js';

const marker = 'mlops-actions:evaluate:churn';

describe('renderEvaluationComment', () => {
  it('renders a binary comparison with a production baseline', () => {
    const comment = renderEvaluationComment(binaryReport, { marker });
    expectValidMarkdown(comment);
    expect(comment).toMatchInlineSnapshot(`
      "<!-- mlops-actions:evaluate:churn -->

      ### ✅ churn passed evaluation: all 2 gates passed

      Candidate model \`sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\`: these exact bytes are what gets published.\\
      Compared with production v1.2.0 (\`sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\`) on the same 1,000 records of data/eval.csv (\`sha256:dddddddddddd…\`).

      | Metric | production v1.2.0 | candidate | Δ | 95% interval | Gate |
      | --- | ---: | ---: | ---: | :---: | :---: |
      | accuracy | 0.9500 | 0.9510 | +0.0010 | [-0.0040, +0.0060] | ✅ |
      | roc\\_auc | 0.9612 | 0.9731 | **+0.0119** | [+0.0051, +0.0187] | ✅ |
      | log\\_loss | 0.1688 | 0.1432 | **-0.0256** | [-0.0391, -0.0122] | — |

      Δ = candidate − production v1.2.0; **bold** Δ: significant, its 95% interval (paired bootstrap over the same records, 1,000 resamples, seed 42) excludes 0. Values are rounded to 4 decimal places (scientific notation below 0.0001 or from 10⁹).

      McNemar's exact test on accuracy: production v1.2.0 alone right on 12 records, candidate alone on 13; p = 1.0000 (two-sided).

      <details open><summary>Chart: candidate as bars, production v1.2.0 as a line</summary>

      \`\`\`mermaid
      xychart-beta
        title "candidate (bars) vs production v1.2.0 (line)"
        x-axis ["accuracy", "roc_auc", "log_loss"]
        y-axis "value" 0 --> 1
        bar [0.951, 0.9731, 0.1432]
        line [0.95, 0.9612, 0.1688]
      \`\`\`

      </details>

      <details><summary>Gates: 2 passed</summary>

      | Metric | Rule | Result | Detail |
      | --- | --- | --- | --- |
      | roc\\_auc | ≥ 0.9 | ✅ passed | 0.9731 ≥ 0.9000 |
      | accuracy | max-drop 1% \\(relative\\) | ✅ passed | 0.9510 ≥ 0.9405 = 0.9500 × \\(1 − 0.01\\) |

      </details>

      <sub>[Workflow run](https://github.com/acme/churn/actions/runs/42) · commit [\`0123456789ab\`](https://github.com/acme/churn/commit/0123456789abcdef0123456789abcdef01234567) · report created 2025-01-02T03:04:05.000Z</sub>"
    `);
  });

  it('renders the first model: no baseline, relative gates skipped', () => {
    const comment = renderEvaluationComment(firstModelReport, { marker });
    expectValidMarkdown(comment);
    expect(comment).toMatchInlineSnapshot(`
      "<!-- mlops-actions:evaluate:churn -->

      ### ✅ churn passed evaluation: 1 gate passed, 1 skipped

      Candidate model \`sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\`: these exact bytes are what gets published.\\
      Evaluated on 1,000 records of data/eval.csv (\`sha256:dddddddddddd…\`).

      | Metric | candidate | Gate |
      | --- | ---: | :---: |
      | accuracy | 0.9510 | — |
      | roc\\_auc | 0.9731 | ✅ |
      | log\\_loss | 0.1432 | — |

      No baseline to compare with: no production version of churn yet. 1 gate relative to a baseline (min-gain, max-drop) was skipped. Values are rounded to 4 decimal places (scientific notation below 0.0001 or from 10⁹).

      <details open><summary>Chart</summary>

      \`\`\`mermaid
      xychart-beta
        title "candidate"
        x-axis ["accuracy", "roc_auc", "log_loss"]
        y-axis "value" 0 --> 1
        bar [0.951, 0.9731, 0.1432]
      \`\`\`

      </details>

      <details><summary>Gates: 1 passed, 1 skipped</summary>

      | Metric | Rule | Result | Detail |
      | --- | --- | --- | --- |
      | roc\\_auc | ≥ 0.9 | ✅ passed | 0.9731 ≥ 0.9000 |
      | accuracy | max-drop 1% \\(relative\\) | ⏭️ skipped | no baseline: relative gates are skipped |

      </details>

      <sub>[Workflow run](https://github.com/acme/churn/actions/runs/42) · commit [\`0123456789ab\`](https://github.com/acme/churn/commit/0123456789abcdef0123456789abcdef01234567) · report created 2025-01-02T03:04:05.000Z</sub>"
    `);
  });

  it('renders a multiclass comparison with per-class metrics, confusion matrices and a slice', () => {
    const comment = renderEvaluationComment(multiclassReport, { marker });
    expectValidMarkdown(comment);
    expect(comment).toMatchInlineSnapshot(`
      "<!-- mlops-actions:evaluate:churn -->

      ### ✅ iris passed evaluation: 1 gate passed

      Candidate model \`sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\`: these exact bytes are what gets published.\\
      Compared with production v0.3.1 (\`sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\`) on the same 30 records of eval/part-1.csv (\`sha256:dddddddddddd…\`), eval/part-2.csv (\`sha256:dddddddddddd…\`).

      | Metric | production v0.3.1 | candidate | Δ | 95% interval | Gate |
      | --- | ---: | ---: | ---: | :---: | :---: |
      | accuracy | 0.9000 | 0.9333 | +0.0333 | [0.0000, +0.1000] | ✅ |
      | macro\\_f1 | 0.8997 | 0.9327 | +0.0330 | [-0.0100, +0.0967] | — |

      Δ = candidate − production v0.3.1; **bold** Δ: significant, its 95% interval (paired bootstrap over the same records, 1,000 resamples, seed 42) excludes 0. Values are rounded to 4 decimal places (scientific notation below 0.0001 or from 10⁹).

      McNemar's exact test on accuracy: production v0.3.1 alone right on 0 records, candidate alone on 1; p = 1.0000 (two-sided).

      <details open><summary>Chart: candidate as bars, production v0.3.1 as a line</summary>

      \`\`\`mermaid
      xychart-beta
        title "candidate (bars) vs production v0.3.1 (line)"
        x-axis ["accuracy", "macro_f1"]
        y-axis "value" 0 --> 1
        bar [0.9333, 0.9327]
        line [0.9, 0.8997]
      \`\`\`

      </details>

      <details><summary>Gates: 1 passed</summary>

      | Metric | Rule | Result | Detail |
      | --- | --- | --- | --- |
      | accuracy | ≥ 0.9 | ✅ passed | 0.9333 ≥ 0.9000 |

      </details>

      <details><summary>Per-class precision, recall and F1 (3 classes)</summary>

      **candidate**

      | Class | Precision | Recall | F1 | Support |
      | --- | ---: | ---: | ---: | ---: |
      | setosa | 1.0000 | 1.0000 | 1.0000 | 10 |
      | versicolor | 0.9000 | 0.9000 | 0.9000 | 10 |
      | virginica | 0.9000 | 0.9000 | 0.9000 | 10 |

      **production v0.3.1**

      | Class | Precision | Recall | F1 | Support |
      | --- | ---: | ---: | ---: | ---: |
      | setosa | 1.0000 | 1.0000 | 1.0000 | 10 |
      | versicolor | 0.8182 | 0.9000 | 0.8571 | 10 |
      | virginica | 0.8889 | 0.8000 | 0.8421 | 10 |

      </details>

      <details><summary>Confusion matrices (rows: truth, columns: predicted)</summary>

      **candidate**

      | truth ↓ predicted → | setosa | versicolor | virginica |
      | --- | ---: | ---: | ---: |
      | **setosa** | **10** | 0 | 0 |
      | **versicolor** | 0 | **9** | 1 |
      | **virginica** | 0 | 1 | **9** |

      **production v0.3.1**

      | truth ↓ predicted → | setosa | versicolor | virginica |
      | --- | ---: | ---: | ---: |
      | **setosa** | **10** | 0 | 0 |
      | **versicolor** | 0 | **9** | 1 |
      | **virginica** | 0 | 2 | **8** |

      </details>

      <details><summary>Slice region: 2 groups, largest accuracy gap 0.0500</summary>

      | Metric | Largest gap, candidate (best → worst) | Largest gap, baseline (best → worst) |
      | --- | --- | --- |
      | accuracy | 0.0500 (north → south) | 0.0000 (north → south) |

      | Group | Records | accuracy (Δ) |
      | --- | ---: | ---: |
      | north | 20 | 0.9500 (+0.0500) |
      | south | 10 | 0.9000 (0.0000) |

      </details>

      <sub>report created 2025-01-02T03:04:05.000Z</sub>"
    `);
  });

  it('puts a failing gate in the headline with its numbers', () => {
    const comment = renderEvaluationComment(failingReport, { marker });
    expectValidMarkdown(comment);
    // The top of the comment, up to the metric table.
    expect(comment.slice(0, comment.indexOf('\n| Metric'))).toMatchInlineSnapshot(`
      "<!-- mlops-actions:evaluate:churn -->

      ### ❌ churn failed evaluation: 1 of 2 gates failed

      - ❌ **accuracy max-drop 1% \\(relative\\)**: 0.9300 &lt; 0.9405 = 0.9500 × \\(1 − 0.01\\)

      Candidate model \`sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\`: these exact bytes are what gets published.\\
      Compared with production v1.2.0 (\`sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\`) on the same 1,000 records of data/eval.csv (\`sha256:dddddddddddd…\`).
      "
    `);
    expect(comment).toContain(
      '| accuracy | 0.9500 | 0.9300 | **-0.0200** | [-0.0301, -0.0102] | ❌ |',
    );
  });

  it('shows the chosen metrics, and gated ones even when not chosen', () => {
    const comment = renderEvaluationComment(binaryReport, { marker, metricsToShow: ['log_loss'] });
    const rows = comment
      .split('\n')
      .filter((line) => /^\| [a-z]/.test(line) && !line.startsWith('| Metric'));
    expect(rows.slice(0, 3).map((row) => row.split(' | ')[0])).toEqual([
      '| log\\_loss',
      '| roc\\_auc',
      '| accuracy',
    ]);
  });

  it('writes the marker first, as an HTML comment', () => {
    expect(renderEvaluationComment(binaryReport, { marker }).split('\n')[0]).toBe(
      '<!-- mlops-actions:evaluate:churn -->',
    );
    expect(markerComment('<!-- mlops-actions:evaluate:a--b -->')).toBe(
      '<!-- mlops-actions:evaluate:a--b -->',
    );
    expect(markerComment('<!--tight-->')).toBe('<!--tight-->');
    expect(() => markerComment('x --> <img>')).toThrow('invalid comment marker');
  });
});

describe('renderEvaluationSummary', () => {
  it('is the comment without the marker', () => {
    const summary = renderEvaluationSummary(multiclassReport);
    expect(`<!-- ${marker} -->\n\n${summary}`).toBe(
      renderEvaluationComment(multiclassReport, { marker }),
    );
  });
});

describe('renderCheckRunOutput', () => {
  it('concludes failure with the failed gate in the title', () => {
    const output = renderCheckRunOutput(failingReport);
    expect(output.conclusion).toBe('failure');
    expect(output.title).toMatchInlineSnapshot(
      `"❌ churn: 1 of 2 gates failed (accuracy max-drop 1% (relative))"`,
    );
    expectValidMarkdown(output.summary);
    expect(output.summary).toContain('| accuracy | 0.9500 | 0.9300 |');
    expect(output.summary).not.toContain('```mermaid');
    expectValidMarkdown(output.text ?? '');
    expect(output.text).toContain('<details><summary>Gates: 1 failed, 1 passed</summary>');
  });

  it('concludes success when no gate failed, skipped ones included', () => {
    const output = renderCheckRunOutput(firstModelReport);
    expect(output.conclusion).toBe('success');
    expect(output.title).toMatchInlineSnapshot(`"✅ churn: 1 gate passed, 1 skipped"`);
  });

  it('keeps the title within 255 characters', () => {
    const many = {
      ...failingReport,
      gates: Array.from({ length: 40 }, (_, index) => ({
        metric: `metric_${index}_${'x'.repeat(50)}`,
        rule: '≥ 0.9',
        status: 'failed' as const,
        detail: '0.1 < 0.9',
      })),
    };
    const output = renderCheckRunOutput(many);
    expect(output.title.length).toBeLessThanOrEqual(255);
    expect(output.title.endsWith('…')).toBe(true);
  });
});
