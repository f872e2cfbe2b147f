/**
 * Small hand-built evaluation reports for the renderer tests. The numbers are made up but
 * consistent (deltas = candidate − baseline, per-class support sums to the rows), so a reader can
 * check a rendered table against them by eye.
 */
import type { EvaluationReport, GateResult } from '../../src/core/evaluate/report.js';

const candidateDigest = `sha256:${'c'.repeat(64)}`;
const baselineDigest = `sha256:${'b'.repeat(64)}`;
const dataDigest = `sha256:${'d'.repeat(64)}`;

const run = {
  url: 'https://github.com/acme/churn/actions/runs/42',
  commit: '0123456789abcdef0123456789abcdef01234567',
  pullRequest: 7,
};

const bootstrap = { resamples: 1000, seed: 42, confidence: 0.95 };

const passedGates: GateResult[] = [
  { metric: 'roc_auc', rule: '≥ 0.9', status: 'passed', detail: '0.9731 ≥ 0.9000' },
  {
    metric: 'accuracy',
    rule: 'max-drop 1% (relative)',
    status: 'passed',
    detail: '0.9510 ≥ 0.9405 = 0.9500 × (1 − 0.01)',
  },
];

/** Binary classification with a production baseline; all gates pass. */
export const binaryReport: EvaluationReport = {
  reportVersion: 1,
  model: 'churn',
  task: 'binary-classification',
  classes: ['stays', 'churns'],
  rows: 1000,
  data: [{ path: 'data/eval.csv', digest: dataDigest }],
  candidate: {
    label: 'candidate',
    version: null,
    digest: candidateDigest,
    path: '.mlops/train/model.onnx',
    metrics: { values: { accuracy: 0.951, roc_auc: 0.9731, log_loss: 0.1432 } },
  },
  baseline: {
    label: 'production v1.2.0',
    version: '1.2.0',
    digest: baselineDigest,
    path: 'model.onnx',
    metrics: { values: { accuracy: 0.95, roc_auc: 0.9612, log_loss: 0.1688 } },
  },
  baselineNote: null,
  deltas: [
    {
      metric: 'accuracy',
      baseline: 0.95,
      candidate: 0.951,
      delta: 0.001,
      interval: [-0.004, 0.006],
      significant: false,
    },
    {
      metric: 'roc_auc',
      baseline: 0.9612,
      candidate: 0.9731,
      delta: 0.0119,
      interval: [0.0051, 0.0187],
      significant: true,
    },
    {
      metric: 'log_loss',
      baseline: 0.1688,
      candidate: 0.1432,
      delta: -0.0256,
      interval: [-0.0391, -0.0122],
      significant: true,
    },
  ],
  mcnemar: { baselineOnly: 12, candidateOnly: 13, pValue: 1 },
  slices: [],
  gates: passedGates,
  passed: true,
  bootstrap,
  run,
  createdAt: '2025-01-02T03:04:05.000Z',
};

/** The first model: no production version yet, so the relative gate was skipped. */
export const firstModelReport: EvaluationReport = {
  ...binaryReport,
  baseline: null,
  baselineNote: 'no production version of churn yet',
  deltas: [],
  mcnemar: null,
  gates: [
    passedGates[0] as GateResult,
    {
      metric: 'accuracy',
      rule: 'max-drop 1% (relative)',
      status: 'skipped',
      detail: 'no baseline: relative gates are skipped',
    },
  ],
};

/** The same comparison with a failing gate. */
export const failingReport: EvaluationReport = {
  ...binaryReport,
  candidate: {
    ...binaryReport.candidate,
    metrics: { values: { accuracy: 0.93, roc_auc: 0.9731, log_loss: 0.1432 } },
  },
  deltas: [
    {
      metric: 'accuracy',
      baseline: 0.95,
      candidate: 0.93,
      delta: -0.02,
      interval: [-0.0301, -0.0102],
      significant: true,
    },
  ],
  mcnemar: { baselineOnly: 31, candidateOnly: 11, pValue: 0.0029 },
  gates: [
    passedGates[0] as GateResult,
    {
      metric: 'accuracy',
      rule: 'max-drop 1% (relative)',
      status: 'failed',
      detail: '0.9300 < 0.9405 = 0.9500 × (1 − 0.01)',
    },
  ],
  passed: false,
};

