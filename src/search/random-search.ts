/** Random search: every proposal an independent sample. The baseline any searcher must beat. */
import type { Rng } from '../random/rng.js';
import { randomValid, type Individual, type Proposal, type SearchSpace, type Searcher } from './searcher.js';

export class RandomSearch<C> implements Searcher<C> {
  private best: Individual<C> | undefined;

  constructor(
    private readonly space: SearchSpace<C>,
    private readonly maxTries: number,
    private readonly rng: Rng,
  ) {}

  propose(): Proposal<C> {
    return { candidate: randomValid(this.space, this.rng, this.maxTries), parentId: null };
  }

  observe(id: number, candidate: C, fitness: number | null): void {
    if (fitness !== null && (!this.best || fitness > this.best.fitness)) this.best = { id, candidate, fitness };
  }

  restore(individuals: readonly Individual<C>[]): void {
    for (const { id, candidate, fitness } of individuals) this.observe(id, candidate, fitness);
  }

  population(): readonly Individual<C>[] {
    return this.best ? [this.best] : [];
  }
}
