/**
 * `deja stats` numbers against a direct recomputation from random event logs (outcomes,
 * costs, hit rate, classes and their members, other runs), plus a small hand-checked log.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createRng, type Rng } from '../../src/random/rng.js';
import { CACHE_OUTCOMES, type CacheOutcome, type SearchEvent } from '../../src/record/events.js';
import { computeRunStats, readEvents, RunStatsAccumulator } from '../../src/record/run-stats.js';

function event(id: number, outcome: CacheOutcome, fields: Partial<SearchEvent> = {}): SearchEvent {
  return { id, parentId: null, hash: 'aaaaaaaaaaaaaaaa', outcome, fitness: outcome === 'failed' ? null : 1, cost: 0, probeMs: 0, evalMs: null, proposedAt: 0, settledAt: 0, ...fields };
}

function randomLog(rng: Rng, length: number): SearchEvent[] {
  const hashes = ['b', 'c', 'd', 'e', 'f', 'a'].map((h) => h.repeat(16));
  return Array.from({ length }, (_, id) => {
    const outcome = rng.pick(CACHE_OUTCOMES);
    const e = event(id, outcome, {
      // No hash: the cache is off (a miss) or the probe failed; hits and joins always have one.
      hash: (outcome === 'miss' || outcome === 'failed') && rng.bernoulli(0.2) ? null : rng.pick(hashes),
      fitness: outcome === 'failed' ? null : rng.int(7) - 10,
      cost: outcome === 'miss' || outcome === 'partial-hit' || outcome === 'failed' ? rng.int(4) / 4 : 0,
      evalMs: outcome === 'miss' || outcome === 'partial-hit' || (outcome === 'failed' && rng.bernoulli(0.5)) ? rng.int(100) : null,
      settledAt: rng.int(1000) / 10,
    });
    if (rng.bernoulli(0.7)) e.candidate = { x: rng.int(5) };
    if (outcome === 'full-hit' && rng.bernoulli(0.2)) e.verified = { fitness: 1, agreed: true };
    // A join needs a hash: a failed join always has one.
    if (outcome === 'failed' && e.hash !== null && rng.bernoulli(0.3)) e.joined = 0;
    if ((outcome === 'full-hit' || outcome === 'in-flight-join') && rng.bernoulli(0.3)) {
      e.fromOtherRun = true;
      if (rng.bernoulli(0.7)) e.savedCost = rng.int(8) / 8;
    }
    return e;
  });
}

/** The statistics written out plainly, one question at a time. */
function reference(events: SearchEvent[], top: number) {
  const n = events.length;
  const count = (o: CacheOutcome) => events.filter((e) => e.outcome === o).length;
  const hashed = events.filter((e) => e.hash !== null);
  const hits = hashed.filter((e) => e.outcome === 'full-hit' || e.outcome === 'in-flight-join' || (e.outcome === 'failed' && e.joined !== undefined)).length;
  const fitnesses = events.flatMap((e) => (e.fitness === null ? [] : [e.fitness]));
  const hashes = [...new Set(hashed.map((e) => e.hash!))];
  const classes = hashes.map((hash) => {
    const members = events.filter((e) => e.hash === hash);
    const distinct: unknown[] = [];
    for (const e of members) if (e.candidate !== undefined && !distinct.some((d) => JSON.stringify(d) === JSON.stringify(e.candidate))) distinct.push(e.candidate);
    return { hash, proposals: members.length, distinct: distinct.length, members: distinct.slice(0, 3), fitness: members[0].fitness };
  });
  classes.sort((a, b) => b.proposals - a.proposals || b.distinct - a.distinct || a.hash.localeCompare(b.hash));
  const other = events.filter((e) => e.fromOtherRun);
  return {
    proposals: n,
    evaluations: events.filter((e) => e.evalMs !== null && e.verified === undefined).length,
    failed: count('failed'),
    outcomes: CACHE_OUTCOMES.map((outcome) => ({
      outcome,
      count: count(outcome),
      cost: events.filter((e) => e.outcome === outcome).reduce((s, e) => s + e.cost, 0),
      share: n === 0 ? 0 : count(outcome) / n,
    })),
    hitRate: hashed.length === 0 ? 0 : hits / hashed.length,
    distinctHashes: hashes.length,
    bestFitness: fitnesses.length === 0 ? null : Math.max(...fitnesses),
    evaluationCost: events.reduce((s, e) => s + e.cost, 0),
    lastSettledAt: Math.max(0, ...events.map((e) => e.settledAt)),
    largestClasses: classes.slice(0, top),
    fromOtherRuns: {
      fullHits: other.filter((e) => e.outcome === 'full-hit').length,
      inFlightJoins: other.filter((e) => e.outcome !== 'full-hit').length,
      costSaved: other.reduce((s, e) => s + (e.savedCost ?? 0), 0),
    },
  };
}

