/**
 * The distribution of the two-sided one-sample KS statistic D_n for finite n, scipy's `kstwo`
 * (scipy/stats/_ksstats.py in scipy 1.10, after Simard & L'Ecuyer, "Computing the Two-Sided
 * Kolmogorov-Smirnov Distribution", J. Stat. Softw. 39(11), 2011). `ks_2samp` takes its
 * asymptotic two-sample p-value from it: kstwo.sf(D, round(n1·n2/(n1 + n2))).
 *
 * Which method applies depends on n and on n·x² exactly as in scipy's `_kolmogn`:
 * - Ruben-Gambino closed forms for x <= 1/n and x >= 1 − 1/n;
 * - 2·smirnov(n, x) (the one-sided tail doubled, exact when x >= 1/2) for the far tail;
 * - n <= 140: Durbin's matrix method (Marsaglia-Tsang-Wang) for n·x² <= 0.754693, else
 *   Pomeranz's recursion up to n·x² = 4;
 * - n > 140: Durbin's matrix for n·x^1.5 <= 1.4 (n <= 100000), else the Pelz-Good series.
 */

import { ldexp } from './double-double.js';
import { smirnovSf } from './smirnov.js';

const E128 = 128;
const EP128 = 2 ** 128;
const EM128 = 2 ** -128;
const SQRT2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
const MIN_LOG = -708;
const SQRT3 = Math.sqrt(3);
const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;

/** B_2j/(2j)/(2j − 1) for j = 8..1, the Stirling series of ln Γ (scipy's values, as doubles). */
const STIRLING_COEFFS = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417,
  -0.0005952380952380953, 0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
];

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/** ln(n!/n^n) by Stirling's series, with n·ln(n) removed up front to avoid cancellation. */
function logNFactorialDivNPowN(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING_COEFFS) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** C = A·B for m×m row-major matrices. */
function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array<ArrayBuffer> {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const row = i * m;
    for (let k = 0; k < m; k++) {
      const aik = a[row + k]!;
      if (aik === 0) continue;
      const bRow = k * m;
      for (let j = 0; j < m; j++) c[row + j]! += aik * b[bRow + j]!;
    }
  }
  return c;
}

/**
 * P(D_n <= d) by Durbin's matrix method as Marsaglia, Tsang & Wang evaluate it: the k-th diagonal
 * entry of H^n (m = 2k − 1, k = ⌈nd⌉) times n!/n^n, rescaling by 2^128 along the way.
 */
export function kolmognDurbin(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;

  // v: first column (and reversed last row) of H; w[j] = 1/j!.
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    v[j - 1] = 1 - Math.pow(h, j);
    w[j - 1] = fac;
    fac /= j;
    v[j - 1]! *= fac;
  }
  const tt = Math.pow(Math.max(2 * h - 1, 0), m) - 2 * Math.pow(h, m);
  v[m - 1] = (1 + tt) * fac;

  let hMat = new Float64Array(m * m);
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) hMat[r * m + i] = w[r - (i - 1)]!;
  }
  for (let r = 0; r < m; r++) hMat[r * m] = v[r]!;
  for (let c = 0; c < m; c++) hMat[(m - 1) * m + c] = v[m - 1 - c]!;

  let hPwr = new Float64Array(m * m);
  for (let i = 0; i < m; i++) hPwr[i * m + i] = 1;
  let nn = n;
  let expnt = 0;
  let hExpnt = 0;
  const kk = (k - 1) * m + (k - 1);
  while (nn > 0) {
    if (nn % 2 === 1) {
      hPwr = matmul(hPwr, hMat, m);
      expnt += hExpnt;
    }
    hMat = matmul(hMat, hMat, m);
    hExpnt *= 2;
    if (Math.abs(hMat[kk]!) > EP128) {
      for (let i = 0; i < hMat.length; i++) hMat[i]! /= EP128;
      hExpnt += E128;
    }
    nn = Math.floor(nn / 2);
  }

  let p = hPwr[kk]!;
  // Multiply by n!/n^n.
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= EP128;
      expnt -= E128;
    }
  }
  if (expnt !== 0) p = ldexp(p, expnt);
  return clip01(p);
}

