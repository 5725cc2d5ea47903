/** A choice among weighted options with one uniform draw (the last option absorbs rounding). */
import type { Rng } from './rng.js';

export function pickWeighted<T>(options: ReadonlyArray<readonly [number, T]>, rng: Rng): T {
  let u = rng.next();
  for (const [p, value] of options) {
    if (u < p) return value;
    u -= p;
  }
  return options[options.length - 1][1];
}
