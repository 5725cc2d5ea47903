/**
 * The functional equivalence cache (FEC) as one run sees it: the lookup
 * outcomes, in-flight joins, forgetting and the run's counters, over a
 * `CacheStore` that holds the entries (in memory by default).
 *
 * Knows nothing about domains or candidates. Outcomes of a lookup:
 * - full hit: the hash has `maxEvalsPerHash` evaluations stored; reuse their mean.
 * - partial hit (aggregating mode): known, but with fewer evaluations; evaluate again.
 * - in-flight join: the hash is being evaluated right now; wait for that result.
 * - miss: never seen (or evicted / forgotten); evaluate.
 * A miss or partial hit claims the hash until `complete` or `fail`.
 * Waiters are opaque tokens returned synchronously, so the caller settles them
 * in a deterministic order.
 */
import type { Rng } from '../random/rng.js';
import type { CacheEntry, CacheStore } from './cache-store.js';
import { MemoryStore } from './memory-store.js';

export type { CacheEntry } from './cache-store.js';

export interface FecOptions {
  /** Most hashes kept in memory; the least recently used is evicted beyond it. */
  capacity: number;
  /** Evaluations averaged per hash before lookups become full hits (1 = plain FEC). */
  maxEvalsPerHash: number;
  /** Probability of dropping a key right after a full hit (forgetful FEC). */
  forgetProbability: number;
  /** Draws for forgetting; required when forgetProbability > 0. */
  rng?: Rng;
  /** Where entries live; a fresh in-memory store of `capacity` entries by default. */
  store?: CacheStore;
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
  readonly store: CacheStore;
  private readonly inFlight = new Map<string, W[]>();
  private readonly counters: FecCounters = {
    misses: 0, partialHits: 0, fullHits: 0, inFlightJoins: 0, failures: 0, forgotten: 0, costSaved: 0,
  };

  constructor(private readonly options: FecOptions) {
    checkOptions(options);
    this.store = options.store ?? new MemoryStore(options.capacity);
  }

  /** Looks `hash` up; on a join, `waiter` is queued and returned by `complete`/`fail`. */
  lookup(hash: string, waiter: W): Lookup {
    const waiting = this.inFlight.get(hash);
    if (waiting) {
      waiting.push(waiter);
      this.counters.inFlightJoins++;
      return { outcome: 'in-flight-join' };
    }
    const claim = this.store.claim(hash, this.options.maxEvalsPerHash);
    if (claim.status === 'hit') {
      this.counters.fullHits++;
      this.counters.costSaved += claim.entry.meanCost;
      const forgotten = this.options.forgetProbability > 0 && this.options.rng!.bernoulli(this.options.forgetProbability);
      if (forgotten) {
        this.store.forget(hash);
        this.counters.forgotten++;
      }
      return { outcome: 'full-hit', entry: claim.entry, forgotten };
    }
    if (claim.status !== 'claimed') throw new Error(`FEC: store answered "${claim.status}", which this engine does not handle yet`);
    this.inFlight.set(hash, []);
    if (claim.entry) {
      this.counters.partialHits++;
      return { outcome: 'partial-hit', entry: claim.entry };
    }
    this.counters.misses++;
    return { outcome: 'miss' };
  }

  /** Stores an evaluation of an in-flight hash; returns the updated entry and the joined waiters. */
  complete(hash: string, fitness: number, cost: number): { entry: CacheEntry; waiters: W[] } {
    const waiters = this.takeInFlight(hash);
    const entry = this.store.complete(hash, fitness, cost);
    this.counters.costSaved += cost * waiters.length;
    return { entry, waiters };
  }

  /** Ends a failed evaluation: nothing is stored, and the joined waiters are returned to fail too. */
  fail(hash: string): W[] {
    this.counters.failures++;
    const waiters = this.takeInFlight(hash);
    this.store.release(hash);
    return waiters;
  }

  /** Loads the entries and counters of a resumed run (entries oldest first, so recency is kept). */
  restore(entries: Iterable<[string, CacheEntry]>, counters: FecCounters): void {
    this.store.restore(entries);
    Object.assign(this.counters, counters);
  }

  peek(hash: string): CacheEntry | undefined {
    const entry = this.store.peek(hash);
    if (entry instanceof Promise) throw new Error('FEC.peek: asynchronous store');
    return entry && { fitness: entry.fitness, evaluations: entry.evaluations, meanCost: entry.meanCost };
  }

  get size(): number {
    return this.store.size();
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** (full hits + in-flight joins) / lookups, without asking the store for its size. */
  hitRate(): number {
    const c = this.counters;
    const lookups = c.misses + c.partialHits + c.fullHits + c.inFlightJoins;
    return lookups === 0 ? 0 : (c.fullHits + c.inFlightJoins) / lookups;
  }

  stats(): FecCounters & { size: number } {
    return { ...this.counters, size: this.store.size() };
  }

  private takeInFlight(hash: string): W[] {
    const waiters = this.inFlight.get(hash);
    if (!waiters) throw new Error(`FEC: hash ${hash} is not in flight`);
    this.inFlight.delete(hash);
    return waiters;
  }
}

function checkOptions(options: FecOptions): void {
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
}
