/**
 * The functional equivalence cache on Redis, shared by every coordinator that
 * points at the same server (and namespace: the evaluation fingerprint).
 *
 * One key per hash holds either a claim marker (`claim|<run>`, with a lease)
 * or the entry (JSON, no expiry):
 * - claim-or-read is one round trip: `SET key marker PX lease NX GET` returns
 *   nothing (we claimed it), an entry (a hit) or another run's marker (taken);
 * - a result is stored and announced in one transaction (MULTI SET + PUBLISH)
 *   on the namespace's channel, with the entry in the message;
 * - a joiner is subscribed before it claims (one subscription per store), and
 *   re-reads the keys it waits on every `watchMs`, so it cannot miss a result
 *   and notices a claim that lapsed (its holder died) or was released.
 * Aggregating mode (more than one evaluation per hash) claims an existing
 * entry through a second key, `<key>:claim`, with the same lease.
 *
 * The engine asks synchronously (`claimedElsewhere`, `peek`, `complete`): the
 * store answers from what it has seen, and does its Redis work in the
 * background; `claim` answers `pending` when it needs the server.
 */
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { connectRedis, redactRedisUrl } from '../redis/connection.js';
import type { CacheEntry, CacheStore, Claim, StoredEntry } from './cache-store.js';

export interface RedisStoreOptions {
  url: string;
  /** The evaluation fingerprint's key (`<domain>@<version>/<digest>`): entries are shared within it only. */
  namespace: string;
  /** This run: the owner of its claims and the maker of its entries. */
  runId: string;
  /** A claim's lease: how long a dead claimant's marker blocks the hash (ms). Renewed while the run lives. */
  leaseMs?: number;
  /** How often waited-on hashes are re-read (ms). */
  watchMs?: number;
  /** Entries remembered locally, so repeated hits need no round trip. */
  localCapacity?: number;
  /** A claim that gets no answer for this long fails the run with that reason, rather than waiting forever (ms). */
  unreachableMs?: number;
}

const MARKER = 'claim|';

/** Renews this run's claims: PEXPIRE each key that still holds our marker. */
const RENEW_SCRIPT = `local n = 0
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('PEXPIRE', key, ARGV[2]); n = n + 1 end
end
return n`;

/** Deletes a key only if it still holds our marker (a lapsed claim may be someone else's by now). */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

interface Held {
  /** The entry when claimed (aggregating: the evaluations so far). */
  entry: StoredEntry | undefined;
  /** The key holding our marker: the hash's own key, or its `:claim` key for an existing entry. */
  key: string;
}

export class RedisStore implements CacheStore {
  readonly location: string;
  readonly runId: string;
  private readonly prefix: string;
  private readonly channel: string;
  private readonly marker: string;
  private readonly leaseMs: number;
  private readonly unreachableMs: number;
  /** Entries seen (read, completed, announced): hits on them need no round trip. */
  private readonly known: LRUCache<string, StoredEntry>;
  private readonly held = new Map<string, Held>();
  /** Hashes another run holds that this run waits for. */
  private readonly watching = new Set<string>();
  private readonly writes = new Set<Promise<unknown>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private entryCount = 0;
  private sizeReadAt = 0;
  private lastError: string | null = null;

