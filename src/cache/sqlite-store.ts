/**
 * The persistent store: a SQLite file (through `libsql`, synchronous) shared
 * by every run on the machine, with an LRU of entries in front of it so that
 * repeated hits never reach the file.
 *
 * A claim is taken and committed at once inside a write transaction (BEGIN
 * IMMEDIATE holds the file's write lock), so two processes can never both
 * claim a hash, and the other runs see it and join. Completions (the results)
 * are written through in a transaction committed with the next claim, when
 * the engine waits or yields (`flush`), or `commitEveryMs` after it began; a
 * crash loses at most that window, and `restore` puts back what a resumed run
 * recorded. WAL mode lets other processes read while one writes. A claim is a
 * lease of `leaseMs`, renewed while its run lives, so a killed run's claims
 * lapse and other runs take them over.
 */
import { LRUCache } from 'lru-cache';
import type { CacheEntry, CacheStore, Claim, StoredEntry } from './cache-store.js';
import { addEvaluation } from './memory-store.js';
import { openCacheDatabase, type CacheDatabase, type Statement } from './sqlite-schema.js';

export interface SqliteStoreOptions {
  /** The database file (created with its folder when missing). */
  path: string;
  /** The evaluation fingerprint: entries of other namespaces are never seen. */
  namespace: { key: string; domain: string; version: string; fingerprint: unknown };
  /** The experiment's name and run folder, for `deja cache` listings. */
  run: { uid: string; experiment: string; outDir: string | null };
  /** Entries kept in memory in front of the file. */
  capacity: number;
  commitEveryMs?: number;
  leaseMs?: number;
}

const COMMIT_EVERY_MS = 50;
const LEASE_MS = 30_000;

interface Statements {
  entry: Statement;
  claimOf: Statement;
  putClaim: Statement;
  dropMyClaim: Statement;
  putEntry: Statement;
  insertEntryIfMissing: Statement;
  dropEntry: Statement;
  renew: Statement;
  releaseAll: Statement;
  count: Statement;
}

export class SqliteStore implements CacheStore {
  readonly location: string;
  readonly runId: string;
  private readonly db: CacheDatabase;
  private readonly ns: number;
  private readonly run: number;
  private readonly sql: Statements;
  private readonly tier: LRUCache<string, StoredEntry>;
  private readonly commitEveryMs: number;
  private readonly leaseMs: number;
  private txnStartedAt = 0;
  private lastRenewal = Date.now();

  constructor(options: SqliteStoreOptions) {
    this.location = options.path;
    this.db = openCacheDatabase(options.path);
    this.ns = this.db.namespaceId(options.namespace);
    this.run = this.db.runId(options.run, this.ns);
    this.runId = String(this.run);
    this.sql = prepareStatements(this.db);
    this.tier = new LRUCache({ max: options.capacity });
    this.commitEveryMs = options.commitEveryMs ?? COMMIT_EVERY_MS;
    this.leaseMs = options.leaseMs ?? LEASE_MS;
  }

  claim(hash: string, wanted: number): Claim {
    const cached = this.tier.get(hash);
    if (cached !== undefined && cached.evaluations >= wanted) return { status: 'hit', entry: cached };
    // Read first without the write lock: a hit on an earlier run's entry needs no claim.
    const stored = this.readEntry(hash);
    if (stored !== undefined && stored.evaluations >= wanted) return { status: 'hit', entry: stored };
    this.beginWrite();
    try {
      return this.claimLocked(hash, wanted);
    } finally {
      // A claim is committed at once: other runs must see it to join, and the write lock must not
      // be held through the evaluation that follows. Completions ride along in the same commit.
      this.flush();
    }
  }

  /** Under the write lock, nobody else can claim or complete this hash until we commit. */
  private claimLocked(hash: string, wanted: number): Claim {
    const entry = this.readEntry(hash);
    if (entry !== undefined && entry.evaluations >= wanted) return { status: 'hit', entry };
    const now = Date.now();
    const claim = this.sql.claimOf.get(this.ns, hash) as ClaimRow | undefined;
    if (heldElsewhere(claim, this.run, now)) return { status: 'taken', owner: String(claim[0]) };
    this.sql.putClaim.run(this.ns, hash, this.run, now + this.leaseMs);
    return { status: 'claimed', entry };
  }

  complete(hash: string, fitness: number, cost: number): CacheEntry {
    this.beginWrite();
    const old = this.readEntry(hash);
    const entry = old ? addEvaluation(old, fitness, cost) : { fitness, meanCost: cost, evaluations: 1, runId: this.runId };
    this.sql.putEntry.run(this.ns, hash, entry.fitness, entry.evaluations, entry.meanCost, Number(entry.runId), Date.now());
    this.sql.dropMyClaim.run(this.ns, hash, this.run);
    this.tier.set(hash, entry);
    this.commitIfDue();
    return { fitness: entry.fitness, evaluations: entry.evaluations, meanCost: entry.meanCost };
  }

