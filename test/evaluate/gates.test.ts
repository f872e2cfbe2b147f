/**
 * Gate semantics, worked by hand from MLflow's MetricThreshold documentation and
 * `mlflow/models/evaluation/validation.py` (`_validate`): every expected bound below is computed
 * in the comment next to it, not copied from the implementation's output.
 */
import { describe, expect, it } from 'vitest';
import { parseMlopsConfig } from '../../src/core/config/mlops-config.js';
import {
  evaluateGates,
  gatesPassed,
  noBaselineDetail,
  type GateConfig,
} from '../../src/core/evaluate/gates.js';

/** accuracy, roc_auc and r2 are greater-is-better; log_loss and rmse lower-is-better. */
const directions: Record<string, boolean> = {
  accuracy: true,
  roc_auc: true,
  r2: true,
  log_loss: false,
  rmse: false,
};
const greaterIsBetter = (metric: string): boolean | undefined => directions[metric];

function one(
  gate: GateConfig,
  candidate: Record<string, number>,
  baseline: Record<string, number> | null,
) {
  const results = evaluateGates({ gates: [gate], candidate, baseline, greaterIsBetter });
  expect(results).toHaveLength(1);
  return results[0];
}

describe('min and max: absolute bounds, inclusive (MLflow threshold)', () => {
  it('passes at and above min, fails below', () => {
    expect(one({ metric: 'roc_auc', min: 0.9 }, { roc_auc: 0.9731 }, null)).toEqual({
      metric: 'roc_auc',
      rule: '≥ 0.9',
      status: 'passed',
      detail: '0.9731 ≥ 0.9000',
    });
    expect(one({ metric: 'roc_auc', min: 0.9 }, { roc_auc: 0.9 }, null)?.status).toBe('passed');
    expect(one({ metric: 'roc_auc', min: 0.9 }, { roc_auc: 0.85 }, null)).toMatchObject({
      status: 'failed',
      detail: '0.8500 < 0.9000',
    });
  });

  it('shows enough digits that a failing comparison never reads "0.9000 < 0.9000"', () => {
    expect(one({ metric: 'roc_auc', min: 0.9 }, { roc_auc: 0.89996 }, null)).toMatchObject({
      status: 'failed',
      detail: '0.89996 < 0.9',
    });
  });

  it('passes at and below max, fails above, whatever the direction of the metric', () => {
    expect(one({ metric: 'log_loss', max: 0.25 }, { log_loss: 0.2 }, null)).toEqual({
      metric: 'log_loss',
      rule: '≤ 0.25',
      status: 'passed',
      detail: '0.2000 ≤ 0.2500',
    });
    expect(one({ metric: 'log_loss', max: 0.25 }, { log_loss: 0.25 }, null)?.status).toBe('passed');
    expect(one({ metric: 'accuracy', max: 0.99 }, { accuracy: 0.995 }, null)).toMatchObject({
      status: 'failed',
      detail: '0.9950 > 0.9900',
    });
  });

  it('needs no direction for absolute bounds', () => {
    expect(one({ metric: 'custom', min: 1 }, { custom: 2 }, null)?.status).toBe('passed');
  });
});

