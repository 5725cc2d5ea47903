/**
 * Where functional equivalence cache entries live: functional hash -> mean
 * fitness, under one evaluation fingerprint (the namespace a store is opened
 * for). A store knows nothing about domains, candidates or the engine.
 *
 * A store may be shared by several runs at once (a file, a server), so taking
 * a hash for evaluation is an atomic **claim**: exactly one claimant evaluates,
 * the others see the claim and wait for its result (a join). A claim is a
 * lease: when its holder dies, it lapses and another claimant may take it.
 *
 * Local stores (memory, SQLite) answer synchronously, which keeps the hit path
 * free of promises; a remote store answers a claim with `pending` and a
 * promise of the real answer (as `Evaluator.evaluate` may answer either way).
 */

export interface CacheEntry {
  /** Running mean of the stored evaluations' fitness. */
  fitness: number;
  evaluations: number;
  /** Running mean of the evaluations' cost: what a full hit saves. */
  meanCost: number;
}

export interface StoredEntry extends CacheEntry {
  /** The run that made the entry (its first evaluation). */
  runId: string;
}

export type Claim =
  /** The entry has the evaluations wanted: use it; nothing is claimed. */
  | { status: 'hit'; entry: StoredEntry }
  /** The caller holds the claim (entry: the evaluations so far, if any) and must `complete` or `release` it. */
  | { status: 'claimed'; entry: StoredEntry | undefined }
  /** Another run holds the claim and is evaluating this hash. */
  | { status: 'taken'; owner: string }
  /** A remote store: the answer comes later. */
  | { status: 'pending'; answer: Promise<Claim> };

export interface CacheStore {
  /** What the run folder records: 'memory', or the database file. */
  readonly location: string;
  /** The run this store was opened for (the owner of its claims, the maker of its entries). */
  readonly runId: string;
  /** Looks `hash` up and, unless it has `wanted` evaluations or is claimed, claims it. */
  claim(hash: string, wanted: number): Claim;
  /** Adds an evaluation to the entry (aggregating mean) and ends this run's claim; returns the updated entry. */
  complete(hash: string, fitness: number, cost: number): CacheEntry;
  /** Ends this run's claim without a result (the evaluation failed). */
  release(hash: string): void;
  /** Drops the entry (forgetful FEC). */
  forget(hash: string): void;
  /**
   * The entry, without touching claims; polled by joins on another run's claim.
   * (Synchronous: a remote store answers polls from what it has been told, e.g. by a subscription.)
   */
  peek(hash: string): StoredEntry | undefined;
  /** Whether another run's claim on `hash` is still live (false once completed, released or lapsed). */
  claimedElsewhere(hash: string): boolean;
  /** Entries of a resumed run, oldest first; a persistent store already has them. */
  restore(entries: Iterable<[string, CacheEntry]>): void;
  /** Entries in this namespace (may cost a query: not for the hot path). */
  size(): number;
  /** Makes buffered writes durable (called when the engine waits, and at the end). */
  flush(): void;
  close(): void | Promise<void>;
}