/** Three classes, per-class metrics and confusion matrices for both models, one slice. */
export const multiclassReport: EvaluationReport = {
  reportVersion: 1,
  model: 'iris',
  task: 'multiclass-classification',
  classes: ['setosa', 'versicolor', 'virginica'],
  rows: 30,
  data: [
    { path: 'eval/part-1.csv', digest: dataDigest },
    { path: 'eval/part-2.csv', digest: dataDigest },
  ],
  candidate: {
    label: 'candidate',
    version: null,
    digest: candidateDigest,
    path: 'model.onnx',
    metrics: {
      values: { accuracy: 0.9333, macro_f1: 0.9327 },
      perClass: [
        { label: 'setosa', precision: 1, recall: 1, f1: 1, support: 10 },
        { label: 'versicolor', precision: 0.9, recall: 0.9, f1: 0.9, support: 10 },
        { label: 'virginica', precision: 0.9, recall: 0.9, f1: 0.9, support: 10 },
      ],
      confusion: [
        [10, 0, 0],
        [0, 9, 1],
        [0, 1, 9],
      ],
    },
  },
  baseline: {
    label: 'production v0.3.1',
    version: '0.3.1',
    digest: baselineDigest,
    path: 'model.onnx',
    metrics: {
      values: { accuracy: 0.9, macro_f1: 0.8997 },
      perClass: [
        { label: 'setosa', precision: 1, recall: 1, f1: 1, support: 10 },
        { label: 'versicolor', precision: 0.8182, recall: 0.9, f1: 0.8571, support: 10 },
        { label: 'virginica', precision: 0.8889, recall: 0.8, f1: 0.8421, support: 10 },
      ],
      confusion: [
        [10, 0, 0],
        [0, 9, 1],
        [0, 2, 8],
      ],
    },
  },
  baselineNote: null,
  deltas: [
    {
      metric: 'accuracy',
      baseline: 0.9,
      candidate: 0.9333,
      delta: 0.0333,
      interval: [0, 0.1],
      significant: false,
    },
    {
      metric: 'macro_f1',
      baseline: 0.8997,
      candidate: 0.9327,
      delta: 0.033,
      interval: [-0.01, 0.0967],
      significant: false,
    },
  ],
  mcnemar: { baselineOnly: 0, candidateOnly: 1, pValue: 1 },
  slices: [
    {
      column: 'region',
      groups: [
        { value: 'north', rows: 20, candidate: { accuracy: 0.95 }, baseline: { accuracy: 0.9 } },
        { value: 'south', rows: 10, candidate: { accuracy: 0.9 }, baseline: { accuracy: 0.9 } },
      ],
      largestGap: [
        {
          metric: 'accuracy',
          candidate: { gap: 0.05, best: 'north', worst: 'south' },
          baseline: { gap: 0, best: 'north', worst: 'south' },
        },
      ],
    },
  ],
  gates: [{ metric: 'accuracy', rule: '≥ 0.9', status: 'passed', detail: '0.9333 ≥ 0.9000' }],
  passed: true,
  bootstrap,
  run: { url: null, commit: null, pullRequest: null },
  createdAt: '2025-01-02T03:04:05.000Z',
};

/**
 * Mixed: the candidate ranks better (roc_auc up) but is less calibrated (log_loss up), both
 * significant; no gates configured; the bootstrap marks an accuracy drop that McNemar's test,
 * with 8 discordant records (7 against 1), does not: p = 2·P(X ≤ 1) for X ~ Binomial(8, 1/2)
 * = 2·(1 + 8)/256 = 0.0703125.
 */
export const mixedReport: EvaluationReport = {
  ...binaryReport,
  positiveClass: 'churns',
  candidate: {
    ...binaryReport.candidate,
    metrics: { values: { accuracy: 0.943, roc_auc: 0.9731, log_loss: 0.1902 } },
  },
  deltas: [
    {
      metric: 'accuracy',
      baseline: 0.95,
      candidate: 0.943,
      delta: -0.007,
      interval: [-0.013, -0.001],
      significant: true,
    },
    {
      metric: 'roc_auc',
      baseline: 0.9612,
      candidate: 0.9731,
      delta: 0.0119,
      interval: [0.0051, 0.0187],
      significant: true,
    },
    {
      metric: 'log_loss',
      baseline: 0.1688,
      candidate: 0.1902,
      delta: 0.0214,
      interval: [0.0077, 0.0351],
      significant: true,
    },
  ],
  mcnemar: { baselineOnly: 7, candidateOnly: 1, pValue: 0.0703125 },
  gates: [],
  passed: true,
};

