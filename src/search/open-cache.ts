/**
 * A run's cache: the functional hash bound to the domain's key, the store its
 * entries live in (memory, or a SQLite file shared by runs), opened under the
 * evaluation fingerprint's namespace, and the FEC over it.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { defaultCachePath } from '../cache/cache-location.js';
import type { CacheStore } from '../cache/cache-store.js';
import { FunctionalEquivalenceCache } from '../cache/fec.js';
import { MemoryStore } from '../cache/memory-store.js';
import { isRedisUrl } from '../redis/connection.js';
import { createFunctionalHasher, rememberingHashes } from '../hash/functional-hash.js';
import { createRng } from '../random/rng.js';
import type { RestoredRun } from '../record/restore-run.js';
import { cacheNamespace } from './cache-namespace.js';
import type { Pending } from './pending.js';
import type { CacheStage } from './proposal-stage.js';
import type { ResolvedSearch } from './resolve-search.js';

/** What the run folder records about the cache a run used, so a resume opens the same one. */
export interface CacheRecord {
  store: 'memory' | 'sqlite' | 'redis';
  /** 'memory', the database file's absolute path, or the Redis URL without its password. */
  location: string;
  namespace: string;
  /** This run's identity in the store (a resumed run keeps it, so its entries stay its own). */
  runUid: string;
}

export interface CacheOpenOptions {
  /** The store when the experiment names none: 'memory' (library default) or 'persistent' (command line). */
  defaultStore?: string;
  /** A resumed run's recorded uid. */
  runUid?: string;
  outDir?: string;
}

export interface OpenedCache extends CacheStage {
  record: CacheRecord;
}

/**
 * The Redis and SQLite stores are loaded only when named: their clients (ioredis, libsql)
 * were ~0.1-0.4 CPU-s of every run's start-up, in-memory runs included.
 */
async function openStore(resolved: ResolvedSearch, options: CacheOpenOptions, runUid: string): Promise<{ store: CacheStore; kind: CacheRecord['store'] }> {
  const { experiment, domain, mantissaBits } = resolved;
  const spec = experiment.cache.store ?? options.defaultStore ?? 'memory';
  if (spec === 'memory') return { store: new MemoryStore(experiment.cache.capacity, runUid), kind: 'memory' };
  if (isRedisUrl(spec)) {
    const { RedisStore } = await import('../cache/redis-store.js');
    // Shared by every coordinator on this Redis (deja run --redis); see docs/SCALE-OUT.md.
    const store = await RedisStore.open({ url: spec, namespace: cacheNamespace(domain, experiment.domainOptions, mantissaBits).key, runId: runUid, localCapacity: experiment.cache.capacity });
    return { store, kind: 'redis' };
  }
  const path = spec === 'persistent' ? defaultCachePath() : resolve(spec);
  const { SqliteStore } = await import('../cache/sqlite-store.js');
  const store = new SqliteStore({
    path,
    namespace: cacheNamespace(domain, experiment.domainOptions, mantissaBits),
    run: { uid: runUid, experiment: experiment.name, outDir: options.outDir ? resolve(options.outDir) : null },
    capacity: experiment.cache.capacity,
  });
  return { store, kind: 'sqlite' };
}

export async function openCache(resolved: ResolvedSearch, restored: RestoredRun | null, options: CacheOpenOptions): Promise<OpenedCache | null> {
  const { experiment, domain, mantissaBits } = resolved;
  if (!experiment.cache.enabled) return null;
  const hasher = await createFunctionalHasher();
  const plainHash = hasher.forKey({ domain: domain.name, version: domain.version, probeKey: domain.probeKey, mantissaBits });
  const hash = domain.stableProbeOutputs === true ? rememberingHashes(plainHash) : plainHash;
  const runUid = options.runUid ?? randomUUID();
  const { store, kind } = await openStore(resolved, options, runUid);
  const fec = new FunctionalEquivalenceCache<Pending>({
    capacity: experiment.cache.capacity,
    maxEvalsPerHash: experiment.cache.maxEvalsPerHash,
    forgetProbability: experiment.cache.forgetProbability,
    // Like the searcher's, a resumed run's forgetting draws a fresh stream rather than repeating the first part's.
    rng: restored ? createRng(experiment.seed, 'cache', 'resumed', restored.nextId) : createRng(experiment.seed, 'cache'),
    store,
  });
  if (restored) fec.restore(restored.cacheEntries, restored.cacheCounters, restored.otherRunCounters);
  const namespace = cacheNamespace(domain, experiment.domainOptions, mantissaBits).key;
  const record: CacheRecord = { store: kind, location: store.location, namespace, runUid };
  return { fec, hash, record };
}
