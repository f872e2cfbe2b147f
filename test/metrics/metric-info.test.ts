import { describe, expect, it } from 'vitest';
import { prepareMetrics } from '../../src/core/metrics/compute-metrics.js';
import { METRICS, metricInfo, defaultMetrics } from '../../src/core/metrics/metric-info.js';
import { binaryInput, multiclass, regression } from './helpers.js';

describe('metric table', () => {
  it('knows the direction of every metric', () => {
    expect(metricInfo('roc_auc')).toMatchObject({ greaterIsBetter: true, displayName: 'ROC AUC' });
    for (const name of ['log_loss', 'brier', 'rmse', 'mae', 'mape']) {
      expect(metricInfo(name)?.greaterIsBetter, name).toBe(false);
    }
    expect(metricInfo('r2')?.greaterIsBetter).toBe(true);
    expect(metricInfo('my_custom_metric')).toBeUndefined();
    expect(new Set(METRICS.map((m) => m.name)).size).toBe(METRICS.length);
  });

  it('lists exactly what each task computes', () => {
    const computed = {
      'binary-classification': prepareMetrics('binary-classification', binaryInput('candidate')),
      'multiclass-classification': prepareMetrics('multiclass-classification', multiclass),
      regression: prepareMetrics('regression', regression),
    };
    for (const [task, evaluator] of Object.entries(computed)) {
      expect(Object.keys(evaluator.values()).sort(), task).toEqual(
        [...defaultMetrics(evaluator.task)].sort(),
      );
    }
  });
});
