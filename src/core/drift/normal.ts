/**
 * erf, erfc and the standard normal tails, accurate to about 1e-15 relative including far into
 * the tail (erfc down to its underflow near x = 26.5), which 1 − Φ(z) is not: past z ≈ 8.3 it is
 * exactly 0 in double precision.
 */

import { twoProd } from './double-double.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);

/** e^(−x²) with x² split exactly into hi + lo, so the rounding of x² costs nothing. */
function expMinusSquare(x: number): number {
  const sq = twoProd(x, x);
  return Math.exp(-sq.hi) * Math.exp(-sq.lo);
}

/** erf(x) for 0 <= x < 2 by the series 2x/√π·e^(−x²)·Σ (2x²)^n/(1·3·…·(2n + 1)): all terms > 0. */
function erfSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = 1;
  let sum = 1;
  for (let n = 1; n < 500; n++) {
    term *= x2 / (2 * n + 1);
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return TWO_OVER_SQRT_PI * x * expMinusSquare(x) * sum;
}

/** erfc(x) for x >= 2 by its continued fraction 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))) (Lentz). */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 5000; n++) {
    const an = n / 2;
    d = x + an * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = x + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * expMinusSquare(x)) / f;
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return -erf(-x);
  if (x < 2) return erfSeries(x);
  return 1 - erfcContinuedFraction(x);
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfSeries(x);
  if (x > 27.3) return 0;
  return erfcContinuedFraction(x);
}

/** P(Z >= z) for a standard normal Z, accurate in the upper tail. */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z * Math.SQRT1_2);
}

/** P(Z <= z), computed as cephes' ndtr does (erf near 0, the complementary tail elsewhere). */
export function normalCdf(z: number): number {
  const x = z * Math.SQRT1_2;
  if (Math.abs(x) < Math.SQRT1_2) return 0.5 + 0.5 * erf(x);
  const y = 0.5 * erfc(Math.abs(x));
  return x > 0 ? 1 - y : y;
}
