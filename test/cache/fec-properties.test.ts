/** Properties of the FEC over random sequences of evaluations, checked against plain recomputation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FunctionalEquivalenceCache } from '../../src/cache/fec.js';

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
const evaluation = fc.record({
  hash: fc.constantFrom('a', 'b', 'c'),
  fitness: fc.double({ min: -1e3, max: 1e3, noNaN: true }),
  cost: fc.double({ min: 0, max: 100, noNaN: true }),
  fails: fc.boolean(),
});

describe('functional equivalence cache properties', () => {
  it('stores the arithmetic mean of fitness and cost, counts lookups and saves the mean cost on full hits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(evaluation, { maxLength: 40 }), (maxEvals, steps) => {
        const fec = new FunctionalEquivalenceCache<number>({ capacity: 10, maxEvalsPerHash: maxEvals, forgetProbability: 0 });
        const stored = new Map<string, Array<{ fitness: number; cost: number }>>();
        const want = { misses: 0, partialHits: 0, fullHits: 0, inFlightJoins: 0, failures: 0, forgotten: 0, costSaved: 0 };
        for (const [i, s] of steps.entries()) {
          const before = stored.get(s.hash) ?? [];
          const found = fec.lookup(s.hash, i);
          const mean = (key: 'fitness' | 'cost') => before.reduce((sum, e) => sum + e[key], 0) / before.length;
          if (before.length >= maxEvals) {
            assert.equal(found.outcome, 'full-hit');
            assert.ok(found.outcome === 'full-hit' && close(found.entry.fitness, mean('fitness')) && !found.forgotten);
            want.fullHits++;
            want.costSaved += mean('cost');
            continue;
          }
          assert.equal(found.outcome, before.length === 0 ? 'miss' : 'partial-hit');
          want[before.length === 0 ? 'misses' : 'partialHits']++;
          if (s.fails) {
            assert.deepEqual(fec.fail(s.hash), []);
            want.failures++;
            continue;
          }
          const after = [...before, { fitness: s.fitness, cost: s.cost }];
          stored.set(s.hash, after);
          const { entry } = fec.complete(s.hash, s.fitness, s.cost);
          assert.equal(entry.evaluations, after.length);
          assert.ok(close(entry.fitness, after.reduce((sum, e) => sum + e.fitness, 0) / after.length), `fitness ${entry.fitness} of ${JSON.stringify(after)}`);
          assert.ok(close(entry.meanCost, after.reduce((sum, e) => sum + e.cost, 0) / after.length), `cost ${entry.meanCost} of ${JSON.stringify(after)}`);
          assert.deepEqual(fec.peek(s.hash), entry);
        }
        const { size, costSaved, ...counters } = fec.stats();
        const { costSaved: wantSaved, ...wantCounters } = want;
        assert.deepEqual(counters, wantCounters);
        assert.ok(close(costSaved, wantSaved));
        assert.equal(size, stored.size);
        assert.equal(fec.inFlightCount, 0);
      }),
      { seed: 16, numRuns: 300 },
    );
  });

  it('a join receives the completed evaluation and saves its cost; a failure hands joiners back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 50, noNaN: true }), fc.boolean(), (joiners, cost, fails) => {
        const fec = new FunctionalEquivalenceCache<number>({ capacity: 4, maxEvalsPerHash: 1, forgetProbability: 0 });
        fec.lookup('h', -1);
        for (let j = 0; j < joiners; j++) assert.equal(fec.lookup('h', j).outcome, 'in-flight-join');
        const back = fails ? fec.fail('h') : fec.complete('h', 0.25, cost).waiters;
        assert.deepEqual(back, Array.from({ length: joiners }, (_, j) => j));
        assert.equal(fec.stats().inFlightJoins, joiners);
        assert.ok(close(fec.stats().costSaved, fails ? 0 : joiners * cost));
        assert.equal(fec.lookup('h', 99).outcome, fails ? 'miss' : 'full-hit');
      }),
      { seed: 17, numRuns: 200 },
    );
  });
});
