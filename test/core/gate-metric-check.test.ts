/**
 * mlops.yml: a gate's metric is checked against the metrics of the model's task when the file is
 * read, with "did you mean", rather than failing in CI after training.
 */
import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../src/core/config/did-you-mean.js';
import { parseMlopsConfig } from '../../src/core/config/mlops-config.js';
import { ConfigError } from '../../src/core/errors.js';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const config = (task: string | null, gates: string) =>
  [
    'model:',
    '  name: churn',
    ...(task === null ? [] : [`  task: ${task}`]),
    'data: {}',
    'evaluate:',
    '  gates:',
    gates,
  ].join('\n');

describe('gate metrics in mlops.yml', () => {
  it('names file, line, column and field of a misspelt metric, with did you mean', () => {
    const error = errorOf(() =>
      parseMlopsConfig(
        config(
          'binary-classification',
          '    - metric: f1\n      min: 0.5\n    - metric: acuracy\n      min: 0.9',
        ),
        'repo/mlops.yml',
      ),
    );
    // Line 9 of the text above, column 15: the value after "    - metric: ".
    expect(error.location).toEqual({
      file: 'repo/mlops.yml',
      line: 9,
      column: 15,
      field: 'evaluate.gates[1].metric',
    });
    expect(error.message).toMatchInlineSnapshot(
      `"repo/mlops.yml:9:15 (evaluate.gates[1].metric): unknown metric "acuracy"; did you mean "accuracy"? A gate names one of the metrics evaluate computes for binary-classification: accuracy, precision, recall, f1, roc_auc, pr_auc, log_loss, brier"`,
    );
  });

  it('says when the metric belongs to another task', () => {
    const error = errorOf(() =>
      parseMlopsConfig(config('regression', '    - metric: accuracy\n      min: 0.9'), 'mlops.yml'),
    );
    expect(error.message).toMatchInlineSnapshot(
      `"mlops.yml:7:15 (evaluate.gates[0].metric): "accuracy" is a metric of binary-classification and multiclass-classification, not of regression. A gate names one of the metrics evaluate computes for regression: rmse, mae, r2, mape"`,
    );
  });

  it('without a task, any built-in metric is accepted and an unknown one is not', () => {
    const ok = parseMlopsConfig(config(null, '    - metric: rmse\n      max: 2'), 'mlops.yml');
    expect(ok.evaluate?.gates).toEqual([{ metric: 'rmse', max: 2 }]);
    const error = errorOf(() =>
      parseMlopsConfig(config(null, '    - metric: f1-macro\n      min: 0.5'), 'mlops.yml'),
    );
    expect(error.location?.field).toBe('evaluate.gates[0].metric');
    expect(error.detail).toMatch(/^unknown metric "f1-macro"; did you mean "f1_macro"\?/);
  });

  it('no suggestion when nothing is close', () => {
    const error = errorOf(() =>
      parseMlopsConfig(
        config('binary-classification', '    - metric: throughput\n      min: 1'),
        'mlops.yml',
      ),
    );
    expect(error.detail).toMatch(/^unknown metric "throughput"\. A gate names/);
  });
});

describe('didYouMean', () => {
  it('edit distances by hand: one deletion, one swap, one substitution', () => {
    expect(editDistance('acuracy', 'accuracy')).toBe(1);
    expect(editDistance('acucracy', 'accuracy')).toBe(1); // "uc" ↔ "cu"
    expect(editDistance('rmse', 'mse')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3); // the textbook Levenshtein example
  });

  it('suggests within a third of the length, the nearest first', () => {
    expect(didYouMean('acuracy', ['precision', 'accuracy'])).toBe('accuracy');
    expect(didYouMean('ROC_AUC', ['pr_auc', 'roc_auc'])).toBe('roc_auc');
    expect(didYouMean('loss', ['log_loss'])).toBeUndefined();
  });
});