/** The interval of non-zero entries of row i in Pomeranz's recursion. */
function pomeranzJ1J2(
  i: number,
  n: number,
  ll: number,
  ceilf: number,
  roundf: number,
): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const ip1div2 = Math.floor((i + 1) / 2);
    const ip1mod2 = (i + 1) % 2;
    if (ip1mod2 === 0) {
      if (ip1div2 === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = ip1div2 - 1 - ll - roundf - 1;
        j2 = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = ip1div2 - 1 - ll - 1;
      j2 = ip1div2 + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/**
 * P(D_n <= x) by Pomeranz's recursion (CACM algorithm 487): 2n + 1 convolutions of a short row
 * with truncated Poisson weights, then n!.
 */
export function kolmognPomeranz(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = 1;
  twogpower[0] = 1;
  onem2gpower[0] = 1;
  let expnt = 0;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = (gpower[m - 1]! * gOverN) / m;
    twogpower[m] = (twogpower[m - 1]! * twoGOverN) / m;
    onem2gpower[m] = (onem2gpower[m - 1]! * oneMinusTwoGOverN) / m;
  }

  let v0 = new Float64Array(npwrs);
  let v1 = new Float64Array(npwrs);
  v1[0] = 1;
  let v0s = 0;
  let v1s = 0;
  let [j1, j2] = pomeranzJ1J2(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [v0, v1] = [v1, v0];
    [v0s, v1s] = [v1s, v0s];
    v1.fill(0);
    [j1, j2] = pomeranzJ1J2(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 === 1 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // conv = full convolution of V0[k1 − V0s : + ln2] with pwrs[: ln2]; entries
      // conv[j1 − k1 .. j2 − k1] become the new row.
      const aStart = k1 - v0s;
      const aLen = Math.min(ln2, npwrs - aStart);
      const vLen = Math.min(ln2, npwrs);
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      let max = 0;
      for (let c = 0; c < convLen; c++) {
        const idx = convStart + c;
        let s = 0;
        const lo = Math.max(0, idx - vLen + 1);
        const hi = Math.min(aLen - 1, idx);
        for (let a = lo; a <= hi; a++) s += v0[aStart + a]! * pwrs[idx - a]!;
        v1[c] = s;
        if (s > max) max = s;
      }
      // Rescale to avoid underflow.
      if (max > 0 && max < EM128) {
        for (let c = 0; c < npwrs; c++) v1[c]! *= EP128;
        expnt -= E128;
      }
      v1s = v0s + j1 - k1;
    }
  }

  // Multiply by n!.
  let ans = v1[n - v1s]!;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > EP128) {
      ans *= EM128;
      expnt += E128;
    }
    ans *= m;
  }
  if (expnt !== 0) ans = ldexp(ans, expnt);
  return clip01(ans);
}

/**
 * P(D_n <= x) by the Pelz-Good approximation: the Li-Chien/Korolyuk expansion
 * K0 + K1/√n + K2/n + K3/n^1.5 with each K_i transformed by Jacobi's theta identity into a
 * series that converges fast for small z = x√n.
 */
