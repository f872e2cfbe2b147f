/**
 * Double-double arithmetic: a value is the unevaluated sum hi + lo of two doubles, about 106 bits.
 *
 * scipy's one-sided Smirnov survival function (cephes kolmogorov.c, which `kstwo` calls for most of
 * the KS asymptotic p-values) sums up to n binomial terms with n around 10^5–10^6; it keeps each
 * term in double-double so that the rounding of n-th powers does not eat the digits. This is the
 * subset of the QD library (Hida, Li & Bailey) it needs outside its hot loop (which smirnov.ts
 * spells out on plain numbers), on the standard error-free transformations: Knuth's two-sum and
 * Dekker's two-product with Veltkamp splitting (JavaScript has no fused multiply-add).
 */

export interface DD {
  readonly hi: number;
  readonly lo: number;
}

export const DD_ZERO: DD = { hi: 0, lo: 0 };
export const DD_ONE: DD = { hi: 1, lo: 0 };

const SPLITTER = 134217729; // 2^27 + 1

/** a + b exactly, when |a| >= |b|. */
function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return { hi: s, lo: b - (s - a) };
}

/** a + b exactly, as a double-double. */
export function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return { hi: s, lo: a - (s - bb) + (b - bb) };
}

function twoDiff(a: number, b: number): DD {
  const s = a - b;
  const bb = s - a;
  return { hi: s, lo: a - (s - bb) - (b + bb) };
}

/** a · b exactly, as a double-double. */
export function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return { hi: p, lo: ah * bh - p + ah * bl + al * bh + al * bl };
}

export function ddAdd(a: DD, b: DD): DD {
  const s = twoSum(a.hi, b.hi);
  const t = twoSum(a.lo, b.lo);
  const u = quickTwoSum(s.hi, s.lo + t.hi);
  return quickTwoSum(u.hi, u.lo + t.lo);
}

export function ddAddD(a: DD, b: number): DD {
  const s = twoSum(a.hi, b);
  return quickTwoSum(s.hi, s.lo + a.lo);
}

/** a · b for a double a. */
export function ddMulD(a: number, b: DD): DD {
  const p = twoProd(a, b.hi);
  return quickTwoSum(p.hi, p.lo + a * b.lo);
}

/** a / b for a double b. */
export function ddDivD(a: DD, b: number): DD {
  const q1 = a.hi / b;
  const p = twoProd(q1, b);
  const s = twoDiff(a.hi, p.hi);
  const e = s.lo + a.lo - p.lo;
  const q2 = (s.hi + e) / b;
  return quickTwoSum(q1, q2);
}

/** a / b, three correction steps (QD's accurate division). */
export function ddDiv(a: DD, b: DD): DD {
  const q1 = a.hi / b.hi;
  let r = ddAdd(a, ddMulD(-q1, b));
  const q2 = r.hi / b.hi;
  r = ddAdd(r, ddMulD(-q2, b));
  const q3 = r.hi / b.hi;
  return ddAddD(quickTwoSum(q1, q2), q3);
}

export function ddFloor(a: DD): DD {
  const hi = Math.floor(a.hi);
  if (hi !== a.hi) return { hi, lo: 0 };
  return quickTwoSum(hi, Math.floor(a.lo));
}

/** 2^k for k = −1022..1023 (exact), indexed by k + 1022. */
const POW2 = Float64Array.from({ length: 2046 }, (_, i) => 2 ** (i - 1022));

/** x · 2^e without intermediate overflow or premature underflow. */
export function ldexp(x: number, e: number): number {
  if (e >= -1022 && e <= 1023) return x * POW2[e + 1022]!;
  let y = x;
  let k = e;
  while (k > 1023) {
    y *= POW2[2045]!;
    k -= 1023;
  }
  while (k < -1022) {
    y *= POW2[0]!;
    k += 1022;
    if (y === 0) return y;
  }
  return y * POW2[k + 1022]!;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// Index of the 32-bit word holding the sign and exponent (platform byte order).
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** The exponent frexp would return for x (0 for 0, ±∞ and NaN), without allocating. */
export function frexpExponent(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return 0;
  F64[0] = x;
  const biased = (U32[HIGH]! >>> 20) & 0x7ff;
  if (biased !== 0) return biased - 1022;
  // Subnormal: scale into the normal range first.
  F64[0] = x * 2 ** 64;
  return ((U32[HIGH]! >>> 20) & 0x7ff) - 1022 - 64;
}
