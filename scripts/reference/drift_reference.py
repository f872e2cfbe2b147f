#!/usr/bin/python3
"""Reference values for the drift tests (src/core/drift), from scipy / numpy / pandas.

Run with Debian's python3 (scipy 1.10.1, numpy 1.24.2, pandas 1.5.3):

    /usr/bin/python3 scripts/reference/drift_reference.py

It writes test/fixtures/drift/scipy-reference.json: each case's two samples as value counts (the
input the TypeScript tests rebuild their distributions from; JSON floats round-trip exactly) and
the expected statistic / p-value of every test that applies to it, plus direct evaluations of the
special functions (kstwo.sf, smirnov, chi2.sf, norm.sf) over a grid that reaches each of their
branches. Nothing here imports or runs this project's code.

Evidently is not installed here, so its stattests are transcribed below from its source
(evidentlyai/evidently, src/evidently/legacy/calculations/stattests/*.py, the file named in each
function), on top of the same scipy / numpy / pandas calls. One deliberate change:
`get_unique_not_nan_values_list_from_series` returns a sorted list where Evidently returns
`list(set(...))`, whose order depends on Python's string hashing; only the order of the terms of a
sum changes, so the values move by an ulp at most, and this file stays reproducible.

Inputs: numpy.random.default_rng(20240611), drawn in the order of the cases below; continuous
data are rounded (to 1-3 decimals) so that ties are common and large samples stay small as
value counts. NaN and infinities are written into some samples and dropped before testing, as
Evidently's data_drift.get_one_column_drift does; their counts go into the JSON.
"""

import json
import os
import warnings

import numpy as np
import pandas as pd
import scipy
from scipy import special, stats
from scipy.spatial import distance

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'drift', 'scipy-reference.json')

NUM = 'numerical'
CAT = 'categorical'


# ------------------------------------------------- Evidently's stattests, transcribed
# legacy/calculations/stattests/utils.py
def get_unique_not_nan_values_list_from_series(current_data, reference_data):
    # Evidently: list(set(...) | set(...)); sorted here for a reproducible summation order.
    return sorted(set(reference_data.dropna().unique()) | set(current_data.dropna().unique()))


# legacy/calculations/stattests/utils.py
def get_binned_data(reference_data, current_data, feature_type, n, feel_zeroes=True):
    n_vals = reference_data.nunique()
    if feature_type == NUM and n_vals > 20:
        bins = np.histogram_bin_edges(
            pd.concat([reference_data, current_data], axis=0).values, bins='sturges'
        )
        reference_percents = np.histogram(reference_data, bins)[0] / len(reference_data)
        current_percents = np.histogram(current_data, bins)[0] / len(current_data)
    else:
        keys = get_unique_not_nan_values_list_from_series(
            current_data=current_data, reference_data=reference_data
        )
        ref_feature_dict = {**dict.fromkeys(keys, 0), **dict(reference_data.value_counts())}
        current_feature_dict = {**dict.fromkeys(keys, 0), **dict(current_data.value_counts())}
        reference_percents = np.array([ref_feature_dict[key] / len(reference_data) for key in keys])
        current_percents = np.array([current_feature_dict[key] / len(current_data) for key in keys])
    if feel_zeroes:
        np.place(
            reference_percents,
            reference_percents == 0,
            min(reference_percents[reference_percents != 0]) / 10**6
            if min(reference_percents[reference_percents != 0]) <= 0.0001
            else 0.0001,
        )
        np.place(
            current_percents,
            current_percents == 0,
            min(current_percents[current_percents != 0]) / 10**6
            if min(current_percents[current_percents != 0]) <= 0.0001
            else 0.0001,
        )
    return reference_percents, current_percents


# legacy/calculations/stattests/ks_stattest.py (threshold 0.05, drift when p <= threshold)
def ks(ref, cur):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        result = stats.ks_2samp(ref, cur)
    exact = max(len(ref), len(cur)) <= 10000 and not caught
    return {
        'statistic': float(result.statistic),
        'pValue': float(result.pvalue),
        'method': 'exact' if exact else 'asymptotic',
    }


# legacy/calculations/stattests/chisquare_stattest.py (threshold 0.05, drift when p < threshold)
def chi(reference_data, current_data):
    keys = get_unique_not_nan_values_list_from_series(
        current_data=current_data, reference_data=reference_data
    )
    ref_feature_dict = {**dict.fromkeys(keys, 0), **dict(reference_data.value_counts())}
    current_feature_dict = {**dict.fromkeys(keys, 0), **dict(current_data.value_counts())}
    k_norm = current_data.shape[0] / reference_data.shape[0]
    f_exp = [ref_feature_dict[key] * k_norm for key in keys]
    f_obs = [current_feature_dict[key] for key in keys]
    with np.errstate(divide='ignore', invalid='ignore'):
        statistic, p_value = stats.chisquare(f_obs, f_exp)
    return {'statistic': float(statistic), 'pValue': float(p_value)}