describe('min-gain: MLflow min_absolute_change / min_relative_change', () => {
  it('greater is better, absolute: candidate ≥ baseline + d', () => {
    // 0.90 + 0.01 = 0.91
    const gate = { metric: 'accuracy', 'min-gain': 0.01 };
    expect(one(gate, { accuracy: 0.92 }, { accuracy: 0.9 })).toEqual({
      metric: 'accuracy',
      rule: 'min-gain 0.01 (absolute)',
      status: 'passed',
      detail: '0.9200 ≥ 0.9100 = 0.9000 + 0.01',
    });
    expect(one(gate, { accuracy: 0.905 }, { accuracy: 0.9 })).toMatchObject({
      status: 'failed',
      detail: '0.9050 < 0.9100 = 0.9000 + 0.01',
    });
  });

  it('lower is better, absolute: candidate ≤ baseline − d', () => {
    // 0.30 − 0.01 = 0.29
    const gate = { metric: 'log_loss', 'min-gain': 0.01 };
    expect(one(gate, { log_loss: 0.28 }, { log_loss: 0.3 })).toMatchObject({
      status: 'passed',
      detail: '0.2800 ≤ 0.2900 = 0.3000 − 0.01',
    });
    expect(one(gate, { log_loss: 0.295 }, { log_loss: 0.3 })).toMatchObject({
      status: 'failed',
      detail: '0.2950 > 0.2900 = 0.3000 − 0.01',
    });
  });

  it('greater is better, relative: candidate ≥ baseline × (1 + r)', () => {
    // 0.8 × 1.05 = 0.84
    const gate = { metric: 'accuracy', 'min-gain': '5%' };
    expect(one(gate, { accuracy: 0.85 }, { accuracy: 0.8 })).toEqual({
      metric: 'accuracy',
      rule: 'min-gain 5% (relative)',
      status: 'passed',
      detail: '0.8500 ≥ 0.8400 = 0.8000 × (1 + 0.05)',
    });
    expect(one(gate, { accuracy: 0.83 }, { accuracy: 0.8 })?.status).toBe('failed');
  });

  it('lower is better, relative: candidate ≤ baseline × (1 − r)', () => {
    // 0.5 × 0.9 = 0.45
    const gate = { metric: 'rmse', 'min-gain': '10%' };
    expect(one(gate, { rmse: 0.44 }, { rmse: 0.5 })).toMatchObject({
      status: 'passed',
      detail: '0.4400 ≤ 0.4500 = 0.5000 × (1 − 0.1)',
    });
    expect(one(gate, { rmse: 0.46 }, { rmse: 0.5 })).toMatchObject({
      status: 'failed',
      detail: '0.4600 > 0.4500 = 0.5000 × (1 − 0.1)',
    });
  });

  it('is inclusive despite float rounding: 0.2 + 0.1 is 0.30000000000000004 in binary', () => {
    const gate = { metric: 'accuracy', 'min-gain': 0.1 };
    expect(one(gate, { accuracy: 0.3 }, { accuracy: 0.2 })).toMatchObject({
      status: 'passed',
      detail: '0.3000 ≥ 0.3000 = 0.2000 + 0.1',
    });
  });

  it('a negative min-gain tolerates a drop (TFX writes "not worse" as -1e-10)', () => {
    // 0.90 − 0.01 = 0.89
    expect(
      one({ metric: 'accuracy', 'min-gain': -0.01 }, { accuracy: 0.895 }, { accuracy: 0.9 }),
    ).toMatchObject({
      status: 'passed',
      detail: '0.8950 ≥ 0.8900 = 0.9000 − 0.01',
    });
    const notWorse = { metric: 'accuracy', 'min-gain': -1e-10 };
    expect(one(notWorse, { accuracy: 0.9 }, { accuracy: 0.9 })?.status).toBe('passed');
    expect(one(notWorse, { accuracy: 0.8999 }, { accuracy: 0.9 })?.status).toBe('failed');
  });
});

describe('max-drop: the tolerated worsening', () => {
  it('greater is better, relative: candidate ≥ baseline × (1 − r)', () => {
    // 0.95 × 0.99 = 0.9405
    const gate = { metric: 'accuracy', 'max-drop': '1%' };
    expect(one(gate, { accuracy: 0.951 }, { accuracy: 0.95 })).toEqual({
      metric: 'accuracy',
      rule: 'max-drop 1% (relative)',
      status: 'passed',
      detail: '0.9510 ≥ 0.9405 = 0.9500 × (1 − 0.01)',
    });
    expect(one(gate, { accuracy: 0.9405 }, { accuracy: 0.95 })?.status).toBe('passed');
    expect(one(gate, { accuracy: 0.93 }, { accuracy: 0.95 })).toMatchObject({
      status: 'failed',
      detail: '0.9300 < 0.9405 = 0.9500 × (1 − 0.01)',
    });
  });

  it('greater is better, absolute: candidate ≥ baseline − d', () => {
    // 0.95 − 0.01 = 0.94
    const gate = { metric: 'accuracy', 'max-drop': 0.01 };
    expect(one(gate, { accuracy: 0.945 }, { accuracy: 0.95 })).toMatchObject({
      rule: 'max-drop 0.01 (absolute)',
      status: 'passed',
      detail: '0.9450 ≥ 0.9400 = 0.9500 − 0.01',
    });
    expect(one(gate, { accuracy: 0.935 }, { accuracy: 0.95 })?.status).toBe('failed');
  });

  it('lower is better, absolute: candidate ≤ baseline + d', () => {
    // 0.20 + 0.05 = 0.25
    const gate = { metric: 'log_loss', 'max-drop': 0.05 };
    expect(one(gate, { log_loss: 0.24 }, { log_loss: 0.2 })).toMatchObject({
      status: 'passed',
      detail: '0.2400 ≤ 0.2500 = 0.2000 + 0.05',
    });
    expect(one(gate, { log_loss: 0.26 }, { log_loss: 0.2 })).toMatchObject({
      status: 'failed',
      detail: '0.2600 > 0.2500 = 0.2000 + 0.05',
    });
  });

  it('lower is better, relative: candidate ≤ baseline × (1 + r)', () => {
    // 0.2 × 1.1 = 0.22
    const gate = { metric: 'log_loss', 'max-drop': '10%' };
    expect(one(gate, { log_loss: 0.21 }, { log_loss: 0.2 })).toMatchObject({
      status: 'passed',
      detail: '0.2100 ≤ 0.2200 = 0.2000 × (1 + 0.1)',
    });
    expect(one(gate, { log_loss: 0.23 }, { log_loss: 0.2 })?.status).toBe('failed');
  });
});

