/**
 * Regularized (aging) evolution, Real et al. 2019: tournament-select a parent,
 * mutate it, append the child, drop the oldest. Asynchronous steady state: a
 * result is inserted when it lands, whatever order the workers finish in.
 */
import type { Rng } from '../random/rng.js';
import { mutateUntilValid, randomValid, type Individual, type Proposal, type SearchSpace, type Searcher } from './searcher.js';
import { tournamentSelect } from './tournament.js';

export interface EvolutionSettings {
  populationSize: number;
  tournamentSize: number;
  /** Tries of mutate (or random) before giving up on a valid candidate. */
  maxMutationTries: number;
}

export class RegularizedEvolution<C> implements Searcher<C> {
  private readonly members: Individual<C>[] = [];
  private proposed = 0;
  private observed = 0;

  constructor(
    private readonly space: SearchSpace<C>,
    private readonly settings: EvolutionSettings,
    private readonly rng: Rng,
  ) {}

  propose(): Proposal<C> {
    const outstanding = this.proposed - this.observed;
    this.proposed++;
    // Fill the initial population with random samples; also fall back to them
    // while every early proposal is still in flight.
    if (this.members.length + outstanding < this.settings.populationSize || this.members.length === 0) {
      return { candidate: randomValid(this.space, this.rng, this.settings.maxMutationTries), parentId: null };
    }
    const parent = tournamentSelect(this.members, this.settings.tournamentSize, this.rng);
    return { candidate: mutateUntilValid(this.space, parent.candidate, this.rng, this.settings.maxMutationTries), parentId: parent.id };
  }

  observe(id: number, candidate: C, fitness: number | null): void {
    this.observed++;
    if (fitness === null) return; // failed candidates never become parents
    this.members.push({ id, candidate, fitness });
    if (this.members.length > this.settings.populationSize) this.members.shift();
  }

  population(): readonly Individual<C>[] {
    return this.members;
  }
}
