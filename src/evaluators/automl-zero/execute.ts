/**
 * Running a compiled program over tasks: the full evaluation (mean task
 * fitness, as the original's MEAN_FITNESS_COMBINATION) and the functional
 * probe (the original FEC: the same executor on the first few train and
 * validation examples of each task, with the random stream reset to a fixed
 * seed per task, reporting per-example absolute errors and the task index).
 */
import { createRng } from '../../random/rng.js';
import type { OpRng, TaskRunner } from './compile.js';
import type { Task } from './tasks.js';

/** For programs without random ops: nothing draws from it (creating a seeded generator per evaluation would cost more). */
export const NO_RNG: OpRng = {
  uniform: () => {
    throw new Error('automl-zero: random op run without a generator');
  },
  normal: () => {
    throw new Error('automl-zero: random op run without a generator');
  },
};

export interface ProbeConfig {
  trainExamples: number;
  validExamples: number;
  /** Seed of the random stream given to the uniform/gaussian ops during the probe. */
  seed: number;
}

export interface TaskScores {
  fitness: number;
  taskFitnesses: number[];
}

export function evaluateOnTasks(run: TaskRunner, tasks: readonly Task[], rng: OpRng, maxAbsError: number): TaskScores {
  const taskFitnesses: number[] = [];
  let total = 0;
  for (const t of tasks) {
    const f = run(t.X, t.Y, t.nTrain, t.VX, t.VY, t.nValid, rng, null, 0, t.classify, maxAbsError);
    // Guard: a runner never returns NaN, but a NaN here would poison the mean.
    const fitness = f === f ? f : 0;
    taskFitnesses.push(fitness);
    total += fitness;
  }
  return { fitness: tasks.length === 0 ? 0 : total / tasks.length, taskFitnesses };
}

/** Probe length: per task, its index then its train and validation errors. */
export function probeLength(tasks: readonly Task[], probe: ProbeConfig): number {
  let n = 0;
  for (const t of tasks) n += 1 + Math.min(probe.trainExamples, t.nTrain) + Math.min(probe.validExamples, t.nValid);
  return n;
}

/**
 * The probe vector. Errors after an early stop (NaN or runaway error) stay
 * NaN, so a program that blows up at example k differs from one that blows up
 * at example k + 1, as in the original's truncated error lists.
 */
export function probeOnTasks(
  run: TaskRunner,
  tasks: readonly Task[],
  probe: ProbeConfig,
  maxAbsError: number,
  usesRandom = true,
  out = new Float64Array(probeLength(tasks, probe)),
): Float64Array {
  // A plain loop: TypedArray.prototype.fill is a call into the runtime, slow on this hot path.
  for (let k = 0; k < out.length; k++) out[k] = NaN;
  let offset = 0;
  for (const t of tasks) {
    const nTrain = Math.min(probe.trainExamples, t.nTrain);
    const nValid = Math.min(probe.validExamples, t.nValid);
    out[offset] = t.index;
    // Reset the random stream per task, as the original does; skipped when no live op draws from it.
    run(t.X, t.Y, nTrain, t.VX, t.VY, nValid, usesRandom ? createRng(probe.seed) : NO_RNG, out, offset + 1, t.classify, maxAbsError);
    offset += 1 + nTrain + nValid;
  }
  return out;
}
