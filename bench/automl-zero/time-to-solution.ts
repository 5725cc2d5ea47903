/**
 * Time to solution over seeds, as the C++ original's demo measures it: a run
 * that has not reached the target fitness after `restartEvaluations`
 * evaluations (the original restarts after 2e8 training steps: 200,000
 * evaluations of 10 tasks x 100 training examples) is restarted with a fresh
 * seed; the time to solution sums every attempt, CPU and wall. Inline, one run
 * at a time.
 *
 * The original's 2e8 steps also count 100 probe steps per individual, so its
 * experiments end after 0.65-1.1M individuals (median 0.93M measured over 40);
 * `--restart-individuals N` restarts after N individuals instead. With
 * `--fresh-tasks` every attempt also draws its own task set (task seed 1000 +
 * run seed), as the original's --randomize_task_seeds does per experiment;
 * without it every attempt learns the experiment file's fixed tasks.
 *
 * With `--cpp <launcher script>` the same seeds run the C++ original instead
 * (cpp-run.ts): one process per seed that restarts by itself (its
 * max_train_steps, 2e8) until an experiment's best program reaches the target
 * on its select tasks, stopped at `--max-cpu-seconds`. Unlike deja, which
 * stops as soon as a search fitness reaches the target, the original always
 * finishes the experiment's training-step budget before checking.
 *
 *   npm run build && node dist/bench/automl-zero/time-to-solution.js [--seeds 1-10]
 *       [--cache both|on|off] [--restart-evaluations 200000 | --restart-individuals 930000]
 *       [--fresh-tasks] [--max-cpu-seconds 120]
 *       [--experiment experiments/automl-zero-linear.json] [--out .bench-out/az-tts] [--cpp path/run_demo_local.sh]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { cppRun } from './cpp-run.js';
import { measuredRun, median, type MeasuredRun } from './measured-run.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1-10' },
    cache: { type: 'string', default: 'both' },
    'restart-evaluations': { type: 'string', default: '200000' },
    'restart-individuals': { type: 'string' },
    'fresh-tasks': { type: 'boolean', default: false },
    'max-cpu-seconds': { type: 'string', default: '120' },
    experiment: { type: 'string', default: 'experiments/automl-zero-linear.json' },
    out: { type: 'string', default: '.bench-out/az-tts' },
    cpp: { type: 'string' },
  },
});

const [first, last] = values.seeds!.split('-').map(Number);
const seeds = Array.from({ length: (last ?? first) - first + 1 }, (_, i) => first + i);
const here = resolve('.'); // run from the checkout's root, as the usage line says
const base = JSON.parse(readFileSync(values.experiment!, 'utf8')) as Record<string, unknown> & { budget: { targetFitness?: number } };
const target = base.budget.targetFitness ?? 0.9999;
const restart = values['restart-individuals'] !== undefined
  ? { maxProposals: Number(values['restart-individuals']) }
  : { maxEvaluations: Number(values['restart-evaluations']) };
const experiment = { ...base, budget: { ...restart, targetFitness: target } };
/** The experiment of one attempt: with --fresh-tasks, its own task set (the original's --randomize_task_seeds). */
function attemptExperiment(runSeed: number): Record<string, unknown> {
  if (!values['fresh-tasks']) return experiment;
  const options = base.domainOptions as { tasks: Array<Record<string, unknown>> };
  const tasks = options.tasks.map((t) => ({ ...t, seed: 1000 + runSeed }));
  return { ...experiment, domainOptions: { ...options, tasks } };
}
const maxCpu = Number(values['max-cpu-seconds']);
const cacheModes = values.cache === 'both' ? [true, false] : [values.cache === 'on'];

console.log(`load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')}; target ${target}; restart after ${values['restart-individuals'] ?? values['restart-evaluations']} ${values['restart-individuals'] ? 'individuals' : 'evaluations'}${values['fresh-tasks'] ? ', fresh tasks per attempt' : ''}`);
const lines: string[] = [];
for (const cache of cacheModes) {
  const solved: Array<{ cpu: number; wall: number }> = [];
  let restarts = 0;
  const who = values.cpp ? 'C++ ' : '';
  for (const seed of seeds) {
    const record = (reached: boolean, attempts: number, r: Pick<MeasuredRun, 'cpuSeconds' | 'wallSeconds'>): void => {
      if (reached) solved.push({ cpu: r.cpuSeconds, wall: r.wallSeconds });
      lines.push(`${who}cache ${cache ? 'on ' : 'off'} seed ${seed}: ${reached ? `solved after ${attempts} attempt(s)` : `not solved within ${maxCpu} CPU-s`}, ${r.cpuSeconds.toFixed(1)} CPU-s, ${r.wallSeconds.toFixed(1)} s`);
    };
    if (values.cpp) {
      const r = cppRun({ script: values.cpp, seed, cache, maxIndividuals: 0, maxExperiments: 0, sufficient: target, maxCpuSeconds: maxCpu, outDir: join(values.out!, `cpp-${cache ? 'cache' : 'nocache'}-s${seed}`) });
      console.log(`C++ cache ${cache ? 'on ' : 'off'} seed ${seed}: ${r.solved ? 'solved' : 'not solved'} in ${r.experiments} experiment(s), ${r.proposals} individuals, ${r.trainSteps} train steps, ${r.cpuSeconds.toFixed(1)} CPU-s, ${r.wallSeconds.toFixed(1)} s, best select ${r.bestFitness.toFixed(6)}`);
      restarts += Math.max(0, r.experiments - 1);
      record(r.solved, r.experiments, r);
      continue;
    }
    let cpu = 0;
    let wall = 0;
    let attempts = 0;
    let reached = false;
    // Attempt k of seed s runs with seed s + 1000 k: the original draws a fresh seed per experiment.
    while (!reached && cpu < maxCpu) {
      const runSeed = seed + 1000 * attempts;
      const r = measuredRun({ deja: here, experiment: attemptExperiment(runSeed), seed: runSeed, workers: 0, cache, outDir: join(values.out!, `${cache ? 'cache' : 'nocache'}-s${seed}-a${attempts}`) });
      attempts++;
      cpu += r.cpuSeconds;
      wall += r.wallSeconds;
      reached = r.stopReason === 'target-fitness';
      console.log(`cache ${cache ? 'on ' : 'off'} seed ${seed} attempt ${attempts} (run seed ${runSeed}): ${r.stopReason} after ${r.proposals} individuals, ${r.evaluations} evaluations, ${r.cpuSeconds.toFixed(1)} CPU-s, ${r.wallSeconds.toFixed(1)} s, best ${r.bestFitness.toFixed(6)}`);
    }
    restarts += attempts - 1;
    record(reached, attempts, { cpuSeconds: cpu, wallSeconds: wall });
  }
  const f = (xs: number[]): string => (xs.length === 0 ? 'n/a' : `median ${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)})`);
  lines.push(`${who}cache ${cache ? 'on ' : 'off'}: solved ${solved.length}/${seeds.length}, ${restarts} restarts; CPU-s ${f(solved.map((s) => s.cpu))}; wall s ${f(solved.map((s) => s.wall))}`);
}
console.log(`\nload average at end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (const line of lines) console.log(line);
