/**
 * The baselines against scikit-learn, an independent implementation of the same objectives.
 *
 * The constants below were computed once with scikit-learn 1.2.1 (numpy 1.24.2, scipy 1.10.1,
 * Debian's python3-sklearn), never from this project's code:
 *
 *   X, y read from the CSV with Python's csv module (classes coded in the order given below);
 *   split for wine, iris and diabetes: record i (0-based, file order) is held out when i % 5 == 0;
 *   scaler = StandardScaler().fit(X_train)                      # population std, as ours
 *   C = 1 / (n_train * 1e-4)                                    # our l2 = 1e-4, mean-loss form
 *   breast cancer (train.csv, classes [malignant, benign]):
 *     LogisticRegression(C=C, solver='newton-cholesky', tol=1e-14, max_iter=1000)
 *   wine, iris (multinomial):
 *     LogisticRegression(C=C, multi_class='multinomial', solver='newton-cg', tol=1e-14,
 *                        max_iter=100000); intercepts printed minus their mean
 *   diabetes: LinearRegression() on the scaled training part
 *   each model fitted on scaler.transform(X_train); coef_ and intercept_ printed with json.dumps.
 *
 * newton-cg warned that it had not met tol=1e-14, so the fits were checked with numpy: the
 * largest gradient component of the objective at scikit-learn's solution is 1.2e-17 (breast
 * cancer), 1.9e-10 (wine) and 1.2e-10 (iris).
 *
 * Tolerances: our L-BFGS stops at a largest gradient component ≤ 1e-9. The objective's curvature
 * in the weights is at least l2 = 1e-4, so each solution lies within about 1e-9 / 1e-4 = 1e-5 of
 * the exact optimum; softmax coefficients are compared to 2e-5. Newton (binary) and QR (linear)
 * solve to rounding, so those are compared to 1e-7 relative.
 */
import { describe, expect, it } from 'vitest';
import { trainBaseline } from '../../src/core/train/baselines.js';
import type { FeatureMatrix } from '../../src/core/train/feature-matrix.js';
import {
  accuracy,
  breastCancer,
  diabetesSchema,
  fixture,
  irisSchema,
  loadMatrix,
  r2,
  splitEveryFifth,
  wineSchema,
} from './helpers.js';

const breastCancerReference = {
  coef: [
    1.4341301336854908, -0.6061233430136941, 0.8010934788254394, 0.054555984561875596,
    -1.1363900972644563, 3.7099445143133787, -3.6091114921000043, -4.359150917626322,
    0.46685524598801786, -0.48653095917363154, -3.4745874777437336, 1.580376252434073,
    -3.0054597780207177, -3.1960955386271483, -1.0121774874694214, 3.480598384624405,
    0.6921222111953681, -2.823876129303521, 1.4727647593516235, 3.0460796150762692,
    -2.274452918779048, -2.855644837390517, -3.5481347515961246, -2.836863844707863,
    0.5054838009404156, 0.4125112243071799, -1.7199798031392948, 0.44888954829497946,
    -1.8454616736600524, -3.144052680287456,
  ],
  intercept: -1.5788764440562968,
  evalCorrect: 107, // of 114
  trainLogLoss: 0.021703151135815425,
};

/** coef_ is classes × features, row-major. */
const wineReference = {
  coef: [
    1.744383892493124, 0.7444279403809342, 0.8095116028053155, -2.2922564740812095,
    0.5603003324896491, 0.05307987061650948, 1.902851698460975, -0.6054280663523712,
    0.4958600020216279, 0.5285613516377119, 0.2945398939783064, 1.2817660699127853,
    2.3990006574237817, -1.6177193892074504, -1.1093894135342801, -2.0555841842866327,
    1.6821234631338702, 0.1508181985799824, -0.2192297709077415, 1.3584039683854432,
    0.7806083091979548, 0.37543183019767645, -2.846400436189513, 1.1800934283607487,
    0.23168137773217784, -2.895322385615059, -0.1266645032856764, 0.36496147315330896,
    1.2460725814813731, 0.6101330109473522, -0.7111185310695651, 0.16614990029136587,
    -3.2612556668463104, -0.17518024284564593, -0.8712918322192382, 2.3178390845517836,
    -1.4746333223390684, -1.5134474476448883, 0.49632172819123554,
  ],
  interceptCentered: [1.4777580422121466, 1.3368504474849188, -2.8146084896970653],
  evalCorrect: 36, // of 36
};

