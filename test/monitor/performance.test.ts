/**
 * Delayed labels joined with the prediction log and graded, against metrics worked by hand.
 *
 * Window 2026-12-01 (1d): ten predictions p1..p10 of a binary model (classes no, yes); p10 was
 * sent without an id. Labels arrived for p1..p6 (six: four right, two wrong, accuracy 4/6), p5's
 * exactly when the window closed and p6's a day later (two late), plus one for p99, which was never
 * predicted. p7..p9 are never labelled. Window 2026-12-02: three predictions q1..q3, all labelled
 * and right, too few for min-labels 5.
 */
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { joinLabels, type LabelEntry, type LogEntry } from '../../src/core/monitor/join-labels.js';
import {
  computePerformance,
  gradeMetric,
  type MetricThresholds,
} from '../../src/core/monitor/performance.js';
import type { LoggedPrediction } from '../../src/core/serve/prediction-log-record.js';

const DAY = 86_400_000;

function entry(
  time: string,
  id: string | null,
  prediction: string,
  pYes: number,
  request = `req-${id ?? time}`,
  record = 0,
): LogEntry {
  const logged: LoggedPrediction = {
    time,
    request,
    record,
    id,
    model: 'churn',
    version: '1.0.0',
    digest: 'sha256:00',
    prediction,
    probabilities: { no: 1 - pYes, yes: pYes },
  };
  return { logged, timeMs: Date.parse(time), file: 'log.jsonl', line: 1 };
}

const label = (key: string, value: string, time: string | null, line = 2): LabelEntry => ({
  key,
  label: value,
  timeMs: time === null ? null : Date.parse(time),
  file: 'labels.csv',
  line,
});

const entries: LogEntry[] = [
  entry('2026-12-01T01:00:00Z', 'p1', 'yes', 0.8),
  entry('2026-12-01T02:00:00Z', 'p2', 'yes', 0.6),
  entry('2026-12-01T03:00:00Z', 'p3', 'no', 0.3),
  entry('2026-12-01T04:00:00Z', 'p4', 'no', 0.4),
  entry('2026-12-01T05:00:00Z', 'p5', 'yes', 0.9),
  entry('2026-12-01T06:00:00Z', 'p6', 'no', 0.2),
  entry('2026-12-01T07:00:00Z', 'p7', 'yes', 0.7),
  entry('2026-12-01T08:00:00Z', 'p8', 'no', 0.1),
  entry('2026-12-01T09:00:00Z', 'p9', 'yes', 0.95),
  entry('2026-12-01T10:00:00Z', null, 'no', 0.05),
  entry('2026-12-02T01:00:00Z', 'q1', 'yes', 0.9),
  entry('2026-12-02T02:00:00Z', 'q2', 'no', 0.1),
  entry('2026-12-02T03:00:00Z', 'q3', 'yes', 0.8),
];

const labels: LabelEntry[] = [
  label('p1', 'yes', '2026-12-01T20:00:00Z'), // right
  label('p2', 'no', '2026-12-01T20:00:00Z'), // wrong
  label('p3', 'no', '2026-12-01T20:00:00Z'), // right
  label('p4', 'yes', '2026-12-01T20:00:00Z'), // wrong
  label('p5', 'yes', '2026-12-02T00:00:00Z'), // right, late: at the window's end
  label('p6', 'no', '2026-12-03T00:00:00Z'), // right, late
  label('p99', 'yes', '2026-12-01T20:00:00Z'), // no such prediction
  label('q1', 'yes', null),
  label('q2', 'no', null),
  label('q3', 'yes', null),
];

function perform(
  released: Record<string, number>,
  graded: Record<string, MetricThresholds>,
  minLabels = 5,
) {
  return computePerformance({
    model: 'churn',
    task: 'binary-classification',
    classes: undefined,
    join: joinLabels(entries, labels, 'id'),
    key: 'id',
    window: '1d',
    windowMs: DAY,
    minLabels,
    released: { version: '1.0.0', metrics: released },
    graded,
    predictionTimes: entries.map((e) => e.timeMs),
  });
}

describe('joining delayed labels', () => {
  it('counts labelled, never labelled, keyless and unmatched', () => {
    const join = joinLabels(entries, labels, 'id');
    expect(join.predictions).toBe(13);
    expect(join.joined.map((j) => j.label.key)).toEqual([
      'p1',
      'p2',
      'p3',
      'p4',
      'p5',
      'p6',
      'q1',
      'q2',
      'q3',
    ]);
    expect(join.neverLabelled).toBe(3); // p7, p8, p9
    expect(join.withoutKey).toBe(1); // the record sent without an id
    expect(join.unmatchedLabels).toBe(1); // p99
    expect(join.duplicateLabels).toBe(0);
  });

  it('joins by request id, <request>#<record> inside a batch, the later duplicate label winning', () => {
    const log = [
      entry('2026-12-01T01:00:00Z', null, 'yes', 0.9, 'r1', 0),
      entry('2026-12-01T01:00:01Z', null, 'no', 0.2, 'r2', 0),
      entry('2026-12-01T01:00:01Z', null, 'yes', 0.7, 'r2', 1),
    ];
    const join = joinLabels(
      log,
      [
        label('r1', 'no', null),
        label('r2#1', 'no', null),
        label('r2#1', 'yes', null),
        label('r2', 'no', null),
      ],
      'request',
    );
    expect(
      join.joined.map((j) => [j.entry.logged.request, j.entry.logged.record, j.label.label]),
    ).toEqual([
      ['r1', 0, 'no'],
      ['r2', 1, 'yes'],
    ]);
    expect(join.duplicateLabels).toBe(1);
    expect(join.neverLabelled).toBe(1); // r2#0
    expect(join.unmatchedLabels).toBe(1); // "r2": a batch's records are keyed r2#0, r2#1
  });
});

