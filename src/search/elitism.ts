/**
 * Elitist evolution: the population is the `populationSize` fittest
 * individuals seen so far (ties keep the older one); parents come from a
 * tournament among them. Greedier than aging evolution, useful on smooth spaces.
 */
import { PopulationSearcher } from './population-searcher.js';
import type { Individual } from './searcher.js';

export class Elitism<C> extends PopulationSearcher<C> {
  /** Sorted by fitness, best first. */
  private readonly elite: Individual<C>[] = [];

  population(): readonly Individual<C>[] {
    return this.elite;
  }

  protected insert(individual: Individual<C>): void {
    const full = this.elite.length >= this.settings.populationSize;
    if (full && individual.fitness <= this.elite[this.elite.length - 1].fitness) return;
    let at = this.elite.length;
    while (at > 0 && this.elite[at - 1].fitness < individual.fitness) at--;
    this.elite.splice(at, 0, individual);
    if (this.elite.length > this.settings.populationSize) this.elite.pop();
  }
}
