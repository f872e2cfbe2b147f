/**
 * The drift tests by name, as Evidently's stattest registry (legacy/calculations/stattests/
 * registry.py) lists them: which column kinds each accepts, whether it is a hypothesis test, its
 * default threshold and the side of the threshold that means drift. Each entry's source is cited
 * in the module that implements it.
 *
 * | name          | kinds        | gives    | default | drift when      |
 * | ------------- | ------------ | -------- | ------- | --------------- |
 * | ks            | numerical    | p-value  | 0.05    | p <= threshold  |
 * | chisquare     | both         | p-value  | 0.05    | p < threshold   |
 * | z             | both         | p-value  | 0.05    | p < threshold   |
 * | wasserstein   | numerical    | distance | 0.1     | >= threshold    |
 * | jensenshannon | both         | distance | 0.1     | >= threshold    |
 * | psi           | both         | distance | 0.1     | >= threshold    |
 * | kl_div        | both         | distance | 0.1     | >= threshold    |
 * | hellinger     | both         | distance | 0.1     | >= threshold    |
 * | linf          | categorical  | distance | 0.1     | >= threshold    |
 *
 * Evidently registers chisquare and z for categorical columns only, but its default choice
 * applies them to numerical columns with at most 5 distinct values, so both kinds are accepted.
 */

import {
  isNumericDistribution,
  kindOf,
  type CategoricalDistribution,
  type ColumnKind,
  type Distribution,
  type NumericDistribution,
} from './distribution.js';
import { chiSquareTest } from './chi-square-test.js';
import { hellingerTest } from './hellinger.js';
import { jensenShannonTest } from './jensen-shannon.js';
import { klDivergenceTest } from './kl-divergence.js';
import { ksTest } from './ks-test.js';
import { lInfinityTest } from './linf.js';
import { psiTest } from './psi.js';
import type { DriftRule, StatTestDefinition, StatTestName, StatTestResult } from './stat-test.js';
import { wassersteinNormedTest } from './wasserstein.js';
import { zTest } from './z-test.js';

const BOTH: readonly ColumnKind[] = ['numerical', 'categorical'];

function define(
  name: StatTestName,
  displayName: string,
  kinds: readonly ColumnKind[],
  pValueTest: boolean,
  defaultThreshold: number,
  driftRule: DriftRule,
  impl: (reference: Distribution, current: Distribution, threshold: number) => StatTestResult,
): StatTestDefinition {
  return {
    name,
    displayName,
    kinds,
    pValueTest,
    defaultThreshold,
    driftRule,
    run: (reference, current, threshold = defaultThreshold) => {
      const kind = kindOf(reference);
      if (kindOf(current) !== kind) {
        throw new TypeError('reference and current must both be numerical or both categorical');
      }
      if (!kinds.includes(kind)) {
        throw new TypeError(`the ${name} test does not apply to ${kind} columns`);
      }
      return impl(reference, current, threshold);
    },
  };
}

function numeric(d: Distribution): NumericDistribution {
  if (!isNumericDistribution(d)) throw new TypeError('expected a numerical column');
  return d;
}

function categorical(d: Distribution): CategoricalDistribution {
  if (isNumericDistribution(d)) throw new TypeError('expected a categorical column');
  return d;
}

export const STAT_TESTS: Readonly<Record<StatTestName, StatTestDefinition>> = {
  ks: define('ks', 'K-S p_value', ['numerical'], true, 0.05, 'p-at-or-below', (r, c, t) =>
    ksTest(numeric(r), numeric(c), t),
  ),
  chisquare: define('chisquare', 'chi-square p_value', BOTH, true, 0.05, 'p-below', chiSquareTest),
  z: define('z', 'Z-test p_value', BOTH, true, 0.05, 'p-below', zTest),
  wasserstein: define(
    'wasserstein',
    'Wasserstein distance (normed)',
    ['numerical'],
    false,
    0.1,
    'statistic-at-or-above',
    (r, c, t) => wassersteinNormedTest(numeric(r), numeric(c), t),
  ),
  jensenshannon: define(
    'jensenshannon',
    'Jensen-Shannon distance',
    BOTH,
    false,
    0.1,
    'statistic-at-or-above',
    jensenShannonTest,
  ),
  psi: define('psi', 'PSI', BOTH, false, 0.1, 'statistic-at-or-above', psiTest),
  kl_div: define(
    'kl_div',
    'Kullback-Leibler divergence',
    BOTH,
    false,
    0.1,
    'statistic-at-or-above',
    klDivergenceTest,
  ),
  hellinger: define(
    'hellinger',
    'Hellinger distance',
    BOTH,
    false,
    0.1,
    'statistic-at-or-above',
    hellingerTest,
  ),
  linf: define(
    'linf',
    'L-infinity distance',
    ['categorical'],
    false,
    0.1,
    'statistic-at-or-above',
    (r, c, t) => lInfinityTest(categorical(r), categorical(c), t),
  ),
};

export const STAT_TEST_NAMES = Object.keys(STAT_TESTS) as StatTestName[];

export function isStatTestName(name: string): name is StatTestName {
  return Object.hasOwn(STAT_TESTS, name);
}

/** The registered test of that name, or undefined. */
export function getStatTest(name: string): StatTestDefinition | undefined {
  return isStatTestName(name) ? STAT_TESTS[name] : undefined;
}

/** Runs a test by name; throws on an unknown name or a column kind the test does not take. */
export function runStatTest(
  name: string,
  reference: Distribution,
  current: Distribution,
  threshold?: number,
): StatTestResult {
  const test = getStatTest(name);
  if (test === undefined) {
    throw new RangeError(
      `unknown drift test ${JSON.stringify(name)}; known: ${STAT_TEST_NAMES.join(', ')}`,
    );
  }
  return test.run(reference, current, threshold);
}
