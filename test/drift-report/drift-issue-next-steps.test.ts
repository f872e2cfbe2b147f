/**
 * The drift issue says why it graded as it did, what was done, how it closes, and where the full
 * report is, with no path of the machine that ran the check; its charts keep their labels' text
 * and parse with the real Mermaid parser.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  driftNextSteps,
  renderDriftIssueBody,
} from '../../src/core/drift-report/render-drift-issue.js';
import { fullReportLine } from '../../src/core/markdown/report-link.js';
import type { DriftColumnResult, DriftReport } from '../../src/core/drift-report/report.js';
import { renderBlocks } from '../../src/core/markdown/truncate.js';
import { expectMermaidParses, loadMermaid } from '../support/mermaid-parse.js';

const thresholds = { moderate: 0.25, severe: 0.5 };

function column(
  name: string,
  drifted: boolean,
  kind: DriftColumnResult['kind'] = 'numerical',
  test = 'ks',
): DriftColumnResult {
  return {
    name,
    column: name,
    kind,
    test,
    statistic: 0.4,
    p_value: drifted ? 0.001 : 0.5,
    threshold: 0.05,
    drifted,
    nan: { reference: 0, current: 0 },
    inf: { reference: 0, current: 0 },
  };
}

/** 8 data columns, `drifted` of them drifted, and a prediction column. */
function report(drifted: number, predictionDrift: boolean, severity: DriftReport['severity']) {
  const columns = [
    ...Array.from({ length: 8 }, (_, i) => column(`feature ${i + 1}`, i < drifted)),
    column('prediction', predictionDrift, 'prediction', 'z'),
  ];
  return {
    model: 'churn',
    reference: 'churn@v1.0.0 profile.json',
    current: 'data/latest.csv',
    severity,
    share: drifted / 8,
    drifted,
    thresholds,
    prediction_drift: predictionDrift,
    columns,
    notes: [],
  } satisfies DriftReport;
}

const text = (r: DriftReport, options: Parameters<typeof driftNextSteps>[2]): string =>
  renderBlocks(
    driftNextSteps(
      r,
      r.columns.filter((c) => c.drifted),
      options,
    ),
  );

beforeAll(async () => {
  await loadMermaid();
}, 60_000);

describe('why, what was done, how it closes', () => {
  it('moderate from prediction drift alone says so', () => {
    // 1 of 8 columns: share 0.125 < 0.25, so only the predictions make it moderate.
    expect(text(report(1, true, 'moderate'), { runUrl: null, retrainWorkflow: null }))
      .toMatchInlineSnapshot(`
        "**Why:** **Moderate**: the grade came from prediction drift (prediction (z)). The share of drifted columns alone, 0.13, is below 0.25 (feature 1 (ks)).

        **What was done:** nothing automatic: no retraining workflow is set (the check-drift action’s \`retrain-workflow\` input). Retrain in a pull request, or set it.

        **How this closes:** every scheduled check updates this issue (a comment when the grade changes); the first check that finds the share below 0.25 with stable predictions closes it."
      `);
  });

  it('moderate by share links the dispatched retraining workflow', () => {
    const body = text(report(3, false, 'moderate'), {
      runUrl: 'https://github.com/acme/churn/actions/runs/77',
      retrainWorkflow: 'train.yml',
    });
    expect(body).toContain(
      '**Why:** **Moderate** because the share of drifted columns, 0.38, reaches 0.25 (severe from 0.5): feature 1 (ks), feature 2 (ks), feature 3 (ks).',
    );
    expect(body).toContain(
      '**What was done:** retraining was dispatched: workflow train.yml ([its runs](https://github.com/acme/churn/actions/workflows/train.yml)).',
    );
  });

  it('severe gives the checklist, and a configured one replaces the default', () => {
    const body = text(report(5, false, 'severe'), {
      runUrl: null,
      severeChecklist: ['Call the data team', 'Freeze promotions'],
    });
    expect(body).toContain('**Severe** because the share of drifted columns, 0.63, reaches 0.5');
    expect(body).toContain('- [ ] Call the data team\n- [ ] Freeze promotions');
    expect(body).toContain('not retrained automatically');
  });

  it('states the rule when the caller does not say whether it dispatches', () => {
    expect(text(report(3, false, 'moderate'), { runUrl: null })).toContain(
      '**What happens next:** moderate drift dispatches the retraining workflow when the check-drift action has `retrain-workflow` set',
    );
  });
});

describe('where the full report is', () => {
  it('links the uploaded artifact, else the run; never a local path', () => {
    const run = 'https://github.com/acme/churn/actions/runs/77';
    expect(
      fullReportLine({
        runUrl: run,
        reportArtifactUrl: 'https://github.com/acme/churn/actions/runs/77/artifacts/9',
      }),
    ).toBe(
      'Full report: [drift-report.json](https://github.com/acme/churn/actions/runs/77/artifacts/9)',
    );
    expect(fullReportLine({ runUrl: run, reportLocation: run })).toBe(
      `Full report: the artifacts of [the workflow run](${run})`,
    );
    expect(
      fullReportLine({ runUrl: null, reportLocation: '/home/runner/work/x/drift-report.json' }),
    ).toBe('Full report: drift-report.json, written by the local run');
    expect(
      fullReportLine({ runUrl: 'javascript:alert(1)', reportLocation: 'C:\\tmp\\r.json' }),
    ).toBe('Full report: r.json, written by the local run');
  });
});

describe('charts', () => {
  it('keep their labels and parse', async () => {
    const r = report(3, true, 'moderate');
    const name = 'mean fractal dimension: "x" #1 100%';
    const columns = [{ ...column(name, true) }, ...r.columns];
    const body = renderDriftIssueBody(
      {
        report: { ...r, columns },
        histograms: new Map([
          [
            name,
            {
              bins: ['0.05–0.0574', '0.0574–0.0649'],
              reference: [0.25, 0.75],
              current: [0.5, 0.5],
            },
          ],
        ]),
      },
      { runUrl: null, reportLocation: '/tmp/drift-report.json' },
    );
    expect(body).not.toContain('/tmp/');
    // Mermaid's entity codes, written out by hand: #58; is ":", #quot; '"', #35; "#", #37; "%".
    expect(body).toContain(
      'title "mean fractal dimension#58; #quot;x#quot; #35;1 100#37;#58; current (bars) vs reference (line)"',
    );
    expect(body).toContain('x-axis ["0.05–0.0574", "0.0574–0.0649"]');
    expect(await expectMermaidParses(body)).toBe(1);
  });
});
