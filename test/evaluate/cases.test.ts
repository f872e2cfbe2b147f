/**
 * What a reviewer sees in each case (better, worse, mixed, no gates, no baseline, regression,
 * multiclass, curves): the top of the comment pinned, and every Mermaid block of every case
 * parsed by the real Mermaid parser (test/support/mermaid-parse.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { renderCheckRunOutput } from '../../src/core/evaluate/render-check-run.js';
import { renderEvaluationComment } from '../../src/core/evaluate/render-comment.js';
import { renderEvaluationSummary } from '../../src/core/evaluate/render-summary.js';
import type { EvaluationReport } from '../../src/core/evaluate/report.js';
import { expectMermaidParses, loadMermaid } from '../support/mermaid-parse.js';
import { expectValidMarkdown } from './markdown-check.js';
import {
  binaryReport,
  curvesReport,
  failingReport,
  firstModelReport,
  mixedReport,
  multiclassReport,
  noGatesReport,
  regressionReport,
} from './reports.js';

const marker = 'mlops-actions:evaluate';

/** The comment from its heading to the first collapsible section. */
function top(report: EvaluationReport): string {
  const comment = renderEvaluationComment(report, { marker });
  const end = comment.indexOf('\n<details');
  return comment.slice(comment.indexOf('###'), end === -1 ? undefined : end).trimEnd();
}

const cases: Record<string, EvaluationReport> = {
  better: binaryReport,
  worse: failingReport,
  mixed: mixedReport,
  'no gates': noGatesReport,
  'no baseline': firstModelReport,
  regression: regressionReport,
  multiclass: multiclassReport,
  curves: curvesReport,
};

beforeAll(async () => {
  await loadMermaid();
}, 60_000);

describe('every Mermaid block parses', () => {
  for (const [name, report] of Object.entries(cases)) {
    it(`${name}: comment, summary and check run`, async () => {
      const comment = renderEvaluationComment(report, { marker });
      expectValidMarkdown(comment);
      expect(await expectMermaidParses(comment)).toBeGreaterThan(0);
      await expectMermaidParses(renderEvaluationSummary(report));
      const checkRun = renderCheckRunOutput(report);
      expect(await expectMermaidParses(`${checkRun.summary}\n${checkRun.text ?? ''}`)).toBe(0);
    });
  }

  it('the helper rejects a block that does not parse', async () => {
    await expect(
      expectMermaidParses('```mermaid\nxychart-beta\n  bar [1e-7]\n```'),
    ).rejects.toThrow('Mermaid block 1 of 1 does not parse');
  });
});

