/**
 * Regularized (aging) evolution, Real et al. 2019: tournament-select a parent,
 * mutate it, append the child, drop the oldest. Asynchronous steady state: a
 * result is inserted when it lands, whatever order the workers finish in.
 */
import { PopulationSearcher } from './population-searcher.js';
import type { Individual } from './searcher.js';

export type { EvolutionSettings } from './population-searcher.js';

export class RegularizedEvolution<C> extends PopulationSearcher<C> {
  private readonly members: Individual<C>[] = [];
  /** members[i].fitness at i. */
  private readonly fitness: number[] = [];

  population(): readonly Individual<C>[] {
    return this.members;
  }

  protected override fitnesses(): ArrayLike<number> {
    return this.fitness;
  }

  protected insert(individual: Individual<C>): void {
    this.members.push(individual);
    this.fitness.push(individual.fitness);
    if (this.members.length > this.settings.populationSize) {
      this.members.shift();
      this.fitness.shift();
    }
  }
}
