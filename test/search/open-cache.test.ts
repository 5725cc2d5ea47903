/**
 * Opening a run's cache, by value: which store (memory, a file, the persistent one) and
 * what the run folder records about it, the FEC's settings, the hash function (keyed by
 * the domain, remembering outputs only for stable domains), a resumed run's entries and
 * its forgetting stream.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { CACHE_FILE_NAME } from '../../src/cache/cache-location.js';
import { FunctionalEquivalenceCache, type FecCounters } from '../../src/cache/fec.js';
import type { Domain } from '../../src/domain/domain.js';
import { createFunctionalHasher } from '../../src/hash/functional-hash.js';
import { createRng } from '../../src/random/rng.js';
import type { RestoredRun } from '../../src/record/restore-run.js';
import { cacheNamespace } from '../../src/search/cache-namespace.js';
import { openCache, type OpenedCache } from '../../src/search/open-cache.js';
import { resolveSearch, type SearchConfig } from '../../src/search/resolve-search.js';
import createTestDomain from '../fixtures/test-domain.js';
import { fixturePath } from '../fixtures/paths.js';

const config = (cache: SearchConfig['cache'] = {}, extra: Partial<SearchConfig> = {}): SearchConfig => ({
  domain: fixturePath('test-domain'),
  domainOptions: { classes: 7 },
  budget: { maxEvaluations: 10 },
  workers: 0,
  seed: 11,
  cache,
  ...extra,
});

const opened: OpenedCache[] = [];
after(async () => {
  for (const c of opened) await c.fec.store.close();
});

async function open(c: SearchConfig, restored: RestoredRun | null = null, options: Parameters<typeof openCache>[2] = {}) {
  const resolved = await resolveSearch(c);
  const cache = await openCache(resolved, restored, options);
  if (cache) opened.push(cache);
  return { resolved, cache };
}

/** Whether each of 60 fresh hashes is forgotten after its first full hit. */
function forgetPattern(fec: FunctionalEquivalenceCache<unknown>): boolean[] {
  const pattern: boolean[] = [];
  for (let i = 0; i < 60; i++) {
    const h = `f${i}`.padStart(16, '0');
    assert.equal(fec.lookup(h, i).outcome, 'miss');
    fec.complete(h, i, 1);
    const hit = fec.lookup(h, i);
    assert.equal(hit.outcome, 'full-hit');
    pattern.push(hit.outcome === 'full-hit' && hit.forgotten);
  }
  return pattern;
}

/** The opened FEC, with any waiter (the engine's are proposals). */
const fecOf = (c: OpenedCache | null) => c!.fec as unknown as FunctionalEquivalenceCache<unknown>;

const counters = (misses: number): FecCounters => ({ misses, partialHits: 1, fullHits: 2, inFlightJoins: 3, failures: 4, forgotten: 5, costSaved: 6 });