const irisReference = {
  coef: [
    -2.1011481873343207, 2.326306778742345, -5.461657140813571, -5.094216034555792,
    2.124006386670348, -0.5520788695126607, -2.813322667290272, -2.1253955509549227,
    -0.022858199335987532, -1.7742279092295745, 8.274979808103774, 7.2196115855107355,
  ],
  interceptCentered: [0.38144703513106687, 6.117541707429435, -6.498988742560503],
  evalCorrect: 29, // of 30
};

const diabetesReference = {
  coef: [
    -2.522184820016057, -9.729059811762133, 24.522262567188097, 15.104954694355985,
    -40.23242083141894, 26.0404471106043, 2.8774457101236424, 3.6723296810083985,
    38.756489105040934, 3.9718837921679704,
  ],
  intercept: 150.518413597734,
  evalR2: 0.5190389298798228,
  trainR2: 0.5143953997713411,
};

function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    tolerance * Math.max(1, Math.abs(expected)),
  );
}

describe('against scikit-learn 1.2.1', () => {
  it('logistic regression on breast cancer (newton-cholesky)', async () => {
    const schema = breastCancer.schema();
    const train = await loadMatrix(breastCancer.train, schema);
    const test = await loadMatrix(breastCancer.eval, schema);
    const model = trainBaseline({ kind: 'logistic-regression', matrix: train, seed: 0 });
    breastCancerReference.coef.forEach((c, f) =>
      expectRelative(model.parameters.weights[f] as number, c, 1e-7),
    );
    expectRelative(model.parameters.bias[0] as number, breastCancerReference.intercept, 1e-7);
    expectRelative(
      model.trainingMetrics.log_loss as number,
      breastCancerReference.trainLogLoss,
      1e-7,
    );
    const predicted = model.predict(test.x, test.rows).labels ?? new Int32Array();
    expect(correct(predicted, test)).toBe(breastCancerReference.evalCorrect);
  });

  for (const [name, file, schema, reference] of [
    ['wine', 'wine.csv', wineSchema, wineReference],
    ['iris', 'iris.csv', irisSchema, irisReference],
  ] as const) {
    it(`softmax regression on ${name} (newton-cg, multinomial)`, async () => {
      const { train, eval: test } = splitEveryFifth(await loadMatrix(fixture(file), schema));
      const model = trainBaseline({ kind: 'softmax-regression', matrix: train, seed: 0 });
      expect(model.converged).toBe(true);
      const C = 3;
      const F = train.featureNames.length;
      // Ours is F × C (the MatMul layout), scikit-learn's C × F.
      for (let c = 0; c < C; c++) {
        for (let f = 0; f < F; f++) {
          const ours = model.parameters.weights[f * C + c] as number;
          expect(Math.abs(ours - (reference.coef[c * F + f] as number))).toBeLessThan(2e-5);
        }
        expect(
          Math.abs(
            (model.parameters.bias[c] as number) - (reference.interceptCentered[c] as number),
          ),
        ).toBeLessThan(2e-5);
      }
      const predicted = model.predict(test.x, test.rows).labels ?? new Int32Array();
      expect(correct(predicted, test)).toBe(reference.evalCorrect);
    });
  }

  it('linear regression on diabetes (LinearRegression)', async () => {
    const { train, eval: test } = splitEveryFifth(
      await loadMatrix(fixture('diabetes.csv'), diabetesSchema),
    );
    const model = trainBaseline({ kind: 'linear-regression', matrix: train, seed: 0 });
    diabetesReference.coef.forEach((c, f) =>
      expectRelative(model.parameters.weights[f] as number, c, 1e-9),
    );
    expectRelative(model.parameters.bias[0] as number, diabetesReference.intercept, 1e-12);
    expectRelative(model.trainingMetrics.r2 as number, diabetesReference.trainR2, 1e-10);
    const truth = test.target.kind === 'values' ? test.target.values : new Float64Array();
    expectRelative(
      r2(model.predict(test.x, test.rows).values ?? new Float64Array(), truth),
      diabetesReference.evalR2,
      1e-10,
    );
  });
});

function correct(predicted: Int32Array, matrix: FeatureMatrix): number {
  const truth = matrix.target.kind === 'classes' ? matrix.target.labels : new Int32Array();
  return Math.round(accuracy(predicted, truth) * truth.length);
}