describe('the verdict comes first', () => {
  it('worse: the failing gate, and which metric is significantly worse', () => {
    expect(top(failingReport)).toMatchInlineSnapshot(`
      "### ❌ churn: candidate is worse than production v1.2.0 — failed evaluation, 1 of 2 gates failed

      🔴 Significantly worse: **accuracy** -0.0200 (higher is better).

      - ❌ **accuracy max-drop 1% \\(relative\\)**: 0.9300 &lt; 0.9405 = 0.9500 × \\(1 − 0.01\\)
      - ✅ **roc\\_auc ≥ 0.9**: 0.9731 ≥ 0.9000

      Candidate model \`sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\`: these exact bytes are what gets published.\\
      Compared with production v1.2.0 (\`sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\`) on the same 1,000 records of data/eval.csv (\`sha256:dddddddddddd…\`).

      | Metric | Better | production v1.2.0 | candidate | Δ | 95% interval | Change | Gate |
      | --- | --- | ---: | ---: | ---: | :---: | --- | :---: |
      | accuracy | ↑ higher | 0.9500 | 0.9300 | **-0.0200** | [-0.0301, -0.0102] | 🔴 worse | ❌ |
      | roc\\_auc | ↑ higher | 0.9612 | 0.9731 | +0.0119 | — | not tested | ✅ |
      | log\\_loss | ↓ lower | 0.1688 | 0.1432 | -0.0256 | — | not tested | — |

      Δ = candidate − production v1.2.0. 🟢 better / 🔴 worse (Δ in **bold**): the 95% interval of Δ (paired bootstrap over the same records, 1,000 resamples, seed 42) excludes 0, in the metric's better or worse direction. Values and differences are rounded to 4 decimal places; a difference that rounds to 0 keeps its sign (+0.0000).

      McNemar's exact test on accuracy: production v1.2.0 alone right on 31 records, candidate alone on 11; p = 0.0029 (two-sided, the two models differ at the 0.05 level)."
    `);
  });

  it('mixed, no gates: better and worse metrics named, a warning, McNemar disagreeing explained', () => {
    expect(top(mixedReport)).toMatchInlineSnapshot(`
      "### ⚠️ churn: candidate is better on some metrics and worse on others than production v1.2.0 — no gates configured

      🔴 Significantly worse: **accuracy** -0.0070 (higher is better); **log\\_loss** +0.0214 (lower is better).\\
      🟢 Significantly better: **roc\\_auc** +0.0119 (higher is better).

      > [!WARNING]
      > No gates are configured, so this check passes whatever the metrics say. Add gates under \`evaluate.gates\` in mlops.yml, for example \`{ metric: roc_auc, max-drop: 0.01 }\` or \`{ metric: recall, min: 0.9 }\` (see the README).

      Candidate model \`sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\`: these exact bytes are what gets published.\\
      Compared with production v1.2.0 (\`sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\`) on the same 1,000 records of data/eval.csv (\`sha256:dddddddddddd…\`).\\
      Positive class: **churns** (precision, recall, F1, ROC AUC, PR AUC and Brier score are computed for it; set \`evaluate.positive-class\` to change it).

      | Metric | Better | production v1.2.0 | candidate | Δ | 95% interval | Change | Gate |
      | --- | --- | ---: | ---: | ---: | :---: | --- | :---: |
      | accuracy | ↑ higher | 0.9500 | 0.9430 | **-0.0070** | [-0.0130, -0.0010] | 🔴 worse | — |
      | roc\\_auc | ↑ higher | 0.9612 | 0.9731 | **+0.0119** | [+0.0051, +0.0187] | 🟢 better | — |
      | log\\_loss | ↓ lower | 0.1688 | 0.1902 | **+0.0214** | [+0.0077, +0.0351] | 🔴 worse | — |

      Δ = candidate − production v1.2.0. 🟢 better / 🔴 worse (Δ in **bold**): the 95% interval of Δ (paired bootstrap over the same records, 1,000 resamples, seed 42) excludes 0, in the metric's better or worse direction. Values and differences are rounded to 4 decimal places; a difference that rounds to 0 keeps its sign (+0.0000).

      McNemar's exact test on accuracy: production v1.2.0 alone right on 7 records, candidate alone on 1; p = 0.0703 (two-sided). The bootstrap marks the accuracy change significant but McNemar's test does not: the test looks only at the 8 records where the models disagree and is exact, so it is more cautious with few of them. Treat the accuracy change as borderline."
    `);
  });

  it('no gates and no significant difference', () => {
    expect(top(noGatesReport)).toMatchInlineSnapshot(`
      "### ⚠️ churn: no significant difference between candidate and production v1.2.0 — no gates configured

      No significant difference: accuracy, roc\\_auc, log\\_loss.

      > [!WARNING]
      > No gates are configured, so this check passes whatever the metrics say. Add gates under \`evaluate.gates\` in mlops.yml, for example \`{ metric: roc_auc, max-drop: 0.01 }\` or \`{ metric: recall, min: 0.9 }\` (see the README).

      Candidate model \`sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\`: these exact bytes are what gets published.\\
      Compared with production v1.2.0 (\`sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\`) on the same 1,000 records of data/eval.csv (\`sha256:dddddddddddd…\`).

      | Metric | Better | production v1.2.0 | candidate | Δ | 95% interval | Change | Gate |
      | --- | --- | ---: | ---: | ---: | :---: | --- | :---: |
      | accuracy | ↑ higher | 0.9500 | 0.9510 | +0.0010 | [-0.0290, +0.0310] | not significant | — |
      | roc\\_auc | ↑ higher | 0.9612 | 0.9731 | +0.0119 | [-0.0181, +0.0419] | not significant | — |
      | log\\_loss | ↓ lower | 0.1688 | 0.1432 | -0.0256 | [-0.0556, +0.0044] | not significant | — |

      Δ = candidate − production v1.2.0. 🟢 better / 🔴 worse (Δ in **bold**): the 95% interval of Δ (paired bootstrap over the same records, 1,000 resamples, seed 42) excludes 0, in the metric's better or worse direction. Values and differences are rounded to 4 decimal places; a difference that rounds to 0 keeps its sign (+0.0000).

      McNemar's exact test on accuracy: production v1.2.0 alone right on 12 records, candidate alone on 13; p = 1.0000 (two-sided)."
    `);
  });

  it('regression: errors lower is better, r2 higher; losses on their own axis', () => {
    const comment = renderEvaluationComment(regressionReport, { marker });
    expect(top(regressionReport)).toMatchInlineSnapshot(`
      "### ✅ house-prices: candidate is better than production v2.0.0 — passed evaluation, 1 gate passed

      🟢 Significantly better: **rmse** -4.2500 (lower is better); **mae** -3.2500 (lower is better).\\
      No significant difference: r2, mape.

      - ✅ **rmse max-drop 5% \\(relative\\)**: 41.2500 ≤ 47.7750 = 45.5000 × \\(1 \\+ 0.05\\)

      Candidate model \`sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\`: these exact bytes are what gets published.\\
      Compared with production v2.0.0 (\`sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\`) on the same 2,000 records of data/eval.parquet (\`sha256:dddddddddddd…\`).

      | Metric | Better | production v2.0.0 | candidate | Δ | 95% interval | Change | Gate |
      | --- | --- | ---: | ---: | ---: | :---: | --- | :---: |
      | rmse | ↓ lower | 45.5000 | 41.2500 | **-4.2500** | [-6.5000, -2.0000] | 🟢 better | ✅ |
      | mae | ↓ lower | 33.7500 | 30.5000 | **-3.2500** | [-5.0000, -1.5000] | 🟢 better | — |
      | r2 | ↑ higher | 0.7800 | 0.8125 | +0.0325 | [-0.0010, +0.0660] | not significant | — |
      | mape | ↓ lower | 0.1250 | 0.1275 | +0.0025 | [-0.0040, +0.0090] | not significant | — |

      Δ = candidate − production v2.0.0. 🟢 better / 🔴 worse (Δ in **bold**): the 95% interval of Δ (paired bootstrap over the same records, 1,000 resamples, seed 42) excludes 0, in the metric's better or worse direction. Values and differences are rounded to 4 decimal places; a difference that rounds to 0 keeps its sign (+0.0000)."
    `);
    expect(comment).toContain('y-axis "value" 0 --> 50');
    expect(comment).toContain('x-axis ["rmse", "mae", "mape"]');
    expect(comment).toContain('x-axis ["r2"]');
  });
});

