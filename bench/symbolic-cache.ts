/**
 * `npm run bench:symbolic`: a symbolic experiment with and without the cache,
 * same seed, side by side.
 *  A. same evaluation budget: what the cache buys in search progress;
 *  B. one worker, same proposal budget: what the same search costs without the
 *     cache. (The trajectories are not identical: a full hit returns the fitted
 *     fitness of the first-evaluated member of its class, and constant fitting
 *     depends on how a function is written, e.g. 2*x0 has a constant to fit and
 *     x0+x0 has none.)
 *  C. two workers with the cache: in-flight joins.
 * Usage: node dist/bench/symbolic-cache.js [experiment.json] [evaluations]
 */
import { loadExperimentFile } from '../src/experiment/load-experiment.js';
import type { RunSummary } from '../src/record/summary.js';
import { runSearch } from '../src/search/run-search.js';

const file = process.argv[2] ?? 'experiments/feynman-I.6.2.json';
const evaluations = Number(process.argv[3] ?? 3000);

async function run(label: string, overrides: Parameters<typeof loadExperimentFile>[1]): Promise<RunSummary> {
  const experiment = loadExperimentFile(file, overrides);
  const s = await runSearch(experiment);
  const c = s.cache;
  console.log(
    `${label.padEnd(34)} proposals ${String(s.proposals).padStart(6)}  evaluations ${String(s.evaluations).padStart(6)}  ` +
      `misses ${String(c.misses).padStart(5)} full hits ${String(c.fullHits).padStart(5)} joins ${String(c.inFlightJoins).padStart(3)}  hit rate ${(100 * c.hitRate).toFixed(1).padStart(5)}%  ` +
      `best ${s.best?.fitness.toFixed(8)}  wall ${s.wallSeconds.toFixed(1)} s`,
  );
  return s;
}

console.log(`${file}: seed from the file, budget ${evaluations} evaluations\n`);
console.log('A. same evaluation budget, 1 worker');
const cached = await run('  cache on', { workers: 1, budget: { maxEvaluations: evaluations, maxWallSeconds: undefined, targetFitness: undefined } });
await run('  cache off', { workers: 1, cache: { enabled: false }, budget: { maxEvaluations: evaluations, maxWallSeconds: undefined, targetFitness: undefined } });
console.log(`\nB. same proposals (${cached.proposals}), 1 worker`);
const replay = await run('  cache off', { workers: 1, cache: { enabled: false }, budget: { maxProposals: cached.proposals, maxEvaluations: undefined, maxWallSeconds: undefined, targetFitness: undefined } });
console.log(`  -> the cache saved ${replay.evaluations - cached.evaluations} of ${replay.evaluations} evaluations (${((100 * (replay.evaluations - cached.evaluations)) / replay.evaluations).toFixed(1)}%), wall time x${(replay.wallSeconds / cached.wallSeconds).toFixed(2)}`);
console.log('\nC. same evaluation budget, 2 workers');
await run('  cache on', { workers: 2, budget: { maxEvaluations: evaluations, maxWallSeconds: undefined, targetFitness: undefined } });
await run('  cache off', { workers: 2, cache: { enabled: false }, budget: { maxEvaluations: evaluations, maxWallSeconds: undefined, targetFitness: undefined } });