describe('a baseline of 0', () => {
  it('a relative gain means any improvement, by 1e-10, as MLflow falls back to', () => {
    const gate = { metric: 'accuracy', 'min-gain': '5%' };
    // MLflow: candidate ≥ 0 + 1e-10
    expect(one(gate, { accuracy: 0 }, { accuracy: 0 })).toMatchObject({
      status: 'failed',
      detail:
        '0.0000 < 1.000e-10 = 0 + 1e-10 (the baseline is 0, so a relative gain means any improvement, as in MLflow)',
    });
    expect(one(gate, { accuracy: 0.001 }, { accuracy: 0 })?.status).toBe('passed');
  });

  it('lower is better: candidate ≤ 0 − 1e-10', () => {
    const gate = { metric: 'rmse', 'min-gain': '5%' };
    expect(one(gate, { rmse: 0 }, { rmse: 0 })).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/^0\.0000 > -1\.000e-10 = 0 − 1e-10 /),
    });
    expect(one(gate, { rmse: -0.5 }, { rmse: 0 })?.status).toBe('passed');
  });

  it('a relative drop of a fraction of 0 tolerates no worsening at all', () => {
    const gate = { metric: 'accuracy', 'max-drop': '5%' };
    // 0 × (1 − 0.05) = 0
    expect(one(gate, { accuracy: 0 }, { accuracy: 0 })?.status).toBe('passed');
    expect(one(gate, { accuracy: -0.01 }, { accuracy: 0 })?.status).toBe('failed');
  });
});

describe('a negative baseline', () => {
  it('takes the relative amount of |baseline|, so a gain stays a gain', () => {
    // r2 of −0.5, 10% better: −0.5 + 0.1 × 0.5 = −0.45. (MLflow's (c − b)/b would flip.)
    const gate = { metric: 'r2', 'min-gain': '10%' };
    expect(one(gate, { r2: -0.4 }, { r2: -0.5 })).toMatchObject({
      status: 'passed',
      detail: '-0.4000 ≥ -0.4500 = -0.5000 + 0.1 × |-0.5000|',
    });
    expect(one(gate, { r2: -0.48 }, { r2: -0.5 })?.status).toBe('failed');
  });
});

describe('without a baseline (the first model)', () => {
  it('skips every gate relative to a baseline, as TFX does, and still checks bounds', () => {
    const results = evaluateGates({
      gates: [
        { metric: 'accuracy', min: 0.8, 'max-drop': '1%', 'min-gain': 0.01 },
        { metric: 'log_loss', 'max-drop': 0.02 },
      ],
      candidate: { accuracy: 0.9, log_loss: 0.2 },
      baseline: null,
      greaterIsBetter,
    });
    expect(results).toEqual([
      { metric: 'accuracy', rule: '≥ 0.8', status: 'passed', detail: '0.9000 ≥ 0.8000' },
      {
        metric: 'accuracy',
        rule: 'min-gain 0.01 (absolute)',
        status: 'skipped',
        detail: noBaselineDetail,
      },
      {
        metric: 'accuracy',
        rule: 'max-drop 1% (relative)',
        status: 'skipped',
        detail: 'no baseline: relative gates are skipped',
      },
      {
        metric: 'log_loss',
        rule: 'max-drop 0.02 (absolute)',
        status: 'skipped',
        detail: 'no baseline: relative gates are skipped',
      },
    ]);
    expect(gatesPassed(results)).toBe(true);
  });
});

