/**
 * Multinomial (softmax) logistic regression: minimises mean cross-entropy + l2/2 · ‖W‖² over
 * standardised features, with one weight vector and one unpenalised intercept per class: the
 * objective of scikit-learn's `LogisticRegression(multi_class='multinomial', C = 1 / (n · l2))`.
 * Solved by L-BFGS from zero: the full Newton Hessian would have (C·(F+1))² entries.
 */
import type { SolverResult } from './baseline-types.js';
import { minimizeLbfgs } from './lbfgs.js';

export interface MulticlassSolverOptions {
  /** Standardised features, row-major `rows × features`, no NaN. */
  readonly z: Float64Array;
  readonly rows: number;
  readonly features: number;
  readonly classes: number;
  /** Class index per row. */
  readonly labels: Int32Array;
  readonly l2: number;
  readonly maxIterations?: number;
}

const GRADIENT_TOLERANCE = 1e-9;

/**
 * The objective at `theta` = [W (F × C row-major), b (C)], writing its gradient. Log-sum-exp is
 * taken after subtracting the row's largest logit so that exp never overflows.
 */
export function softmaxObjective(
  options: MulticlassSolverOptions,
  theta: Float64Array,
  gradient: Float64Array,
): number {
  const { z, rows, features: F, classes: C, labels, l2 } = options;
  gradient.fill(0);
  const biasAt = F * C;
  const logits = new Float64Array(C);
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * F;
    for (let c = 0; c < C; c++) logits[c] = theta[biasAt + c] as number;
    for (let f = 0; f < F; f++) {
      const value = z[base + f] as number;
      if (value === 0) continue;
      const wRow = f * C;
      for (let c = 0; c < C; c++) {
        logits[c] = (logits[c] as number) + value * (theta[wRow + c] as number);
      }
    }
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[c] as number);
    const y = labels[r] as number;
    const shiftedTarget = (logits[y] as number) - max;
    let sum = 0;
    for (let c = 0; c < C; c++) {
      const e = Math.exp((logits[c] as number) - max);
      logits[c] = e;
      sum += e;
    }
    // −log p_y = log Σ e^(t_c − max) − (t_y − max), finite even when p_y underflows.
    loss += Math.log(sum) - shiftedTarget;
    for (let c = 0; c < C; c++) {
      const residual = (logits[c] as number) / sum - (c === y ? 1 : 0);
      logits[c] = residual;
      gradient[biasAt + c] = (gradient[biasAt + c] as number) + residual;
    }
    for (let f = 0; f < F; f++) {
      const value = z[base + f] as number;
      if (value === 0) continue;
      const wRow = f * C;
      for (let c = 0; c < C; c++) {
        gradient[wRow + c] = (gradient[wRow + c] as number) + value * (logits[c] as number);
      }
    }
  }
  let penalty = 0;
  for (let i = 0; i < biasAt; i++) {
    const w = theta[i] as number;
    penalty += w * w;
    gradient[i] = (gradient[i] as number) / rows + l2 * w;
  }
  for (let c = 0; c < C; c++) gradient[biasAt + c] = (gradient[biasAt + c] as number) / rows;
  return loss / rows + (l2 / 2) * penalty;
}

export function fitSoftmaxRegression(options: MulticlassSolverOptions): SolverResult {
  const { features: F, classes: C } = options;
  const result = minimizeLbfgs(
    (theta, gradient) => softmaxObjective(options, theta, gradient),
    new Float64Array(F * C + C),
    {
      maxIterations: options.maxIterations ?? 10_000,
      gradientTolerance: GRADIENT_TOLERANCE,
    },
  );
  const weights = result.theta.slice(0, F * C);
  const bias = result.theta.slice(F * C);
  // Adding one constant to every intercept changes no probability, and the intercepts are not
  // penalised, so only their differences are determined. Centring them on 0 makes the stored
  // model one well-defined point (the weights already sum to 0 over classes at the optimum).
  let mean = 0;
  for (const b of bias) mean += b / C;
  for (let c = 0; c < C; c++) bias[c] = (bias[c] as number) - mean;
  return { weights, bias, iterations: result.iterations, converged: result.converged };
}
