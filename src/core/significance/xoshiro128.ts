/**
 * The bootstrap's random numbers: xoshiro128** (Blackman & Vigna 2018, the reference C code at
 * prng.di.unimi.it/xoshiro128starstar.c), seeded from one integer through SplitMix64 (Steele, Lea
 * & Flood 2014, prng.di.unimi.it/splitmix64.c), as Vigna recommends: the first SplitMix64 output
 * gives s[0] (low 32 bits) and s[1] (high), the second s[2] and s[3].
 *
 * Why this one: 32-bit integer operations only (Math.imul, shifts), so it is fast in JavaScript
 * and bit-for-bit the same on every machine and Node version; Math.random can't be seeded.
 *
 * Bounded integers use Lemire's multiply-shift with rejection ("Fast random integer generation in
 * an interval", 2019): exactly uniform, with the 64-bit product computed exactly in doubles.
 */

const TWO_32 = 4294967296;
const INV_TWO_32 = 1 / TWO_32;
/** Up to this bound, x·bound (x < 2^32) stays below 2^53: exact in a double. */
const EXACT_BOUND = 2 ** 21;
const MASK_64 = (1n << 64n) - 1n;

/** One SplitMix64 step: the next state and its output. */
export function splitMix64(state: bigint): { state: bigint; output: bigint } {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK_64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK_64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK_64;
  return { state: next, output: z ^ (z >> 31n) };
}

export class Xoshiro128StarStar {
  // Held as int32 (what Math.imul and the bit operators produce); outputs are made unsigned.
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds through SplitMix64. `seed` is a non-negative safe integer or a bigint (taken mod 2^64). */
  static fromSeed(seed: number | bigint): Xoshiro128StarStar {
    if (typeof seed === 'number' && !(Number.isSafeInteger(seed) && seed >= 0)) {
      throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
    }
    const first = splitMix64(BigInt.asUintN(64, BigInt(seed)));
    const second = splitMix64(first.state);
    return new Xoshiro128StarStar(
      Number(first.output & 0xffffffffn),
      Number(first.output >> 32n),
      Number(second.output & 0xffffffffn),
      Number(second.output >> 32n),
    );
  }

  /** The raw state, for test vectors. Not all zero. */
  constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) {
      throw new RangeError('xoshiro128** state must not be all zero');
    }
  }

  /** The next output, an unsigned 32-bit integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const s2 = this.s2 ^ this.s0;
    const s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 ^= s3;
    this.s2 = s2 ^ t;
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /**
   * One bootstrap resample: `counts.length` draws of a record in [0, counts.length), each
   * counted into `counts` (zeroed first). Exactly `below(counts.length)` that many times, with
   * the generator's state in locals: this loop runs 200k × 1000 times per evaluation.
   */
  drawCounts(counts: Int32Array): void {
    const bound = counts.length;
    counts.fill(0);
    if (bound > EXACT_BOUND) {
      for (let i = 0; i < bound; i++) counts[this.below(bound)]!++;
      return;
    }
    const threshold = (TWO_32 - bound) % bound;
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let i = 0; i < bound; i++) {
      let index: number;
      for (;;) {
        const product = Math.imul(s1, 5);
        const x = Math.imul((product << 7) | (product >>> 25), 9) >>> 0;
        const t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        const m = x * bound;
        const high = (m * INV_TWO_32) | 0;
        if (m - high * TWO_32 >= threshold) {
          index = high;
          break;
        }
      }
      counts[index]!++;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** Uniform integer in [0, bound), bound an integer in [1, 2^32). */
  below(bound: number): number {
    // Lemire: the high 32 bits of x·bound, rejecting the few low parts that would bias it
    // (low < (2^32 − bound) mod bound, which can only happen when low < bound).
    if (bound <= EXACT_BOUND) {
      // x·bound < 2^53 is exact in a double, and so is its scaling by 2^−32; `| 0` truncates
      // (Math.floor is far slower in V8 on some CPUs, and the value fits an int32).
      let m = this.nextUint32() * bound;
      let high = (m * INV_TWO_32) | 0;
      let low = m - high * TWO_32;
      if (low < bound) {
        const threshold = (TWO_32 - bound) % bound;
        while (low < threshold) {
          m = this.nextUint32() * bound;
          high = (m * INV_TWO_32) | 0;
          low = m - high * TWO_32;
        }
      }
      return high;
    }
    let x = this.nextUint32();
    let low = Math.imul(x, bound) >>> 0; // exact low 32 bits of the 64-bit product
    if (low < bound) {
      const threshold = (TWO_32 - bound) % bound;
      while (low < threshold) {
        x = this.nextUint32();
        low = Math.imul(x, bound) >>> 0;
      }
    }
    // x·bound (< 2^64) rounded to a double is off by at most 2^11, and x·bound − low is a
    // multiple of 2^32, so rounding the quotient recovers the high part exactly.
    return Math.round((x * bound - low) / TWO_32);
  }
}
