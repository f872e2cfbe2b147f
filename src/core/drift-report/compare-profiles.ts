/**
 * Compares two data profiles column by column into the drift report (report.ts): each profiled
 * distribution (`<col>`, `<col>:hour`, `<col>:length`, `<col>:tokens`) gets the test Evidently
 * would choose (`chooseDefaultTest`) unless mlops.yml names one, NaN and infinities are counted
 * and left out, and the share of drifted columns grades the result. Text vocabulary is compared by
 * the Jensen-Shannon distance of token frequencies (natural log, Evidently's distance), with the
 * out-of-vocabulary rate of the current tokens reported beside it.
 *
 * Before testing, the current data must fit the reference: the same columns with the same types,
 * some records, and values of the column's type. A mismatch is a DataError naming the column and
 * both types. Pure: no I/O.
 */
import {
  chooseDefaultTest,
  getStatTest,
  histogramCounts,
  isNumericDistribution,
  kindOf,
  observedCount,
  type Distribution,
  type NumericDistribution,
} from '../drift/index.js';
import { linspace } from '../drift/binning.js';
import { DataError } from '../errors.js';
import {
  profileColumnDistributions,
  type ColumnProfile,
  type DataProfile,
} from '../profile/profile.js';
import { driftSeverity, driftShare } from './severity.js';
import type {
  DriftColumnKind,
  DriftColumnResult,
  DriftHistogram,
  DriftReport,
  DriftThresholds,
} from './report.js';

export interface ColumnTestSetting {
  readonly test?: string | undefined;
  readonly threshold?: number | undefined;
}

/** Predictions of the model on both sides: class labels, or regression values. */
export interface PredictionDistributions {
  readonly reference: Distribution;
  readonly current: Distribution;
}

export interface CompareProfilesOptions {
  readonly model: string;
  /** How the report names each side: a version's profile, a file, data paths. */
  readonly referenceLabel: string;
  readonly currentLabel: string;
  readonly thresholds: DriftThresholds;
  /** By distribution name (`temp_max`, `note:tokens`), else by column name. */
  readonly columns?: Readonly<Record<string, ColumnTestSetting>>;
  readonly prediction?: PredictionDistributions | null;
  /** Notes gathered by the caller (a skipped prediction check), kept in the report. */
  readonly notes?: readonly string[];
}

export interface DriftComparison {
  readonly report: DriftReport;
  /** Reference and current shares per checked distribution, by name, for charts. */
  readonly histograms: ReadonlyMap<string, DriftHistogram>;
}

const describeType = (column: ColumnProfile): string => column.type;

function validValues(column: ColumnProfile, rows: number): number {
  return rows - column.missing - column.invalid;
}

/** The checks that make a comparison meaningful; DataErrors name the column and both types. */
export function assertComparableProfiles(
  reference: DataProfile,
  current: DataProfile,
  labels: { readonly reference: string; readonly current: string },
): string[] {
  const notes: string[] = [];
  if (current.rows === 0) {
    throw new DataError(`the current data has no records; nothing to compare with the reference`, {
      location: { file: labels.current },
    });
  }
  for (const [name, ref] of reference.columns) {
    const cur = current.columns.get(name);
    if (cur === undefined) {
      throw new DataError(
        `column "${name}" (${describeType(ref)} in the reference ${labels.reference}) is not in the current data's columns (${[...current.columns.keys()].join(', ')})`,
        { location: { file: labels.current, field: name } },
      );
    }
    if (cur.type !== ref.type) {
      throw new DataError(
        `column "${name}" is ${describeType(ref)} in the reference (${labels.reference}) but ${describeType(cur)} in the current data`,
        { location: { file: labels.current, field: name } },
      );
    }
    const valid = validValues(cur, current.rows);
    const refValid = validValues(ref, reference.rows);
    if (isUnlabelled(ref, cur, current.rows)) {
      notes.push(
        `The current data has no labels (${name} is empty): label drift was not checked; prediction drift stands in for it.`,
      );
      continue;
    }
    if (cur.missing === current.rows && refValid > 0) {
      throw new DataError(
        `column "${name}" (${describeType(ref)} in the reference) is missing from the current data: none of its ${current.rows} records has a value there`,
        { location: { file: labels.current, field: name } },
      );
    }
    if (valid === 0 && cur.invalid > 0) {
      throw new DataError(
        `column "${name}" is ${describeType(ref)} in the reference (${labels.reference}), but none of its ${cur.invalid} values in the current data is of type ${describeType(ref)} (a different type, such as text)`,
        { location: { file: labels.current, field: name } },
      );
    }
    if (cur.invalid > 0) {
      notes.push(
        `Column ${name}: ${cur.invalid} current values are not of type ${cur.type} and were left out.`,
      );
    }
  }
  for (const name of current.columns.keys()) {
    if (!reference.columns.has(name)) {
      notes.push(`Column ${name} is in the current data only; it was not checked.`);
    }
  }
  return notes;
}

