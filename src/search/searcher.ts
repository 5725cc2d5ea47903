/**
 * What a searcher is: something that proposes candidates and learns from
 * their fitness. Searchers know the search space only through `SearchSpace`
 * (sample, mutate, check) and nothing about hashing, caches or workers.
 */
import type { Rng } from '../random/rng.js';

export interface SearchSpace<C> {
  random(rng: Rng): C;
  mutate(candidate: C, rng: Rng): C;
  /** null when valid, else why not. */
  validate?(candidate: unknown): string | null;
  normalize?(candidate: C): C;
}

export interface Proposal<C> {
  candidate: C;
  /** Id of the individual it was mutated from; null for random samples. */
  parentId: number | null;
}

export interface Individual<C> {
  id: number;
  candidate: C;
  fitness: number;
}

export interface Searcher<C> {
  propose(): Proposal<C>;
  /** A proposal's outcome: its fitness, or null when its evaluation failed. */
  observe(id: number, candidate: C, fitness: number | null): void;
  /** The individuals a new proposal may descend from, for inspection and tests. */
  population(): readonly Individual<C>[];
  /** Rebuilds the population of a resumed run from its settled individuals, oldest first. */
  restore(individuals: readonly Individual<C>[]): void;
}

export class SearchSpaceError extends Error {
  override name = 'SearchSpaceError';
}

/** Applies `mutate` until the child is valid, as the NAS-Bench-101 and AutoML-Zero searches do. */
export function mutateUntilValid<C>(space: SearchSpace<C>, parent: C, rng: Rng, maxTries: number): C {
  let lastProblem = '';
  for (let attempt = 0; attempt < maxTries; attempt++) {
    const child = space.mutate(parent, rng);
    const problem = space.validate ? space.validate(child) : null;
    if (problem === null) return space.normalize ? space.normalize(child) : child;
    lastProblem = problem;
  }
  throw new SearchSpaceError(`mutation produced no valid child in ${maxTries} tries (last problem: ${lastProblem})`);
}

/** Samples until valid; domains whose `random` is always valid pass on the first try. */
export function randomValid<C>(space: SearchSpace<C>, rng: Rng, maxTries: number): C {
  let lastProblem = '';
  for (let attempt = 0; attempt < maxTries; attempt++) {
    const candidate = space.random(rng);
    const problem = space.validate ? space.validate(candidate) : null;
    if (problem === null) return space.normalize ? space.normalize(candidate) : candidate;
    lastProblem = problem;
  }
  throw new SearchSpaceError(`random sampling produced no valid candidate in ${maxTries} tries (last problem: ${lastProblem})`);
}
