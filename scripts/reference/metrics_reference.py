#!/usr/bin/python3
"""Reference values for the metric, bootstrap and McNemar tests, from scikit-learn / numpy / scipy.

Run once with Debian's python3 (scikit-learn 1.2.1, numpy 1.24.2, scipy 1.10.1):

    /usr/bin/python3 scripts/reference/metrics_reference.py

It writes the fixed inputs to test/metrics/fixtures/metrics-fixture.json (read by the TypeScript
tests, so both sides see the same doubles: JSON floats round-trip exactly) and prints the reference
values, which were pasted as literal constants into test/metrics/*.test.ts and
test/significance/*.test.ts. Nothing here imports or runs this project's code.

Inputs (numpy.random.default_rng(20240607), drawn in the order below):
  binary:      500 records; scores rounded to 2 decimals (many ties), a few 0.0/1.0 scores on
               the wrong side (log loss clipping), a candidate and a weaker baseline model.
  multiclass:  400 records, 4 classes, logits drawn from small integers (tied probabilities);
               class 3 is never predicted. A 5-class variant adds a class that is in neither
               truth nor predictions (sklearn's labels=None then leaves it out of macro means).
  regression:  300 records, truth rounded to 0.1 with 5 exact zeros (MAPE's epsilon).
  weights:     integer multiplicities 0..3 per record; a weighted reference is the metric on the
               records repeated that many times (np.repeat), which is what a bootstrap resample is.
"""

import json
import os
import subprocess
import sys
from fractions import Fraction
from math import comb

import numpy as np
import scipy
import scipy.stats
import sklearn
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    log_loss,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    precision_recall_fscore_support,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
)

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, '..', '..', 'test', 'metrics', 'fixtures', 'metrics-fixture.json')

rng = np.random.default_rng(20240607)

# ---------------------------------------------------------------- inputs
n = 500
y_bin = rng.integers(0, 2, n)


def binary_scores(strength):
    z = strength * (2 * y_bin - 1) + rng.normal(0.0, 1.5, n)
    return np.round(1.0 / (1.0 + np.exp(-z)), 2)


cand_score = binary_scores(1.6)
base_score = binary_scores(0.7)
# confidently wrong records: probability exactly 0 or 1 for the wrong class (clipped in log loss)
for i, value in [(0, 0.0), (1, 1.0), (2, 0.0)]:
    cand_score[i] = value if y_bin[i] != round(value) else 1.0 - value
cand_pred = (cand_score >= 0.5).astype(int)
base_pred = (base_score >= 0.5).astype(int)
cand_prob = np.stack([1.0 - cand_score, cand_score], axis=1)
base_prob = np.stack([1.0 - base_score, base_score], axis=1)
w_bin = rng.integers(0, 4, n)

m = 400
C = 4
y_mc = rng.integers(0, C, m)
logits = rng.integers(0, 4, (m, C)).astype(float) + 2.0 * np.eye(C)[y_mc]
logits[:, 3] -= 1.0
p_mc = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
pred_mc = np.argmax(logits[:, :3], axis=1)  # class 3 is never predicted
w_mc = rng.integers(0, 4, m)
p_mc5 = np.hstack([p_mc, np.zeros((m, 1))])  # a fifth class, in neither truth nor predictions

r = 300
y_reg = np.round(rng.normal(10.0, 5.0, r), 1)
y_reg[:5] = 0.0
pred_reg = y_reg + rng.normal(0.0, 2.0, r)
w_reg = rng.integers(0, 4, r)


def ints(a):
    return [int(v) for v in a]


def floats(a):
    return [float(v) for v in np.ravel(a)]


fixture = {
    'about': 'Fixed inputs written by scripts/reference/metrics_reference.py; do not edit by hand.',
    'binary': {
        'classes': ['no', 'yes'],
        'truth': ints(y_bin),
        'weights': ints(w_bin),
        'candidate': {'predicted': ints(cand_pred), 'probabilities': floats(cand_prob)},
        'baseline': {'predicted': ints(base_pred), 'probabilities': floats(base_prob)},
    },
    'multiclass': {
        'classes': ['a', 'b', 'c', 'd'],
        'truth': ints(y_mc),
        'weights': ints(w_mc),
        'predicted': ints(pred_mc),
        'probabilities': floats(p_mc),
        'probabilities5': floats(p_mc5),
    },
    'regression': {
        'truth': floats(y_reg),
        'weights': ints(w_reg),
        'predicted': floats(pred_reg),
    },
}
with open(FIXTURE, 'w') as f:
    json.dump(fixture, f, separators=(',', ':'))
    f.write('\n')
# `npm run lint` checks JSON formatting too; Prettier changes layout only, never a number.
subprocess.run(['npx', 'prettier', '--write', FIXTURE], check=True, capture_output=True)


# ---------------------------------------------------------------- metrics
def per_class(y, p, labels):
    pr, rc, f1, sup = precision_recall_fscore_support(
        y, p, labels=labels, average=None, zero_division=0
    )
    return {'precision': floats(pr), 'recall': floats(rc), 'f1': floats(f1), 'support': ints(sup)}