function distinctValues(reference: Distribution, current: Distribution): number {
  if (isNumericDistribution(reference) && isNumericDistribution(current)) {
    const seen = new Set<number>();
    for (const v of reference.values) seen.add(v);
    for (const v of current.values) seen.add(v);
    return seen.size;
  }
  if (!isNumericDistribution(reference) && !isNumericDistribution(current)) {
    return new Set([...reference.counts.keys(), ...current.counts.keys()]).size;
  }
  return 0;
}

function nanAndInf(d: Distribution): { nan: number; inf: number } {
  return isNumericDistribution(d)
    ? { nan: d.nan, inf: d.posInf + d.negInf }
    : { nan: d.missing, inf: 0 };
}

function oovRate(reference: Distribution, current: Distribution): number {
  if (isNumericDistribution(reference) || isNumericDistribution(current)) return 0;
  let total = 0;
  let unknown = 0;
  for (const [token, count] of current.counts) {
    total += count;
    if (!reference.counts.has(token)) unknown += count;
  }
  return total === 0 ? 0 : unknown / total;
}

/** Runs the configured or default test; a setting that does not fit the column is a DataError. */
export function testDistribution(
  name: string,
  column: string,
  kind: DriftColumnKind,
  reference: Distribution,
  current: Distribution,
  setting: ColumnTestSetting | undefined,
): DriftColumnResult {
  const columnKind = kindOf(reference);
  const referenceRows = observedCount(reference);
  let testName: string;
  if (setting?.test !== undefined) testName = setting.test;
  else if (kind === 'text' && columnKind === 'categorical') testName = 'jensenshannon';
  else {
    testName = chooseDefaultTest({
      kind: columnKind,
      referenceRows,
      distinctValues: distinctValues(reference, current),
    }).test;
  }
  const definition = getStatTest(testName);
  if (definition === undefined) {
    throw new DataError(`unknown drift test "${testName}"`, {
      location: { file: 'mlops.yml', field: `drift.columns.${name}.test` },
    });
  }
  if (!definition.kinds.includes(columnKind)) {
    throw new DataError(
      `the ${testName} test does not apply to ${name}, a ${columnKind} distribution (it takes ${definition.kinds.join(' and ')} ones)`,
      { location: { file: 'mlops.yml', field: `drift.columns.${name}.test` } },
    );
  }
  const refCounts = nanAndInf(reference);
  const curCounts = nanAndInf(current);
  const base = {
    name,
    column,
    kind,
    nan: { reference: refCounts.nan, current: curCounts.nan },
    inf: { reference: refCounts.inf, current: curCounts.inf },
  };
  if (referenceRows === 0 || observedCount(current) === 0) {
    // Nothing to test on one side: reported, never counted as drift.
    return {
      ...base,
      test: testName,
      statistic: 0,
      p_value: null,
      threshold: setting?.threshold ?? definition.defaultThreshold,
      drifted: false,
    };
  }
  const result = definition.run(reference, current, setting?.threshold);
  return {
    ...base,
    test: result.test,
    statistic: result.statistic,
    p_value: result.pValue,
    threshold: result.threshold,
    drifted: result.drifted,
    ...(kind === 'text' && columnKind === 'categorical'
      ? { oov_rate: oovRate(reference, current) }
      : {}),
  };
}

const MAX_BINS = 10;

function shares(counts: ArrayLike<number>): number[] {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  return Array.from(counts, (c) => (total === 0 ? 0 : c / total));
}

function formatEdge(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(3)));
}

function numericHistogram(ref: NumericDistribution, cur: NumericDistribution): DriftHistogram {
  const union = [...new Set([...ref.values, ...cur.values])].sort((a, b) => a - b);
  if (union.length <= MAX_BINS) {
    const index = new Map(union.map((v, i) => [v, i]));
    const count = (d: NumericDistribution) => {
      const out = new Array<number>(union.length).fill(0);
      d.values.forEach((v, i) => (out[index.get(v)!]! += d.counts[i]!));
      return out;
    };
    return {
      bins: union.map(formatEdge),
      reference: shares(count(ref)),
      current: shares(count(cur)),
    };
  }
  const edges = linspace(union[0]!, union[union.length - 1]!, MAX_BINS + 1);
  const bins: string[] = [];
  for (let i = 0; i < MAX_BINS; i++)
    bins.push(`${formatEdge(edges[i]!)}–${formatEdge(edges[i + 1]!)}`);
  return {
    bins,
    reference: shares(histogramCounts(ref, edges)),
    current: shares(histogramCounts(cur, edges)),
  };
}

