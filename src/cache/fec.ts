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
import type { CacheEntry, CacheStore, Claim, StoredEntry } from './cache-store.js';
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
  /** `fromOtherRun`: the entry was made by another (earlier or concurrent) run. */
  | { outcome: 'full-hit'; entry: CacheEntry; forgotten: boolean; fromOtherRun?: true }
  | { outcome: 'partial-hit'; entry: CacheEntry }
  | { outcome: 'in-flight-join' }
  | { outcome: 'miss' }
  /** A remote store answers later. */
  | { outcome: 'pending'; answer: Promise<Lookup> };

/** The share of this run's hits and joins that came from entries (or evaluations) of other runs. */
export interface OtherRunCounters {
  fullHits: number;
  inFlightJoins: number;
  costSaved: number;
}

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
  /** Hashes another run claimed: this run's proposals that wait for its result. */
  private readonly otherRuns = new Map<string, W[]>();
  private readonly fromOthers: OtherRunCounters = { fullHits: 0, inFlightJoins: 0, costSaved: 0 };
  private readonly counters: FecCounters = {
    misses: 0, partialHits: 0, fullHits: 0, inFlightJoins: 0, failures: 0, forgotten: 0, costSaved: 0,
  };

  constructor(private readonly options: FecOptions) {
    checkOptions(options);
    this.store = options.store ?? new MemoryStore(options.capacity);
  }

  /**
   * Looks `hash` up; on a join, `waiter` is queued and returned by `complete`/`fail`
   * (or, when another run is evaluating the hash, by `pollOtherRuns`).
   * A remote store may answer `pending`: the real answer comes with its promise.
   */
  lookup(hash: string, waiter: W): Lookup {
    const waiting = this.inFlight.get(hash) ?? this.otherRuns.get(hash);
    if (waiting) {
      waiting.push(waiter);
      this.counters.inFlightJoins++;
      return { outcome: 'in-flight-join' };
    }
    const claim = this.store.claim(hash, this.options.maxEvalsPerHash);
    if (claim.status === 'pending') return { outcome: 'pending', answer: claim.answer.then((c) => this.answer(hash, waiter, c)) };
    return this.answer(hash, waiter, claim);
  }

  private answer(hash: string, waiter: W, claim: Claim): Lookup {
    if (claim.status === 'hit') return this.fullHit(hash, claim.entry);
    if (claim.status === 'taken') {
      this.otherRuns.set(hash, [waiter]);
      this.counters.inFlightJoins++;
      return { outcome: 'in-flight-join' };
    }
    if (claim.status === 'pending') throw new Error('FEC: a store answered "pending" twice for one claim');
    this.inFlight.set(hash, []);
    if (claim.entry) {
      this.counters.partialHits++;
      return { outcome: 'partial-hit', entry: plainEntry(claim.entry) };
    }
    this.counters.misses++;
    return { outcome: 'miss' };
  }

  private fullHit(hash: string, entry: StoredEntry): Lookup {
    this.counters.fullHits++;
    this.counters.costSaved += entry.meanCost;
    const fromOtherRun = entry.runId !== this.store.runId ? true : undefined;
    if (fromOtherRun) {
      this.fromOthers.fullHits++;
      this.fromOthers.costSaved += entry.meanCost;
    }
    const forgotten = this.options.forgetProbability > 0 && this.options.rng!.bernoulli(this.options.forgetProbability);
    if (forgotten) {
      this.store.forget(hash);
      this.counters.forgotten++;
    }
    // Only marked when true: most hits are on this run's own entries.
    return fromOtherRun ? { outcome: 'full-hit', entry: plainEntry(entry), forgotten, fromOtherRun } : { outcome: 'full-hit', entry: plainEntry(entry), forgotten };
  }

  /** Hashes other runs are evaluating that proposals of this run wait for. */
  get otherRunsWaitedFor(): number {
    return this.otherRuns.size;
  }

  /**
   * Settles joins on other runs' evaluations that ended: with their entry, or,
   * when the other run failed or died (claim released or lapsed), with none:
   * then the caller looks its waiters up again (one of them will claim the hash).
   */
  pollOtherRuns(): Array<{ hash: string; waiters: W[]; entry: CacheEntry | undefined }> {
    const ended: Array<{ hash: string; waiters: W[]; entry: CacheEntry | undefined }> = [];
    for (const [hash, waiters] of this.otherRuns) {
      if (this.store.claimedElsewhere(hash)) continue;
      this.otherRuns.delete(hash);
      const entry = this.store.peek(hash);
      if (entry === undefined) {
        // Not a join after all: the waiters will be looked up (and counted) again.
        this.counters.inFlightJoins -= waiters.length;
      } else {
        this.counters.costSaved += entry.meanCost * waiters.length;
        this.fromOthers.costSaved += entry.meanCost * waiters.length;
        this.fromOthers.inFlightJoins += waiters.length;
      }
      ended.push({ hash, waiters, entry: entry && plainEntry(entry) });
    }
    return ended;
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
  restore(entries: Iterable<[string, CacheEntry]>, counters: FecCounters, fromOthers?: OtherRunCounters): void {
    this.store.restore(entries);
    Object.assign(this.counters, counters);
    Object.assign(this.fromOthers, fromOthers); // an undefined source (a record without them) is skipped
  }

  /** Hits and joins this run owes to other runs' entries and evaluations. */
  otherRunStats(): OtherRunCounters {
    return { ...this.fromOthers };
  }

  peek(hash: string): CacheEntry | undefined {
    const entry = this.store.peek(hash);
    return entry && plainEntry(entry);
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

/** The entry without where it came from. */
function plainEntry(entry: CacheEntry): CacheEntry {
  return { fitness: entry.fitness, evaluations: entry.evaluations, meanCost: entry.meanCost };
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
