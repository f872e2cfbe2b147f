/**
 * What a weight means, checked against the slow, obvious construction: scoring with weights must
 * equal scoring the records repeated that many times (a bootstrap resample, a slice). And the
 * one-sort ROC AUC against the definition, pair by pair. Random data from a tiny LCG, with heavy
 * ties; no reference tool is needed because both sides are definitions.
 */
import { describe, expect, it } from 'vitest';
import { prepareMetrics } from '../../src/core/metrics/compute-metrics.js';
import { prepareRanking, rankingMetrics } from '../../src/core/metrics/ranking.js';
import { expectClose, repeatRecords } from './helpers.js';

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomClassification(rows: number, classes: number, seed: number) {
  const random = lcg(seed);
  const truth = new Int32Array(rows);
  const predicted = new Int32Array(rows);
  const probabilities = new Float64Array(rows * classes);
  const weights = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    truth[i] = Math.floor(random() * classes);
    predicted[i] = random() < 0.6 ? truth[i]! : Math.floor(random() * classes);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      // few distinct values: many tied scores
      const v = Math.floor(random() * 4) + (c === truth[i] ? 2 : 0);
      probabilities[i * classes + c] = v;
      sum += v;
    }
    for (let c = 0; c < classes; c++) probabilities[i * classes + c]! /= sum || 1;
    weights[i] = Math.floor(random() * 4);
  }
  const names = Array.from({ length: classes }, (_, c) => `class ${c}`);
  return { truth, predicted, probabilities, weights, classes: names };
}

describe('weights are multiplicities', () => {
  for (const [task, classes] of [
    ['binary-classification', 2],
    ['multiclass-classification', 3],
  ] as const) {
    it(`${task}: weighted = repeated`, () => {
      for (const seed of [1, 2, 3]) {
        const data = randomClassification(300, classes, seed);
        const weighted = prepareMetrics(task, data).metricSet(data.weights);
        const repeated = prepareMetrics(task, {
          truth: repeatRecords(data.truth, data.weights),
          predicted: repeatRecords(data.predicted, data.weights),
          probabilities: repeatRecords(data.probabilities, data.weights, classes),
          classes: data.classes,
        }).metricSet();
        expect(Object.keys(weighted.values)).toEqual(Object.keys(repeated.values));
        for (const [name, value] of Object.entries(repeated.values)) {
          expectClose(weighted.values[name], value, 1e-12);
        }
        expect(weighted.confusion).toEqual(repeated.confusion);
        expect(weighted.perClass).toEqual(repeated.perClass);
      }
    });
  }

  it('regression: weighted = repeated', () => {
    const random = lcg(7);
    const rows = 200;
    const truth = Float64Array.from({ length: rows }, () => Math.round(random() * 20) / 2);
    const predicted = truth.map((y) => y + random() - 0.5);
    const weights = Int32Array.from({ length: rows }, () => Math.floor(random() * 4));
    const weighted = prepareMetrics('regression', { truth, predicted }).values(weights);
    const repeated = prepareMetrics('regression', {
      truth: repeatRecords(truth, weights),
      predicted: repeatRecords(predicted, weights),
    }).values();
    for (const [name, value] of Object.entries(repeated)) expectClose(weighted[name], value, 1e-12);
  });

  it('all ones equals no weights, bit for bit', () => {
    const data = randomClassification(100, 2, 9);
    const evaluator = prepareMetrics('binary-classification', data);
    expect(evaluator.values(new Int32Array(100).fill(1))).toEqual(evaluator.values());
  });

  it('rejects weights of the wrong length', () => {
    const data = randomClassification(10, 2, 4);
    expect(() => prepareMetrics('binary-classification', data).values(new Int32Array(9))).toThrow(
      RangeError,
    );
  });
});

describe('ROC AUC from one sort', () => {
  it('equals the pairwise definition with ties as ½, under any weights', () => {
    const random = lcg(11);
    const rows = 400;
    const scores = Float64Array.from({ length: rows }, () => Math.floor(random() * 20) / 20);
    const positive = Uint8Array.from(scores, (s) => (random() < s ? 1 : 0));
    const weights = Int32Array.from({ length: rows }, () => Math.floor(random() * 3));
    let pairs = 0;
    let positives = 0;
    let negatives = 0;
    for (let i = 0; i < rows; i++) {
      if (positive[i]) positives += weights[i]!;
      else negatives += weights[i]!;
      if (!positive[i]) continue;
      for (let j = 0; j < rows; j++) {
        if (positive[j]) continue;
        const order = scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
        pairs += weights[i]! * weights[j]! * order;
      }
    }
    const { rocAuc } = rankingMetrics(prepareRanking(scores, positive), weights);
    expect(rocAuc).toBe(pairs / (positives * negatives));
  });
});