describe('mistakes in the gates', () => {
  it('fails a gate on a metric that does not exist and lists the available ones', () => {
    const results = evaluateGates({
      gates: [{ metric: 'rocauc', min: 0.9, 'max-drop': '1%' }],
      candidate: { accuracy: 0.9, roc_auc: 0.95 },
      baseline: null,
      greaterIsBetter,
    });
    expect(results).toEqual([
      {
        metric: 'rocauc',
        rule: '≥ 0.9, max-drop 1% (relative)',
        status: 'failed',
        detail: 'metric "rocauc" does not exist; available: accuracy, roc_auc',
      },
    ]);
    expect(gatesPassed(results)).toBe(false);
  });

  it('fails a relative gate whose direction is unknown and asks to set it', () => {
    const results = evaluateGates({
      gates: [{ metric: 'custom', min: 1, 'min-gain': 0.1 }],
      candidate: { custom: 2 },
      baseline: { custom: 1 },
      greaterIsBetter,
    });
    expect(results.map((result) => result.status)).toEqual(['passed', 'failed']);
    expect(results[1]?.detail).toBe(
      'the direction of "custom" is unknown: set greater-is-better: true (or false) on this gate in mlops.yml',
    );
    // Before the first model too: the mistake shows now, not on the second model.
    expect(
      evaluateGates({
        gates: [{ metric: 'custom', 'min-gain': 0.1 }],
        candidate: { custom: 2 },
        baseline: null,
        greaterIsBetter,
      })[0]?.status,
    ).toBe('failed');
  });

  it('uses greater-is-better of the gate over the known direction', () => {
    // custom, lower is better: 1.0 − 0.1 = 0.9
    expect(
      one(
        { metric: 'custom', 'min-gain': 0.1, 'greater-is-better': false },
        { custom: 0.85 },
        { custom: 1 },
      ),
    ).toMatchObject({ status: 'passed', detail: '0.8500 ≤ 0.9000 = 1.0000 − 0.1' });
    // accuracy declared lower-is-better by the user: 0.9 − 0.01 = 0.89
    expect(
      one(
        { metric: 'accuracy', 'min-gain': 0.01, 'greater-is-better': false },
        { accuracy: 0.95 },
        { accuracy: 0.9 },
      )?.status,
    ).toBe('failed');
  });

  it('fails a comparison when the baseline lacks the metric, as MLflow does', () => {
    expect(
      one({ metric: 'roc_auc', 'max-drop': 0.01 }, { roc_auc: 0.9 }, { accuracy: 0.9 }),
    ).toMatchObject({
      status: 'failed',
      detail: 'the baseline has no "roc_auc" to compare with; available: accuracy',
    });
  });

  it('fails every rule on a NaN metric', () => {
    const results = evaluateGates({
      gates: [{ metric: 'roc_auc', min: 0.5, max: 1 }],
      candidate: { roc_auc: Number.NaN },
      baseline: null,
      greaterIsBetter,
    });
    expect(results.map((result) => result.status)).toEqual(['failed', 'failed']);
  });
});

describe('gates from mlops.yml', () => {
  it('evaluates the parsed config in order: min, max, min-gain, max-drop per gate', () => {
    const config = parseMlopsConfig(
      [
        'model: { name: churn }',
        'data: { eval: eval.csv }',
        'evaluate:',
        '  gates:',
        '    - { metric: roc_auc, min: 0.9 }',
        '    - { metric: accuracy, max-drop: "1%", min: 0.5, max: 1 }',
        '    - { metric: log_loss, min-gain: "-2%" }',
        '',
      ].join('\n'),
      'mlops.yml',
    );
    const results = evaluateGates({
      gates: config.evaluate?.gates ?? [],
      candidate: { roc_auc: 0.9731, accuracy: 0.951, log_loss: 0.2 },
      baseline: { roc_auc: 0.9612, accuracy: 0.95, log_loss: 0.2 },
      greaterIsBetter,
    });
    expect(results.map((result) => `${result.metric} ${result.rule}: ${result.detail}`)).toEqual([
      'roc_auc ≥ 0.9: 0.9731 ≥ 0.9000',
      'accuracy ≥ 0.5: 0.9510 ≥ 0.5000',
      'accuracy ≤ 1: 0.9510 ≤ 1.0000',
      'accuracy max-drop 1% (relative): 0.9510 ≥ 0.9405 = 0.9500 × (1 − 0.01)',
      // lower is better, −2% min-gain = a tolerated 2% rise: 0.2 × 1.02 = 0.204
      'log_loss min-gain -2% (relative): 0.2000 ≤ 0.2040 = 0.2000 × (1 + 0.02)',
    ]);
    expect(gatesPassed(results)).toBe(true);
  });
});