export function kolmognPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const zsquared = z ** 2;
  const zthree = z ** 3;
  const zfour = z ** 4;
  const zsix = z ** 6;

  const qlog = -PI_SQUARED / 8 / zsquared;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);

  const k1a = -zsquared;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * zsix + 2 * zfour;
  const k2b = ((2 * zfour - 5 * zsquared) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * zsquared)) / 16;
  const k3d = (PI_SIX * (5 - 30 * zsquared)) / 64;
  const k3c = (PI_FOUR * (-60 * zsquared + 212 * zfour)) / 16;
  const k3b = (PI_SQUARED * (135 * zfour - 96 * zsix)) / 4;
  const k3a = -30 * zsix - 90 * z ** 8;

  // Horner scheme over the odd terms: Σ c_k q^((2k−1)²).
  const k0to3 = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const msquared = m ** 2;
    const mfour = m ** 4;
    const msix = m ** 6;
    const qpower = Math.pow(q, 8 * k);
    const coeffs = [
      1,
      k1a + k1b * msquared,
      k2a + k2b * msquared + k2c * mfour,
      k3a + k3b * msquared + k3c * mfour + k3d * msix,
    ];
    for (let i = 0; i < 4; i++) k0to3[i] = k0to3[i]! * qpower + coeffs[i]!;
  }
  const divisors = [z, 6 * zfour, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) k0to3[i] = (k0to3[i]! * q * SQRT2PI) / divisors[i]!;

  // The sums over all integers k in K2 and K3: no cancellation to speak of, summed directly.
  q = Math.exp(-PI_SQUARED / 2 / zsquared);
  const sqrt3z = SQRT3 * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const ksquared = k * k;
    const kspi = Math.PI * k;
    const qpwer = Math.pow(q, ksquared);
    k2extra += ksquared * qpwer;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksquared * qpwer;
  }
  k0to3[2]! += k2extra * ((PI_SQUARED * SQRT2PI) / (-36 * zthree));
  k0to3[3]! += k3extra * ((PI_SQUARED * SQRT2PI) / (216 * zsix));
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += k0to3[i]! / Math.pow(n, i / 2);
  return sum;
}

/**
 * CDF (`cdf` true) or survival function of the two-sided one-sample KS statistic D_n at x, for an
 * integer n >= 1 — scipy's `_kolmogn`.
 */
export function kolmogn(n: number, x: number, cdf: boolean): number {
  const select = (cdfProb: number, sfProb: number): number => clip01(cdf ? cdfProb : sfProb);
  if (Number.isNaN(n) || Number.isNaN(x)) return NaN;
  if (!Number.isInteger(n) || n <= 0) return NaN;
  if (x >= 1) return select(1, 0);
  if (x <= 0) return select(0, 1);
  const t = n * x;
  if (t <= 1) {
    // Ruben-Gambino: 1/(2n) <= x <= 1/n.
    if (t <= 0.5) return select(0, 1);
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
    }
    return select(prob, 1 - prob);
  }
  if (t >= n - 1) {
    // Ruben-Gambino.
    const prob = 2 * Math.pow(1 - x, n);
    return select(1 - prob, prob);
  }
  if (x >= 0.5) {
    // Exact: 2·smirnov.
    const prob = 2 * smirnovSf(n, x);
    return select(1 - prob, prob);
  }

  const nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) {
      const prob = kolmognDurbin(n, x);
      return select(prob, 1 - prob);
    }
    if (nxsquared <= 4) {
      const prob = kolmognPomeranz(n, x);
      return select(prob, 1 - prob);
    }
    // Miller's approximation by the doubled one-sided tail.
    const prob = 2 * smirnovSf(n, x);
    return select(1 - prob, prob);
  }

  // The CDF and the survival function switch methods at different n·x².
  if (!cdf) {
    if (nxsquared >= 370) return 0;
    if (nxsquared >= 2.2) return clip01(2 * smirnovSf(n, x));
    // Otherwise the survival function is 1 − CDF below.
  }
  let cdfProb: number;
  if (nxsquared >= 18) cdfProb = 1;
  else if (n <= 100000 && n * Math.pow(x, 1.5) <= 1.4) cdfProb = kolmognDurbin(n, x);
  else cdfProb = kolmognPelzGood(n, x);
  return select(cdfProb, 1 - cdfProb);
}

/**
 * Survival function of scipy's `kstwo` distribution: P(D_n >= d). Its support is [1/(2n), 1], so
 * d at or below 1/(2n) gives 1 (rv_continuous.sf's rule) and d >= 1 gives 0.
 */
export function kstwoSf(d: number, n: number): number {
  if (Number.isNaN(d) || !(n >= 1) || !Number.isInteger(n)) return NaN;
  if (d <= 0.5 / n) return 1;
  if (d >= 1) return 0;
  return kolmogn(n, d, false);
}
