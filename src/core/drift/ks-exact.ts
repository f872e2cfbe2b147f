/**
 * The exact two-sided p-value of the two-sample KS statistic, as scipy 1.10's `ks_2samp` computes
 * it for max(n1, n2) <= 10,000 (`_attempt_exact_2kssamp`).
 *
 * D is first snapped to the lattice it lives on: both empirical CDFs step in multiples of
 * 1/lcm(n1, n2), so D = h/lcm for an integer h = round(D·lcm). P(D >= h/lcm) is then the share of
 * the C(n1 + n2, n1) monotone lattice paths from (0, 0) to (n1, n2) that leave the band
 * |x/n1 − y/n2| < h/lcm (Hodges 1958, after Drion, Gnedenko and Korolyuk).
 */

/**
 * P(D_{n,n} >= h/n) for equal sample sizes: 2·Σ_k (−1)^(k+1) C(2n, n − kh)/C(2n, n), evaluated
 * as scipy does, each ratio as a product of h factors and the alternating sum as a Horner-like
 * scheme 2·A0·(1 − A1·(1 − A2·(1 − …))) that avoids the subtractive cancellation.
 */
export function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/**
 * P(D_{m,n} >= h/lcm(m, n)) for unequal sizes: the share of lattice paths that do not stay strictly
 * inside the band |n·x − m·y|/g < h, counted column by column over a sliding window of y values.
 * scipy (its Pythran kernel `_compute_outer_prob_inside_method`) runs Viehmann's recursion for
 * 1 − p directly (arXiv:2102.08037), which keeps every entry in [0, 1] instead of growing like a
 * binomial coefficient; this is that recursion, operation for operation.
 */
export function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  // Symmetric in m and n; the recursion takes m >= n.
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;

  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  // Long enough for the widest window the band allows.
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const a = new Float64Array(lenA).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (a[jj + minj - lastminj]! * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      // Entries carried over past the window's new end are paths already outside: set to 1.
      a.fill(1, maxj - minj, Math.min(maxj - minj + (lastlen - curlen), lenA));
    }
  }
  return a[maxj - minj - 1]!;
}

export function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** numpy's round: to the nearest integer, ties to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface ExactKsResult {
  /** False when the exact computation failed (scipy then falls back to the asymptotic p-value). */
  readonly success: boolean;
  /** D snapped to the lattice: h/lcm(n1, n2). */
  readonly d: number;
  readonly pValue: number;
}

/** scipy's `_attempt_exact_2kssamp(n1, n2, g, d, 'two-sided')`. */
export function exactTwoSidedKs(n1: number, n2: number, d: number): ExactKsResult {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const snapped = h / lcm;
  if (h === 0) return { success: true, d: snapped, pValue: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
  // scipy rejects a result outside [0, 1] (or NaN) and falls back.
  if (!(p >= 0 && p <= 1)) return { success: false, d: snapped, pValue: p };
  return { success: true, d: snapped, pValue: p };
}
