/**
 * scipy.special.rel_entr(x, y): x·ln(x/y) for x, y > 0; 0 for x = 0, y >= 0; ∞ otherwise — the
 * summand of the KL divergence and of Jensen-Shannon.
 */
export function relEntr(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/** p / Σp, as scipy normalizes its inputs (entropy, jensenshannon). */
export function normalized(p: Float64Array, sum: number): Float64Array {
  return p.map((x) => x / sum);
}