describe('grading the served model', () => {
  // Log loss of p1..p6 by hand: −ln of the probability given to the true class.
  const logLoss =
    -(
      Math.log(0.8) +
      Math.log(0.4) +
      Math.log(0.7) +
      Math.log(0.4) +
      Math.log(0.9) +
      Math.log(0.8)
    ) / 6;

  it('computes the window metrics by hand and grades the drop of accuracy', () => {
    const report = perform(
      { accuracy: 0.9, log_loss: 0.3 },
      {
        accuracy: { moderate: 0.1, severe: 0.3 },
        log_loss: { moderate: 0.5, severe: 1 },
      },
    );
    const [first, second] = report.windows;
    expect(first).toMatchObject({
      start: '2026-12-01T00:00:00.000Z',
      end: '2026-12-02T00:00:00.000Z',
      predictions: 10,
      labelled: 6,
      late_labels: 2,
      severity: 'moderate',
    });
    expect(first?.metrics['accuracy']).toBeCloseTo(4 / 6, 12);
    expect(first?.metrics['log_loss']).toBeCloseTo(logLoss, 12);
    const accuracy = first?.grades.find((g) => g.metric === 'accuracy');
    expect(accuracy?.worsening).toBeCloseTo(0.9 - 4 / 6, 12);
    expect(accuracy?.grade).toBe('moderate'); // 0.233: ≥ 0.1, < 0.3
    // log_loss rises by 0.157 (logLoss ≈ 0.4568 against 0.3): below 0.5.
    expect(first?.grades.find((g) => g.metric === 'log_loss')?.grade).toBe('none');
    expect(second).toMatchObject({
      predictions: 3,
      labelled: 3,
      late_labels: 0,
      severity: 'insufficient-labels',
    });
    expect(second?.metrics['accuracy']).toBe(1);
    // The latest window with enough labels decides.
    expect(report.severity).toBe('moderate');
    expect(report.graded_window).toBe('2026-12-01T00:00:00.000Z');
    expect(report.coverage).toEqual({
      predictions: 13,
      labelled: 9,
      never_labelled: 3,
      without_key: 1,
      unmatched_labels: 1,
      duplicate_labels: 0,
      late_labels: 2,
    });
  });

  it('grades severe past the severe threshold, percentages of the released value included', () => {
    // 10% of 0.9 is 0.09; the drop of 0.233 passes it.
    expect(
      perform({ accuracy: 0.9 }, { accuracy: { moderate: '5%', severe: '10%' } }).severity,
    ).toBe('severe');
    // A rise of log loss is the worsening: 0.4568 − 0.2 ≥ 0.25.
    expect(
      perform(
        { accuracy: 0.5, log_loss: 0.2 },
        {
          accuracy: { moderate: 0.1, severe: 0.2 },
          log_loss: { moderate: 0.1, severe: 0.25 },
        },
      ).severity,
    ).toBe('severe');
  });

  it('grades none when the model is as good as released (an improvement is no drop)', () => {
    const report = perform({ accuracy: 0.6 }, { accuracy: { moderate: 0, severe: 0.1 } });
    expect(report.severity).toBe('none');
    expect(report.windows[0]?.grades[0]?.worsening).toBeCloseTo(0.6 - 4 / 6, 12);
  });

  it('never raises an alarm on too few labels', () => {
    const report = perform({ accuracy: 0.99 }, { accuracy: { moderate: 0.01, severe: 0.02 } }, 7);
    expect(report.severity).toBe('insufficient-labels');
    expect(report.graded_window).toBeNull();
    expect(report.windows.map((w) => w.severity)).toEqual([
      'insufficient-labels',
      'insufficient-labels',
    ]);
    expect(report.notes.join(' ')).toMatch(/No window has 7 labelled predictions/);
  });

  it('refuses metrics the release did not record, and labels that are no class of the model', () => {
    expect(() => perform({ f1: 0.9 }, { accuracy: { moderate: 0.1, severe: 0.2 } })).toThrow(
      /records none of the graded metrics \(accuracy\); it records: f1/,
    );
    const join = joinLabels(entries.slice(0, 1), [label('p1', 'maybe', null, 7)], 'id');
    expect(() =>
      computePerformance({
        model: 'churn',
        task: 'binary-classification',
        classes: undefined,
        join,
        key: 'id',
        window: '1d',
        windowMs: DAY,
        minLabels: 1,
        released: { version: null, metrics: { accuracy: 1 } },
        graded: { accuracy: { moderate: 0.1, severe: 0.2 } },
        predictionTimes: [entries[0]!.timeMs],
      }),
    ).toThrow(DataError);
  });

  it('grades a regression metric by its rise', () => {
    // rmse where lower is better: 1.5 observed against 1.0 released is a worsening of 0.5.
    expect(gradeMetric('rmse', 1, 1.5, { moderate: '20%', severe: '60%' })).toMatchObject({
      worsening: 0.5,
      moderate: 0.2,
      severe: 0.6,
      grade: 'moderate',
    });
    expect(gradeMetric('rmse', 1, 0.5, { moderate: 0, severe: 0 }).grade).toBe('none');
  });
});
