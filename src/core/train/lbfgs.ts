/**
 * Limited-memory BFGS for the smooth convex objectives of the baselines (softmax regression, and
 * logistic regression with many features). Full-batch and free of randomness: the same inputs
 * give the same iterates bit for bit, which is what makes a retrained model byte-identical.
 */

/** Writes the gradient at `theta` into `gradient` and returns the objective's value. */
export type Objective = (theta: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  readonly maxIterations: number;
  /** Converged when the largest gradient component is at most this. */
  readonly gradientTolerance: number;
  /** Correction pairs kept (10 is the usual choice: more adds cost, rarely speed). */
  readonly memory?: number;
}

export interface MinimizeResult {
  readonly theta: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

const ARMIJO = 1e-4;

export function minimizeLbfgs(
  objective: Objective,
  start: Float64Array,
  options: LbfgsOptions,
): MinimizeResult {
  const n = start.length;
  const memory = options.memory ?? 10;
  let theta = Float64Array.from(start);
  let gradient = new Float64Array(n);
  let value = objective(theta, gradient);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const rhos: number[] = [];
  const direction = new Float64Array(n);
  const alphas = new Float64Array(memory);
  let trialTheta = new Float64Array(n);
  let trialGradient = new Float64Array(n);
  let iterations = 0;

  while (maxAbs(gradient) > options.gradientTolerance) {
    if (iterations >= options.maxIterations) break;
    iterations++;
    // Two-loop recursion: direction = −H·g with H the L-BFGS inverse-Hessian estimate.
    for (let i = 0; i < n; i++) direction[i] = -(gradient[i] as number);
    for (let p = steps.length - 1; p >= 0; p--) {
      const alpha = (rhos[p] as number) * dot(steps[p] as Float64Array, direction);
      alphas[p] = alpha;
      axpy(-alpha, changes[p] as Float64Array, direction);
    }
    const last = steps.length - 1;
    // Initial scaling sᵀy/yᵀy (Nocedal & Wright 7.20); before any pair, a step of unit length.
    const gamma =
      last >= 0
        ? 1 /
          ((rhos[last] as number) *
            dot(changes[last] as Float64Array, changes[last] as Float64Array))
        : 1 / Math.max(1, Math.sqrt(dot(gradient, gradient)));
    for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) * gamma;
    for (let p = 0; p < steps.length; p++) {
      const beta = (rhos[p] as number) * dot(changes[p] as Float64Array, direction);
      axpy((alphas[p] as number) - beta, steps[p] as Float64Array, direction);
    }
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // Not a descent direction (curvature pairs gone stale): restart from steepest descent.
      steps.length = changes.length = rhos.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -(gradient[i] as number);
      slope = -dot(gradient, gradient);
    }

    // Backtracking line search. Near the optimum the decrease the Armijo test asks for falls
    // below the rounding of the objective itself, so a step that does not raise the value beyond
    // rounding and shrinks the directional derivative is accepted as well (the "approximate
    // Wolfe" condition of Hager and Zhang, 2005).
    let step = 1;
    let accepted = false;
    let trialValue = value;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < n; i++) {
        trialTheta[i] = (theta[i] as number) + step * (direction[i] as number);
      }
      trialValue = objective(trialTheta, trialGradient);
      if (trialValue <= value + ARMIJO * step * slope) {
        accepted = true;
        break;
      }
      const trialSlope = dot(trialGradient, direction);
      if (
        trialValue <= value + 1e-14 * Math.abs(value) &&
        Math.abs(trialSlope) <= Math.abs(slope)
      ) {
        accepted = true;
        break;
      }
      step /= 2;
    }
    if (!accepted) break;

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (trialTheta[i] as number) - (theta[i] as number);
      y[i] = (trialGradient[i] as number) - (gradient[i] as number);
    }
    const sy = dot(s, y);
    // A convex objective gives sᵀy ≥ 0; keep only pairs with clear positive curvature so that
    // the estimate stays positive definite.
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (steps.length === memory) {
        steps.shift();
        changes.shift();
        rhos.shift();
      }
      steps.push(s);
      changes.push(y);
      rhos.push(1 / sy);
    }
    [theta, trialTheta] = [trialTheta, theta];
    [gradient, trialGradient] = [trialGradient, gradient];
    value = trialValue;
  }
  return {
    theta,
    value,
    iterations,
    converged: maxAbs(gradient) <= options.gradientTolerance,
  };
}

export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + alpha * (x[i] as number);
}

export function maxAbs(values: Float64Array): number {
  let max = 0;
  for (const value of values) max = Math.max(max, Math.abs(value));
  return max;
}
