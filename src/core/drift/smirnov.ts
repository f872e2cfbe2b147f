/**
 * The one-sided Kolmogorov-Smirnov (Smirnov) survival function P(D_n+ >= x), as
 * `scipy.special.smirnov(n, x)` computes it (scipy 1.10's cephes/kolmogorov.c, by P. van
 * Mulbregt, arXiv:1802.06966): the Smirnov / Birnbaum-Tingey sum
 *
 *   P(D_n+ >= x) = x · Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v)
 *
 * with every term in double-double and its binomial coefficient as a (mantissa, exponent) pair,
 * the same special cases (x <= 1/n, x >= 1 − 1/n, an underflowing tail, and the approximation
 * exp(−(6nx + 1)²/(18n)) above n = 10^6, where the sum would take too long) and the same early
 * stop. `kstwo` doubles it for its two-sided tail when n·x² >= 2.2 or x >= 0.5.
 */

import {
  DD_ONE,
  DD_ZERO,
  ddAdd,
  ddDiv,
  ddDivD,
  ddFloor,
  ddMulD,
  frexpExponent,
  ldexp,
  twoProd,
  twoSum,
  type DD,
} from './double-double.js';

/** cephes MINLOG = ln(2^−1075) = −745.1332191019412…: exp of anything below is 0. */
const MINLOG = -745.1332191019412;
const SMIRNOV_MAX_COMPUTE_N = 1000000;
const SM_UPPER_MAX_TERMS = 3;
const SM_UPPERSUM_MIN_N = 10;
/** Largest power exponent kept in one double-double before splitting (keeps lo normal). */
const MAX_EXPONENT = 960;
const SPLITTER = 134217729; // 2^27 + 1

/** ⌊n·x⌋ and the fractional part, exactly (n·x as an exact double-double product). */
function modNX(n: number, x: number): { alpha: number; nxFloor: number } {
  const nxD = twoProd(n, x);
  const floorD = ddFloor(nxD);
  const alphaD = ddAdd(nxD, { hi: -floorD.hi, lo: -floorD.lo });
  let alpha = alphaD.hi;
  let nxFloor = floorD.hi + floorD.lo;
  if (alpha === 1) {
    nxFloor += 1;
    alpha = 0;
  }
  return { alpha, nxFloor };
}

/*
 * The sum has up to n ≈ 10^6 terms, each two scaled n-th powers; the double-double steps below
 * are written on plain numbers with their results in these registers, so that the loop allocates
 * nothing. (outHi, outLo) is a double-double, outExp a binary exponent.
 */
let outHi = 0;
let outLo = 0;
let outExp = 0;

/** (aHi + aLo)·(bHi + bLo), QD's double-double product, into (outHi, outLo). */
function mulInto(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const p = aHi * bHi;
  let t = SPLITTER * aHi;
  const ah = t - (t - aHi);
  const al = aHi - ah;
  t = SPLITTER * bHi;
  const bh = t - (t - bHi);
  const bl = bHi - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl + (aHi * bLo + aLo * bHi);
  outHi = p + e;
  outLo = e - (outHi - p);
}

/** a/b for doubles, to double-double precision, into (outHi, outLo). */
function divDoublesInto(a: number, b: number): void {
  const q1 = a / b;
  let t = SPLITTER * q1;
  const qh = t - (t - q1);
  const ql = q1 - qh;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const p = q1 * b;
  const pErr = qh * bh - p + qh * bl + ql * bh + ql * bl;
  // a − p exactly (two-difference), less the product's error
  const s = a - p;
  const bb = s - a;
  const e = a - (s - bb) - (p + bb) - pErr;
  const q2 = (s + e) / b;
  outHi = q1 + q2;
  outLo = q2 - (outHi - q1);
}

/** (aHi + aLo) + b, into (outHi, outLo). */
function addDoubleInto(aHi: number, aLo: number, b: number): void {
  const s = aHi + b;
  const bb = s - aHi;
  const e = aHi - (s - bb) + (b - bb) + aLo;
  outHi = s + e;
  outLo = e - (outHi - s);
}

/** frexp of a double-double: mantissa with |hi + lo| in [0.5, 1), into outHi, outLo, outExp. */
function frexpInto(hi: number, lo: number): void {
  const e = frexpExponent(hi);
  let man = ldexp(hi, -e);
  let l = ldexp(lo, -e);
  let exponent = e;
  if (Math.abs(man) === 0.5 && man * l < 0) {
    man *= 2;
    l *= 2;
    exponent -= 1;
  }
  outHi = man;
  outLo = l;
  outExp = exponent;
}