/** Nothing significant, no gates: the headline warns that nothing gates the merge. */
export const noGatesReport: EvaluationReport = {
  ...binaryReport,
  // Intervals 0.03 either side of each delta, so every one includes 0.
  deltas: binaryReport.deltas.map((delta) => ({
    ...delta,
    interval: [delta.delta - 0.03, delta.delta + 0.03] as const,
    significant: false,
  })),
  gates: [],
  passed: true,
};

/** Regression: every metric lower is better but r2; the candidate is better on rmse and mae. */
export const regressionReport: EvaluationReport = {
  reportVersion: 1,
  model: 'house-prices',
  task: 'regression',
  classes: null,
  rows: 2000,
  data: [{ path: 'data/eval.parquet', digest: dataDigest }],
  candidate: {
    label: 'candidate',
    version: null,
    digest: candidateDigest,
    path: 'model.onnx',
    metrics: { values: { rmse: 41.25, mae: 30.5, r2: 0.8125, mape: 0.1275 } },
  },
  baseline: {
    label: 'production v2.0.0',
    version: '2.0.0',
    digest: baselineDigest,
    path: 'model.onnx',
    metrics: { values: { rmse: 45.5, mae: 33.75, r2: 0.78, mape: 0.125 } },
  },
  baselineNote: null,
  deltas: [
    {
      metric: 'rmse',
      baseline: 45.5,
      candidate: 41.25,
      delta: -4.25,
      interval: [-6.5, -2],
      significant: true,
    },
    {
      metric: 'mae',
      baseline: 33.75,
      candidate: 30.5,
      delta: -3.25,
      interval: [-5, -1.5],
      significant: true,
    },
    {
      metric: 'r2',
      baseline: 0.78,
      candidate: 0.8125,
      delta: 0.0325,
      interval: [-0.001, 0.066],
      significant: false,
    },
    {
      metric: 'mape',
      baseline: 0.125,
      candidate: 0.1275,
      delta: 0.0025,
      interval: [-0.004, 0.009],
      significant: false,
    },
  ],
  mcnemar: null,
  slices: [],
  gates: [
    {
      metric: 'rmse',
      rule: 'max-drop 5% (relative)',
      status: 'passed',
      detail: '41.2500 ≤ 47.7750 = 45.5000 × (1 + 0.05)',
    },
  ],
  passed: true,
  bootstrap,
  run: { url: null, commit: null, pullRequest: null },
  createdAt: '2025-01-02T03:04:05.000Z',
};

/**
 * Binary with curves for both models, on a 4-step grid and 4 calibration bins so the tables stay
 * short; the values are those of the hand-worked example in test/metrics/curves.test.ts.
 */
export const curvesReport: EvaluationReport = {
  ...binaryReport,
  positiveClass: 'churns',
  candidate: {
    ...binaryReport.candidate,
    metrics: {
      ...binaryReport.candidate.metrics,
      curves: {
        grid: [0, 0.25, 0.5, 0.75, 1],
        tpr: [0.5, 0.75, 1, 1, 1],
        precision: [1, 1, 2 / 3, 2 / 3, 2 / 3],
        calibration: [
          { lower: 0, upper: 0.25, count: 2, meanPredicted: 0.175, fractionPositive: 0.5 },
          { lower: 0.25, upper: 0.5, count: 0, meanPredicted: null, fractionPositive: null },
          { lower: 0.5, upper: 0.75, count: 1, meanPredicted: 0.6, fractionPositive: 1 },
          { lower: 0.75, upper: 1, count: 2, meanPredicted: 0.85, fractionPositive: 0.5 },
        ],
      },
    },
  },
  baseline: {
    ...(binaryReport.baseline as NonNullable<EvaluationReport['baseline']>),
    metrics: {
      ...(binaryReport.baseline as NonNullable<EvaluationReport['baseline']>).metrics,
      curves: {
        grid: [0, 0.25, 0.5, 0.75, 1],
        tpr: [0, 0.5, 0.5, 1, 1],
        precision: [1, 0.75, 0.5, 0.5, 0.5],
        calibration: [
          { lower: 0, upper: 0.25, count: 1, meanPredicted: 0.2, fractionPositive: 0 },
          { lower: 0.25, upper: 0.5, count: 2, meanPredicted: 0.4, fractionPositive: 0.5 },
          { lower: 0.5, upper: 0.75, count: 0, meanPredicted: null, fractionPositive: null },
          { lower: 0.75, upper: 1, count: 2, meanPredicted: 0.9, fractionPositive: 1 },
        ],
      },
    },
  },
};
