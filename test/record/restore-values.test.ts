/**
 * restoreRun on hand-made logs, value by value: counters, cache entries (running mean cost,
 * forgetting, recency and capacity), verification, other runs, and which individuals a
 * bounded restore keeps (checked against a direct computation on random logs).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../src/random/rng.js';
import type { CacheOutcome, SearchEvent } from '../../src/record/events.js';
import { restoreRun } from '../../src/record/restore-run.js';

const H = (c: string) => c.repeat(16);

function ev(id: number, outcome: CacheOutcome, fields: Partial<SearchEvent> = {}): SearchEvent {
  const evaluated = outcome === 'miss' || outcome === 'partial-hit';
  return {
    id, parentId: null, hash: H('a'), outcome, fitness: outcome === 'failed' ? null : 1, cost: evaluated ? 1 : 0,
    probeMs: 0, evalMs: evaluated ? 10 : null, proposedAt: 0, settledAt: 0, ...fields,
  };
}

describe('restoreRun values', () => {
  it('run counters: ids, cost, probe time, elapsed, evaluations, failures, verification', () => {
    const run = restoreRun([
      ev(4, 'miss', { cost: 2, probeMs: 1.5, settledAt: 3 }),
      ev(1, 'failed', { cost: 0.5, evalMs: 4, probeMs: 2, settledAt: 9, hash: null }),
      ev(2, 'full-hit', { verified: { fitness: 1, agreed: true }, evalMs: 7, cost: 0.25, settledAt: 5 }),
      ev(3, 'full-hit', { verified: { fitness: 3, agreed: false }, evalMs: 7 }),
      ev(5, 'full-hit', { verified: { fitness: null, agreed: false, error: 'x' }, evalMs: 7 }),
      ev(6, 'in-flight-join', { joined: 4 }),
    ]);
    assert.deepEqual(
      [run.nextId, run.evaluationCost, run.probeMs, run.elapsedSeconds, run.evaluations, run.failed, run.verifications, run.falseMerges],
      [7, 2.75, 3.5, 9, 2, 1, 3, 1],
    );
    // The failed evaluation had no hash (its probe failed): no cache lookup to count.
    assert.deepEqual(run.cacheCounters, { misses: 1, partialHits: 0, fullHits: 3, inFlightJoins: 1, failures: 0, forgotten: 0, costSaved: 2 + 2 + 2 + 2 });
    const empty = restoreRun([]);
    assert.deepEqual([empty.nextId, empty.elapsedSeconds, empty.best, empty.individuals], [0, 0, null, []]);
  });

  it('cache entries: running mean fitness and cost, recency order, forgetting, failures', () => {
    const run = restoreRun([
      ev(0, 'miss', { hash: H('a'), fitness: 2, cost: 4 }),
      ev(1, 'miss', { hash: H('b'), fitness: 5, cost: 1 }),
      ev(2, 'partial-hit', { hash: H('a'), fitness: 3, cost: 1 }),
      ev(3, 'partial-hit', { hash: H('a'), fitness: 4, cost: 4 }),
      ev(4, 'full-hit', { hash: H('b'), fitness: 5, forgotten: true }),
      ev(5, 'failed', { hash: H('c'), lookup: 'partial-hit', evalMs: 3, cost: 0.5 }),
      ev(6, 'failed', { hash: H('d'), evalMs: 3 }),
      ev(7, 'full-hit', { hash: H('b'), fitness: 5, savedCost: 0.75 }),
      ev(8, 'full-hit', { hash: H('e'), fitness: 5 }),
      // A partial hit whose entry is gone (forgotten) starts afresh.
      ev(9, 'partial-hit', { hash: H('b'), fitness: 6, cost: 2 }),
    ]);
    assert.deepEqual([...run.cacheEntries], [
      [H('a'), { fitness: 4, evaluations: 3, meanCost: 3 }],
      [H('b'), { fitness: 6, evaluations: 1, meanCost: 2 }],
    ]);
    // costSaved: the first hit on b pays b's mean cost 1; the hit after forgetting uses the event's savedCost; e saves 0.
    assert.deepEqual(run.cacheCounters, { misses: 3, partialHits: 4, fullHits: 3, inFlightJoins: 0, failures: 2, forgotten: 1, costSaved: 1.75 });
  });

  it('joins save the cost of the evaluation they joined; failed joins save nothing', () => {
    const run = restoreRun([
      ev(0, 'miss', { cost: 3 }),
      ev(1, 'in-flight-join', { joined: 0 }),
      ev(2, 'failed', { joined: 0 }),
      ev(3, 'in-flight-join', { joined: 77, savedCost: 0.5, fromOtherRun: true }),
      ev(4, 'in-flight-join', { joined: 78, fromOtherRun: true }),
      ev(5, 'full-hit', { hash: H('f'), fromOtherRun: true, savedCost: 0.25 }),
      ev(6, 'full-hit', { hash: H('f'), fromOtherRun: true }),
    ]);
    assert.deepEqual(run.cacheCounters, { misses: 1, partialHits: 0, fullHits: 2, inFlightJoins: 4, failures: 0, forgotten: 0, costSaved: 3 + 0.5 + 0.25 });
    assert.deepEqual(run.otherRunCounters, { fullHits: 2, inFlightJoins: 2, costSaved: 0.75 });
    assert.equal(run.failed, 1);
  });

  it('capacity keeps the most recently used entries, also while streaming', () => {
    const hashes = 'abcdefghij'.split('');
    const events = hashes.map((h, id) => ev(id, 'miss', { hash: H(h), fitness: id }));
    events.push(ev(10, 'partial-hit', { hash: H('a'), fitness: 1 }));
    const run = restoreRun(events, { capacity: 3 });
    assert.deepEqual([...run.cacheEntries.keys()], [H('i'), H('j'), H('a')]);
    // Trimmed while streaming (beyond twice the capacity), `a` was gone when its partial hit came.
    assert.deepEqual(run.cacheEntries.get(H('a')), { fitness: 1, evaluations: 1, meanCost: 1 });
    const loose = restoreRun(events, { capacity: 5 });
    assert.deepEqual([...loose.cacheEntries.keys()], ['g', 'h', 'i', 'j', 'a'].map(H));
    assert.equal(loose.cacheEntries.get(H('a'))?.evaluations, 2);
    assert.equal(restoreRun(events).cacheEntries.size, 10);
  });

  it('best: the first of the fittest, with its metrics; a checkpoint supplies population and best', () => {
    const events = [
      ev(0, 'miss', { fitness: 1, candidate: 'p', metrics: { m: 0 } }),
      ev(1, 'miss', { fitness: 3, candidate: 'q', metrics: { m: 1 } }),
      ev(2, 'full-hit', { fitness: 3, candidate: 'r' }),
      ev(3, 'failed', { candidate: 's' }),
      ev(4, 'miss', { fitness: 2, candidate: 't' }),
    ];
    const run = restoreRun(events);
    assert.deepEqual(run.best, { id: 1, fitness: 3, candidate: 'q', metrics: { m: 1 } });
    assert.deepEqual(run.individuals.map((i) => i.id), [0, 1, 2, 4]);
    // Without candidates: only the checkpoint's population, then events after its line.
    const checkpoint = { events: 2, population: [{ id: 0, candidate: 'p0', fitness: 1 }], best: { id: 9, fitness: 2.5, candidate: 'b' } };
    const fromCheckpoint = restoreRun(events, { checkpoint });
    assert.deepEqual(fromCheckpoint.individuals, [{ id: 0, candidate: 'p0', fitness: 1 }, { id: 2, candidate: 'r', fitness: 3 }, { id: 4, candidate: 't', fitness: 2 }]);
    assert.deepEqual(fromCheckpoint.best, { id: 1, fitness: 3, candidate: 'q', metrics: { m: 1 } });
    const higher = restoreRun(events.slice(0, 1), { checkpoint });
    assert.deepEqual(higher.best, checkpoint.best);
    // Events without candidates add no individuals.
    assert.deepEqual(restoreRun([ev(0, 'miss', { fitness: 4 })]).individuals, []);
  });

  it('false merges: disagreeing verifications that produced a fitness (not agreeing ones, not failed ones)', () => {
    const run = restoreRun([
      ev(0, 'full-hit', { verified: { fitness: 2, agreed: false }, evalMs: 1 }),
      ev(1, 'full-hit', { verified: { fitness: 3, agreed: false }, evalMs: 1 }),
      ev(2, 'full-hit', { verified: { fitness: 1, agreed: true }, evalMs: 1 }),
      ev(3, 'full-hit', { verified: { fitness: null, agreed: false, error: 'x' }, evalMs: 1 }),
      ev(4, 'full-hit', { verified: { fitness: null, agreed: false, error: 'y' }, evalMs: 1 }),
      ev(5, 'full-hit', { verified: { fitness: null, agreed: false, error: 'z' }, evalMs: 1 }),
    ]);
    assert.deepEqual([run.verifications, run.falseMerges, run.evaluations], [6, 2, 0]);
  });

  it("other runs: a join on another run's evaluation has no id to name; hits and joins counted apart", () => {
    const run = restoreRun([
      ev(0, 'in-flight-join', { fromOtherRun: true, savedCost: 0.5 }),
      ev(1, 'full-hit', { hash: H('b'), fromOtherRun: true, savedCost: 2 }),
      ev(2, 'full-hit', { hash: H('c'), fromOtherRun: true, savedCost: 4 }),
    ]);
    assert.deepEqual(run.cacheCounters, { misses: 0, partialHits: 0, fullHits: 2, inFlightJoins: 1, failures: 0, forgotten: 0, costSaved: 6.5 });
    assert.deepEqual(run.otherRunCounters, { fullHits: 2, inFlightJoins: 1, costSaved: 6.5 });
    assert.equal(run.cacheEntries.size, 0);
  });

  it('a miss starts its entry afresh even where the restore still holds an older one (evicted live)', () => {
    // Capacity 1: the live cache evicted a when b came, so the second evaluation of a was a miss.
    const run = restoreRun([ev(0, 'miss', { hash: H('a'), fitness: 2, cost: 4 }), ev(1, 'miss', { hash: H('b'), fitness: 1 }), ev(2, 'miss', { hash: H('a'), fitness: 3, cost: 2 })], { capacity: 1 });
    assert.deepEqual([...run.cacheEntries], [[H('a'), { fitness: 3, evaluations: 1, meanCost: 2 }]]);
  });

  it("a checkpoint's population comes first, in its order, then the events after its line (bounded keep)", () => {
    const population = [5, 9, 7].map((id) => ({ id, candidate: `p${id}`, fitness: id / 10 }));
    const events = [0, 1, 2, 3].map((id) => ev(id, 'miss', { fitness: id, candidate: `e${id}` }));
    const run = restoreRun(events, { keep: 10, checkpoint: { events: 2, population, best: null } });
    assert.deepEqual(
      run.individuals.map((i) => i.candidate),
      ['p5', 'p9', 'p7', 'e2', 'e3'],
    );
  });

  it('keep: the newest `keep` and the best `keep`, in settling order (random logs)', () => {
    const rng = createRng('restore-keep');
    for (let round = 0; round < 80; round++) {
      const n = rng.int(40);
      const keep = 1 + rng.int(6);
      const events = Array.from({ length: n }, (_, id) =>
        rng.bernoulli(0.2) ? ev(id, 'failed', { candidate: id }) : ev(id, 'miss', { fitness: rng.int(6), candidate: id, hash: rng.bernoulli(0.5) ? null : H('a') }),
      );
      const settled = events.filter((e) => e.fitness !== null);
      const newest = settled.slice(-keep);
      // Best first, earlier first among equals (a stable sort).
      const best = [...settled].sort((a, b) => b.fitness! - a.fitness!).slice(0, keep);
      const expected = settled.filter((e) => newest.includes(e) || best.includes(e)).map((e) => ({ id: e.id, candidate: e.id, fitness: e.fitness }));
      assert.deepEqual(restoreRun(events, { keep }).individuals, expected, `round ${round}, keep ${keep}`);
      assert.deepEqual(restoreRun(events).individuals.length, settled.length);
    }
  });
});