/** (aHi + aLo)^m: pow() of the high part, corrected for the low part, into (outHi, outLo). */
function powInto(aHi: number, aLo: number, m: number): void {
  if (m <= 0) {
    if (m === 0) {
      outHi = 1;
      outLo = 0;
      return;
    }
    powInto(aHi, aLo, -m);
    const inv = ddDiv(DD_ONE, { hi: outHi, lo: outLo });
    outHi = inv.hi;
    outLo = inv.lo;
    return;
  }
  if (aHi === 0) {
    outHi = 0;
    outLo = 0;
    return;
  }
  const ans = Math.pow(aHi, m);
  const r = aLo / aHi;
  let adj = m * r;
  if (Math.abs(adj) > 1e-8) {
    if (Math.abs(adj) < 1e-4) {
      // First two terms of the binomial series of (1 + r)^m.
      adj += m * r * (((m - 1) / 2) * r);
    } else {
      adj = Math.expm1(m * Math.log1p(r));
    }
  }
  const b = ans * adj;
  outHi = ans + b;
  const bb = outHi - ans;
  outLo = ans - (outHi - bb) + (b - bb);
}

/** cephes' nextPowerOf2 (which, despite its name, rounds x to an integer when near one). */
function nextPowerOf2(x: number): number {
  const q = x * 2 ** -52;
  let l = Math.abs(q + x);
  if (l === 0) {
    l = Math.abs(x);
  } else {
    const lInt = Math.trunc(l);
    if (lInt === l) l = lInt;
  }
  return l;
}

/**
 * (aHi + aLo)^m as mantissa · 2^exponent, into (outHi, outLo, outExp), so that powers far below
 * 2^−1074 stay representable: past 2^−960 the power is split as (y^k)^q · y^r.
 */
function pow2ScaledInto(aHi: number, aLo: number, m: number): void {
  if (m <= 0) {
    if (m === 0) {
      outHi = 1;
      outLo = 0;
      outExp = 0;
      return;
    }
    pow2ScaledInto(aHi, aLo, -m);
    const invExp = outExp;
    const inv = ddDiv(DD_ONE, { hi: outHi, lo: outLo });
    frexpInto(inv.hi, inv.lo);
    outExp = -invExp + outExp;
    return;
  }
  frexpInto(aHi, aLo);
  if (m === 1) return;
  const yHi = outHi;
  const yLo = outLo;
  const yE = outExp;
  let maxExpt = MAX_EXPONENT;
  // Quick check whether y^m might drop below 2^−960 and the power has to be split up.
  if ((m * (yHi - 1)) / yHi < -MAX_EXPONENT * Math.LN2) {
    const lg2y = Math.log(yHi) / Math.LN2;
    const lgAns = m * lg2y;
    if (lgAns <= -MAX_EXPONENT) {
      maxExpt = Math.trunc(nextPowerOf2(-MAX_EXPONENT / lg2y + 1) / 2);
    }
  }
  if (m <= maxExpt) {
    powInto(yHi, yLo, m);
    frexpInto(outHi, outLo);
    outExp += m * yE;
    return;
  }
  const q = Math.trunc(m / maxExpt);
  const r = m % maxExpt;
  // y^m = (y^maxExpt)^q · y^r
  pow2ScaledInto(yHi, yLo, r);
  const y2rHi = outHi;
  const y2rLo = outLo;
  const y2rE = outExp;
  pow2ScaledInto(yHi, yLo, maxExpt);
  const y2mE = outExp;
  pow2ScaledInto(outHi, outLo, q);
  const y2mqE = outExp + y2mE * q;
  mulInto(y2rHi, y2rLo, outHi, outLo);
  frexpInto(outHi, outLo);
  outExp += y2mqE + y2rE + m * yE;
}

/** ((a + b)/(c + d))^m in double-double. */
function pow4D(a: number, b: number, c: number, d: number, m: number): DD {
  if (m <= 0) {
    if (m === 0) return DD_ONE;
    return pow4D(c, d, a, b, -m);
  }
  const num = twoSum(a, b);
  const den = twoSum(c, d);
  if (num.hi === 0) return den.hi === 0 ? { hi: NaN, lo: NaN } : DD_ZERO;
  if (den.hi === 0) return { hi: num.hi < 0 ? -Infinity : Infinity, lo: 0 };
  const x = ddDiv(num, den);
  powInto(x.hi, x.lo, m);
  return { hi: outHi, lo: outLo };
}

