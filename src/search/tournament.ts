import type { Rng } from '../random/rng.js';
import type { Individual } from './searcher.js';

/**
 * Tournament selection: the fittest of `size` individuals drawn without
 * replacement (with replacement only when the population is smaller).
 * Ties go to the earliest drawn, which keeps the choice a pure function of the rng.
 * `fitness`, when given, holds population[i].fitness at i: a packed array of
 * numbers is read without touching each individual (cache misses on large populations).
 * `chosen` is scratch space a caller may keep across calls (overwritten here), so a tournament allocates nothing.
 */
export function tournamentSelect<C>(population: readonly Individual<C>[], size: number, rng: Rng, fitness?: ArrayLike<number>, chosen: number[] = []): Individual<C> {
  const n = population.length;
  if (n === 0) throw new Error('tournament on an empty population');
  const fitnessAt = (i: number): number => (fitness === undefined ? population[i].fitness : fitness[i]);
  let best = -1;
  let bestFitness = 0;
  if (size >= n) {
    for (let i = 0; i < n; i++) {
      const f = fitnessAt(i);
      if (best < 0 || f > bestFitness) {
        best = i;
        bestFitness = f;
      }
    }
    return population[best];
  }
  // Floyd's algorithm: `size` distinct indices in O(size) draws. Tournaments are small:
  // a linear scan of an array beats a Set here (no hashing). Written by index, not emptied
  // with length = 0, which would free the scratch array's storage every time.
  let drawn = 0;
  for (let j = n - size; j < n; j++) {
    const t = rng.int(j + 1);
    let taken = false;
    for (let k = 0; k < drawn && !taken; k++) taken = chosen[k] === t;
    const index = taken ? j : t;
    chosen[drawn++] = index;
    const f = fitnessAt(index);
    if (best < 0 || f > bestFitness) {
      best = index;
      bestFitness = f;
    }
  }
  return population[best];
}
