/**
 * Individuals per CPU-second and per wall-second of this build against
 * another build (or another program's published figures), side by side:
 * runs alternate between the two builds, seed by seed, so both see the same
 * machine load. No target fitness: each run does a fixed amount of work
 * (`--individuals`; on a loaded machine a wall-clock window buys so little CPU
 * that start-up dominates) or fills a window (`--seconds`). A build that
 * reproduces the other's trajectory runs the very same individuals. CPU time
 * is the whole process's (user + system, all threads: JIT, GC, workers;
 * start-up included).
 *
 * With `--cpp <launcher script>` the other side is the C++ original (cpp-run.ts:
 * one experiment of `--individuals` individuals, its CPU time from
 * /usr/bin/time); its trajectory is its own, so compare medians over seeds.
 *
 *   npm run build && node dist/bench/automl-zero/side-by-side.js [--against ../other-deja | --cpp path/run_demo_local.sh]
 *       [--experiment experiments/automl-zero-linear.json] [--seeds 1,2,3] [--individuals 150000 | --seconds 20]
 *       [--cache both|on|off] [--workers 0] [--out .bench-out/az-side]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { cppRun } from './cpp-run.js';
import { measuredRun, median, type MeasuredRun } from './measured-run.js';

const { values } = parseArgs({
  options: {
    against: { type: 'string' },
    cpp: { type: 'string' },
    experiment: { type: 'string', default: 'experiments/automl-zero-linear.json' },
    seeds: { type: 'string', default: '1,2,3' },
    individuals: { type: 'string' },
    seconds: { type: 'string', default: '20' },
    cache: { type: 'string', default: 'both' },
    workers: { type: 'string', default: '0' },
    out: { type: 'string', default: '.bench-out/az-side' },
  },
});

const here = resolve('.'); // run from the checkout's root, as the usage line says
if (values.cpp && (values.against || !values.individuals)) throw new Error('--cpp replaces --against and needs --individuals (the original has no time window)');
const otherName = values.cpp ? 'C++' : 'other';
const otherDir = values.cpp ?? values.against;
const builds = otherDir ? [{ name: 'this', dir: here }, { name: otherName, dir: resolve(otherDir) }] : [{ name: 'this', dir: here }];
const experiment = JSON.parse(readFileSync(values.experiment!, 'utf8')) as Record<string, unknown> & { budget: Record<string, unknown> };
experiment.budget = values.individuals ? { maxProposals: Number(values.individuals) } : { maxWallSeconds: Number(values.seconds) };
const seeds = values.seeds!.split(',').map(Number);
const workers = Number(values.workers);
const cacheModes = values.cache === 'both' ? [true, false] : [values.cache === 'on'];
const perCpu = (r: MeasuredRun): number => r.proposals / r.cpuSeconds;
const perWall = (r: MeasuredRun): number => r.proposals / r.wallSeconds;
const k = (x: number): string => `${(x / 1000).toFixed(1)}k`;

const work = values.individuals ? `${values.individuals} individuals a run` : `${values.seconds} s windows`;
console.log(`load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')}; workers ${workers}; ${work}`);
const lines: string[] = [];
for (const cache of cacheModes) {
  const runs = new Map<string, MeasuredRun[]>(builds.map((b) => [b.name, []]));
  for (const [i, seed] of seeds.entries()) {
    // Alternate which build goes first, so a slow drift of the machine's load favours neither.
    const order = i % 2 === 0 ? builds : [...builds].reverse();
    for (const b of order) {
      const outDir = join(values.out!, `${b.name}-${cache ? 'cache' : 'nocache'}-s${seed}`);
      const r =
        b.name === 'C++'
          ? cppRun({ script: b.dir, seed, cache, maxIndividuals: Number(values.individuals), maxExperiments: 1, sufficient: 2, outDir })
          : measuredRun({ deja: b.dir, experiment, seed, workers, cache, outDir });
      runs.get(b.name)!.push(r);
      console.log(
        `${b.name.padEnd(5)} cache ${cache ? 'on ' : 'off'} seed ${seed}: ${r.proposals} individuals, ${r.cpuSeconds.toFixed(1)} CPU-s, ${r.wallSeconds.toFixed(1)} s ` +
          `-> ${k(perCpu(r))}/CPU-s, ${k(perWall(r))}/s; hit rate ${r.hitRate.toFixed(2)}, best ${r.bestFitness.toFixed(6)}`,
      );
    }
  }
  const mine = runs.get('this')!;
  let line = `cache ${cache ? 'on ' : 'off'}: this ${k(median(mine.map(perCpu)))}/CPU-s, ${k(median(mine.map(perWall)))}/s`;
  if (otherDir) {
    const other = runs.get(otherName)!;
    const ratios = (f: (r: MeasuredRun) => number): string => mine.map((r, i) => (f(r) / f(other[i])).toFixed(2)).join(' / ');
    line += `; ${otherName} ${k(median(other.map(perCpu)))}/CPU-s, ${k(median(other.map(perWall)))}/s; this/${otherName} per seed: CPU ${ratios(perCpu)}, wall ${ratios(perWall)}`;
  }
  lines.push(line);
}
console.log(`\nload average at end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (const line of lines) console.log(line);