function categoricalHistogram(ref: Distribution, cur: Distribution): DriftHistogram {
  if (isNumericDistribution(ref) || isNumericDistribution(cur)) {
    return { bins: [], reference: [], current: [] };
  }
  const refShares = new Map([...ref.counts].map(([k, v]) => [k, v]));
  const totalRef = [...ref.counts.values()].reduce((a, b) => a + b, 0) || 1;
  const totalCur = [...cur.counts.values()].reduce((a, b) => a + b, 0) || 1;
  const keys = [...new Set([...ref.counts.keys(), ...cur.counts.keys()])];
  const weight = (k: string) =>
    (refShares.get(k) ?? 0) / totalRef + (cur.counts.get(k) ?? 0) / totalCur;
  keys.sort((a, b) => weight(b) - weight(a) || (a < b ? -1 : a > b ? 1 : 0));
  const shown = keys.slice(0, keys.length > MAX_BINS ? MAX_BINS - 1 : MAX_BINS);
  const rest = keys.slice(shown.length);
  const pick = (counts: ReadonlyMap<string, number>, total: number) => [
    ...shown.map((k) => (counts.get(k) ?? 0) / total),
    ...(rest.length > 0 ? [rest.reduce((sum, k) => sum + (counts.get(k) ?? 0), 0) / total] : []),
  ];
  return {
    bins: [...shown, ...(rest.length > 0 ? [`(${rest.length} others)`] : [])],
    reference: pick(ref.counts, totalRef),
    current: pick(cur.counts, totalCur),
  };
}

/** Reference and current shares over the same bins (equal-width over both, or per value). */
export function driftHistogram(reference: Distribution, current: Distribution): DriftHistogram {
  if (isNumericDistribution(reference) && isNumericDistribution(current)) {
    return numericHistogram(reference, current);
  }
  return categoricalHistogram(reference, current);
}

/** Fresh data often has no labels yet: an empty target column is not missing data. */
function isUnlabelled(reference: ColumnProfile, current: ColumnProfile, rows: number): boolean {
  return reference.role === 'target' && current.missing === rows;
}

function kindOfColumn(profile: ColumnProfile, distribution: Distribution): DriftColumnKind {
  if (profile.type === 'text') return 'text';
  return kindOf(distribution);
}

export function compareProfiles(
  reference: DataProfile,
  current: DataProfile,
  options: CompareProfilesOptions,
): DriftComparison {
  const notes = [
    ...(options.notes ?? []),
    ...assertComparableProfiles(reference, current, {
      reference: options.referenceLabel,
      current: options.currentLabel,
    }),
  ];
  const settings = options.columns ?? {};
  const known = new Set<string>();
  const results: DriftColumnResult[] = [];
  const histograms = new Map<string, DriftHistogram>();
  for (const [column, profile] of reference.columns) {
    const currentColumn = current.columns.get(column);
    if (currentColumn !== undefined && isUnlabelled(profile, currentColumn, current.rows)) continue;
    const refs = profileColumnDistributions(reference, column);
    const curs = profileColumnDistributions(current, column);
    for (const ref of refs) {
      const cur = curs.find((d) => d.name === ref.name);
      if (cur === undefined) continue;
      known.add(ref.name);
      known.add(column);
      const kind = kindOfColumn(profile, ref.distribution);
      const setting =
        settings[ref.name] ??
        (() => {
          const byColumn = settings[column];
          const test = byColumn?.test === undefined ? undefined : getStatTest(byColumn.test);
          return test === undefined || test.kinds.includes(kindOf(ref.distribution))
            ? byColumn
            : undefined;
        })();
      results.push(
        testDistribution(ref.name, column, kind, ref.distribution, cur.distribution, setting),
      );
      histograms.set(ref.name, driftHistogram(ref.distribution, cur.distribution));
    }
  }
  for (const name of Object.keys(settings)) {
    if (!known.has(name) && name !== 'prediction') {
      notes.push(`drift.columns names ${name}, which the reference profile does not hold.`);
    }
  }
  if (options.prediction) {
    const { reference: ref, current: cur } = options.prediction;
    results.push(
      testDistribution('prediction', 'prediction', 'prediction', ref, cur, settings['prediction']),
    );
    histograms.set('prediction', driftHistogram(ref, cur));
  }
  const share = driftShare(results);
  return {
    report: {
      model: options.model,
      reference: options.referenceLabel,
      current: options.currentLabel,
      severity: driftSeverity(share.share, share.predictionDrift, options.thresholds),
      share: share.share,
      drifted: share.drifted,
      thresholds: options.thresholds,
      prediction_drift: share.predictionDrift,
      columns: results,
      notes,
    },
    histograms,
  };
}
