/**
 * `npm run bench:symbolic`: a symbolic experiment with and without the cache, side by side.
 *  A. same evaluation budget, several seeds, inline evaluation: hit rate,
 *     proposals the cache made free, best fitness;
 *  B. one seed, same proposal budget: what the same amount of search costs
 *     without the cache. (The trajectories are not identical: a full hit
 *     returns the fitted fitness of the first-evaluated member of its class,
 *     and constant fitting depends on how a function is written: 2*x0 has a
 *     constant to fit, x0+x0 has none.)
 *  C. two workers with the cache: in-flight joins.
 * Usage: node dist/bench/symbolic-cache.js [experiment.json] [evaluations] [seeds]
 */
import { loadExperimentFile } from '../src/experiment/load-experiment.js';
import type { ExperimentInput } from '../src/experiment/schema.js';
import type { RunSummary } from '../src/record/summary.js';
import { runSearch } from '../src/search/run-search.js';

const file = process.argv[2] ?? 'experiments/feynman-I.6.2.json';
const evaluations = Number(process.argv[3] ?? 1000);
const seeds = Number(process.argv[4] ?? 5);
const noStop = { maxWallSeconds: undefined, targetFitness: undefined };

async function run(label: string, overrides: Partial<ExperimentInput>): Promise<RunSummary> {
  const s = await runSearch(loadExperimentFile(file, overrides));
  const c = s.cache;
  console.log(
    `${label.padEnd(22)} proposals ${String(s.proposals).padStart(6)}  evaluations ${String(s.evaluations).padStart(6)}  ` +
      `full hits ${String(c.fullHits).padStart(5)}  joins ${String(c.inFlightJoins).padStart(3)}  hit rate ${(100 * c.hitRate).toFixed(1).padStart(5)}%  ` +
      `best ${s.best?.fitness.toFixed(6)}  eval cost ${s.evaluationCost.toFixed(1).padStart(5)} s  wall ${s.wallSeconds.toFixed(1).padStart(5)} s`,
  );
  return s;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`${file}: ${evaluations} evaluations per run\n`);
console.log(`A. same evaluation budget, inline evaluation, seeds 1-${seeds}`);
const on: RunSummary[] = [];
const off: RunSummary[] = [];
for (let seed = 1; seed <= seeds; seed++) {
  on.push(await run(`  seed ${seed} cache on`, { seed, workers: 0, budget: { maxEvaluations: evaluations, ...noStop } }));
  off.push(await run(`  seed ${seed} cache off`, { seed, workers: 0, cache: { enabled: false }, budget: { maxEvaluations: evaluations, ...noStop } }));
}
console.log(`  median: cache on hit rate ${(100 * median(on.map((s) => s.cache.hitRate))).toFixed(1)}%, proposals ${median(on.map((s) => s.proposals))}, best ${median(on.map((s) => s.best!.fitness)).toFixed(6)}; cache off best ${median(off.map((s) => s.best!.fitness)).toFixed(6)}`);

console.log(`\nB. seed 1, same proposals as the cached run (${on[0].proposals})`);
const replay = await run('  cache off', { seed: 1, workers: 0, cache: { enabled: false }, budget: { maxProposals: on[0].proposals, maxEvaluations: undefined, ...noStop } });
console.log(`  -> the cached run paid ${on[0].evaluations} evaluations for ${on[0].proposals} proposals; without the cache they cost ${replay.evaluations} (${((100 * (replay.evaluations - on[0].evaluations)) / replay.evaluations).toFixed(1)}% more)`);

console.log('\nC. seed 1, 2 workers, same evaluation budget');
await run('  cache on', { seed: 1, workers: 2, budget: { maxEvaluations: evaluations, ...noStop } });
await run('  cache off', { seed: 1, workers: 2, cache: { enabled: false }, budget: { maxEvaluations: evaluations, ...noStop } });