describe('curves', () => {
  it('draws ROC, precision-recall and calibration for both models with their numbers', () => {
    const comment = renderEvaluationComment(curvesReport, { marker });
    const start = comment.indexOf('<details><summary>ROC');
    const section = comment.slice(start, comment.indexOf('<details><summary>Gates'));
    expect(section).toMatchInlineSnapshot(`
      "<details><summary>ROC, precision-recall and calibration curves for the positive class churns</summary>

      **ROC curve** (candidate in blue, production v1.2.0 in orange, chance in grey): the share of positives found (true-positive rate) against the share of negatives flagged (false-positive rate); higher and further left is better.

      \`\`\`mermaid
      %%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#2563eb, #ea580c, #6b7280"}}}}%%
      xychart-beta
        title "ROC curve"
        x-axis "false-positive rate" 0 --> 1
        y-axis "true-positive rate" 0 --> 1
        line [0.5, 0.75, 1, 1, 1]
        line [0, 0.5, 0.5, 1, 1]
        line [0, 0.25, 0.5, 0.75, 1]
      \`\`\`

      <details><summary>Numbers</summary>

      | False-positive rate | TPR, candidate | TPR, production v1.2.0 |
      | --- | ---: | ---: |
      | 0.0000 | 0.5000 | 0.0000 |
      | 0.2500 | 0.7500 | 0.5000 |
      | 0.5000 | 1.0000 | 0.5000 |
      | 0.7500 | 1.0000 | 1.0000 |
      | 1.0000 | 1.0000 | 1.0000 |

      </details>

      **Precision-recall curve** (candidate in blue, production v1.2.0 in orange): the best precision at each recall or more; higher is better.

      \`\`\`mermaid
      %%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#2563eb, #ea580c, #6b7280"}}}}%%
      xychart-beta
        title "Precision-recall curve"
        x-axis "recall" 0 --> 1
        y-axis "precision" 0 --> 1
        line [1, 1, 0.6667, 0.6667, 0.6667]
        line [1, 0.75, 0.5, 0.5, 0.5]
      \`\`\`

      <details><summary>Numbers</summary>

      | Recall | Precision, candidate | Precision, production v1.2.0 |
      | --- | ---: | ---: |
      | 0.0000 | 1.0000 | 1.0000 |
      | 0.2500 | 1.0000 | 0.7500 |
      | 0.5000 | 0.6667 | 0.5000 |
      | 0.7500 | 0.6667 | 0.5000 |
      | 1.0000 | 0.6667 | 0.5000 |

      </details>

      **Calibration** (candidate in blue, production v1.2.0 in orange, perfect calibration in grey): the share of records that are positive in each bin of predicted probability; on the diagonal a predicted 0.8 means 80% positives. Empty bins are bridged by a straight line.

      \`\`\`mermaid
      %%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#2563eb, #ea580c, #6b7280"}}}}%%
      xychart-beta
        title "Calibration (reliability diagram)"
        x-axis "predicted probability, bin centre" 0.125 --> 0.875
        y-axis "share positive" 0 --> 1
        line [0.5, 0.75, 1, 0.5]
        line [0, 0.5, 0.75, 1]
        line [0.125, 0.375, 0.625, 0.875]
      \`\`\`

      <details><summary>Numbers</summary>

      | Predicted probability | Records, candidate | Mean predicted, candidate | Share positive, candidate | Records, production v1.2.0 | Mean predicted, production v1.2.0 | Share positive, production v1.2.0 |
      | --- | ---: | ---: | ---: | ---: | ---: | ---: |
      | 0.0000–0.2500 | 2 | 0.1750 | 0.5000 | 1 | 0.2000 | 0.0000 |
      | 0.2500–0.5000 | 0 | empty | empty | 2 | 0.4000 | 0.5000 |
      | 0.5000–0.7500 | 1 | 0.6000 | 1.0000 | 0 | empty | empty |
      | 0.7500–1.0000 | 2 | 0.8500 | 0.5000 | 2 | 0.9000 | 1.0000 |

      </details>

      </details>

      "
    `);
  });
});