/**
 * One-sided Smirnov survival function P(D_n+ >= x) for an integer n >= 1; NaN outside
 * 0 <= x <= 1.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;

  const { alpha, nxFloor: nxfl } = modNX(n, x);
  let n1mxfl = n - nxfl - (alpha === 0 ? 0 : 1);
  let n1mxceil = n - nxfl;
  // When n·x is an integer the last term of either sum is left out.
  if (alpha === 0) {
    n1mxfl -= 1;
    n1mxceil += 1;
  }

  // x <= 1/n: the sum collapses to a single closed form.
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) {
    const t = pow4D(1, x, 1, 0, n - 1).hi;
    return 1 - x * t;
  }
  // The tail is below the smallest subnormal.
  if (-2 * n * x * x < MINLOG) return 0;
  // x >= 1 − 1/n: a single term.
  if (nxfl >= n - 1) return pow4D(1, -x, 1, 0, n).hi;
  // Too many terms to sum: cephes' approximation.
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -Math.pow(6 * n * x + 1, 2) / 18 / n;
    if (logp < -Math.LN2) return Math.exp(logp);
    return 1 - -Math.expm1(logp);
  }

  // The upper sum (which gives the CDF) alternates in sign; it is used only when it has at most a
  // few terms and x is small, where it is the more accurate.
  const nUpperTerms = n - n1mxceil + 1;
  const useUpperSum =
    (nUpperTerms <= 1 && x < 0.5) ||
    (n >= SM_UPPERSUM_MIN_N && nUpperTerms <= SM_UPPER_MAX_TERMS && x <= 0.5 / Math.sqrt(n));

  let start = 0;
  let step = 1;
  let nTerms = n1mxfl + 1;
  const vmid = Math.trunc(n / 2);
  let first: DD;
  if (useUpperSum) {
    start = n;
    step = -1;
    nTerms = n - n1mxceil + 1;
    first = pow4D(1, x, 1, 0, n - 1);
  } else {
    first = ddDivD(pow4D(1, -x, 1, 0, n), x);
  }
  let sumHi = first.hi;
  let sumLo = first.lo;

  // C(n, v) as mantissa · 2^exponent: it overflows a double long before n = 10^6.
  let cHi = 1;
  let cLo = 0;
  let cExpt = 0;
  const updateBinomial = (j: number): void => {
    divDoublesInto(n - j, j + 1);
    mulInto(cHi, cLo, outHi, outLo);
    frexpInto(outHi, outLo);
    cHi = outHi;
    cLo = outLo;
    cExpt += outExp;
  };
  updateBinomial(0);

  for (let j = 1; j < nTerms; j++) {
    const v = start + j * step;
    // A_v = C(n, v) · (1 − x − v/n)^(n−v) · (x + v/n)^(v−1)
    divDoublesInto(n - v, n);
    addDoubleInto(outHi, outLo, -x);
    pow2ScaledInto(outHi, outLo, n - v);
    const t2Hi = outHi;
    const t2Lo = outLo;
    const t2E = outExp;
    divDoublesInto(v, n);
    addDoubleInto(outHi, outLo, x);
    pow2ScaledInto(outHi, outLo, v - 1);
    const t1E = outExp;
    mulInto(outHi, outLo, t2Hi, t2Lo);
    mulInto(outHi, outLo, cHi, cLo);
    const scale = cExpt + t1E + t2E;
    const ajHi = ldexp(outHi, scale);
    const ajLo = ldexp(outLo, scale);
    if (Number.isFinite(ajHi) && ajHi !== 0) {
      // sum += aj, QD's IEEE double-double addition
      const s1 = sumHi + ajHi;
      const bb1 = s1 - sumHi;
      const s2 = sumHi - (s1 - bb1) + (ajHi - bb1);
      const t1 = sumLo + ajLo;
      const bb2 = t1 - sumLo;
      const t2 = sumLo - (t1 - bb2) + (ajLo - bb2);
      const u = s2 + t1;
      const uHi = s1 + u;
      const uLo = u - (uHi - s1) + t2;
      sumHi = uHi + uLo;
      sumLo = uLo - (sumHi - uHi);
    }
    if (ajHi !== 0) {
      // The remaining terms cannot change the sum.
      if (4 * (nTerms - j) * Math.abs(ajHi) < Number.EPSILON * sumHi && j !== nTerms - 1) break;
    } else if (j > vmid) {
      break;
    }
    updateBinomial(j);
  }
  const prob = ddMulD(x, { hi: sumHi, lo: sumLo }).hi;
  const sf = step < 0 ? 1 - prob : prob;
  return Math.min(Math.max(sf, 0), 1);
}
