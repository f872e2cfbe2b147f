/**
 * Evidently's default test per column (legacy stattests/registry.py `_get_default_stattest`):
 * the rule at its boundaries, and agreement with the transcription in
 * scripts/reference/drift_reference.py on every reference case.
 */
import { describe, expect, it } from 'vitest';
import { alignCounts } from '../../src/core/drift/binning.js';
import { chooseDefaultTest } from '../../src/core/drift/default-test.js';
import { observedCount } from '../../src/core/drift/distribution.js';
import { STAT_TESTS } from '../../src/core/drift/registry.js';
import { fixture, toDistribution } from './reference-fixture.js';

describe('chooseDefaultTest', () => {
  it.each([
    // kind, reference rows, distinct values → test, threshold
    ['numerical', 1000, 6, 'ks', 0.05],
    ['numerical', 1000, 5, 'chisquare', 0.05],
    ['numerical', 1000, 3, 'chisquare', 0.05],
    ['numerical', 1000, 2, 'z', 0.05],
    ['numerical', 10, 1, 'z', 0.05],
    ['categorical', 1000, 40, 'chisquare', 0.05],
    ['categorical', 1000, 3, 'chisquare', 0.05],
    ['categorical', 1000, 2, 'z', 0.05],
    ['numerical', 1001, 6, 'wasserstein', 0.1],
    ['numerical', 1001, 5, 'jensenshannon', 0.1],
    ['numerical', 3_000_000, 2, 'jensenshannon', 0.1],
    ['categorical', 1001, 2, 'jensenshannon', 0.1],
    ['categorical', 1001, 500, 'jensenshannon', 0.1],
  ] as const)(
    '%s, %i rows, %i values → %s',
    (kind, referenceRows, distinctValues, test, threshold) => {
      const choice = chooseDefaultTest({ kind, referenceRows, distinctValues });
      expect(choice).toEqual({ test, threshold });
      expect(STAT_TESTS[choice.test].defaultThreshold).toBe(threshold);
      expect(STAT_TESTS[choice.test].kinds).toContain(kind);
    },
  );

  it.each(fixture.cases.map((c) => [c.name, c] as const))(
    'agrees with Evidently: %s',
    (_name, c) => {
      const reference = toDistribution(c.reference);
      const current = toDistribution(c.current);
      const choice = chooseDefaultTest({
        kind: c.kind,
        referenceRows: observedCount(reference),
        distinctValues: alignCounts(reference, current).reference.length,
      });
      expect(choice.test).toBe(c.defaultTest);
    },
  );

  it('the reference cases reach every default test', () => {
    expect(new Set(fixture.cases.map((c) => c.defaultTest))).toEqual(
      new Set(['ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon']),
    );
  });
});
