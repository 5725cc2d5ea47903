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

export function createProgressLine(budget: Budget, maxProposals: number): ProgressLine {
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {percentage}% | evals {evaluations} ({rate}/s) | proposals {proposals} | best {best} | hit rate {hitRate} | {elapsed}s',
      barsize: 20,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      hideCursor: false,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
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
