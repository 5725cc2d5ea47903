/**
 * 1 vs 2 workers on a domain whose evaluation sleeps or spins 20 ms, cache
 * off (every proposal is evaluated), same seed and evaluation budget.
 */
import { runSearch } from '../../src/search/run-search.js';
import { fmt } from './timing.js';
import { domainPath } from './paths.js';

export async function benchWorkerScaling(): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  const evaluations = 100;
  for (const mode of ['sleep', 'spin'] as const) {
    const rates: number[] = [];
    for (const workers of [1, 2]) {
      const summary = await runSearch({
        name: 'scaling',
        domain: domainPath('trivial-domain'),
        domainOptions: { evalMs: 20, mode },
        search: { populationSize: 20, tournamentSize: 5 },
        budget: { maxEvaluations: evaluations },
        cache: { enabled: false },
        workers,
        seed: 1,
      });
      rates.push(summary.evaluationsPerSecond);
      results[`evaluationsPerSecond_${mode}_${workers}w`] = summary.evaluationsPerSecond;
    }
    results[`speedup_${mode}`] = rates[1] / rates[0];
    console.log(`workers, 20 ms ${mode}: 1 worker ${fmt(rates[0], 1)} evals/s, 2 workers ${fmt(rates[1], 1)} evals/s, speed-up x${fmt(rates[1] / rates[0], 2)} (ideal 2, at most ${fmt(1000 / 20)} per worker)`);
  }
  return results;
}