describe('openCache', () => {
  it('is null with the cache off', async () => {
    assert.equal((await open(config({ enabled: false }))).cache, null);
  });

  it('memory by default: the record names the store, the namespace and the run', async () => {
    const { resolved, cache } = await open(config(), null, { runUid: 'uid-1' });
    const namespace = cacheNamespace(resolved.domain, resolved.experiment.domainOptions, resolved.mantissaBits).key;
    assert.deepEqual(cache!.record, { store: 'memory', location: 'memory', namespace, runUid: 'uid-1' });
    assert.equal(cache!.fec.store.runId, 'uid-1', 'the store knows the run as the record does');
    const a = (await open(config())).cache!.record.runUid;
    const b = (await open(config())).cache!.record.runUid;
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(a, b, 'a fresh run gets a fresh uid');
    assert.equal((await open(config({ store: 'memory' }), null, { defaultStore: 'persistent' })).cache!.record.store, 'memory', 'the experiment wins over the default');
  });

  it('the FEC has the experiment\'s capacity, evaluations per hash and forgetting', async () => {
    const { cache } = await open(config({ capacity: 3, maxEvalsPerHash: 2 }));
    const fec = fecOf(cache);
    const hashes = ['a', 'b', 'c', 'd'].map((c) => c.repeat(16));
    for (const h of hashes) {
      assert.equal(fec.lookup(h, 0).outcome, 'miss');
      fec.complete(h, 1, 1);
    }
    assert.equal(fec.peek(hashes[0]), undefined, 'capacity 3: the oldest of 4 is gone');
    assert.deepEqual(fec.peek(hashes[3]), { fitness: 1, evaluations: 1, meanCost: 1 });
    assert.equal(fec.lookup(hashes[3], 0).outcome, 'partial-hit', 'two evaluations wanted per hash');

    const forgetful = fecOf((await open(config({ forgetProbability: 0.5 }))).cache);
    const reference = new FunctionalEquivalenceCache({ capacity: 100, maxEvalsPerHash: 1, forgetProbability: 0.5, rng: createRng(11, 'cache') });
    const pattern = forgetPattern(forgetful);
    assert.deepEqual(pattern, forgetPattern(reference), 'forgetting draws from the seed\'s cache stream');
    assert.ok(pattern.includes(true) && pattern.includes(false));
  });

  it('hashes with the domain\'s key and mantissa bits; remembers outputs only for stable domains', async () => {
    const hasher = await createFunctionalHasher();
    const outputs = [1.000001, 2, 3];
    for (const mantissaBits of [24, 8]) {
      const { resolved, cache } = await open(config({ mantissaBits }));
      const expected = hasher.forKey({ domain: 'test-domain', version: resolved.domain.version, probeKey: 'classes=7', mantissaBits })(outputs);
      assert.equal(cache!.hash(outputs), expected, `mantissa bits ${mantissaBits}`);
    }
    const domain = (stable: boolean) => ({ ...createTestDomain(), name: stable ? 'stable' : 'plain', stableProbeOutputs: stable }) as Domain;
    for (const stable of [true, false]) {
      const { cache } = await open(config({}, { domain: domain(stable) }));
      const reused = [1, 2, 3];
      const first = cache!.hash(reused);
      reused[0] = 5;
      assert.equal(cache!.hash(reused) === first, stable, stable ? 'stable outputs: the first hash of an array is kept' : 'plain: hashed again');
      assert.equal(cache!.hash([5, 2, 3]) === first, false);
    }
  });

  it('a resumed run gets its entries and counters back and forgets from a fresh stream', async () => {
    const entries = new Map([['e'.repeat(16), { fitness: 4, evaluations: 1, meanCost: 2 }]]);
    const otherRunCounters = { fullHits: 1, inFlightJoins: 2, costSaved: 3 };
    const restored = { nextId: 40, cacheEntries: entries, cacheCounters: counters(9), otherRunCounters } as unknown as RestoredRun;
    const { cache } = await open(config({ forgetProbability: 0.5 }), restored, { runUid: 'old-run' });
    const fec = fecOf(cache);
    assert.deepEqual([fec.stats().misses, fec.stats().fullHits, fec.otherRunStats()], [9, 2, otherRunCounters]);
    const hit = fec.lookup('e'.repeat(16), 0);
    assert.ok(hit.outcome === 'full-hit' && hit.entry.fitness === 4 && hit.fromOtherRun === undefined, 'its own entry, as its own');
    const fresh = new FunctionalEquivalenceCache({ capacity: 100, maxEvalsPerHash: 1, forgetProbability: 0.5, rng: createRng(11, 'cache', 'resumed', 40) });
    fresh.lookup('e'.repeat(16), 0);
    fresh.complete('e'.repeat(16), 4, 2);
    fresh.lookup('e'.repeat(16), 0);
    assert.deepEqual(forgetPattern(fec), forgetPattern(fresh));
  });

  it('a file store: the path as given, resolved, or the persistent file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deja-open-cache-'));
    const file = join(dir, 'given.db');
    const given = (await open(config({ store: relative(process.cwd(), file) }), null, { runUid: 'r', outDir: 'out' })).cache!;
    assert.deepEqual([given.record.store, given.record.location], ['sqlite', resolve(file)]);
    assert.equal(given.record.namespace, (await open(config())).cache!.record.namespace, 'the same namespace as in memory');
    const byDefault = (await open(config(), null, { defaultStore: file })).cache!;
    assert.deepEqual([byDefault.record.store, byDefault.record.location], ['sqlite', resolve(file)]);
    const saved = process.env.DEJA_CACHE_DIR;
    process.env.DEJA_CACHE_DIR = dir;
    try {
      const persistent = (await open(config({ store: 'persistent' }))).cache!;
      assert.deepEqual([persistent.record.store, persistent.record.location], ['sqlite', join(dir, CACHE_FILE_NAME)]);
    } finally {
      if (saved === undefined) delete process.env.DEJA_CACHE_DIR;
      else process.env.DEJA_CACHE_DIR = saved;
    }
    // Entries written by one opening are found by the next on the same file and namespace.
    fecOf(given).lookup('a'.repeat(16), 0);
    given.fec.complete('a'.repeat(16), 3, 1);
    await given.fec.store.close();
    opened.splice(opened.indexOf(given), 1);
    const again = (await open(config({ store: file }))).cache!;
    assert.equal(again.fec.peek('a'.repeat(16))?.fitness, 3);
  });
});
