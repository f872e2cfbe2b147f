/**
 * Binary logistic regression: minimises mean log loss + l2/2 · ‖w‖² (intercept not penalised)
 * over standardised features, the objective of scikit-learn's LogisticRegression with
 * C = 1 / (n · l2). Newton's method (IRLS) with a backtracking line search: it converges in a
 * dozen iterations to machine precision, with no step size to tune. Its Hessian costs
 * O(rows · F²) per iteration, so above `NEWTON_MAX_PARAMETERS` coefficients L-BFGS is used.
 */
import type { SolverResult } from './baseline-types.js';
import { choleskySolve } from './linear-algebra.js';
import { dot, maxAbs, minimizeLbfgs } from './lbfgs.js';

export interface BinarySolverOptions {
  /** Standardised features, row-major `rows × features`, no NaN. */
  readonly z: Float64Array;
  readonly rows: number;
  readonly features: number;
  /** 0 or 1 per row (1 = the positive class). */
  readonly labels: Int32Array;
  readonly l2: number;
  readonly maxIterations?: number;
  readonly solver?: 'newton' | 'lbfgs';
}

/** Above this many coefficients the Newton Hessian gets too slow to build each iteration. */
export const NEWTON_MAX_PARAMETERS = 256;
const NEWTON_TOLERANCE = 1e-10;
const LBFGS_TOLERANCE = 1e-9;

/** log(1 + eᵗ) without overflow for large t or loss of digits for very negative t. */
export function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

export function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

/**
 * The objective at `theta` = [w₀ … w_{F−1}, b]; writes its gradient when asked. Shared by
 * Newton's line search and L-BFGS so both minimise exactly the same function.
 */
export function logisticObjective(
  options: BinarySolverOptions,
  theta: Float64Array,
  gradient?: Float64Array,
): number {
  const { z, rows, features: F, labels, l2 } = options;
  if (gradient) gradient.fill(0);
  const bias = theta[F] as number;
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    let t = bias;
    const base = r * F;
    for (let f = 0; f < F; f++) t += (z[base + f] as number) * (theta[f] as number);
    const y = labels[r] as number;
    loss += softplus(t) - y * t;
    if (gradient) {
      const residual = sigmoid(t) - y;
      for (let f = 0; f < F; f++) {
        gradient[f] = (gradient[f] as number) + residual * (z[base + f] as number);
      }
      gradient[F] = (gradient[F] as number) + residual;
    }
  }
  let penalty = 0;
  for (let f = 0; f < F; f++) penalty += (theta[f] as number) * (theta[f] as number);
  if (gradient) {
    for (let f = 0; f < F; f++) {
      gradient[f] = (gradient[f] as number) / rows + l2 * (theta[f] as number);
    }
    gradient[F] = (gradient[F] as number) / rows;
  }
  return loss / rows + (l2 / 2) * penalty;
}

export function fitLogisticRegression(options: BinarySolverOptions): SolverResult {
  const P = options.features + 1;
  const solver = options.solver ?? (P <= NEWTON_MAX_PARAMETERS ? 'newton' : 'lbfgs');
  if (solver === 'lbfgs') {
    const result = minimizeLbfgs(
      (theta, gradient) => logisticObjective(options, theta, gradient),
      new Float64Array(P),
      { maxIterations: options.maxIterations ?? 10_000, gradientTolerance: LBFGS_TOLERANCE },
    );
    return split(result.theta, options.features, result.iterations, result.converged);
  }
  return newton(options);
}

function newton(options: BinarySolverOptions): SolverResult {
  const { z, rows, features: F, l2 } = options;
  const P = F + 1;
  const maxIterations = options.maxIterations ?? 100;
  let theta = new Float64Array(P);
  const gradient = new Float64Array(P);
  let value = logisticObjective(options, theta, gradient);
  let iterations = 0;
  while (maxAbs(gradient) > NEWTON_TOLERANCE && iterations < maxIterations) {
    iterations++;
    // Hessian (1/n)·Σ p(1−p)·x̃x̃ᵀ + l2 on the weights, with x̃ = [z, 1]; lower triangle, mirrored.
    const hessian = new Float64Array(P * P);
    const row = new Float64Array(P);
    row[F] = 1;
    for (let r = 0; r < rows; r++) {
      let t = theta[F] as number;
      for (let f = 0; f < F; f++) {
        row[f] = z[r * F + f] as number;
        t += (row[f] as number) * (theta[f] as number);
      }
      const p = sigmoid(t);
      const weight = p * (1 - p);
      if (weight === 0) continue;
      for (let i = 0; i < P; i++) {
        const wi = weight * (row[i] as number);
        for (let j = 0; j <= i; j++) {
          hessian[i * P + j] = (hessian[i * P + j] as number) + wi * (row[j] as number);
        }
      }
    }
    for (let i = 0; i < P; i++) {
      for (let j = 0; j <= i; j++) {
        const h = (hessian[i * P + j] as number) / rows + (i === j && i < F ? l2 : 0);
        hessian[i * P + j] = h;
        hessian[j * P + i] = h;
      }
    }
    const step = solveWithRidge(hessian, gradient, P);
    // Backtracking keeps each step a decrease, which plain Newton does not promise far from
    // the optimum (large logits flatten the Hessian).
    // The step taken is −d, so the slope along it is −gᵀd (negative: H is positive definite).
    const slope = -dot(gradient, step);
    let size = 1;
    let accepted = false;
    const trial = new Float64Array(P);
    const trialGradient = new Float64Array(P);
    let trialValue = value;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < P; i++) trial[i] = (theta[i] as number) - size * (step[i] as number);
      trialValue = logisticObjective(options, trial, trialGradient);
      if (
        trialValue <= value + 1e-4 * size * slope ||
        (trialValue <= value + 1e-14 * Math.abs(value) && maxAbs(trialGradient) < maxAbs(gradient))
      ) {
        accepted = true;
        break;
      }
      size /= 2;
    }
    if (!accepted) break;
    theta = trial;
    gradient.set(trialGradient);
    value = trialValue;
  }
  return split(theta, F, iterations, maxAbs(gradient) <= NEWTON_TOLERANCE);
}

/** Solves H·d = g, adding a growing ridge when H is singular (separable data, no penalty). */
function solveWithRidge(hessian: Float64Array, gradient: Float64Array, n: number): Float64Array {
  let ridge = 0;
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, hessian[i * n + i] as number);
  for (;;) {
    const shifted = Float64Array.from(hessian);
    for (let i = 0; i < n; i++) shifted[i * n + i] = (shifted[i * n + i] as number) + ridge;
    const solution = choleskySolve(shifted, gradient, n);
    if (solution) return solution;
    ridge = ridge === 0 ? Math.max(largest, 1) * 1e-12 : ridge * 10;
  }
}

function split(
  theta: Float64Array,
  features: number,
  iterations: number,
  converged: boolean,
): SolverResult {
  return {
    weights: theta.slice(0, features),
    bias: theta.slice(features),
    iterations,
    converged,
  };
}
