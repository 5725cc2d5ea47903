/**
 * The AutoML-Zero demo through the engine's CLI: for each worker count and
 * cache setting, seeds 1..N, one run at a time; prints individuals (engine
 * proposals) per second, evaluations per second, hit rate and time to the
 * target fitness, with median/min/max over seeds.
 *
 *   npm run build && npx tsx bench/automl-zero/engine-search.ts
 *       [--experiment experiments/automl-zero-linear.json] [--seeds 5] [--workers 0,1,2]
 *       [--max-seconds 60] [--cache both|on|off] [--out .bench-out/az-engine]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    experiment: { type: 'string', default: 'experiments/automl-zero-linear.json' },
    seeds: { type: 'string', default: '5' },
    workers: { type: 'string', default: '0,1,2' },
    'max-seconds': { type: 'string', default: '60' },
    cache: { type: 'string', default: 'both' },
    out: { type: 'string', default: '.bench-out/az-engine' },
  },
});

interface Summary {
  evaluations: number;
  proposals: number;
  wallSeconds: number;
  probeSeconds?: number;
  evaluationCost?: number;
  stopReason: string;
  cache: { hitRate: number };
  best: { fitness: number; description?: string };
}

const outDir = resolve(values.out!);
mkdirSync(outDir, { recursive: true });
// A copy of the experiment with the wall-clock cap of this benchmark; a relative domain path stays valid.
const experiment = JSON.parse(readFileSync(values.experiment!, 'utf8')) as Record<string, unknown> & { budget: Record<string, unknown>; domain: string };
experiment.budget = { ...experiment.budget, maxWallSeconds: Number(values['max-seconds']) };
if (experiment.domain.startsWith('.')) experiment.domain = resolve(values.experiment!, '..', experiment.domain);
const experimentPath = join(outDir, 'experiment.json');
writeFileSync(experimentPath, JSON.stringify(experiment, null, 2));

const stats = (xs: number[]): string => {
  if (xs.length === 0) return 'n/a';
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  const f = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));
  return `median ${f(median)} (min ${f(s[0])}, max ${f(s[s.length - 1])})`;
};

const cacheModes = values.cache === 'both' ? [true, false] : [values.cache === 'on'];
const lines: string[] = [];
for (const workers of values.workers!.split(',').map(Number)) {
  for (const cache of cacheModes) {
    const runs: Summary[] = [];
    for (let seed = 1; seed <= Number(values.seeds); seed++) {
      const dir = join(outDir, `w${workers}-${cache ? 'cache' : 'nocache'}-s${seed}`);
      const args = ['bin/deja.js', 'run', experimentPath, '--out', dir, '--force', '--seed', String(seed), '--workers', String(workers)];
      // In memory: the command line's default cache file would carry entries from one run to the next.
      args.push(...(cache ? ['--cache-store', 'memory'] : ['--no-cache']));
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
      if (r.status !== 0) throw new Error(`deja run failed (${r.status}): ${r.stderr}`);
      const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
      runs.push(s);
      console.log(
        `workers ${workers} cache ${cache ? 'on ' : 'off'} seed ${seed}: ${Math.round(s.proposals / s.wallSeconds)} ind/s, ` +
          `${Math.round(s.evaluations / s.wallSeconds)} evals/s, hit rate ${s.cache.hitRate.toFixed(3)}, ` +
          `${s.stopReason} after ${s.wallSeconds.toFixed(2)} s (${s.proposals} individuals), best ${s.best.fitness.toFixed(6)}` +
          (s.probeSeconds !== undefined ? `, probe ${s.probeSeconds.toFixed(2)} s, evaluation ${s.evaluationCost?.toFixed(2)} s` : ''),
      );
    }
    const reached = runs.filter((s) => s.stopReason === 'target-fitness');
    const line =
      `workers ${workers}, cache ${cache ? 'on ' : 'off'}: ind/s ${stats(runs.map((s) => s.proposals / s.wallSeconds))}; ` +
      `evals/s ${stats(runs.map((s) => s.evaluations / s.wallSeconds))}; hit rate ${stats(runs.map((s) => s.cache.hitRate))}; ` +
      `time to target ${reached.length}/${runs.length} reached, s: ${stats(reached.map((s) => s.wallSeconds))}`;
    lines.push(line);
    console.log(line);
  }
}
console.log('\nsummary');
for (const line of lines) console.log(line);
