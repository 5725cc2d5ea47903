import type { Rng } from './rng.js';

/** Fisher-Yates with our generator: the permutation of 0..n-1 depends on the seed alone (never Math.random). */
export function seededPermutation(n: number, rng: Rng): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
