import type { Rng } from '../random/rng.js';
import type { Individual } from './searcher.js';

/**
 * Tournament selection: the fittest of `size` individuals drawn without
 * replacement (with replacement only when the population is smaller).
 * Ties go to the earliest drawn, which keeps the choice a pure function of the rng.
 */
export function tournamentSelect<C>(population: readonly Individual<C>[], size: number, rng: Rng): Individual<C> {
  const n = population.length;
  if (n === 0) throw new Error('tournament on an empty population');
  if (size >= n) {
    let best = population[0];
    for (const ind of population) if (ind.fitness > best.fitness) best = ind;
    return best;
  }
  // Floyd's algorithm: `size` distinct indices in O(size) draws. Tournaments are small:
  // a linear scan of an array beats a Set here (no hashing, one small allocation).
  const chosen: number[] = [];
  let best: Individual<C> | undefined;
  for (let j = n - size; j < n; j++) {
    const t = rng.int(j + 1);
    const index = chosen.includes(t) ? j : t;
    chosen.push(index);
    const ind = population[index];
    if (!best || ind.fitness > best.fitness) best = ind;
  }
  return best!;
}
