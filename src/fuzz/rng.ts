// Reproducible randomness for the fuzzer: every program is generated from its own generator,
// seeded from (run seed, program index), so `--seed S --index I` regenerates program I alone.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

type Gen = ReturnType<typeof xoroshiro128plus>;

export class Rng {
  private readonly g: Gen;
  constructor(seed: number, index = 0) {
    // golden-ratio spread so neighbouring indices do not give correlated streams
    this.g = xoroshiro128plus((seed ^ Math.imul(index + 1, 0x9e3779b1)) | 0);
  }
  /** Integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return uniformInt(this.g, lo, hi);
  }
  /** true with probability p. */
  chance(p: number): boolean {
    return this.int(0, 9999) < p * 10000;
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('Rng.pick on an empty list');
    return xs[this.int(0, xs.length - 1)];
  }
  /** Weighted choice: [weight, value] pairs, weights > 0. */
  weighted<T>(xs: readonly (readonly [number, T])[]): T {
    const total = xs.reduce((s, [w]) => s + w, 0);
    let r = this.int(0, total - 1);
    for (const [w, v] of xs) {
      if (r < w) return v;
      r -= w;
    }
    return (xs[xs.length - 1])[1];
  }
}
