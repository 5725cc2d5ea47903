/**
 * The in-memory store: an LRU of entries (`lru-cache`), gone when the run
 * ends. Claims are kept too, so two runs sharing one store in one process
 * join each other exactly as runs on a shared file do.
 */
import { LRUCache } from 'lru-cache';
import type { CacheEntry, CacheStore, Claim, StoredEntry } from './cache-store.js';

export class MemoryStore implements CacheStore {
  readonly location = 'memory';
  private readonly entries: LRUCache<string, StoredEntry>;
  /** hash -> the run evaluating it. */
  private readonly claims: Map<string, string>;

  /** `shared` lets several runs in one process use one set of entries and claims. */
  constructor(capacity: number, readonly runId = 'run', shared?: MemoryStore) {
    this.entries = shared?.entries ?? new LRUCache({ max: capacity });
    this.claims = shared?.claims ?? new Map();
  }

  /** The same entries and claims, seen by another run. */
  forRun(runId: string): MemoryStore {
    return new MemoryStore(0, runId, this);
  }

  claim(hash: string, wanted: number): Claim {
    const entry = this.entries.get(hash);
    if (entry !== undefined && entry.evaluations >= wanted) return { status: 'hit', entry };
    const owner = this.claims.get(hash);
    if (owner !== undefined && owner !== this.runId) return { status: 'taken', owner };
    this.claims.set(hash, this.runId);
    return { status: 'claimed', entry };
  }

  complete(hash: string, fitness: number, cost: number): CacheEntry {
    this.claims.delete(hash);
    const old = this.entries.get(hash);
    const entry = old ? addEvaluation(old, fitness, cost) : { fitness, meanCost: cost, evaluations: 1, runId: this.runId };
    // Entries are replaced, never changed in place, so callers may keep the objects they were given.
    this.entries.set(hash, entry);
    return { fitness: entry.fitness, evaluations: entry.evaluations, meanCost: entry.meanCost };
  }

  release(hash: string): void {
    if (this.claims.get(hash) === this.runId) this.claims.delete(hash);
  }

  forget(hash: string): void {
    this.entries.delete(hash);
  }

  peek(hash: string): StoredEntry | undefined {
    return this.entries.peek(hash);
  }

  claimedElsewhere(hash: string): boolean {
    const owner = this.claims.get(hash);
    return owner !== undefined && owner !== this.runId;
  }

  restore(entries: Iterable<[string, CacheEntry]>): void {
    for (const [hash, entry] of entries) this.entries.set(hash, { ...entry, runId: this.runId });
  }

  size(): number {
    return this.entries.size;
  }

  flush(): void {}

  close(): void {}
}

/** One more evaluation folded into an entry's running means. */
export function addEvaluation(old: StoredEntry, fitness: number, cost: number): StoredEntry {
  const n = old.evaluations + 1;
  return {
    fitness: old.fitness + (fitness - old.fitness) / n,
    meanCost: old.meanCost + (cost - old.meanCost) / n,
    evaluations: n,
    runId: old.runId,
  };
}
