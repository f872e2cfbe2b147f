"""pandas + scipy side of the wide drift benchmark (bench/drift/run.ts, case `wide`).

Reads bench/out/wide-1m.csv (30 float features and the `diagnosis` label), takes the first half
of the records as the reference and the rest as the current data, and runs for each column the
test Evidently's default rule picks plus scipy.stats.ks_2samp for each numerical column, as
drift_pandas.py does for flights. Prints one line of JSON.

Usage: python3 drift_wide_pandas.py wide-1m.csv [reference rows]
"""

import json
import resource
import sys

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance

from drift_pandas import binned


def main():
    df = pd.read_csv(sys.argv[1], dtype={"diagnosis": "object"})
    half = int(sys.argv[2]) if len(sys.argv) > 2 else 500_000
    reference, current = df.iloc[:half], df.iloc[half:]
    columns = {}
    for name in df.columns:
        numerical = name != "diagnosis"
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
                "columns": columns,
                "maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        )
    )


main()
