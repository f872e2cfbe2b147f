/**
 * What both drift benchmarks (flights, wide numeric) report per column: Evidently's default test
 * as check-drift chooses it, plus KS for numeric columns, from exact profiles of each side; the
 * pandas + scipy scripts compute the same for comparison.
 */
import {
  chooseDefaultTest,
  isNumericDistribution,
  observedCount,
  runStatTest,
  type Distribution,
} from '../../src/core/drift/index.js';
import { profileDistributions, type DataProfile } from '../../src/core/profile/profile.js';

function distinctTogether(a: Distribution, b: Distribution): number {
  if (isNumericDistribution(a) && isNumericDistribution(b)) {
    return new Set([...a.values, ...b.values]).size;
  }
  if (!isNumericDistribution(a) && !isNumericDistribution(b)) {
    return new Set([...a.counts.keys(), ...b.counts.keys()]).size;
  }
  throw new Error('mixed kinds');
}

/** The statistics per column, by the name `rename` gives it (default: the profile's). */
export function compareColumns(
  ref: DataProfile,
  cur: DataProfile,
  rename: (name: string) => string = (name) => name,
): Record<string, Record<string, number | string | null>> {
  const currentByName = new Map(profileDistributions(cur).map((d) => [d.name, d]));
  const columns: Record<string, Record<string, number | string | null>> = {};
  for (const r of profileDistributions(ref)) {
    const c = currentByName.get(r.name);
    if (c === undefined) throw new Error(`no current distribution for ${r.name}`);
    if (!r.exact || !c.exact) throw new Error(`${r.name} was sketched: not exact`);
    const kind = r.kind === 'numeric' ? 'numerical' : 'categorical';
    const choice = chooseDefaultTest({
      kind,
      referenceRows: observedCount(r.distribution),
      distinctValues: distinctTogether(r.distribution, c.distribution),
    });
    const result = runStatTest(choice.test, r.distribution, c.distribution);
    const entry: Record<string, number | string | null> = {
      test: choice.test,
      statistic: result.statistic,
    };
    if (kind === 'numerical') {
      const ks = runStatTest('ks', r.distribution, c.distribution);
      entry['ks_statistic'] = ks.statistic;
      entry['ks_pvalue'] = ks.pValue;
    }
    columns[rename(r.name)] = entry;
  }
  return columns;
}