  release(hash: string): void {
    this.beginWrite();
    this.sql.dropMyClaim.run(this.ns, hash, this.run);
    this.commitIfDue();
  }

  forget(hash: string): void {
    this.beginWrite();
    this.sql.dropEntry.run(this.ns, hash);
    this.tier.delete(hash);
    this.commitIfDue();
  }

  peek(hash: string): StoredEntry | undefined {
    return this.readEntry(hash);
  }

  claimedElsewhere(hash: string): boolean {
    return heldElsewhere(this.sql.claimOf.get(this.ns, hash) as ClaimRow | undefined, this.run, Date.now());
  }

  /** A resumed run's entries: those the file lost in a crash (the last uncommitted window) go back. */
  restore(entries: Iterable<[string, CacheEntry]>): void {
    this.beginWrite();
    const now = Date.now();
    for (const [hash, e] of entries) this.sql.insertEntryIfMissing.run(this.ns, hash, e.fitness, e.evaluations, e.meanCost, this.run, now);
    this.flush();
  }

  size(): number {
    return (this.sql.count.get(this.ns) as [number])[0];
  }

  flush(): void {
    // Stryker disable next-line EqualityOperator: renewing in the very millisecond a third of the lease is over, or the next: time is continuous.
    if (Date.now() - this.lastRenewal > this.leaseMs / 3) {
      this.beginWrite();
      this.lastRenewal = Date.now();
      this.sql.renew.run(this.lastRenewal + this.leaseMs, this.ns, this.run);
    }
    if (this.db.raw.inTransaction) this.db.raw.exec('COMMIT');
  }

  close(): void {
    this.beginWrite();
    this.sql.releaseAll.run(this.ns, this.run);
    this.flush();
    this.db.close();
  }

  private readEntry(hash: string): StoredEntry | undefined {
    const row = this.sql.entry.get(this.ns, hash) as [number, number, number, number] | undefined;
    if (row === undefined) return undefined;
    const entry: StoredEntry = { fitness: row[0], evaluations: row[1], meanCost: row[2], runId: String(row[3]) };
    this.tier.set(hash, entry);
    return entry;
  }

  private beginWrite(): void {
    if (this.db.raw.inTransaction) return;
    this.db.raw.exec('BEGIN IMMEDIATE');
    this.txnStartedAt = Date.now();
  }

  private commitIfDue(): void {
    if (Date.now() - this.txnStartedAt >= this.commitEveryMs) this.flush();
  }
}

/** A claim's row: the run holding it and when its lease ends (ms since the epoch). */
type ClaimRow = [run: number, expiresAt: number];

/** Whether another run holds the claim and its lease has not ended by `now`. */
function heldElsewhere(claim: ClaimRow | undefined, run: number, now: number): claim is ClaimRow {
  if (claim === undefined || claim[0] === run) return false;
  // Stryker disable next-line EqualityOperator: a lease ending in this very millisecond counts as ended or not: time is continuous.
  return claim[1] > now;
}

function prepareStatements(db: CacheDatabase): Statements {
  const p = (sql: string) => db.raw.prepare(sql);
  // Reads answer arrays (`raw`): no object per row on the hit path.
  const read = (sql: string) => db.raw.prepare(sql).raw(true);
  return {
    entry: read('SELECT fitness, evaluations, mean_cost, run FROM entries WHERE ns = ? AND hash = ?'),
    claimOf: read('SELECT run, expires_at FROM claims WHERE ns = ? AND hash = ?'),
    putClaim: p('INSERT OR REPLACE INTO claims (ns, hash, run, expires_at) VALUES (?, ?, ?, ?)'),
    dropMyClaim: p('DELETE FROM claims WHERE ns = ? AND hash = ? AND run = ?'),
    putEntry: p('INSERT OR REPLACE INTO entries (ns, hash, fitness, evaluations, mean_cost, run, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    insertEntryIfMissing: p('INSERT OR IGNORE INTO entries (ns, hash, fitness, evaluations, mean_cost, run, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    dropEntry: p('DELETE FROM entries WHERE ns = ? AND hash = ?'),
    renew: p('UPDATE claims SET expires_at = ? WHERE ns = ? AND run = ?'),
    releaseAll: p('DELETE FROM claims WHERE ns = ? AND run = ?'),
    count: read('SELECT COUNT(*) FROM entries WHERE ns = ?'),
  };
}
