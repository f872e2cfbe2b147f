"""What a user would otherwise run: pandas reads the CSV and applies the same schema's checks,
vectorised. Prints one JSON line with the rows read and violations found, so that the benchmark
can check both tools agree before comparing their speed.

Usage: /usr/bin/python3 pandas_validate.py <csv> <schema.yml>
"""
import json
import sys
import time

import numpy as np
import pandas as pd
import yaml

started = time.perf_counter()
path, schema_path = sys.argv[1], sys.argv[2]
with open(schema_path) as f:
    schema = yaml.safe_load(f)
columns = schema["columns"]

# Every column as text first would be slower; let pandas infer, as users do, and coerce after.
df = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={
    name: str for name, rule in columns.items() if rule["type"] in ("string", "category", "text")
})
read_seconds = time.perf_counter() - started

violations = 0
bad_lines = []  # line numbers of violations, as the report keeps them (header is line 1)


def record(mask):
    global violations
    idx = np.flatnonzero(mask.to_numpy())
    violations += len(idx)
    bad_lines.append(idx + 2)


for name, rule in columns.items():
    if name not in df.columns:
        violations += 1
        continue
    col = df[name]
    missing = col.isna()
    if not rule.get("nullable", False):
        record(missing)
    kind = rule["type"]
    if kind in ("number", "integer"):
        values = pd.to_numeric(col, errors="coerce")
        bad_type = values.isna() & ~missing
        if kind == "integer":
            bad_type |= (values % 1 != 0) & values.notna()
        record(bad_type)
        if "min" in rule:
            record(values < rule["min"])
        if "max" in rule:
            record(values > rule["max"])
    elif kind == "datetime":
        values = pd.to_datetime(col, errors="coerce")
        record(values.isna() & ~missing)
        if "min" in rule:
            record(values < pd.Timestamp(str(rule["min"])))
        if "max" in rule:
            record(values > pd.Timestamp(str(rule["max"])))
    else:
        text = col.astype("string")
        if "values" in rule:
            record(~text.isin([str(v) for v in rule["values"]]) & ~missing)
        if "pattern" in rule:
            record(~text.str.fullmatch(rule["pattern"]).fillna(True).astype(bool))
        lengths = text.str.len()
        if "min-length" in rule:
            record((lengths < rule["min-length"]).fillna(False).astype(bool))
        if "max-length" in rule:
            record((lengths > rule["max-length"]).fillna(False).astype(bool))
        if rule.get("unique", False):
            record(text.duplicated() & ~missing)

rows = schema.get("rows", {})
if "min" in rows and len(df) < rows["min"]:
    violations += 1
if "max" in rows and len(df) > rows["max"]:
    violations += 1

print(json.dumps({
    "rows": int(len(df)),
    "violations": int(violations),
    "read_seconds": round(read_seconds, 3),
    "seconds": round(time.perf_counter() - started, 3),
}))
