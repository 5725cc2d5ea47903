/**
 * Folds a run's events, one at a time and in file order, into the report's
 * time series: fixed memory apart from one slot per functional hash, so a
 * live run can be followed by feeding it the lines appended since last time.
 */
import type { SearchEvent } from '../record/events.js';
import { AdaptiveBins } from './adaptive-bins.js';
import type { RunningTotals, RunSeries } from './report-data.js';
import { HashTable } from './hash-table.js';
import { parseEvent } from './event-lines.js';

/** Points per series at most: enough for a 1000-pixel chart, small in a file. */
export const MAX_BINS = 512;

export interface ClassHead {
  hash: string;
  proposals: number;
  evaluations: number;
  fitness: number | null;
}

export class RunAccumulator {
  private readonly totals: RunningTotals = { proposals: 0, evaluations: 0, best: null, paid: 0, saved: 0 };
  private readonly byTime = new AdaptiveBins(MAX_BINS, 1 / 1024);
  private readonly byProposal = new AdaptiveBins(MAX_BINS, 1);
  private readonly hashes = new HashTable();
  private failed = 0;
  private probeMs = 0;
  private evalMs = 0;
  private lastSettledAt = 0;
  private skipped = 0;
  private bestCandidate: unknown = undefined;

  addLine(line: string): void {
    if (line.trim() === '') return;
    const event = parseEvent(line);
    if (event) this.add(event);
    else this.skipped++;
  }

  add(e: SearchEvent): void {
    const t = this.totals;
    t.proposals++;
    if (e.evalMs !== null) t.evaluations++;
    if (e.outcome === 'failed') this.failed++;
    if (e.fitness !== null && (t.best === null || e.fitness > t.best)) {
      t.best = e.fitness;
      this.bestCandidate = e.candidate;
    }
    t.paid += e.cost;
    this.probeMs += e.probeMs;
    this.evalMs += e.evalMs ?? 0;
    this.lastSettledAt = Math.max(this.lastSettledAt, e.settledAt);
    // Cost no evaluation: full hits and joins, also a join whose owner's evaluation failed (as deja stats counts).
    const hit = e.outcome === 'full-hit' || e.outcome === 'in-flight-join' || (e.outcome === 'failed' && e.joined !== undefined);
    if (e.hash !== null) {
      const s = this.hashes.slot(e.hash);
      // A hit saves what an evaluation of its function cost on average so far; one on another run's
      // entry (a shared or persistent cache) carries that cost, since this log has no evaluation of it.
      if (e.outcome === 'full-hit' || e.outcome === 'in-flight-join') t.saved += e.savedCost ?? this.hashes.meanCost(s);
      this.hashes.proposals[s]++;
      if (e.evalMs !== null && e.outcome !== 'failed') {
        this.hashes.evaluations[s]++;
        this.hashes.costSum[s] += e.cost;
      }
      if (e.fitness !== null) this.hashes.fitness[s] = e.fitness;
    }
    this.byTime.add(e.settledAt, e.outcome, e.hash !== null, hit, t);
    // x = proposals before this one, so bin k of width w ends at (k + 1) w proposals.
    this.byProposal.add(t.proposals - 1, e.outcome, e.hash !== null, hit, t);
  }

  series(): RunSeries {
    return {
      byTime: this.byTime.series(),
      byProposal: this.byProposal.series(),
      classSizes: this.hashes.sizeHistogram(),
      totals: {
        ...this.totals, distinctHashes: this.hashes.count, failed: this.failed,
        probeSeconds: this.probeMs / 1000, evalSeconds: this.evalMs / 1000, lastSettledAt: this.lastSettledAt,
      },
      skippedLines: this.skipped,
    };
  }

  /** The candidate of the best fitness so far (undefined when the log holds no candidates). */
  get best(): unknown {
    return this.bestCandidate;
  }

  /** The `k` largest equivalence classes, without their members (see class-members.ts). */
  largestClasses(k: number): ClassHead[] {
    return this.hashes.largest(k).map((s) => ({
      hash: this.hashes.hash(s),
      proposals: this.hashes.proposals[s],
      evaluations: this.hashes.evaluations[s],
      fitness: Number.isNaN(this.hashes.fitness[s]) ? null : this.hashes.fitness[s],
    }));
  }
}
