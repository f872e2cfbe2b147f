/** The `monitoring` section of mlops.yml: the README's example parses; mistakes name the line. */
import { describe, expect, it } from 'vitest';
import { parseMlopsConfig } from '../../src/core/config/mlops-config.js';

const EXAMPLE = `version: 1
model: { name: churn }
data: { schema: schema.yml }
monitoring:
  logs: monitoring/predictions-*.jsonl
  labels: monitoring/labels.csv
  prometheus: monitoring/metrics.txt
  performance:
    window: 1d
    min-labels: 30
    metrics:
      accuracy: { moderate: 5%, severe: 10% }
      log_loss: { moderate: 0.05, severe: 0.15 }
  latency: { p95-ms: 50, p99-ms: 200, error-rate: 0.01 }
`;

describe('monitoring in mlops.yml', () => {
  it('reads the example of the README, with the defaults filled in', () => {
    expect(parseMlopsConfig(EXAMPLE, 'mlops.yml').monitoring).toEqual({
      logs: ['monitoring/predictions-*.jsonl'],
      labels: ['monitoring/labels.csv'],
      prometheus: 'monitoring/metrics.txt',
      performance: {
        'id-column': 'id',
        'label-column': 'label',
        'time-column': 'time',
        window: '1d',
        'min-labels': 30,
        metrics: {
          accuracy: { moderate: '5%', severe: '10%' },
          log_loss: { moderate: 0.05, severe: 0.15 },
        },
      },
      latency: { 'p95-ms': 50, 'p99-ms': 200, 'error-rate': 0.01 },
    });
  });

  it('names the line and field of a mistake', () => {
    expect(() =>
      parseMlopsConfig(EXAMPLE.replace('window: 1d', 'window: 1 day'), 'mlops.yml'),
    ).toThrow(
      'mlops.yml:9:13 (monitoring.performance.window): expected a duration such as 30m, 6h, 1d or 1w',
    );
    expect(() =>
      parseMlopsConfig(
        EXAMPLE.replace('key: id', '').replace('window: 1d', 'key: label'),
        'mlops.yml',
      ),
    ).toThrow(/mlops\.yml:9:\d+ \(monitoring\.performance\.key\)/);
    expect(() =>
      parseMlopsConfig(EXAMPLE.replace('moderate: 5%', 'moderate: -1'), 'mlops.yml'),
    ).toThrow(/monitoring\.performance\.metrics\.accuracy\.moderate/);
  });
});
