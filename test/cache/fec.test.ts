import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CacheStore, Claim } from '../../src/cache/cache-store.js';
import { FunctionalEquivalenceCache } from '../../src/cache/fec.js';
import { MemoryStore } from '../../src/cache/memory-store.js';
import { createRng } from '../../src/random/rng.js';

const plain = () => new FunctionalEquivalenceCache<string>({ capacity: 100, maxEvalsPerHash: 1, forgetProbability: 0 });

describe('functional equivalence cache', () => {
  it('misses, then full-hits with the stored fitness', () => {
    const fec = plain();
    assert.equal(fec.lookup('a', 'first').outcome, 'miss');
    fec.complete('a', 0.5, 10);
    const hit = fec.lookup('a', 'second');
    assert.equal(hit.outcome, 'full-hit');
    assert.equal(hit.outcome === 'full-hit' && hit.entry.fitness, 0.5);
    assert.deepEqual({ ...fec.stats() }, { misses: 1, partialHits: 0, fullHits: 1, inFlightJoins: 0, failures: 0, forgotten: 0, costSaved: 10, size: 1 });
    assert.deepEqual(fec.otherRunStats(), { fullHits: 0, inFlightJoins: 0, costSaved: 0 }, "a hit on the run's own entry");
  });

  it('joins a lookup of a hash in flight and hands its waiters back on completion', () => {
    const fec = plain();
    fec.lookup('a', 'owner');
    assert.equal(fec.lookup('a', 'w1').outcome, 'in-flight-join');
    assert.equal(fec.lookup('a', 'w2').outcome, 'in-flight-join');
    assert.equal(fec.lookup('b', 'other').outcome, 'miss');
    const { entry, waiters } = fec.complete('a', 0.9, 4);
    assert.deepEqual(waiters, ['w1', 'w2']);
    assert.equal(entry.fitness, 0.9);
    assert.equal(fec.stats().inFlightJoins, 2);
    assert.equal(fec.stats().costSaved, 8);
    assert.equal(fec.inFlightCount, 1);
  });

  it('stores nothing for a failed evaluation and returns its waiters to fail too', () => {
    const fec = plain();
    fec.lookup('a', 'owner');
    fec.lookup('a', 'w1');
    assert.deepEqual(fec.fail('a'), ['w1']);
    assert.equal(fec.stats().failures, 1);
    assert.equal(fec.lookup('a', 'retry').outcome, 'miss');
  });

  it('aggregates up to maxEvalsPerHash evaluations as partial hits with a running mean', () => {
    const fec = new FunctionalEquivalenceCache<string>({ capacity: 10, maxEvalsPerHash: 3, forgetProbability: 0 });
    assert.equal(fec.lookup('a', '1').outcome, 'miss');
    fec.complete('a', 1, 1);
    const second = fec.lookup('a', '2');
    assert.equal(second.outcome, 'partial-hit');
    assert.equal(fec.complete('a', 2, 3).entry.fitness, 1.5);
    assert.equal(fec.lookup('a', '3').outcome, 'partial-hit');
    const third = fec.complete('a', 6, 2).entry;
    assert.deepEqual(third, { fitness: 3, evaluations: 3, meanCost: 2 });
    const full = fec.lookup('a', '4');
    assert.equal(full.outcome, 'full-hit');
    assert.equal(fec.stats().partialHits, 2);
    assert.equal(fec.stats().costSaved, 2);
  });

  it('forgets a key after a full hit with forgetProbability', () => {
    const fec = new FunctionalEquivalenceCache<string>({ capacity: 10, maxEvalsPerHash: 1, forgetProbability: 1, rng: createRng(1) });
    fec.lookup('a', '1');
    fec.complete('a', 1, 1);
    assert.deepEqual(fec.lookup('a', '2'), { outcome: 'full-hit', entry: { fitness: 1, evaluations: 1, meanCost: 1 }, forgotten: true });
    assert.equal(fec.lookup('a', '3').outcome, 'miss');
    assert.equal(fec.stats().forgotten, 1);
  });

  it('forgets about the requested share of keys, reproducibly', () => {
    const run = () => {
      const fec = new FunctionalEquivalenceCache<number>({ capacity: 10_000, maxEvalsPerHash: 1, forgetProbability: 0.1, rng: createRng(7) });
      for (let i = 0; i < 2000; i++) {
        fec.lookup(`h${i}`, i);
        fec.complete(`h${i}`, i, 1);
        fec.lookup(`h${i}`, i);
      }
      return fec.stats().forgotten;
    };
    const forgotten = run();
    assert.ok(forgotten > 140 && forgotten < 260, `forgot ${forgotten} of 2000`);
    assert.equal(run(), forgotten);
  });

  it('evicts the least recently used hash beyond its capacity', () => {
    const fec = new FunctionalEquivalenceCache<string>({ capacity: 2, maxEvalsPerHash: 1, forgetProbability: 0 });
    for (const h of ['a', 'b']) {
      fec.lookup(h, h);
      fec.complete(h, 1, 1);
    }
    assert.equal(fec.lookup('a', 'again').outcome, 'full-hit'); // a is now most recent
    fec.lookup('c', 'c');
    fec.complete('c', 1, 1);
    assert.equal(fec.size, 2);
    assert.equal(fec.lookup('b', 'b2').outcome, 'miss');
  });

  it('rejects impossible settings with the field name', () => {
    assert.throws(() => new FunctionalEquivalenceCache({ capacity: 0, maxEvalsPerHash: 1, forgetProbability: 0 }), /cache\.capacity/);
    assert.throws(() => new FunctionalEquivalenceCache({ capacity: 1, maxEvalsPerHash: 0, forgetProbability: 0 }), /cache\.maxEvalsPerHash/);
    // With an rng, so only the range check can object (the rng check names the field too).
    for (const forgetProbability of [2, 1.0001, -0.1, Number.NaN]) {
      assert.throws(() => new FunctionalEquivalenceCache({ capacity: 1, maxEvalsPerHash: 1, forgetProbability, rng: createRng(1) }), /cache\.forgetProbability: expected a number from 0 to 1/);
    }
    for (const forgetProbability of [0, 1]) new FunctionalEquivalenceCache({ capacity: 1, maxEvalsPerHash: 1, forgetProbability, rng: createRng(1) });
    new FunctionalEquivalenceCache({ capacity: 1, maxEvalsPerHash: 1, forgetProbability: 0 }); // no rng needed without forgetting
    assert.throws(() => new FunctionalEquivalenceCache({ capacity: 1, maxEvalsPerHash: 1, forgetProbability: 0.5 }), /rng/);
  });

  it('refuses to complete a hash that is not in flight', () => {
    assert.throws(() => plain().complete('nope', 1, 1), /not in flight/);
  });

  it('restores the entries and counters of a resumed run, and the other-run share when given', () => {
    const counters = { misses: 4, partialHits: 1, fullHits: 3, inFlightJoins: 2, failures: 1, forgotten: 0, costSaved: 12.5 };
    const fec = plain();
    fec.restore([['a', { fitness: 0.5, evaluations: 1, meanCost: 2 }]], counters, { fullHits: 1, inFlightJoins: 1, costSaved: 4 });
    assert.deepEqual(fec.stats(), { ...counters, size: 1 });
    assert.deepEqual(fec.otherRunStats(), { fullHits: 1, inFlightJoins: 1, costSaved: 4 });
    assert.equal(fec.hitRate(), 5 / 10);
    const hit = fec.lookup('a', 'w');
    assert.deepEqual(hit, { outcome: 'full-hit', entry: { fitness: 0.5, evaluations: 1, meanCost: 2 }, forgotten: false });
    assert.deepEqual(fec.stats(), { ...counters, fullHits: 4, costSaved: 14.5, size: 1 });
    const without = plain();
    without.restore([], counters);
    assert.deepEqual(without.otherRunStats(), { fullHits: 0, inFlightJoins: 0, costSaved: 0 });
    assert.equal(plain().hitRate(), 0);
  });
  it('counts the hashes other runs are evaluating that this run waits for, until polled done', () => {
    const shared = new MemoryStore(10, 'A');
    const a = new FunctionalEquivalenceCache<string>({ capacity: 10, maxEvalsPerHash: 1, forgetProbability: 0, store: shared });
    const b = new FunctionalEquivalenceCache<string>({ capacity: 10, maxEvalsPerHash: 1, forgetProbability: 0, store: shared.forRun('B') });
    a.lookup('x', 'a1');
    a.lookup('y', 'a2');
    assert.equal(b.otherRunsWaitedFor, 0);
    for (const w of ['b1', 'b2']) assert.equal(b.lookup('x', w).outcome, 'in-flight-join');
    assert.equal(b.lookup('y', 'b3').outcome, 'in-flight-join');
    assert.deepEqual([b.otherRunsWaitedFor, b.inFlightCount, a.otherRunsWaitedFor], [2, 0, 0]);
    a.complete('x', 0.5, 3);
    assert.deepEqual(b.pollOtherRuns(), [{ hash: 'x', waiters: ['b1', 'b2'], entry: { fitness: 0.5, evaluations: 1, meanCost: 3 } }]);
    assert.equal(b.otherRunsWaitedFor, 1);
    assert.deepEqual(b.stats(), { misses: 0, partialHits: 0, fullHits: 0, inFlightJoins: 3, failures: 0, forgotten: 0, costSaved: 6, size: 1 });
  });

  it("takes a remote store's later answer (pending) as the lookup's, counted when it comes", async () => {
    const inner = new MemoryStore(10, 'A');
    const remote: CacheStore = Object.assign(Object.create(inner) as MemoryStore, {
      claim: (hash: string, wanted: number): Claim => ({ status: 'pending', answer: Promise.resolve(inner.claim(hash, wanted)) }),
    });
    const fec = new FunctionalEquivalenceCache<string>({ capacity: 10, maxEvalsPerHash: 1, forgetProbability: 0, store: remote });
    const first = fec.lookup('h', 'w1');
    assert.equal(first.outcome, 'pending');
    assert.equal(fec.stats().misses, 0, 'nothing counted before the answer');
    assert.deepEqual(await (first.outcome === 'pending' && first.answer), { outcome: 'miss' });
    assert.deepEqual([fec.stats().misses, fec.inFlightCount], [1, 1]);
    fec.complete('h', 0.25, 2);
    const second = fec.lookup('h', 'w2');
    assert.deepEqual(await (second.outcome === 'pending' && second.answer), { outcome: 'full-hit', entry: { fitness: 0.25, evaluations: 1, meanCost: 2 }, forgotten: false });
    const twice: CacheStore = Object.assign(Object.create(inner) as MemoryStore, {
      claim: (): Claim => ({ status: 'pending', answer: Promise.resolve({ status: 'pending', answer: Promise.resolve({ status: 'taken', owner: 'x' }) }) }),
    });
    const confused = new FunctionalEquivalenceCache<string>({ capacity: 10, maxEvalsPerHash: 1, forgetProbability: 0, store: twice });
    const third = confused.lookup('h', 'w3');
    await assert.rejects(third.outcome === 'pending' ? third.answer : Promise.resolve(), /FEC: a store answered "pending" twice for one claim/);
  });
});
