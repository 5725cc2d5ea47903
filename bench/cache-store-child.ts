/** One search on a shared cache file, for bench/cache-store.ts: `node cache-store-child.js DB OUT SEED`. */
import { runSearch } from '../src/search/run-search.js';
import { domainPath } from './core/paths.js';

const [db, outDir, seed] = process.argv.slice(2);
await runSearch(
  {
    name: 'store-bench-two',
    domain: domainPath('trivial-domain'),
    // 2 ms evaluations (sleeping: I/O-like), 400 functions: both runs meet the same functions while they are in flight.
    domainOptions: { classes: 400, evalMs: 2, mode: 'sleep' },
    search: { populationSize: 50, tournamentSize: 5 },
    budget: { maxEvaluations: 300 },
    cache: { store: db },
    workers: 0,
    seed: Number(seed),
  },
  { outDir },
);
