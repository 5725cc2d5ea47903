/**
 * One run of the C++ original of AutoML-Zero (built outside this repository)
 * through a launcher script that takes its settings from the environment,
 * measured the same way as a deja run: the process's user + system CPU time
 * and its wall time from `/usr/bin/time`, the individuals it ran from its own
 * report lines. Nothing of the original's code is here: only the path of the
 * script comes from the command line.
 *
 * The script's contract (e.g. a run_demo.sh adapted to read the environment):
 * SEED (its --random_seed), MAX_INDIVIDUALS (> 0: each experiment stops after
 * the first whole generation reaching it), MAX_EXPERIMENTS (0: until solved),
 * SUFFICIENT (the select fitness that ends the search), FEC=0 (no functional
 * equivalence cache). It prints, per experiment, "LOCAL: experiment
 * individuals = N, train steps = M" and "Select fitness for candidate
 * algorithm = F".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MeasuredRun } from './measured-run.js';

export interface CppRunSpec {
  /** The launcher script (run_demo_local.sh or alike). */
  script: string;
  seed: number;
  cache: boolean;
  /** Individuals per experiment (0: the original's budget of training steps). */
  maxIndividuals: number;
  /** Experiments before giving up (0: until the select fitness reaches `sufficient`). */
  maxExperiments: number;
  sufficient: number;
  /** CPU seconds after which the process is stopped (ulimit -t; 0: no limit). */
  maxCpuSeconds?: number;
  outDir: string;
}

export interface CppRun extends MeasuredRun {
  /** Experiments started (restarts + 1). */
  experiments: number;
  /** Whether an experiment's select fitness reached `sufficient`. */
  solved: boolean;
  /** Training steps summed over experiments (the original's budget unit). */
  trainSteps: number;
}

const TIME = '/usr/bin/time';

export function cppRun(spec: CppRunSpec): CppRun {
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed to measure the C++ original's CPU time (Debian package "time")`);
  const script = resolve(spec.script);
  if (!existsSync(script)) throw new Error(`C++ launcher not found: ${script}`);
  mkdirSync(spec.outDir, { recursive: true });
  const timeFile = join(spec.outDir, 'time.txt');
  const limit = spec.maxCpuSeconds ? `ulimit -t ${Math.ceil(spec.maxCpuSeconds)}; ` : '';
  // %U %S %e: user and system CPU seconds, wall seconds, of the script and everything it runs.
  const command = `${limit}exec ${TIME} -f '%U %S %e' -o "$TIME_FILE" "$SCRIPT"`;
  const env = {
    ...process.env,
    SCRIPT: script,
    TIME_FILE: timeFile,
    SEED: String(spec.seed),
    MAX_INDIVIDUALS: String(spec.maxIndividuals),
    MAX_EXPERIMENTS: String(spec.maxExperiments),
    SUFFICIENT: String(spec.sufficient),
    FEC: spec.cache ? '1' : '0',
  };
  const r = spawnSync('bash', ['-c', command], { encoding: 'utf8', env, maxBuffer: 1 << 28 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  writeFileSync(join(spec.outDir, 'output.txt'), output);
  const [user, system, wall] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  const parsed = parseCppOutput(output);
  const stoppedByLimit = r.status !== 0;
  if (stoppedByLimit && !spec.maxCpuSeconds) throw new Error(`C++ run failed (${r.status ?? r.signal}): ${output.slice(-2000)}`);
  const solved = parsed.selectFitnesses.some((f) => f > spec.sufficient);
  return {
    proposals: parsed.individuals,
    evaluations: Number.NaN, // the original does not report its cache hits
    wallSeconds: wall,
    cpuSeconds: user + system,
    stopReason: solved ? 'target-fitness' : stoppedByLimit ? 'cpu-limit' : 'max-experiments',
    hitRate: Number.NaN,
    bestFitness: parsed.selectFitnesses.length === 0 ? Number.NaN : Math.max(...parsed.selectFitnesses),
    experiments: parsed.experiments,
    solved,
    trainSteps: parsed.trainSteps,
  };
}

export interface CppOutput {
  experiments: number;
  /** Individuals of the finished experiments, plus the last progress line of an unfinished one. */
  individuals: number;
  trainSteps: number;
  selectFitnesses: number[];
}

/** Reads the counts out of the original's standard output (see the contract above). */
export function parseCppOutput(output: string): CppOutput {
  let experiments = 0;
  let individuals = 0;
  let trainSteps = 0;
  let unfinished = 0;
  const selectFitnesses: number[] = [];
  for (const line of output.split('\n')) {
    if (line.startsWith('Running evolution experiment')) {
      experiments++;
      unfinished = 0;
    }
    const progress = /^indivs=(\d+),/.exec(line);
    if (progress) unfinished = Number(progress[1]);
    const done = /^LOCAL: experiment individuals = (\d+), train steps = (\d+)/.exec(line);
    if (done) {
      individuals += Number(done[1]);
      trainSteps += Number(done[2]);
      unfinished = 0;
    }
    const select = /^Select fitness for candidate algorithm = (\S+)/.exec(line);
    if (select) selectFitnesses.push(Number(select[1]));
  }
  return { experiments, individuals: individuals + unfinished, trainSteps, selectFitnesses };
}
