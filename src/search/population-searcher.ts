/**
 * What regularized evolution and elitism share: fill the population with
 * random samples, then propose mutated tournament winners. Subclasses decide
 * only which individuals stay in the population.
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

export abstract class PopulationSearcher<C> implements Searcher<C> {
  private proposed = 0;
  private observed = 0;
  /** Scratch for tournaments (the indices drawn). */
  private readonly drawn: number[] = [];

  constructor(
    protected readonly space: SearchSpace<C>,
    protected readonly settings: EvolutionSettings,
    protected readonly rng: Rng,
  ) {}

  abstract population(): readonly Individual<C>[];

  /** Adds a successfully evaluated individual, dropping whoever leaves the population. */
  protected abstract insert(individual: Individual<C>): void;

  /** The population's fitness values in a packed array, when a subclass keeps one (faster tournaments). */
  protected fitnesses(): ArrayLike<number> | undefined {
    return undefined;
  }

  propose(): Proposal<C> {
    const outstanding = this.proposed - this.observed;
    this.proposed++;
    const members = this.population();
    // Random samples until the population (counting proposals in flight) is full,
    // and also while every early proposal is still in flight.
    if (members.length + outstanding < this.settings.populationSize || members.length === 0) {
      return { candidate: randomValid(this.space, this.rng, this.settings.maxMutationTries), parentId: null };
    }
    const parent = tournamentSelect(members, this.settings.tournamentSize, this.rng, this.fitnesses(), this.drawn);
    return { candidate: mutateUntilValid(this.space, parent.candidate, this.rng, this.settings.maxMutationTries), parentId: parent.id };
  }

  restore(individuals: readonly Individual<C>[]): void {
    for (const individual of individuals) this.insert(individual);
  }

  observe(id: number, candidate: C, fitness: number | null): void {
    this.observed++;
    if (fitness !== null) this.insert({ id, candidate, fitness }); // failed candidates never become parents
  }
}
