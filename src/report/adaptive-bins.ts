/**
 * Fixed-memory binning of a stream whose x only grows (seconds since the start,
 * or the proposal count): equal-width bins from 0; when x runs past the last
 * bin, neighbouring bins merge pairwise and the width doubles. Every aggregate
 * merges exactly (sums, and the running values at a bin's end), so a run of
 * any length becomes at most `maxBins` points without losing counts, and the
 * best fitness at each bin's end (the running maximum) is exact.
 */
import { CACHE_OUTCOMES, type CacheOutcome } from '../record/events.js';
import type { BinnedSeries, RunningTotals } from './report-data.js';

const OUTCOME_INDEX = new Map<CacheOutcome, number>(CACHE_OUTCOMES.map((o, i) => [o, i]));
const TOTALS = ['proposals', 'evaluations', 'best', 'paid', 'saved'] as const;

export class AdaptiveBins {
  private width: number;
  private used = 0;
  private lastX = 0;
  private readonly counts: Float64Array;
  private readonly hits: Float64Array;
  private readonly lookups: Float64Array;
  /** Running totals at each bin's end; NaN for a bin no event fell in. */
  private readonly totals: Record<(typeof TOTALS)[number], Float64Array>;

  constructor(private readonly maxBins: number, initialWidth: number) {
    if (maxBins < 2 || maxBins % 2 !== 0) throw new Error('maxBins: expected an even number >= 2');
    this.width = initialWidth;
    this.counts = new Float64Array(maxBins * CACHE_OUTCOMES.length);
    this.hits = new Float64Array(maxBins);
    this.lookups = new Float64Array(maxBins);
    this.totals = Object.fromEntries(TOTALS.map((k) => [k, new Float64Array(maxBins).fill(NaN)])) as AdaptiveBins['totals'];
  }

  add(x: number, outcome: CacheOutcome, looked: boolean, hit: boolean, after: RunningTotals): void {
    x = Math.max(x, this.lastX); // x only grows; a clock step back joins the current bin
    this.lastX = x;
    while (x >= this.width * this.maxBins) this.halve();
    const bin = Math.floor(x / this.width);
    this.used = Math.max(this.used, bin + 1);
    this.counts[bin * CACHE_OUTCOMES.length + OUTCOME_INDEX.get(outcome)!]++;
    if (looked) this.lookups[bin]++;
    if (hit) this.hits[bin]++;
    for (const k of TOTALS) this.totals[k][bin] = after[k] ?? NaN;
  }

  /** Merges bins pairwise and doubles the width. */
  private halve(): void {
    const n = CACHE_OUTCOMES.length;
    for (let i = 0; i < this.maxBins / 2; i++) {
      const a = 2 * i;
      const b = a + 1;
      for (let o = 0; o < n; o++) this.counts[i * n + o] = this.counts[a * n + o] + this.counts[b * n + o];
      this.hits[i] = this.hits[a] + this.hits[b];
      this.lookups[i] = this.lookups[a] + this.lookups[b];
      for (const k of TOTALS) {
        const t = this.totals[k];
        t[i] = Number.isNaN(t[b]) ? t[a] : t[b];
      }
    }
    const half = this.maxBins / 2;
    this.counts.fill(0, half * n);
    this.hits.fill(0, half);
    this.lookups.fill(0, half);
    for (const k of TOTALS) this.totals[k].fill(NaN, half);
    this.used = Math.ceil(this.used / 2);
    this.width *= 2;
  }

  /** The bins as columns; running totals carry forward over empty bins. */
  series(): BinnedSeries {
    const out: BinnedSeries = {
      width: this.width, x: [], proposals: [], evaluations: [], best: [], paid: [], saved: [],
      outcomes: Object.fromEntries(CACHE_OUTCOMES.map((o) => [o, []])) as unknown as BinnedSeries['outcomes'],
      hits: [], lookups: [],
    };
    const carried: Record<string, number> = { proposals: 0, evaluations: 0, best: NaN, paid: 0, saved: 0 };
    for (let bin = 0; bin < this.used; bin++) {
      out.x.push((bin + 1) * this.width);
      for (const k of TOTALS) {
        if (!Number.isNaN(this.totals[k][bin])) carried[k] = this.totals[k][bin];
        (out[k] as (number | null)[]).push(Number.isNaN(carried[k]) ? null : carried[k]);
      }
      CACHE_OUTCOMES.forEach((o, i) => out.outcomes[o].push(this.counts[bin * CACHE_OUTCOMES.length + i]));
      out.hits.push(this.hits[bin]);
      out.lookups.push(this.lookups[bin]);
    }
    return out;
  }
}
