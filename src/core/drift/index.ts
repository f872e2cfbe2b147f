/**
 * Statistical drift tests, exact against scipy 1.10.1 and Evidently's legacy stattests, on
 * value-count distributions. Pure logic: no I/O.
 *
 * Index of tests (registry.ts holds the table of kinds, defaults and drift rules):
 * - ks            two-sample Kolmogorov-Smirnov, exact or asymptotic as scipy   ks-test.ts
 * - chisquare     Pearson chi-square of current vs scaled reference counts     chi-square-test.ts
 * - z             two-proportion z-test on the smallest value vs the rest       z-test.ts
 * - wasserstein   earth mover's distance / reference standard deviation        wasserstein.ts
 * - jensenshannon Jensen-Shannon distance (natural log) over Evidently's bins  jensen-shannon.ts
 * - psi           population stability index over Evidently's bins            psi.ts
 * - kl_div        KL divergence over Evidently's bins                          kl-divergence.ts
 * - hellinger     Hellinger distance                                           hellinger.ts
 * - linf          L-infinity distance between category shares                  linf.ts
 *
 * Supporting numerics: kstwo.ts (scipy's kstwo), smirnov.ts (cephes smirnov, on
 * double-double.ts), ks-exact.ts (lattice-path p-values), gamma.ts (log-gamma, incomplete gamma,
 * chi-square tail), normal.ts (erf, erfc, normal tails), binning.ts (Evidently's bins, numpy's
 * histogram edges).
 */

export * from './distribution.js';
export type { DriftRule, StatTestDefinition, StatTestName, StatTestResult } from './stat-test.js';
export { isDrifted } from './stat-test.js';
export {
  STAT_TESTS,
  STAT_TEST_NAMES,
  getStatTest,
  isStatTestName,
  runStatTest,
} from './registry.js';
export {
  chooseDefaultTest,
  type DefaultTestChoice,
  type DefaultTestInput,
} from './default-test.js';
export { ksStatistic, ksTest, ksTwoSample, type KsTwoSampleResult } from './ks-test.js';
export { chiSquareTest } from './chi-square-test.js';
export { zTest } from './z-test.js';
export { populationStd, wassersteinDistance, wassersteinNormedTest } from './wasserstein.js';
export { jensenShannonDistance, jensenShannonTest } from './jensen-shannon.js';
export { populationStabilityIndex, psiTest } from './psi.js';
export { klDivergence, klDivergenceTest } from './kl-divergence.js';
export { hellingerDistance, hellingerTest } from './hellinger.js';
export { lInfinityDistance, lInfinityTest } from './linf.js';
export { binnedPercents, histogramCounts, sturgesBinEdges } from './binning.js';
export { kstwoSf } from './kstwo.js';
export { smirnovSf } from './smirnov.js';
export { chiSquareSurvival, logGamma, regularizedGammaP, regularizedGammaQ } from './gamma.js';
export { erf, erfc, normalCdf, normalSurvival } from './normal.js';