  private constructor(
    options: RedisStoreOptions,
    private readonly redis: Redis,
    private readonly subscriber: Redis,
  ) {
    this.runId = options.runId;
    this.prefix = `deja:fec:${options.namespace}:`;
    this.channel = `deja:fec:${options.namespace}`;
    this.location = redactRedisUrl(options.url);
    this.marker = MARKER + options.runId;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.unreachableMs = options.unreachableMs ?? 60_000;
    this.known = new LRUCache({ max: options.localCapacity ?? 100_000 });
    subscriber.on('message', (_channel: string, message: string) => this.onAnnounce(message));
    const every = (ms: number, fn: () => Promise<void>) => {
      const timer = setInterval(() => void fn().catch((error) => (this.lastError = String(error))), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(Math.max(50, Math.floor(this.leaseMs / 3)), () => this.renew());
    every(options.watchMs ?? 500, () => this.rereadWatched());
  }

  /** Connects and subscribes to the namespace's announcements before any claim is made. */
  static async open(options: RedisStoreOptions): Promise<RedisStore> {
    const redis = connectRedis(options.url, { maxRetriesPerRequest: null, name: 'deja-cache' });
    const subscriber = connectRedis(options.url, { maxRetriesPerRequest: null, name: 'deja-cache-announcements' });
    const store = new RedisStore(options, redis, subscriber);
    await subscriber.subscribe(store.channel);
    await store.refreshSize();
    return store;
  }

  claim(hash: string, wanted: number): Claim {
    const seen = this.known.get(hash);
    // Entries only gain evaluations, so a local entry with enough of them is still a hit.
    if (seen && seen.evaluations >= wanted) return { status: 'hit', entry: { ...seen } };
    return { status: 'pending', answer: this.withDeadline(this.claimRemote(hash, wanted)) };
  }

  /** Redis commands wait out a reconnect; a Redis that does not come back ends the wait with a clear error. */
  private withDeadline<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`cache store: no answer from Redis at ${this.location} for ${this.unreachableMs / 1000} s`)), this.unreachableMs);
    });
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }

  private async claimRemote(hash: string, wanted: number): Promise<Claim> {
    const key = this.prefix + hash;
    const previous = await this.redis.set(key, this.marker, 'PX', this.leaseMs, 'NX', 'GET');
    if (previous === null) {
      this.held.set(hash, { entry: undefined, key });
      return { status: 'claimed', entry: undefined };
    }
    if (previous.startsWith(MARKER)) return this.claimedBy(hash, previous.slice(MARKER.length), key);
    const entry = JSON.parse(previous) as StoredEntry;
    this.known.set(hash, entry);
    if (entry.evaluations >= wanted) return { status: 'hit', entry: { ...entry } };
    // Aggregating: the entry wants more evaluations; claim it through its claim key.
    const claimKey = `${key}:claim`;
    const other = await this.redis.set(claimKey, this.marker, 'PX', this.leaseMs, 'NX', 'GET');
    if (other === null) {
      this.held.set(hash, { entry, key: claimKey });
      return { status: 'claimed', entry: { ...entry } };
    }
    return this.claimedBy(hash, other.slice(MARKER.length), claimKey);
  }

  /** A claim found on `key`: our own from before a restart (adopt it) or another run's (wait for it). */
  private claimedBy(hash: string, owner: string, key: string): Claim {
    if (owner === this.runId) {
      this.held.set(hash, { entry: this.known.get(hash), key });
      return { status: 'claimed', entry: this.known.get(hash) };
    }
    this.watching.add(hash);
    return { status: 'taken', owner };
  }

  complete(hash: string, fitness: number, cost: number): CacheEntry {
    const held = this.held.get(hash);
    this.held.delete(hash);
    const old = held?.entry;
    const n = (old?.evaluations ?? 0) + 1;
    const entry: StoredEntry = old
      ? { fitness: old.fitness + (fitness - old.fitness) / n, meanCost: old.meanCost + (cost - old.meanCost) / n, evaluations: n, runId: old.runId }
      : { fitness, meanCost: cost, evaluations: 1, runId: this.runId };
    this.known.set(hash, entry);
    const text = JSON.stringify(entry);
    const tx = this.redis.multi().set(this.prefix + hash, text);
    if (held && held.key !== this.prefix + hash) tx.del(held.key);
    if (!old) tx.incr(`${this.prefix}#entries`);
    this.track(tx.publish(this.channel, `${hash}|${text}`).exec());
    return { fitness: entry.fitness, evaluations: entry.evaluations, meanCost: entry.meanCost };
  }

  release(hash: string): void {
    const held = this.held.get(hash);
    this.held.delete(hash);
    if (!held) return;
    // Announced with no entry: joiners look the hash up again, and one of them claims it.
    this.track(this.redis.eval(RELEASE_SCRIPT, 1, held.key, this.marker).then(() => this.redis.publish(this.channel, `${hash}|`)));
  }

  forget(hash: string): void {
    this.known.delete(hash);
    this.track(this.redis.del(this.prefix + hash).then((n) => (n > 0 ? this.redis.decr(`${this.prefix}#entries`) : 0)));
  }

  peek(hash: string): StoredEntry | undefined {
    const entry = this.known.get(hash);
    return entry && { ...entry };
  }

  claimedElsewhere(hash: string): boolean {
    return this.watching.has(hash);
  }

  /** A resumed run's entries: written where the server has none (a Redis that lost them). */
  restore(entries: Iterable<[string, CacheEntry]>): void {
    const tx = this.redis.pipeline();
    for (const [hash, e] of entries) {
      const entry: StoredEntry = { fitness: e.fitness, evaluations: e.evaluations, meanCost: e.meanCost, runId: this.runId };
      this.known.set(hash, entry);
      tx.set(this.prefix + hash, JSON.stringify(entry), 'NX');
    }
    this.track(tx.exec());
  }

  /** Entries in the namespace, as of the last refresh (the count is kept in Redis, read in the background). */
  size(): number {
    return this.entryCount;
  }

  /** Writes go out as they are made; this only refreshes the entry count, at most once a second. */
  flush(): void {
    const now = Date.now();
    if (now - this.sizeReadAt < 1000) return;
    this.sizeReadAt = now;
    void this.refreshSize().catch(() => undefined);
  }

  /** A problem met in the background (a write or renewal that failed), if any. */
  get error(): string | null {
    return this.lastError;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    // Claims still held (a run that stopped mid-evaluation): let other runs have them now, not after the lease.
    for (const hash of [...this.held.keys()]) this.release(hash);
    await Promise.allSettled([...this.writes]);
    await this.refreshSize().catch(() => undefined);
    await Promise.allSettled([this.subscriber.quit(), this.redis.quit()]);
  }

  /** Drops the connections as a crash would: claims are neither renewed nor released (they lapse after the lease). */
  abandon(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  private onAnnounce(message: string): void {
    const bar = message.indexOf('|');
    const hash = message.slice(0, bar);
    const text = message.slice(bar + 1);
    if (text) this.known.set(hash, JSON.parse(text) as StoredEntry);
    this.watching.delete(hash);
  }

  /** Re-reads the hashes this run waits on: a result whose message was missed, or a claim that lapsed. */
  private async rereadWatched(): Promise<void> {
    const hashes = [...this.watching];
    if (hashes.length === 0) return;
    const values = await this.redis.mget(hashes.flatMap((h) => [this.prefix + h, `${this.prefix}${h}:claim`]));
    hashes.forEach((hash, i) => {
      const value = values[2 * i];
      const claimKey = values[2 * i + 1];
      if (value === null || (!value.startsWith(MARKER) && claimKey === null)) {
        if (value !== null) this.known.set(hash, JSON.parse(value) as StoredEntry);
        this.watching.delete(hash);
      }
    });
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    const keys = [...this.held.values()].map((h) => h.key);
    await this.redis.eval(RENEW_SCRIPT, keys.length, ...keys, this.marker, String(this.leaseMs));
  }

  private async refreshSize(): Promise<void> {
    this.entryCount = Number((await this.redis.get(`${this.prefix}#entries`)) ?? 0);
  }

  private track(write: Promise<unknown>): void {
    const tracked = write.catch((error) => (this.lastError = `cache write failed: ${String(error)}`)).finally(() => this.writes.delete(tracked));
    this.writes.add(tracked);
  }
}
