#!/usr/bin/python3
"""Reference curves for test/metrics/curves.test.ts, from scikit-learn.

Run once with Debian's python3 (scikit-learn 1.2.1, numpy 1.24.2):

    /usr/bin/python3 scripts/reference/curves_reference.py

It reads the binary inputs of test/metrics/fixtures/metrics-fixture.json (written by
metrics_reference.py: scores rounded to 2 decimals, so many ties) and writes
test/metrics/fixtures/curves-reference.json with, for the candidate's scores:

  roc:         sklearn.metrics.roc_curve(y, score, drop_intermediate=False): fpr, tpr, thresholds
               (the first threshold, sklearn's max + 1, left out)
  pr:          sklearn.metrics.precision_recall_curve(y, score): precision, recall, thresholds
  calibration: sklearn.calibration.calibration_curve(y, score, n_bins=10, strategy='uniform'):
               prob_true, prob_pred (empty bins dropped, as sklearn does)

The tests never run Python: they read the JSON. Nothing here imports this project's code.
"""

import json
import os

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import precision_recall_curve, roc_curve

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
fixtures = os.path.join(root, "test", "metrics", "fixtures")
with open(os.path.join(fixtures, "metrics-fixture.json")) as f:
    fixture = json.load(f)

binary = fixture["binary"]
y = np.array(binary["truth"], dtype=int)
# Row-major rows × 2, as the TypeScript side reads it.
score = np.array(binary["candidate"]["probabilities"], dtype=float).reshape(-1, 2)[:, 1]

fpr, tpr, roc_thresholds = roc_curve(y, score, drop_intermediate=False)
precision, recall, pr_thresholds = precision_recall_curve(y, score)
prob_true, prob_pred = calibration_curve(y, score, n_bins=10, strategy="uniform")

out = {
    "generator": f"scripts/reference/curves_reference.py, scikit-learn {sklearn.__version__}, numpy {np.__version__}",
    "input": "test/metrics/fixtures/metrics-fixture.json: binary.truth, binary.candidate.probabilities (rows × 2, row-major), column 1",
    "roc": {
        "fpr": fpr.tolist(),
        "tpr": tpr.tolist(),
        "thresholds": roc_thresholds[1:].tolist(),
    },
    "pr": {
        "precision": precision.tolist(),
        "recall": recall.tolist(),
        "thresholds": pr_thresholds.tolist(),
    },
    "calibration": {"prob_true": prob_true.tolist(), "prob_pred": prob_pred.tolist()},
}
with open(os.path.join(fixtures, "curves-reference.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {os.path.join(fixtures, 'curves-reference.json')}: {len(fpr)} ROC points, {len(precision)} PR points, {len(prob_true)} calibration bins")