# legacy/calculations/stattests/z_stattest.py (threshold 0.05, drift when p < threshold)
def proportions_diff_z_stat_ind(ref, curr):
    n1 = len(ref)
    n2 = len(curr)
    p1 = float(sum(ref)) / n1
    p2 = float(sum(curr)) / n2
    P = float(p1 * n1 + p2 * n2) / (n1 + n2)
    return (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))


def z(reference_data, current_data):
    if (
        reference_data.nunique() == 1
        and current_data.nunique() == 1
        and reference_data.unique()[0] == current_data.unique()[0]
    ):
        return {'statistic': 0.0, 'pValue': 1.0, 'evidentlyPValue': 1.0}
    keys = sorted(
        get_unique_not_nan_values_list_from_series(
            current_data=current_data, reference_data=reference_data
        )
    )
    z_stat = proportions_diff_z_stat_ind(
        reference_data.apply(lambda x, key=keys[0]: 0 if x == key else 1),
        current_data.apply(lambda x, key=keys[0]: 0 if x == key else 1),
    )
    return {
        'statistic': float(z_stat),
        # The same quantity without 1 - cdf's cancellation (what the TypeScript side computes).
        'pValue': float(2 * stats.norm.sf(np.abs(z_stat))),
        # Evidently's proportions_diff_z_test, literally.
        'evidentlyPValue': float(2 * (1 - stats.norm.cdf(np.abs(z_stat)))),
    }


# legacy/calculations/stattests/wasserstein_distance_norm.py (threshold 0.1, drift when >=)
def wasserstein(reference_data, current_data):
    norm = max(np.std(reference_data), 0.001)
    return {'statistic': float(stats.wasserstein_distance(reference_data, current_data) / norm)}


# legacy/calculations/stattests/jensenshannon.py (threshold 0.1, drift when >=)
def jensenshannon(reference_data, current_data, feature_type):
    reference_percents, current_percents = get_binned_data(
        reference_data, current_data, feature_type, 30, False
    )
    return {'statistic': float(distance.jensenshannon(reference_percents, current_percents, None))}


# legacy/calculations/stattests/psi.py (threshold 0.1, drift when >=)
def psi(reference_data, current_data, feature_type):
    reference_percents, current_percents = get_binned_data(
        reference_data, current_data, feature_type, 30
    )
    psi_values = (reference_percents - current_percents) * np.log(
        reference_percents / current_percents
    )
    return {'statistic': float(np.sum(psi_values))}


# legacy/calculations/stattests/kl_div.py (threshold 0.1, drift when >=)
def kl_div(reference_data, current_data, feature_type):
    reference_percents, current_percents = get_binned_data(
        reference_data, current_data, feature_type, 30
    )
    return {'statistic': float(stats.entropy(reference_percents, current_percents))}


# legacy/calculations/stattests/hellinger_distance.py (threshold 0.1, drift when >=)
def hellinger(reference_data, current_data, feature_type):
    reference_data = reference_data.dropna()
    current_data = current_data.dropna()
    keys = sorted(set(reference_data.unique()) | set(current_data.unique()))
    if feature_type == CAT:
        ref = (reference_data.value_counts() / len(reference_data)).to_dict()
        curr = (current_data.value_counts() / len(current_data)).to_dict()
        hellinger_distance = 0.0
        for key in keys:
            hellinger_distance += np.sqrt(ref.get(key, 0) * curr.get(key, 0))
        hellinger_distance = np.clip(hellinger_distance, 0, 1)
        hellinger_distance = np.sqrt(1 - hellinger_distance)
    else:
        bins = np.histogram_bin_edges(keys, bins='sturges')
        h1 = np.histogram(reference_data.to_numpy(), bins=bins, density=True)[0]
        h2 = np.histogram(current_data.to_numpy(), bins=bins, density=True)[0]
        bin_width = (max(bins) - min(bins)) / (len(bins) - 1)
        hellinger_distance = 0.0
        for i in range(len(h1)):
            hellinger_distance += np.sqrt(h1[i] * h2[i]) * bin_width
        hellinger_distance = np.clip(hellinger_distance, 0, 1)
        hellinger_distance = np.sqrt(1 - hellinger_distance)
    return {'statistic': float(hellinger_distance)}


