#!/usr/bin/python3
"""Reference values for the built-in baselines on datetime and category features (Seattle weather).

Run once with Debian's python3 (scikit-learn 1.2.1, numpy 1.24.2):

    /usr/bin/python3 scripts/reference/feature_encoding_reference.py

It writes test/fixtures/train/weather-sklearn-reference.json, read by
test/train/encoded-features-reference.test.ts. Nothing here imports or runs this project's code:
the datetime parts are computed with Python's datetime and math modules from the definitions in
README (training section), the one-hot columns with scikit-learn's OneHotEncoder.

Data: test/fixtures/datasets/seattle-weather.csv read with the csv module; record i (0-based, file
order) is held out for evaluation when i % 5 == 0, the rest trains.

Datetime parts of a value read as UTC (dates have no time: hour 0):
  year; sin/cos of 2*pi*(month-1)/12; sin/cos of 2*pi*(day_of_year-1)/days_in_year;
  sin/cos of 2*pi*weekday/7 (Monday 0); sin/cos of 2*pi*(hour + minute/60 + second/3600)/24.

1. classification: features date, precipitation, temp_max, temp_min, wind; target weather with
   classes [drizzle, fog, rain, snow, sun]. StandardScaler (population std) on the training part,
   LogisticRegression(C=1/(n_train*1e-4), multi_class='multinomial', solver='newton-cg',
   tol=1e-14, max_iter=100000): coef_ (classes x features, row-major), intercept_ minus its mean,
   and the number of evaluation records predicted right. newton-cg warns "Line Search failed" at
   this tolerance, so the script also records the largest gradient component of the mean-loss
   objective at the solution (checked with numpy).
2. regression: features date, weather (category, one-hot over [drizzle, fog, rain, snow, sun] with
   handle_unknown='ignore'), precipitation, wind; target temp_max. StandardScaler, then
   Ridge(alpha=n_train*1e-4) (our l2 = 1e-4 in the mean-loss form; ridge because the one-hot
   columns sum to 1, so without a penalty the weights are not unique): coef_, intercept_,
   R^2 on the evaluation part, its first 5 predictions, and the prediction for a record whose
   weather is "hail" (not a known value: all one-hot columns 0), date 2016-02-29T06:00:00Z,
   precipitation 1.0, wind 3.0.
"""

import csv
import json
import math
import os
from datetime import datetime, timezone

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = os.path.join(os.path.dirname(__file__), '..', '..')
WEATHERS = ['drizzle', 'fog', 'rain', 'snow', 'sun']


def date_parts(text):
    if len(text) == 10:
        moment = datetime.strptime(text, '%Y-%m-%d').replace(tzinfo=timezone.utc)
    else:
        moment = datetime.fromisoformat(text.replace('Z', '+00:00')).astimezone(timezone.utc)
    year = moment.year
    days_in_year = 366 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 365
    day_of_year = moment.timetuple().tm_yday
    hour = moment.hour + moment.minute / 60 + moment.second / 3600

    def turn(fraction):
        return [math.sin(2 * math.pi * fraction), math.cos(2 * math.pi * fraction)]

    return ([year] + turn((moment.month - 1) / 12) + turn((day_of_year - 1) / days_in_year)
            + turn(moment.weekday() / 7) + turn(hour / 24))


def main():
    with open(os.path.join(ROOT, 'test/fixtures/datasets/seattle-weather.csv'), newline='') as f:
        rows = list(csv.DictReader(f))
    train = [r for i, r in enumerate(rows) if i % 5 != 0]
    test = [r for i, r in enumerate(rows) if i % 5 == 0]
    out = {'sklearn': sklearn.__version__}

    # 1. Classification on the date and the numbers.
    def x1(part):
        return np.array([date_parts(r['date']) + [float(r[c]) for c in
                         ('precipitation', 'temp_max', 'temp_min', 'wind')] for r in part])

    y_train = np.array([WEATHERS.index(r['weather']) for r in train])
    y_test = np.array([WEATHERS.index(r['weather']) for r in test])
    scaler = StandardScaler().fit(x1(train))
    model = LogisticRegression(C=1 / (len(train) * 1e-4), multi_class='multinomial',
                               solver='newton-cg', tol=1e-14, max_iter=100000)
    model.fit(scaler.transform(x1(train)), y_train)
    predicted = model.predict(scaler.transform(x1(test)))
    z = scaler.transform(x1(train))
    probabilities = model.predict_proba(z)
    onehot_y = np.eye(len(WEATHERS))[y_train]
    n = len(train)
    gradient_w = (z.T @ (probabilities - onehot_y)) / n + 1e-4 * model.coef_.T
    gradient_b = (probabilities - onehot_y).mean(axis=0)
    out['classification'] = {
        'maxGradient': float(max(np.abs(gradient_w).max(), np.abs(gradient_b).max())),
        'firstEvalRows': x1(test)[:3].tolist(),
        'coef': model.coef_.ravel().tolist(),
        'interceptCentered': (model.intercept_ - model.intercept_.mean()).tolist(),
        'evalCorrect': int((predicted == y_test).sum()),
        'evalRecords': len(test),
    }

    # 2. Regression with the weather as a one-hot category feature.
    encoder = OneHotEncoder(categories=[WEATHERS], handle_unknown='ignore', sparse_output=False)
    encoder.fit([[w] for w in WEATHERS])

    def x2(part):
        onehot = encoder.transform([[r['weather']] for r in part])
        return np.array([date_parts(r['date']) + list(onehot[i]) +
                         [float(r['precipitation']), float(r['wind'])]
                         for i, r in enumerate(part)])

    t_train = np.array([float(r['temp_max']) for r in train])
    t_test = np.array([float(r['temp_max']) for r in test])
    scaler2 = StandardScaler().fit(x2(train))
    regression = Ridge(alpha=len(train) * 1e-4, solver='cholesky')
    regression.fit(scaler2.transform(x2(train)), t_train)
    predictions = regression.predict(scaler2.transform(x2(test)))
    unseen = [{'date': '2016-02-29T06:00:00Z', 'weather': 'hail', 'precipitation': '1.0',
               'wind': '3.0'}]
    out['regression'] = {
        'unseenRow': x2(unseen)[0].tolist(),
        'coef': regression.coef_.tolist(),
        'intercept': float(regression.intercept_),
        'evalR2': float(regression.score(scaler2.transform(x2(test)), t_test)),
        'firstEvalPredictions': predictions[:5].tolist(),
        'unseenPrediction': float(regression.predict(scaler2.transform(x2(unseen)))[0]),
    }
    target = os.path.join(ROOT, 'test/fixtures/train/weather-sklearn-reference.json')
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, 'w') as f:
        json.dump(out, f, indent=2)
        f.write('\n')
    print(json.dumps(out)[:400])


if __name__ == '__main__':
    main()
