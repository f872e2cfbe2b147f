"""pandas + scipy side of the drift benchmark (bench/drift/run.ts).

Reads the flights CSV, splits it at the median row by date (a stable sort: the first half of the
rows by date is the reference, the rest the current data), derives the hour of day, and runs for
each column the test Evidently's default rule picks (reference > 1000 rows: numerical with more
than 5 distinct values -> Wasserstein distance / reference population std, otherwise
Jensen-Shannon distance over Evidently's bins; categorical -> Jensen-Shannon) plus
scipy.stats.ks_2samp for each numerical column. Prints one line of JSON.

Usage: python3 drift_pandas.py flights.csv
"""

import json
import resource
import sys

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance


def binned(reference, current, numerical):
    """Evidently's get_binned_data (legacy/calculations/stattests/utils.py) as its
    jensenshannon_stat_test calls it: feel_zeroes=False (empty bins stay 0)."""
    if numerical and reference.nunique() > 20:
        bins = np.histogram_bin_edges(
            pd.concat([reference, current], axis=0).values, bins="sturges"
        )
        ref = np.histogram(reference, bins)[0] / len(reference)
        cur = np.histogram(current, bins)[0] / len(current)
    else:
        keys = list((set(reference) | set(current)) - {np.nan})
        ref_counts = {**dict.fromkeys(keys, 0), **dict(reference.value_counts())}
        cur_counts = {**dict.fromkeys(keys, 0), **dict(current.value_counts())}
        ref = np.array([ref_counts[k] for k in keys]) / len(reference)
        cur = np.array([cur_counts[k] for k in keys]) / len(current)
    return ref, cur


def main():
    df = pd.read_csv(
        sys.argv[1],
        parse_dates=["date"],
        dtype={"delay": "int64", "distance": "int64", "origin": "object", "destination": "object"},
    )
    df = df.sort_values("date", kind="stable")
    half = len(df) // 2
    df["hour"] = df["date"].dt.hour
    reference, current = df.iloc[:half], df.iloc[half:]
    columns = {}
    for name, numerical in (
        ("hour", True),
        ("delay", True),
        ("distance", True),
        ("origin", False),
        ("destination", False),
    ):
        r = reference[name].replace([np.inf, -np.inf], np.nan).dropna()
        c = current[name].replace([np.inf, -np.inf], np.nan).dropna()
        distinct = pd.concat([r, c]).nunique()
        if numerical and distinct > 5:
            test = "wasserstein"
            norm = max(np.std(r.values), 0.001)
            statistic = stats.wasserstein_distance(r.values, c.values) / norm
        else:
            test = "jensenshannon"
            statistic = distance.jensenshannon(*binned(r, c, numerical))
        entry = {"test": test, "statistic": float(statistic)}
        if numerical:
            ks = stats.ks_2samp(r.values, c.values)
            entry["ks_statistic"] = float(ks.statistic)
            entry["ks_pvalue"] = float(ks.pvalue)
        columns[name] = entry
    print(
        json.dumps(
            {
                "rows": len(df),
                "reference": len(reference),
                "current": len(current),
                "threshold": reference["date"].iloc[-1].isoformat(),
                "columns": columns,
                "maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        )
    )


if __name__ == "__main__":  # drift_wide_pandas.py imports binned()
    main()
