/**
 * Exact binomial probabilities for X ~ Bin(n, 1/2), accurate for any n without overflow.
 *
 * A term C(n, k)/2^n overflows or underflows long before n = 10^4 if computed directly, and
 * ln C(n, k) from log-gamma differences loses digits to cancellation. So the largest term of the
 * tail is computed with Loader's saddle-point form ("Fast and accurate computation of binomial
 * probabilities", 2000; R's dbinom), relative error near machine precision, and the other terms
 * follow from it by the exact ratio C(n, i−1)/C(n, i) = i/(n − i + 1).
 */

const LN_2PI = Math.log(2 * Math.PI);

/**
 * stirlerr(n) = ln(n!) − (n + ½)ln(n) + n − ½ln(2π) for n = 0..15, computed with mpmath at 40 digits and
 * rounded to doubles (scripts/reference/metrics_reference.py; R's sferr_halves at even indices).
 */
const STIRLERR_SMALL = [
  0, 0.08106146679532726, 0.0413406959554093, 0.02767792568499834, 0.020790672103765093,
  0.016644691189821193, 0.013876128823070748, 0.01189670994589177, 0.010411265261972096,
  0.009255462182712733, 0.00833056343336287, 0.007573675487951841, 0.00694284010720953,
  0.006408994188004207, 0.0059513701127588475, 0.005554733551962801,
];

/** The error of Stirling's formula for ln(n!), n an integer ≥ 0. */
function stirlerr(n: number): number {
  if (n <= 15) return STIRLERR_SMALL[n]!;
  const S0 = 1 / 12;
  const S1 = 1 / 360;
  const S2 = 1 / 1260;
  const S3 = 1 / 1680;
  const S4 = 1 / 1188;
  const nn = n * n;
  if (n > 500) return (S0 - S1 / nn) / n;
  if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n;
  if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}

/** x·ln(x/m) + m − x, without cancellation when x ≈ m (Loader's bd0). */
function bd0(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m);
    let s = (x - m) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const next = s + ej / (2 * j + 1);
      if (next === s) return next;
      s = next;
    }
    return s;
  }
  // log1p of the exact difference: x/m rounded first would cost x·2^-53 in absolute error.
  return x * Math.log1p((x - m) / m) + (m - x);
}

/** ln P(X = k), X ~ Bin(n, 1/2). */
export function logBinomialHalfPmf(k: number, n: number): number {
  if (k < 0 || k > n) return -Infinity;
  if (k === 0 || k === n) return -n * Math.LN2;
  const half = n / 2;
  const lc = stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, half) - bd0(n - k, half);
  // ln(2π·k·(n − k)/n), with log1p for accuracy when k ≪ n.
  const lf = LN_2PI + Math.log(k) + Math.log1p(-k / n);
  return lc - 0.5 * lf;
}

/** P(X ≤ k), X ~ Bin(n, 1/2), for 0 ≤ k ≤ n/2 (the side where the terms grow towards k). */
export function binomialHalfLowerTail(k: number, n: number): number {
  if (!(Number.isInteger(k) && Number.isInteger(n) && n >= 0 && k >= 0 && 2 * k <= n)) {
    throw new RangeError(`expected integers 0 ≤ k ≤ n/2, got k=${k}, n=${n}`);
  }
  if (n <= 50) {
    // Small n exactly: C(n, i)·(n − i) and the sum stay below 2^53 for i < n/2 ≤ 25, and scaling
    // by 2^−n is exact, so the result is the exact rational value (b=10, c=2 → 0.03857421875).
    let term = 1;
    let count = 1;
    for (let i = 0; i < k; i++) {
      term = (term * (n - i)) / (i + 1);
      count += term;
    }
    return count / 2 ** n;
  }
  // Σ_{i ≤ k} P(X = i) = P(X = k) · Σ_{i ≤ k} r_i, r_k = 1, r_{i−1} = r_i · i / (n − i + 1) ≤ 1.
  let ratio = 1;
  let sum = 1;
  for (let i = k; i > 0; i--) {
    ratio *= i / (n - i + 1);
    sum += ratio;
    if (ratio < 1e-17 * sum) break;
  }
  return Math.exp(logBinomialHalfPmf(k, n)) * sum;
}