def binary_metrics(y, pred, prob):
    s = prob[:, 1]
    return {
        'accuracy': accuracy_score(y, pred),
        'precision': precision_score(y, pred, zero_division=0),
        'recall': recall_score(y, pred, zero_division=0),
        'f1': f1_score(y, pred, zero_division=0),
        'roc_auc': roc_auc_score(y, s),
        'pr_auc': average_precision_score(y, s),
        'log_loss': log_loss(y, prob, labels=[0, 1]),  # eps='auto' = float64 eps in 1.2.1
        'brier': brier_score_loss(y, s),
        'confusion': confusion_matrix(y, pred, labels=[0, 1]).tolist(),
        'perClass': per_class(y, pred, [0, 1]),
    }


def multiclass_metrics(y, pred, prob, k):
    labels = list(range(k))
    out = {
        'accuracy': accuracy_score(y, pred),
        'f1_macro': f1_score(y, pred, average='macro', zero_division=0),
        'f1_micro': f1_score(y, pred, average='micro', zero_division=0),
        'f1_weighted': f1_score(y, pred, average='weighted', zero_division=0),
        'precision_macro': precision_score(y, pred, average='macro', zero_division=0),
        'recall_macro': recall_score(y, pred, average='macro', zero_division=0),
        'log_loss': log_loss(y, prob, labels=labels),
        'confusion': confusion_matrix(y, pred, labels=labels).tolist(),
        'perClass': per_class(y, pred, labels),
    }
    try:
        out['roc_auc_ovr'] = roc_auc_score(
            y, prob, multi_class='ovr', average='macro', labels=labels
        )
    except ValueError as error:  # a class absent from y_true: undefined
        out['roc_auc_ovr'] = 'ValueError: ' + str(error)
    return out


def regression_metrics(y, pred):
    return {
        'rmse': mean_squared_error(y, pred, squared=False),
        'mae': mean_absolute_error(y, pred),
        'r2': r2_score(y, pred),
        'mape': mean_absolute_percentage_error(y, pred),
    }


def rep(a, w):
    return np.repeat(a, w, axis=0)


reference = {
    'versions': {
        'python': sys.version.split()[0],
        'sklearn': sklearn.__version__,
        'numpy': np.__version__,
        'scipy': scipy.__version__,
    },
    'binary': {
        'candidate': binary_metrics(y_bin, cand_pred, cand_prob),
        'baseline': binary_metrics(y_bin, base_pred, base_prob),
        'candidateWeighted': binary_metrics(rep(y_bin, w_bin), rep(cand_pred, w_bin), rep(cand_prob, w_bin)),
        # the same through sklearn's sample_weight, which must agree with the repetition
        'candidateSampleWeight': {
            'roc_auc': roc_auc_score(y_bin, cand_score, sample_weight=w_bin),
            'pr_auc': average_precision_score(y_bin, cand_score, sample_weight=w_bin),
            'log_loss': log_loss(y_bin, cand_prob, labels=[0, 1], sample_weight=w_bin),
            'f1': f1_score(y_bin, cand_pred, zero_division=0, sample_weight=w_bin),
        },
        # never predicts the positive class: precision is 0/0, zero_division=0
        'allNegative': binary_metrics(y_bin, np.zeros(n, dtype=int), cand_prob),
    },
    'multiclass': {
        'model': multiclass_metrics(y_mc, pred_mc, p_mc, 4),
        'weighted': multiclass_metrics(rep(y_mc, w_mc), rep(pred_mc, w_mc), rep(p_mc, w_mc), 4),
        'fiveClasses': multiclass_metrics(y_mc, pred_mc, p_mc5, 5),
    },
    'regression': {
        'model': regression_metrics(y_reg, pred_reg),
        'weighted': regression_metrics(rep(y_reg, w_reg), rep(pred_reg, w_reg)),
        # the records after the five zero truths, where MAPE's terms are ordinary
        'nonzeroTruth': regression_metrics(y_reg[5:], pred_reg[5:]),
        'constantTruthPerfect': {'r2': r2_score([3.0, 3.0, 3.0, 3.0], [3.0, 3.0, 3.0, 3.0])},
        'constantTruthImperfect': {'r2': r2_score([3.0, 3.0, 3.0, 3.0], [3.0, 4.0, 3.0, 3.0])},
    },
}


# ---------------------------------------------------------------- bootstrap
# An independent transcription of the generator the TypeScript code documents:
# SplitMix64 (Steele, Lea, Flood 2014; prng.di.unimi.it/splitmix64.c) seeds xoshiro128**
# (Blackman, Vigna 2018; prng.di.unimi.it/xoshiro128starstar.c); bounded integers by
# Lemire's multiply-shift with rejection (2019). Exact integer arithmetic here.
M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