# Not an Evidently test: TFDV's / NannyML's L-infinity distance between category shares.
def linf(reference_data, current_data):
    keys = get_unique_not_nan_values_list_from_series(current_data, reference_data)
    ref = reference_data.value_counts() / len(reference_data)
    cur = current_data.value_counts() / len(current_data)
    return {'statistic': float(max(abs(ref.get(k, 0) - cur.get(k, 0)) for k in keys))}


# legacy/calculations/stattests/registry.py, _get_default_stattest (numerical / categorical)
def default_stattest(reference_data, current_data, feature_type):
    n_values = pd.concat([reference_data, current_data]).nunique()
    if reference_data.shape[0] <= 1000:
        if feature_type == NUM:
            if n_values <= 5:
                return 'chisquare' if n_values > 2 else 'z'
            return 'ks'
        return 'chisquare' if n_values > 2 else 'z'
    if feature_type == NUM:
        return 'jensenshannon' if n_values <= 5 else 'wasserstein'
    return 'jensenshannon'


# ------------------------------------------------- cases
rng = np.random.default_rng(20240611)
cases = []


def numeric_counts(raw):
    raw = np.asarray(raw, dtype=np.float64)
    finite = raw[np.isfinite(raw)]
    values, counts = np.unique(finite, return_counts=True)
    return {
        'values': [float(v) for v in values],
        'counts': [int(c) for c in counts],
        'nan': int(np.isnan(raw).sum()),
        'posInf': int(np.isposinf(raw).sum()),
        'negInf': int(np.isneginf(raw).sum()),
    }


def categorical_counts(raw):
    present = [v for v in raw if v is not None]
    keys, counts = np.unique(np.array(present, dtype=object), return_counts=True)
    return {
        'categories': [[str(k), int(c)] for k, c in zip(keys, counts)],
        'missing': sum(1 for v in raw if v is None),
    }


def add(name, description, kind, ref_raw, cur_raw):
    if kind == NUM:
        # Evidently: replace([-inf, inf], nan).dropna()
        ref = pd.Series(ref_raw, dtype=np.float64).replace([-np.inf, np.inf], np.nan).dropna()
        cur = pd.Series(cur_raw, dtype=np.float64).replace([-np.inf, np.inf], np.nan).dropna()
        reference, current = numeric_counts(ref_raw), numeric_counts(cur_raw)
    else:
        ref = pd.Series(ref_raw, dtype=object).dropna()
        cur = pd.Series(cur_raw, dtype=object).dropna()
        reference, current = categorical_counts(ref_raw), categorical_counts(cur_raw)
    expected = {
        'chisquare': chi(ref, cur),
        'z': z(ref, cur),
        'jensenshannon': jensenshannon(ref, cur, kind),
        'psi': psi(ref, cur, kind),
        'kl_div': kl_div(ref, cur, kind),
        'hellinger': hellinger(ref, cur, kind),
    }
    if kind == NUM:
        expected['ks'] = ks(ref.to_numpy(), cur.to_numpy())
        expected['wasserstein'] = wasserstein(ref, cur)
        if ref.nunique() > 20:
            # The bin edges get_binned_data uses, to check numpy's linspace to the bit.
            expected['binEdges'] = [
                float(e)
                for e in np.histogram_bin_edges(pd.concat([ref, cur]).values, bins='sturges')
            ]
    else:
        expected['linf'] = linf(ref, cur)
    cases.append(
        {
            'name': name,
            'description': description,
            'kind': kind,
            'reference': reference,
            'current': current,
            'defaultTest': default_stattest(ref, cur, kind),
            'expected': expected,
        }
    )


def normal(n, loc=0.0, scale=1.0, decimals=2):
    return np.round(rng.normal(loc, scale, n), decimals)


