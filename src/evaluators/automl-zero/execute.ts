/**
 * Running a compiled program over tasks: the full evaluation (mean task
 * fitness, as the original's MEAN_FITNESS_COMBINATION) and the functional
 * probe (the original FEC: the same executor on the first few train and
 * validation examples of each task, with the random stream reset to a fixed
 * seed per task, reporting per-example absolute errors and the task index).
 */
import { createRng } from '../../random/rng.js';
import type { OpRng, PairRunner, TaskRunner } from './compile.js';
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

/**
 * Whether two tasks can run as a pair: the same kind, and the same example
 * counts as run (a probe runs at most `maxTrain` and `maxValid` of each).
 */
function pairable(a: Task, b: Task | undefined, maxTrain = Infinity, maxValid = Infinity): b is Task {
  return (
    b !== undefined &&
    a.classify === b.classify &&
    Math.min(maxTrain, a.nTrain) === Math.min(maxTrain, b.nTrain) &&
    Math.min(maxValid, a.nValid) === Math.min(maxValid, b.nValid)
  );
}

/**
 * Runs `run` on every task, or `pair` on two neighbouring tasks at once where
 * it is given and they match; either way each task's fitness is the same.
 */
export function evaluateOnTasks(run: TaskRunner, tasks: readonly Task[], rng: OpRng, maxAbsError: number, pair: PairRunner | null = null): TaskScores {
  const taskFitnesses = new Array<number>(tasks.length);
  for (let k = 0; k < tasks.length; k++) {
    const t = tasks[k];
    const u = tasks[k + 1];
    if (pair !== null && pairable(t, u)) {
      const both = pair(t, u, t.nTrain, t.nValid, null, 0, 0, maxAbsError);
      taskFitnesses[k] = notNaN(both[0]);
      taskFitnesses[++k] = notNaN(both[1]);
    } else {
      taskFitnesses[k] = notNaN(run(t.X, t.Y, t.nTrain, t.VX, t.VY, t.nValid, rng, null, 0, t.classify, maxAbsError));
    }
  }
  let total = 0;
  for (const f of taskFitnesses) total += f;
  return { fitness: tasks.length === 0 ? 0 : total / tasks.length, taskFitnesses };
}

/** Guard: a runner never returns NaN, but a NaN here would poison the mean. */
function notNaN(f: number): number {
  return f === f ? f : 0;
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
  pair: PairRunner | null = null,
): Float64Array {
  // A plain loop: TypedArray.prototype.fill is a call into the runtime, slow on this hot path.
  for (let k = 0; k < out.length; k++) out[k] = NaN;
  let offset = 0;
  for (let k = 0; k < tasks.length; k++) {
    const t = tasks[k];
    const nTrain = Math.min(probe.trainExamples, t.nTrain);
    const nValid = Math.min(probe.validExamples, t.nValid);
    out[offset] = t.index;
    const u = tasks[k + 1];
    // A pair runner is only given for programs that draw no random numbers (no stream to reset per task).
    if (pair !== null && pairable(t, u, probe.trainExamples, probe.validExamples)) {
      const next = offset + 1 + nTrain + nValid;
      out[next] = u.index;
      pair(t, u, nTrain, nValid, out, offset + 1, next + 1, maxAbsError);
      offset = next + 1 + nTrain + nValid;
      k++;
      continue;
    }
    // Reset the random stream per task, as the original does; skipped when no live op draws from it.
    run(t.X, t.Y, nTrain, t.VX, t.VY, nValid, usesRandom ? createRng(probe.seed) : NO_RNG, out, offset + 1, t.classify, maxAbsError);
    offset += 1 + nTrain + nValid;
  }
  return out;
}