class Xoshiro128ss:
    def __init__(self, seed):
        st, a = splitmix64(seed & M64)
        st, b = splitmix64(st)
        self.s = [a & M32, a >> 32, b & M32, b >> 32]

    def next(self):
        s = self.s
        rotl = lambda x, k: ((x << k) | (x >> (32 - k))) & M32
        result = (rotl((s[1] * 5) & M32, 7) * 9) & M32
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def below(self, bound):
        x = self.next()
        product = x * bound
        low = product & M32
        if low < bound:
            threshold = (2**32 - bound) % bound
            while low < threshold:
                x = self.next()
                product = x * bound
                low = product & M32
        return product >> 32


def resample_counts(gen, rows):
    counts = np.zeros(rows, dtype=np.int64)
    for _ in range(rows):
        counts[gen.below(rows)] += 1
    return counts


st, first = splitmix64(0)
splitmix0 = [first]
for _ in range(3):
    st, v = splitmix64(st)
    splitmix0.append(v)
g = Xoshiro128ss(42)
xoshiro42 = [g.next() for _ in range(8)]
g = Xoshiro128ss(42)
below42 = [g.below(7) for _ in range(8)] + [g.below(200000) for _ in range(4)]

RESAMPLES = 200
SEED = 42
CONFIDENCE = 0.95
boot_metrics = {
    'accuracy': lambda w, pred, prob: accuracy_score(y_bin, pred, sample_weight=w),
    'f1': lambda w, pred, prob: f1_score(rep(y_bin, w), rep(pred, w), zero_division=0),
    'roc_auc': lambda w, pred, prob: roc_auc_score(y_bin, prob[:, 1], sample_weight=w),
    'pr_auc': lambda w, pred, prob: average_precision_score(y_bin, prob[:, 1], sample_weight=w),
    'log_loss': lambda w, pred, prob: log_loss(y_bin, prob, labels=[0, 1], sample_weight=w),
}
gen = Xoshiro128ss(SEED)
deltas = {name: [] for name in boot_metrics}
first_counts = None
for b in range(RESAMPLES):
    w = resample_counts(gen, n)
    if first_counts is None:
        first_counts = ints(w[:20])
    for name, f in boot_metrics.items():
        deltas[name].append(f(w, cand_pred, cand_prob) - f(w, base_pred, base_prob))
alpha = (1 - CONFIDENCE) / 2
intervals = {
    name: floats(np.quantile(np.array(d), [alpha, 1 - alpha], method='linear'))
    for name, d in deltas.items()
}
reference['bootstrap'] = {
    'splitmix64Seed0': [hex(v) for v in splitmix0],
    'xoshiro128ssSeed42': xoshiro42,
    'belowSeed42': below42,
    'firstResampleCounts': first_counts,
    'resamples': RESAMPLES,
    'seed': SEED,
    'confidence': CONFIDENCE,
    'intervals': intervals,
    'percentileExample': floats(
        np.percentile(np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]), [2.5, 50, 97.5])
    ),
}


# ---------------------------------------------------------------- McNemar
# statsmodels is not installed here; its mcnemar(table, exact=True) computes
# min(1, 2 * binom.cdf(min(b, c), b + c, 0.5)). Printed: that formula with scipy, scipy's
# binomtest(k, n, 0.5).pvalue, and the exact rational value (Python integers), as floats.
def exact_p(b, c):
    k, total = min(b, c), b + c
    if total == 0:
        return 1.0
    term, acc = 1, 1  # C(total, 0); C(total, i + 1) = C(total, i) * (total - i) / (i + 1)
    for i in range(k):
        term = term * (total - i) // (i + 1)
        acc += term
    assert term == comb(total, k)
    tail = Fraction(acc, 2**total)
    return float(min(Fraction(1), 2 * tail))


mcnemar = []
for b, c in [(10, 2), (2, 10), (0, 0), (5, 5), (0, 7), (1, 0), (30, 20), (30, 21), (200, 160), (5100, 4900), (4000, 6000), (4990, 5010), (50500, 49500), (60000, 40000)]:
    total = b + c
    scipy_formula = 1.0 if total == 0 else min(1.0, 2 * scipy.stats.binom.cdf(min(b, c), total, 0.5))
    binomtest = 1.0 if total == 0 else scipy.stats.binomtest(min(b, c), total, 0.5).pvalue
    mcnemar.append({'b': b, 'c': c, 'exact': exact_p(b, c), 'scipyFormula': float(scipy_formula), 'binomtest': float(binomtest)})
reference['mcnemar'] = mcnemar


# ---------------------------------------------------------------- constants used by the code
# stirlerr(n) = ln(n!) - (n + 1/2) ln(n) + n - ln(sqrt(2 pi)) for n = 1..15, the table of
# Loader's binomial density (R's sferr_halves at even indices), at 40 significant digits.
import mpmath

mpmath.mp.dps = 40
reference['stirlerr'] = [
    float(
        mpmath.loggamma(k + 1)
        - (k + mpmath.mpf(1) / 2) * mpmath.log(k)
        + k
        - mpmath.log(mpmath.sqrt(2 * mpmath.pi))
    )
    for k in range(1, 16)
]

json.dump(reference, sys.stdout, indent=1)
print()
