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

      ### ✅ churn: candidate is better than production v1.2.0 — passed evaluation, all 2 gates passed

      🟢 Significantly better: **roc\\_auc** +0.0119 (higher is better); **log\\_loss** -0.0256 (lower is better).\\
      No significant difference: accuracy.

      - ✅ **roc\\_auc ≥ 0.9**: 0.9731 ≥ 0.9000
      - ✅ **accuracy max-drop 1% \\(relative\\)**: 0.9510 ≥ 0.9405 = 0.9500 × \\(1 − 0.01\\)

      Candidate model \`sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\`: these exact bytes are what gets published.\\
      Compared with production v1.2.0 (\`sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\`) on the same 1,000 records of data/eval.csv (\`sha256:dddddddddddd…\`).

      | Metric | Better | production v1.2.0 | candidate | Δ | 95% interval | Change | Gate |
      | --- | --- | ---: | ---: | ---: | :---: | --- | :---: |
      | accuracy | ↑ higher | 0.9500 | 0.9510 | +0.0010 | [-0.0040, +0.0060] | not significant | ✅ |
      | roc\\_auc | ↑ higher | 0.9612 | 0.9731 | **+0.0119** | [+0.0051, +0.0187] | 🟢 better | ✅ |
      | log\\_loss | ↓ lower | 0.1688 | 0.1432 | **-0.0256** | [-0.0391, -0.0122] | 🟢 better | — |

      Δ = candidate − production v1.2.0. 🟢 better / 🔴 worse (Δ in **bold**): the 95% interval of Δ (paired bootstrap over the same records, 1,000 resamples, seed 42) excludes 0, in the metric's better or worse direction. Values and differences are rounded to 4 decimal places; a difference that rounds to 0 keeps its sign (+0.0000).

      McNemar's exact test on accuracy: production v1.2.0 alone right on 12 records, candidate alone on 13; p = 1.0000 (two-sided).

      <details open><summary>Charts: candidate as bars, production v1.2.0 as a line</summary>

      \`\`\`mermaid
      xychart-beta
        title "Scores (higher is better) — candidate (bars) vs production v1.2.0 (line)"
        x-axis ["accuracy", "roc_auc"]
        y-axis "value" 0 --> 1
        bar [0.951, 0.9731]
        line [0.95, 0.9612]
      \`\`\`

      <details><summary>Numbers</summary>

      | Metric | production v1.2.0 | candidate |
      | --- | ---: | ---: |
      | accuracy | 0.9500 | 0.9510 |
      | roc\\_auc | 0.9612 | 0.9731 |

      </details>

      \`\`\`mermaid
      xychart-beta
        title "Losses (lower is better) — candidate (bars) vs production v1.2.0 (line)"
        x-axis ["log_loss"]
        y-axis "value" 0 --> 0.2
        bar [0.1432]
        line [0.1688]
      \`\`\`

      <details><summary>Numbers</summary>

      | Metric | production v1.2.0 | candidate |
      | --- | ---: | ---: |
      | log\\_loss | 0.1688 | 0.1432 |

      </details>

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

      ### ✅ churn: first evaluation, no baseline to compare with — passed evaluation, 1 gate passed, 1 skipped

      - ✅ **roc\\_auc ≥ 0.9**: 0.9731 ≥ 0.9000
      - ⏭️ **accuracy max-drop 1% \\(relative\\)**: no baseline: relative gates are skipped

      Candidate model \`sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\`: these exact bytes are what gets published.\\
      Evaluated on 1,000 records of data/eval.csv (\`sha256:dddddddddddd…\`).

      | Metric | Better | candidate | Gate |
      | --- | --- | ---: | :---: |
      | accuracy | ↑ higher | 0.9510 | — |
      | roc\\_auc | ↑ higher | 0.9731 | ✅ |
      | log\\_loss | ↓ lower | 0.1432 | — |

      No baseline to compare with: no production version of churn yet. 1 gate relative to a baseline (min-gain, max-drop) was skipped. Values are rounded to 4 decimal places (scientific notation below 0.0001 or from 10⁹).

      <details open><summary>Charts</summary>

      \`\`\`mermaid
      xychart-beta
        title "Scores (higher is better) — candidate"
        x-axis ["accuracy", "roc_auc"]
        y-axis "value" 0 --> 1
        bar [0.951, 0.9731]
      \`\`\`

      <details><summary>Numbers</summary>

      | Metric | candidate |
      | --- | ---: |
      | accuracy | 0.9510 |
      | roc\\_auc | 0.9731 |

      </details>

      \`\`\`mermaid
      xychart-beta
        title "Losses (lower is better) — candidate"
        x-axis ["log_loss"]
        y-axis "value" 0 --> 0.2
        bar [0.1432]
      \`\`\`

      <details><summary>Numbers</summary>

      | Metric | candidate |
      | --- | ---: |
      | log\\_loss | 0.1432 |

      </details>

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

      ### ✅ iris: no significant difference between candidate and production v0.3.1 — passed evaluation, 1 gate passed

      No significant difference: accuracy, macro\\_f1.

      - ✅ **accuracy ≥ 0.9**: 0.9333 ≥ 0.9000

      Candidate model \`sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\`: these exact bytes are what gets published.\\
      Compared with production v0.3.1 (\`sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\`) on the same 30 records of eval/part-1.csv (\`sha256:dddddddddddd…\`), eval/part-2.csv (\`sha256:dddddddddddd…\`).

      | Metric | Better | production v0.3.1 | candidate | Δ | 95% interval | Change | Gate |
      | --- | --- | ---: | ---: | ---: | :---: | --- | :---: |
      | accuracy | ↑ higher | 0.9000 | 0.9333 | +0.0333 | [0.0000, +0.1000] | not significant | ✅ |
      | macro\\_f1 | ? | 0.8997 | 0.9327 | +0.0330 | [-0.0100, +0.0967] | not significant | — |

      Δ = candidate − production v0.3.1. 🟢 better / 🔴 worse (Δ in **bold**): the 95% interval of Δ (paired bootstrap over the same records, 1,000 resamples, seed 42) excludes 0, in the metric's better or worse direction. Values and differences are rounded to 4 decimal places; a difference that rounds to 0 keeps its sign (+0.0000).

      McNemar's exact test on accuracy: production v0.3.1 alone right on 0 records, candidate alone on 1; p = 1.0000 (two-sided).

      <details open><summary>Charts: candidate as bars, production v0.3.1 as a line</summary>

      \`\`\`mermaid
      xychart-beta
        title "Scores (higher is better) — candidate (bars) vs production v0.3.1 (line)"
        x-axis ["accuracy"]
        y-axis "value" 0 --> 1
        bar [0.9333]
        line [0.9]
      \`\`\`

      <details><summary>Numbers</summary>

      | Metric | production v0.3.1 | candidate |
      | --- | ---: | ---: |
      | accuracy | 0.9000 | 0.9333 |

      </details>

      \`\`\`mermaid
      xychart-beta
        title "Other metrics — candidate (bars) vs production v0.3.1 (line)"
        x-axis ["macro_f1"]
        y-axis "value" 0 --> 1
        bar [0.9327]
        line [0.8997]
      \`\`\`

      <details><summary>Numbers</summary>

      | Metric | production v0.3.1 | candidate |
      | --- | ---: | ---: |
      | macro\\_f1 | 0.8997 | 0.9327 |

      </details>

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

      <details><summary>Confusion matrices (rows: truth, columns: predicted; blue: right, orange: wrong, darker: a larger share of the row)</summary>

      **candidate**

      \`\`\`mermaid
      block-beta
        columns 4
        corner["truth ↓ predicted →"] col0["setosa"] col1["versicolor"] col2["virginica"]
        row0["setosa"] c0_0["10 (100#37;)"] c0_1["0 (0#37;)"] c0_2["0 (0#37;)"]
        row1["versicolor"] c1_0["0 (0#37;)"] c1_1["9 (90#37;)"] c1_2["1 (10#37;)"]
        row2["virginica"] c2_0["0 (0#37;)"] c2_1["1 (10#37;)"] c2_2["9 (90#37;)"]
        style c0_0 fill:#1e3a8a,color:#ffffff
        style c0_1 fill:#f9fafb,color:#6b7280
        style c0_2 fill:#f9fafb,color:#6b7280
        style c1_0 fill:#f9fafb,color:#6b7280
        style c1_1 fill:#1e3a8a,color:#ffffff
        style c1_2 fill:#fed7aa,color:#111827
        style c2_0 fill:#f9fafb,color:#6b7280
        style c2_1 fill:#fed7aa,color:#111827
        style c2_2 fill:#1e3a8a,color:#ffffff
      \`\`\`

      | truth ↓ predicted → | setosa | versicolor | virginica |
      | --- | ---: | ---: | ---: |
      | **setosa** | **10** | 0 | 0 |
      | **versicolor** | 0 | **9** | 1 |
      | **virginica** | 0 | 1 | **9** |

      **production v0.3.1**

      \`\`\`mermaid
      block-beta
        columns 4
        corner["truth ↓ predicted →"] col0["setosa"] col1["versicolor"] col2["virginica"]
        row0["setosa"] c0_0["10 (100#37;)"] c0_1["0 (0#37;)"] c0_2["0 (0#37;)"]
        row1["versicolor"] c1_0["0 (0#37;)"] c1_1["9 (90#37;)"] c1_2["1 (10#37;)"]
        row2["virginica"] c2_0["0 (0#37;)"] c2_1["2 (20#37;)"] c2_2["8 (80#37;)"]
        style c0_0 fill:#1e3a8a,color:#ffffff
        style c0_1 fill:#f9fafb,color:#6b7280
        style c0_2 fill:#f9fafb,color:#6b7280
        style c1_0 fill:#f9fafb,color:#6b7280
        style c1_1 fill:#1e3a8a,color:#ffffff
        style c1_2 fill:#fed7aa,color:#111827
        style c2_0 fill:#f9fafb,color:#6b7280
        style c2_1 fill:#fb923c,color:#111827
        style c2_2 fill:#1e3a8a,color:#ffffff
      \`\`\`

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

      ### ❌ churn: candidate is worse than production v1.2.0 — failed evaluation, 1 of 2 gates failed

      🔴 Significantly worse: **accuracy** -0.0200 (higher is better).

      - ❌ **accuracy max-drop 1% \\(relative\\)**: 0.9300 &lt; 0.9405 = 0.9500 × \\(1 − 0.01\\)
      - ✅ **roc\\_auc ≥ 0.9**: 0.9731 ≥ 0.9000

      Candidate model \`sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\`: these exact bytes are what gets published.\\
      Compared with production v1.2.0 (\`sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\`) on the same 1,000 records of data/eval.csv (\`sha256:dddddddddddd…\`).
      "
    `);
    expect(comment).toContain(
      '| accuracy | ↑ higher | 0.9500 | 0.9300 | **-0.0200** | [-0.0301, -0.0102] | 🔴 worse | ❌ |',
    );
  });

  it('shows the chosen metrics, and gated ones even when not chosen, in the canonical order', () => {
    const comment = renderEvaluationComment(binaryReport, { marker, metricsToShow: ['log_loss'] });
    const rows = comment
      .split('\n')
      .filter((line) => /^\| [a-z]/.test(line) && !line.startsWith('| Metric'));
    // metric-info.ts's binary order: accuracy, precision, recall, f1, roc_auc, pr_auc, log_loss.
    expect(rows.slice(0, 3).map((row) => row.split(' | ')[0])).toEqual([
      '| accuracy',
      '| roc\\_auc',
      '| log\\_loss',
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
    expect(output.summary).toContain('| accuracy | ↑ higher | 0.9500 | 0.9300 |');
    expect(output.summary).not.toContain('```mermaid');
    expect(output.text).not.toContain('```mermaid');
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