# KS exact path, tiny samples (hand-checked ones in test/drift/ks.test.ts)
add('tiny-disjoint-3v3', 'n1 = n2 = 3, disjoint: D = 1', NUM, [1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
add('tiny-1v2', 'n = 1 vs 2', NUM, [0.5], [1.0, 2.0])
add('tiny-1v1-equal', 'one equal value each: D = 0, p = 1', NUM, [3.0], [3.0])
add('tiny-ties-4v5', 'ties across samples', NUM, [1.0, 1.0, 2.0, 3.0], [1.0, 2.0, 2.0, 2.0, 4.0])
add('tiny-7v10', 'unequal, exact', NUM, normal(7, 0.0, 1.0, 1), normal(10, 0.8, 1.0, 1))
add('tiny-10v10', 'equal, exact (outside-square)', NUM,
    normal(10, 0.0, 1.0, 1), normal(10, 1.0, 1.0, 1))
add('tiny-9v6-negative-zero', '-0.0 and 0.0 are one value', NUM,
    [-0.0, 0.0, 1.0, -1.0, 2.0, 0.0, -2.0, 3.0, 0.5], [0.0, -0.0, 0.0, 1.5, 2.5, -0.5])
# KS exact, larger
add('exact-500v500', 'n1 = n2 exact path', NUM,
    normal(500, 0.0, 1.0, 3), normal(500, 0.15, 1.0, 3))
add('exact-800v1000-ties', 'unequal sizes, heavy ties', NUM,
    normal(800, 0.0, 1.0, 1), normal(1000, 0.1, 1.1, 1))
add('exact-10000v9000', 'largest exact path (max n = 10,000)', NUM,
    normal(10000, 0.0, 1.0, 2), normal(9000, 0.03, 1.0, 2))
# KS asymptotic path
add('asymp-12000v15000', 'asymptotic, moderate p', NUM,
    normal(12000, 0.0, 1.0, 2), normal(15000, 0.03, 1.0, 2))
add('asymp-50000v40000-shift', 'asymptotic, tiny p (smirnov branch)', NUM,
    normal(50000, 0.0, 1.0, 2), normal(40000, 0.1, 1.0, 2))
add('asymp-50000v40000-same', 'asymptotic, same distribution', NUM,
    normal(50000, 0.0, 1.0, 2), normal(40000, 0.0, 1.0, 2))
add('asymp-30v12000', 'asymptotic with n_eff = 30 (n <= 140 branches)', NUM,
    normal(30, 0.3, 1.0, 2), normal(12000, 0.0, 1.0, 2))
add('asymp-400v20000', 'asymptotic with n_eff = 392', NUM,
    normal(400, 0.1, 1.0, 2), normal(20000, 0.0, 1.0, 2))
# constants, NaN and infinities
add('constant-same', 'both samples the same constant', NUM, np.full(200, 5.0), np.full(150, 5.0))
add('constant-different', 'two different constants', NUM, np.full(200, 5.0), np.full(150, 6.0))
ref = normal(600, 0.0, 1.0, 2)
ref[[3, 50, 51]] = np.nan
ref[100] = np.inf
cur = normal(500, 0.2, 1.0, 2)
cur[[7, 8]] = -np.inf
cur[9] = np.inf
cur[10] = np.nan
add('nan-and-infinities', 'NaN and infinities counted and dropped', NUM, ref, cur)
# few values: chisquare / z on numbers, per-value bins
add('numeric-3-values', 'chisquare on a numerical column with 3 values', NUM,
    rng.choice([1.0, 2.0, 3.0], 400, p=[0.5, 0.3, 0.2]),
    rng.choice([1.0, 2.0, 3.0], 300, p=[0.4, 0.3, 0.3]))
add('numeric-binary', 'z-test on 0/1', NUM, rng.choice([0.0, 1.0], 700, p=[0.7, 0.3]),
    rng.choice([0.0, 1.0], 650, p=[0.64, 0.36]))
add('numeric-binary-far', 'z beyond 8.3: Evidently p rounds to 0', NUM,
    rng.choice([0.0, 1.0], 5000, p=[0.7, 0.3]), rng.choice([0.0, 1.0], 5000, p=[0.5, 0.5]))
add('numeric-20-values-unseen', '20 reference values (per-value bins), current has new ones', NUM,
    rng.integers(0, 20, 3000).astype(float), rng.integers(5, 25, 2000).astype(float))
add('numeric-histogram-empty-bins', 'Sturges bins with empty ones (PSI / KL fill)', NUM,
    normal(5000, 0.0, 1.0, 2), normal(3000, 1.5, 0.3, 2))
add('numeric-histogram-4096', 'pooled size 4096 = 2^12: log2 exact, ceil on the boundary', NUM,
    normal(2048, 0.0, 1.0, 2), normal(2048, 0.1, 1.0, 2))
add('numeric-exponential-2000', 'skewed, wasserstein default', NUM,
    np.round(rng.exponential(2.0, 2000), 2), np.round(rng.exponential(2.3, 1500), 2))
# categorical
cats = ['apple', 'banana', 'cherry', 'date', 'elderberry']
add('cat-unseen-category', 'a category the reference lacks: chi2 = inf, p = 0', CAT,
    list(rng.choice(cats[:4], 800, p=[0.4, 0.3, 0.2, 0.1])),
    list(rng.choice(cats, 600, p=[0.35, 0.3, 0.2, 0.1, 0.05])))
add('cat-binary', 'two categories: z-test', CAT, list(rng.choice(['no', 'yes'], 700, p=[0.8, 0.2])),
    list(rng.choice(['no', 'yes'], 650, p=[0.75, 0.25])))
ref = list(rng.choice(['a', 'b', 'c'], 500, p=[0.5, 0.3, 0.2]))
cur = list(rng.choice(['a', 'b', 'c'], 400, p=[0.45, 0.35, 0.2]))
for i in (0, 10, 20, 30):
    ref[i] = None
cur[5] = None
add('cat-missing', 'missing values counted and dropped', CAT, ref, cur)
add('cat-single-shared', 'one shared category: z p = 1, chi-square dof 0', CAT,
    ['x'] * 300, ['x'] * 250)
zipf = rng.zipf(1.6, 3000)
zipf2 = rng.zipf(1.5, 2500)
add('cat-many-zipf', 'many categories, long tail', CAT, [f'c{min(v, 60):02d}' for v in zipf],
    [f'c{min(v, 60):02d}' for v in zipf2])
add('cat-unicode-order', 'zero key by code point: U+FF21 < U+1F600 (not by UTF-16 unit)', CAT,
    ['\U0001F600', '\uFF21'] * 40 + ['\U0001F600'] * 10,
    ['\U0001F600', '\uFF21'] * 30 + ['\uFF21'] * 20)

# ------------------------------------------------- special functions
kstwo_grid = []
for n, xs in [
    (1, [0.3, 0.6, 0.9]),
    (5, [0.05, 0.15, 0.25, 0.4, 0.55, 0.85]),
    (50, [0.02, 0.08, 0.11, 0.2, 0.3, 0.6, 0.99]),
    (140, [0.004, 0.05, 0.073, 0.1, 0.15, 0.2]),
    (141, [0.004, 0.05, 0.073, 0.1, 0.15, 0.2]),
    (1000, [0.0006, 0.01, 0.03, 0.05, 0.08, 0.2]),
    (20000, [0.004, 0.008, 0.011, 0.02, 0.05]),
    (100000, [0.001, 0.0035, 0.005, 0.008]),
    (100001, [0.001, 0.0035]),
    (1200000, [0.0005, 0.0012, 0.002, 0.01]),
]:
    for x in xs:
        kstwo_grid.append([n, x, float(stats.kstwo.sf(x, n))])

smirnov_grid = [
    [n, x, float(special.smirnov(n, x))]
    for n, x in [(1, 0.3), (7, 0.1), (7, 0.9), (10, 0.05), (100, 0.003), (100, 0.2), (1000, 0.04),
                 (1012, 0.04), (1013, 0.04), (20000, 0.012), (1000001, 0.002), (3, 1 / 3)]
]
chi2_grid = [
    [x, df, float(stats.chi2.sf(x, df))]
    for df, xs in [(1, [0.001, 0.5, 3.84, 30.0, 1400.0]), (2, [0.1, 5.99, 100.0]),
                   (7, [2.0, 14.07, 60.0]), (49, [30.0, 66.3, 200.0]),
                   (1000, [900.0, 1000.0, 1100.0, 2000.0]), (250000, [249000.0, 251500.0])]
    for x in xs
]
normal_grid = [
    [z, float(stats.norm.sf(z))]
    for z in [-3.0, -0.5, 0.0, 0.3, 1.0, 1.96, 2.5, 5.0, 8.3, 12.0, 20.0, 37.0]
]

out = {
    'generator': 'scripts/reference/drift_reference.py',
    'versions': {'scipy': scipy.__version__, 'numpy': np.__version__, 'pandas': pd.__version__},
    'cases': cases,
    'kstwoSf': kstwo_grid,
    'smirnov': smirnov_grid,
    'chi2Sf': chi2_grid,
    'normalSf': normal_grid,
}


def encode(x):
    """JSON has no NaN or infinities: they are written as the strings JavaScript prints."""
    if isinstance(x, float) and not np.isfinite(x):
        return 'NaN' if np.isnan(x) else ('Infinity' if x > 0 else '-Infinity')
    if isinstance(x, dict):
        return {k: encode(v) for k, v in x.items()}
    if isinstance(x, list):
        return [encode(v) for v in x]
    return x


os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump(encode(out), f, separators=(',', ':'), allow_nan=False)
    f.write('\n')
print(f'{len(cases)} cases, {os.path.getsize(OUT)} bytes -> {os.path.relpath(OUT)}')