describe('run statistics', () => {
  it('equal a direct recomputation on random logs', () => {
    const rng = createRng('run-stats');
    for (let round = 0; round < 60; round++) {
      const events = randomLog(rng, rng.int(80));
      const top = 1 + rng.int(7);
      assert.deepEqual(computeRunStats(events, top), reference(events, top), `round ${round}`);
    }
  });

  it('a hand-checked log', () => {
    const h1 = '1'.repeat(16);
    const h2 = '2'.repeat(16);
    const events = [
      event(0, 'miss', { hash: h1, fitness: -3, cost: 2, evalMs: 5, settledAt: 4, candidate: 'a' }),
      event(1, 'full-hit', { hash: h1, fitness: -3, settledAt: 2, candidate: 'b' }),
      event(2, 'full-hit', { hash: h1, fitness: -3, settledAt: 3, candidate: 'a', fromOtherRun: true, savedCost: 1.5 }),
      event(3, 'failed', { hash: h2, joined: 0, settledAt: 5, candidate: 'c', fromOtherRun: true }),
      event(4, 'failed', { hash: null, cost: 1, evalMs: 7, settledAt: 1 }),
      event(5, 'partial-hit', { hash: h2, fitness: -4, cost: 0.5, evalMs: 3, settledAt: 6, candidate: 'd' }),
    ];
    const stats = computeRunStats(events);
    assert.deepEqual(
      [stats.proposals, stats.evaluations, stats.failed, stats.hitRate, stats.distinctHashes, stats.bestFitness, stats.evaluationCost, stats.lastSettledAt],
      [6, 3, 2, 3 / 5, 2, -3, 3.5, 6],
    );
    assert.deepEqual(stats.outcomes.find((o) => o.outcome === 'failed'), { outcome: 'failed', count: 2, cost: 1, share: 2 / 6 });
    assert.deepEqual(stats.largestClasses, [
      { hash: h1, proposals: 3, distinct: 2, members: ['a', 'b'], fitness: -3 },
      { hash: h2, proposals: 2, distinct: 2, members: ['c', 'd'], fitness: null },
    ]);
    assert.deepEqual(stats.fromOtherRuns, { fullHits: 1, inFlightJoins: 1, costSaved: 1.5 });
    assert.deepEqual(computeRunStats(events, 1).largestClasses.map((c) => c.hash), [h1]);
  });

  it('verified hits are no evaluations; the first of equal best fitnesses stays (0 before -0)', () => {
    const h = '3'.repeat(16);
    const stats = computeRunStats([
      event(0, 'miss', { hash: h, fitness: 0, evalMs: 2 }),
      event(1, 'full-hit', { hash: h, fitness: -0, evalMs: 3, verified: { fitness: 0, agreed: true } }),
      event(2, 'full-hit', { hash: h, fitness: -0, evalMs: 4, verified: { fitness: null, agreed: false, error: 'e' } }),
    ]);
    assert.equal(stats.evaluations, 1);
    assert.ok(Object.is(stats.bestFitness, 0), String(stats.bestFitness));
  });

  it('members are told apart by 53-bit fingerprints (pairs that collide in fewer bits)', () => {
    // "40189" and "797186" have the same FNV-1a 32-bit hash (the high bits); "2614659" and "2830004" give
    // the same high / 2 ** 21 + low (found by search): both pairs differ in the 53 bits used.
    const h = '4'.repeat(16);
    const members = [40189, 797186, 2614659, 2830004];
    const [c] = computeRunStats(members.map((candidate, id) => event(id, 'miss', { hash: h, candidate }))).largestClasses;
    assert.deepEqual([c.proposals, c.distinct, c.members], [4, 4, members.slice(0, 3)]);
  });

  it('an empty log', () => {
    const stats = new RunStatsAccumulator().result();
    assert.deepEqual([stats.proposals, stats.hitRate, stats.bestFitness, stats.lastSettledAt, stats.largestClasses], [0, 0, null, 0, []]);
    assert.ok(stats.outcomes.every((o) => o.count === 0 && o.share === 0 && o.cost === 0));
    assert.deepEqual(stats.outcomes.map((o) => o.outcome), [...CACHE_OUTCOMES]);
  });

  it('classes: ties by distinct members, then by hash; members are the first three distinct', () => {
    const [ha, hb, hc] = ['a', 'b', 'c'].map((h) => h.repeat(16));
    const events = [
      event(0, 'miss', { hash: hc, candidate: 1 }),
      event(1, 'miss', { hash: hc, candidate: 2 }),
      event(2, 'miss', { hash: hb, candidate: 1 }),
      event(3, 'miss', { hash: hb, candidate: 1 }),
      event(4, 'miss', { hash: ha, candidate: 5 }),
      event(5, 'miss', { hash: ha, candidate: 6 }),
      ...[7, 8, 7, 9, 10].map((x, i) => event(6 + i, 'full-hit', { hash: 'd'.repeat(16), candidate: { x } })),
    ];
    const classes = computeRunStats(events, 10).largestClasses;
    assert.deepEqual(classes.map((c) => [c.hash[0], c.proposals, c.distinct]), [['d', 5, 4], ['a', 2, 2], ['c', 2, 2], ['b', 2, 1]]);
    assert.deepEqual(classes[0].members, [{ x: 7 }, { x: 8 }, { x: 9 }]);
  });

  it('readEvents skips blank and cut lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deja-stats-'));
    const path = join(dir, 'events.jsonl');
    writeFileSync(path, `${JSON.stringify(event(0, 'miss'))}\n\n  \n${JSON.stringify(event(1, 'full-hit'))}\n{"id": 2, "outc`);
    assert.deepEqual(readEvents(path).map((e) => e.id), [0, 1]);
  });
});
