/**
 * What checkpoints cost a run that records no candidates: the AutoML-Zero demo
 * (experiments/automl-zero-linear.json, population 1000) run side by side with
 * checkpoints every second and with the default (every 30 s, i.e. only at the
 * end of this short run), same seed and evaluation budget; plus the time and
 * size of one checkpoint of the final population.
 *
 *   npm run build && node dist/bench/reliability/checkpoint-cost.js [evaluations]
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeCheckpoint } from '../../src/record/checkpoint.js';
import { runSearch } from '../../src/search/run-search.js';

const evaluations = Number(process.argv[2] ?? 100_000);
const experiment = JSON.parse(readFileSync(new URL('../../../experiments/automl-zero-linear.json', import.meta.url), 'utf8'));

async function timedRun(checkpointSeconds: number): Promise<{ seconds: number; evaluationsPerSecond: number; dir: string }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'deja-checkpoint-bench-')), 'run');
  const config = { ...experiment, budget: { maxEvaluations: evaluations }, record: { candidates: false, checkpointSeconds } };
  const summary = await runSearch(config, { outDir: dir });
  return { seconds: summary.wallSeconds, evaluationsPerSecond: summary.evaluationsPerSecond, dir };
}

// Alternate, so drift on a shared machine hits both alike.
const every1: number[] = [];
const every30: number[] = [];
let lastDir = '';
for (let round = 0; round < 3; round++) {
  const a = await timedRun(1);
  const b = await timedRun(30);
  every1.push(a.evaluationsPerSecond);
  every30.push(b.evaluationsPerSecond);
  lastDir = a.dir;
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const checkpoint = JSON.parse(readFileSync(join(lastDir, 'checkpoint.json'), 'utf8'));
const times: number[] = [];
for (let i = 0; i < 20; i++) {
  const start = performance.now();
  writeCheckpoint(lastDir, checkpoint);
  times.push(performance.now() - start);
}
const result = {
  evaluations,
  evaluationsPerSecond: { checkpointEvery1s: median(every1), checkpointEvery30s: median(every30) },
  ratio: median(every1) / median(every30),
  oneCheckpoint: { ms: median(times), bytes: statSync(join(lastDir, 'checkpoint.json')).size, population: checkpoint.population.length },
};
console.log(JSON.stringify(result, null, 2));
