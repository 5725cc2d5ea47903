/**
 * Elitist evolution: the population is the `populationSize` fittest
 * individuals seen so far (ties keep the older one); parents come from a
 * tournament among them. Greedier than aging evolution, useful on smooth spaces.
 */
import type { Rng } from '../random/rng.js';
import type { EvolutionSettings } from './regularized-evolution.js';
import { mutateUntilValid, randomValid, type Individual, type Proposal, type SearchSpace, type Searcher } from './searcher.js';
import { tournamentSelect } from './tournament.js';

export class Elitism<C> implements Searcher<C> {
  /** Sorted by fitness, best first. */
  private readonly elite: Individual<C>[] = [];
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
    if (this.elite.length + outstanding < this.settings.populationSize || this.elite.length === 0) {
      return { candidate: randomValid(this.space, this.rng, this.settings.maxMutationTries), parentId: null };
    }
    const parent = tournamentSelect(this.elite, this.settings.tournamentSize, this.rng);
    return { candidate: mutateUntilValid(this.space, parent.candidate, this.rng, this.settings.maxMutationTries), parentId: parent.id };
  }

  observe(id: number, candidate: C, fitness: number | null): void {
    this.observed++;
    if (fitness === null) return;
    const full = this.elite.length >= this.settings.populationSize;
    if (full && fitness <= this.elite[this.elite.length - 1].fitness) return;
    let at = this.elite.length;
    while (at > 0 && this.elite[at - 1].fitness < fitness) at--;
    this.elite.splice(at, 0, { id, candidate, fitness });
    if (this.elite.length > this.settings.populationSize) this.elite.pop();
  }

  population(): readonly Individual<C>[] {
    return this.elite;
  }
}
