/**
 * The engine's numbers checked against independent computations from the events:
 * running means, what joiners receive, and what failed evaluations cost.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SearchEvent } from '../../src/record/events.js';
import { runSearch, type SearchConfig } from '../../src/search/run-search.js';
import { fixturePath } from '../fixtures/paths.js';

function config(overrides: Partial<SearchConfig>): SearchConfig {
  return {
    name: 'engine-values',
    domain: fixturePath('test-domain'),
    domainOptions: { classes: 6, size: 60, fitnessIsX: true },
    search: { populationSize: 5, tournamentSize: 2 },
    budget: { maxEvaluations: 40 },
    workers: 0,
    seed: 5,
    ...overrides,
  };
}

async function collect(c: SearchConfig) {
  const events: SearchEvent[] = [];
  const summary = await runSearch(c, { onEvent: (e) => events.push(e) });
  return { events, summary };
}

const x = (e: SearchEvent) => (e.candidate as { x: number }).x;
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

describe('engine values', () => {
  it('aggregating mode: evaluations, joiners and full hits all see the mean of the evaluations so far', async () => {
    // Fitness is x itself, so members of a class (same hash) score differently and the mean is checkable.
    const { events, summary } = await collect(config({ workers: 2, batchSize: 3, cache: { maxEvalsPerHash: 3 }, budget: { maxEvaluations: 45 } }));
    const seen = new Map<string, number[]>();
    const byId = new Map(events.map((e) => [e.id, e]));
    let joins = 0;
    let fullHits = 0;
    for (const e of events) {
      const xs = seen.get(e.hash!) ?? [];
      if (e.outcome === 'miss' || e.outcome === 'partial-hit') {
        assert.equal(e.outcome, xs.length === 0 ? 'miss' : 'partial-hit');
        xs.push(x(e));
        seen.set(e.hash!, xs);
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
        assert.ok(close(e.fitness!, mean), `#${e.id}: ${e.fitness} vs mean ${mean} of ${xs}`);
      } else if (e.outcome === 'in-flight-join') {
        joins++;
        assert.equal(e.fitness, byId.get(e.joined!)!.fitness, `join #${e.id} gets its owner's (mean) fitness`);
      } else if (e.outcome === 'full-hit') {
        fullHits++;
        assert.equal(xs.length, 3);
        assert.ok(close(e.fitness!, (xs[0] + xs[1] + xs[2]) / 3));
      }
    }
    assert.ok(joins > 0 && fullHits > 0 && summary.cache.partialHits > 0, JSON.stringify(summary.cache));
    assert.equal(joins, summary.cache.inFlightJoins);
  });

  it('failed evaluations cost their wall time: counted in summary.evaluationCost and against maxCost', async () => {
    const throwOn = Array.from({ length: 30 }, (_, i) => 2 * i);
    const { events, summary } = await collect(config({
      domainOptions: { classes: 60, size: 60, throwOn, delayMs: 15 },
      budget: { maxCost: 6 },
    }));
    const failed = events.filter((e) => e.outcome === 'failed');
    assert.ok(failed.length > 0 && failed.every((e) => e.cost > 0 && close(e.cost, e.evalMs! / 1000)), 'failures cost their wall time');
    const paid = events.reduce((sum, e) => sum + e.cost, 0);
    assert.ok(close(summary.evaluationCost, paid), `${summary.evaluationCost} vs ${paid}`);
    // Inline, one evaluation at a time: the run stops with the first evaluation that reaches the budget.
    assert.equal(summary.stopReason, 'max-cost');
    assert.ok(summary.evaluationCost >= 6 && paid - events[events.length - 1].cost < 6, `paid ${paid}`);
    assert.equal(summary.failed, failed.length);
    assert.equal(summary.evaluations, events.filter((e) => e.evalMs !== null).length);
  });

  it('plain cache: every full hit reports the one evaluation of its hash, and counters match the events', async () => {
    const { events, summary } = await collect(config({ domainOptions: { classes: 6, size: 60, fitnessIsX: true, throwOn: [1, 7, 13, 19, 25, 31, 37, 43] } }));
    const first = new Map<string, number>();
    for (const e of events) {
      if (e.outcome === 'miss') first.set(e.hash!, x(e));
      if (e.outcome === 'full-hit') assert.equal(e.fitness, first.get(e.hash!));
    }
    const count = (o: string) => events.filter((e) => e.outcome === o).length;
    const failedLookups = events.filter((e) => e.outcome === 'failed' && e.lookup === 'miss').length;
    assert.ok(failedLookups > 0, 'some evaluations failed');
    assert.deepEqual(
      [summary.cache.misses, summary.cache.fullHits, summary.proposals, summary.cache.costSaved],
      [count('miss') + failedLookups, count('full-hit'), events.length, count('full-hit')],
    );
    assert.equal(summary.cache.size, first.size);
    assert.equal(summary.cache.hitRate, count('full-hit') / events.length);
    assert.equal(summary.best!.fitness, Math.max(...events.flatMap((e) => (e.fitness === null ? [] : [e.fitness]))));
  });
});
