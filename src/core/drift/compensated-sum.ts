/**
 * Neumaier's compensated summation. numpy sums pairwise (error growing like log n); summing with
 * a running compensation is at least as accurate, so results agree with numpy's to the rounding
 * of the final value whatever the order of the terms.
 */
export function compensatedSum(values: ArrayLike<number>): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    const t = sum + x;
    if (Math.abs(sum) >= Math.abs(x)) compensation += sum - t + x;
    else compensation += x - t + sum;
    sum = t;
  }
  // An infinite term makes the compensation NaN; the plain sum is then the answer.
  return Number.isFinite(sum) ? sum + compensation : sum;
}
