/**
 * The live progress line of `deja run`, on stderr: a bar over the tightest
 * budget, evaluations and their rate, best fitness, cache hit rate.
 * On a non-terminal (CI, a pipe) cli-progress prints a plain line every few seconds.
 */
import cliProgress from 'cli-progress';
import type { Budget } from '../experiment/schema.js';
import type { ProgressSnapshot } from '../search/run-search.js';
import { percent } from './format.js';

export interface ProgressLine {
  update(p: ProgressSnapshot): void;
  stop(): void;
}

/** Fraction of the budget spent: the largest over the budgets that are set. */
export function budgetFraction(p: ProgressSnapshot, budget: Budget, maxProposals: number): number {
  const parts = [
    budget.maxEvaluations ? p.evaluations / budget.maxEvaluations : 0,
    Number.isFinite(maxProposals) ? p.proposals / maxProposals : 0,
    budget.maxWallSeconds ? p.elapsedSeconds / budget.maxWallSeconds : 0,
  ];
  return Math.min(1, Math.max(...parts));
}

/** One look for every progress bar of the CLI (run, resume, space). */
function progressBar(format: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    { format, barsize: 20, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000, hideCursor: false, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
}

export function createProgressLine(budget: Budget, maxProposals: number): ProgressLine {
  const bar = progressBar('{bar} {percentage}% | evals {evaluations} ({rate}/s) | proposals {proposals} | best {best} | hit rate {hitRate} | {elapsed}s');
  const payload = (p: ProgressSnapshot) => ({
    evaluations: p.evaluations,
    rate: p.evaluationsPerSecond.toFixed(1),
    proposals: p.proposals,
    best: p.bestFitness === null ? '-' : p.bestFitness.toFixed(6),
    hitRate: percent(p.hitRate),
    elapsed: p.elapsedSeconds.toFixed(1),
  });
  bar.start(1000, 0, payload({ elapsedSeconds: 0, proposals: 0, evaluations: 0, evaluationsPerSecond: 0, bestFitness: null, hitRate: 0, inFlight: 0, failed: 0 }));
  return {
    update: (p) => bar.update(Math.round(1000 * budgetFraction(p, budget, maxProposals)), payload(p)),
    stop: () => bar.stop(),
  };
}

export interface PhaseProgress {
  update(p: { phase: string; done: number; total: number }): void;
  stop(): void;
}

/**
 * Progress of work done in phases (`deja space`): the bar and ETA of a phase
 * whose size is known; a phase of unknown size shows its count only.
 */
export function createPhaseProgress(): PhaseProgress {
  let bar: cliProgress.SingleBar | undefined;
  let phase = '';
  return {
    update(p) {
      const known = Number.isFinite(p.total);
      if (p.phase !== phase) {
        bar?.stop();
        phase = p.phase;
        bar = progressBar(known ? `{bar} {percentage}% | ${phase} {value}/{total} | ETA {eta_formatted} | {duration_formatted}` : `${phase}: {value} so far | {duration_formatted}`);
        bar.start(known ? p.total : 0, 0);
      }
      bar!.update(p.done);
    },
    stop: () => bar?.stop(),
  };
}
