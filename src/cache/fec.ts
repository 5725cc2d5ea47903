/**
 * The functional equivalence cache (FEC): functional hash -> fitness.
 *
 * Knows nothing about domains or candidates. Outcomes of a lookup:
 * - full hit: the hash has `maxEvalsPerHash` evaluations stored; reuse their mean.
 * - partial hit (aggregating mode): known, but with fewer evaluations; evaluate again.
 * - in-flight join: the hash is being evaluated right now; wait for that result.
 * - miss: never seen (or evicted / forgotten); evaluate.
 * A miss or partial hit registers the hash as in flight until `complete` or `fail`.
 * Waiters are opaque tokens returned synchronously, so the caller settles them
 * in a deterministic order.
 */
import { LRUCache } from 'lru-cache';
import type { Rng } from '../random/rng.js';

export interface FecOptions {
  /** Most hashes kept; the least recently used is evicted beyond it. */
  capacity: number;
  /** Evaluations averaged per hash before lookups become full hits (1 = plain FEC). */
  maxEvalsPerHash: number;
  /** Probability of dropping a key right after a full hit (forgetful FEC). */
  forgetProbability: number;
  /** Draws for forgetting; required when forgetProbability > 0. */
  rng?: Rng;
}

export interface CacheEntry {
  /** Running mean of the stored evaluations' fitness. */
  fitness: number;
  evaluations: number;
  /** Running mean of the evaluations' cost: what a full hit saves. */
  meanCost: number;
}

export type Lookup =
  /** `forgotten`: the forgetful FEC dropped the key right after this hit. */
  | { outcome: 'full-hit'; entry: CacheEntry; forgotten: boolean }
  | { outcome: 'partial-hit'; entry: CacheEntry }
  | { outcome: 'in-flight-join' }
  | { outcome: 'miss' };

export interface FecCounters {
  misses: number;
  partialHits: number;
  fullHits: number;
  inFlightJoins: number;
  /** Evaluations that failed; their hashes are not stored. */
  failures: number;
  forgotten: number;
  /** Summed cost of the evaluations that full hits and joins did not pay for. */
  costSaved: number;
}

export class FunctionalEquivalenceCache<W = unknown> {
  private readonly entries: LRUCache<string, CacheEntry>;
  private readonly inFlight = new Map<string, W[]>();
  private readonly counters: FecCounters = {
    misses: 0, partialHits: 0, fullHits: 0, inFlightJoins: 0, failures: 0, forgotten: 0, costSaved: 0,
  };

  constructor(private readonly options: FecOptions) {
    if (!(Number.isInteger(options.capacity) && options.capacity > 0)) {
      throw new RangeError(`cache.capacity: expected a positive integer, got ${options.capacity}`);
    }
    if (!(Number.isInteger(options.maxEvalsPerHash) && options.maxEvalsPerHash > 0)) {
      throw new RangeError(`cache.maxEvalsPerHash: expected a positive integer, got ${options.maxEvalsPerHash}`);
    }
    if (!(options.forgetProbability >= 0 && options.forgetProbability <= 1)) {
      throw new RangeError(`cache.forgetProbability: expected a number from 0 to 1, got ${options.forgetProbability}`);
    }
    if (options.forgetProbability > 0 && !options.rng) {
      throw new RangeError('cache.forgetProbability > 0 needs an rng so forgetting is reproducible');
    }
    this.entries = new LRUCache({ max: options.capacity });
  }

  /** Looks `hash` up; on a join, `waiter` is queued and returned by `complete`/`fail`. */
  lookup(hash: string, waiter: W): Lookup {
    const waiting = this.inFlight.get(hash);
    if (waiting) {
      waiting.push(waiter);
      this.counters.inFlightJoins++;
      return { outcome: 'in-flight-join' };
    }
    const entry = this.entries.get(hash);
    if (entry && entry.evaluations >= this.options.maxEvalsPerHash) {
      this.counters.fullHits++;
      this.counters.costSaved += entry.meanCost;
      const forgotten = this.options.forgetProbability > 0 && this.options.rng!.bernoulli(this.options.forgetProbability);
      if (forgotten) {
        this.entries.delete(hash);
        this.counters.forgotten++;
      }
      return { outcome: 'full-hit', entry: { ...entry }, forgotten };
    }
    this.inFlight.set(hash, []);
    if (entry) {
      this.counters.partialHits++;
      return { outcome: 'partial-hit', entry: { ...entry } };
    }
    this.counters.misses++;
    return { outcome: 'miss' };
  }

  /** Stores an evaluation of an in-flight hash; returns the updated entry and the joined waiters. */
  complete(hash: string, fitness: number, cost: number): { entry: CacheEntry; waiters: W[] } {
    const waiters = this.takeInFlight(hash);
    const old = this.entries.get(hash);
    const n = (old?.evaluations ?? 0) + 1;
    const entry: CacheEntry = old
      ? { fitness: old.fitness + (fitness - old.fitness) / n, meanCost: old.meanCost + (cost - old.meanCost) / n, evaluations: n }
      : { fitness, meanCost: cost, evaluations: 1 };
    this.entries.set(hash, entry);
    this.counters.costSaved += cost * waiters.length;
    return { entry: { ...entry }, waiters };
  }

  /** Ends a failed evaluation: nothing is stored, and the joined waiters are returned to fail too. */
  fail(hash: string): W[] {
    this.counters.failures++;
    return this.takeInFlight(hash);
  }

  /** Loads the entries and counters of a resumed run (entries oldest first, so recency is kept). */
  restore(entries: Iterable<[string, CacheEntry]>, counters: FecCounters): void {
    for (const [hash, entry] of entries) this.entries.set(hash, { ...entry });
    Object.assign(this.counters, counters);
  }

  peek(hash: string): CacheEntry | undefined {
    const entry = this.entries.peek(hash);
    return entry && { ...entry };
  }

  get size(): number {
    return this.entries.size;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  stats(): FecCounters & { size: number } {
    return { ...this.counters, size: this.entries.size };
  }

  private takeInFlight(hash: string): W[] {
    const waiters = this.inFlight.get(hash);
    if (!waiters) throw new Error(`FEC: hash ${hash} is not in flight`);
    this.inFlight.delete(hash);
    return waiters;
  }
}
