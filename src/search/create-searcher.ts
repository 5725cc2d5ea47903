import type { Rng } from '../random/rng.js';
import { Elitism } from './elitism.js';
import { RandomSearch } from './random-search.js';
import { RegularizedEvolution, type EvolutionSettings } from './regularized-evolution.js';
import type { SearchSpace, Searcher } from './searcher.js';

export const SEARCH_ALGORITHMS = ['regularized-evolution', 'elitism', 'random'] as const;
export type SearchAlgorithm = (typeof SEARCH_ALGORITHMS)[number];

export interface SearchSettings extends EvolutionSettings {
  algorithm: SearchAlgorithm;
}

export function createSearcher<C>(space: SearchSpace<C>, settings: SearchSettings, rng: Rng): Searcher<C> {
  switch (settings.algorithm) {
    case 'regularized-evolution':
      return new RegularizedEvolution(space, settings, rng);
    case 'elitism':
      return new Elitism(space, settings, rng);
    case 'random':
      return new RandomSearch(space, settings.maxMutationTries, rng);
  }
}
