import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SearchEvent } from '../../src/record/events.js';
import { restoreRun } from '../../src/record/restore-run.js';
import { computeRunStats } from '../../src/record/run-stats.js';
import type { RunSummary } from '../../src/record/summary.js';
import { runSearch, type SearchConfig } from '../../src/search/run-search.js';
import { fixturePath } from '../fixtures/paths.js';

/** Every third class refuses to train: failures of evaluations, and of the joins waiting on them. */
const throwOn = Array.from({ length: 40 }, (_, i) => i * 3 + 1);

function config(overrides: Partial<SearchConfig>): SearchConfig {
  return {
    name: 'restore-test',
    domain: fixturePath('test-domain'),
    domainOptions: { classes: 12, size: 120, throwOn },
    search: { populationSize: 6, tournamentSize: 2 },
    budget: { maxEvaluations: 40 },
    workers: 0,
    seed: 3,
    ...overrides,
  };
}

async function collect(c: SearchConfig): Promise<{ events: SearchEvent[]; summary: RunSummary }> {
  const events: SearchEvent[] = [];
  const summary = await runSearch(c, { onEvent: (e) => events.push(e) });
  return { events, summary };
}

/** The cache counters of a summary, in restoreRun's shape (summary.json has no `failures`). */
function liveCounters(summary: RunSummary, events: readonly SearchEvent[]) {
  const { misses, partialHits, fullHits, inFlightJoins, forgotten, costSaved } = summary.cache;
  const failures = events.filter((e) => e.fitness === null && e.evalMs !== null).length;
  return { misses, partialHits, fullHits, inFlightJoins, failures, forgotten, costSaved };
}

describe('restoreRun', () => {
  const cases: Array<[string, Partial<SearchConfig>]> = [
    ['failures and forgetting, inline', { cache: { forgetProbability: 0.4 } }],
    ['aggregating mode with noise and failures', { cache: { maxEvalsPerHash: 3, forgetProbability: 0.2 }, domainOptions: { classes: 12, size: 120, throwOn, noise: 0.5 } }],
    ['joins and failed joins with two batched workers', { workers: 2, batchSize: 3, cache: { forgetProbability: 0.2 } }],
  ];
  for (const [name, overrides] of cases) {
    it(`rebuilds the live counters of an uninterrupted run: ${name}`, async () => {
      const { events, summary } = await collect(config(overrides));
      const counters = liveCounters(summary, events);
      // The run must exercise what is being checked, or the comparison proves nothing.
      assert.ok(counters.failures > 0 && counters.fullHits > 0, JSON.stringify(counters));
      if (overrides.workers) assert.ok(counters.inFlightJoins > 0 && events.some((e) => e.joined !== undefined && e.fitness === null), 'failed joins');
      if (overrides.cache?.forgetProbability) assert.ok(counters.forgotten > 0, 'forgetting');
      if (overrides.cache?.maxEvalsPerHash) assert.ok(counters.partialHits > 0, 'partial hits');
      const restored = restoreRun(events);
      assert.deepEqual(restored.cacheCounters, counters);
      assert.equal(restored.evaluations, summary.evaluations);
      assert.equal(restored.failed, summary.failed);
      assert.equal(restored.nextId, summary.proposals);
      assert.equal(restored.evaluationCost, summary.evaluationCost);
      assert.equal(restored.best?.fitness, summary.best?.fitness);
      assert.equal(restored.best?.id, summary.best?.id);
      assert.equal(computeRunStats(events).hitRate, summary.cache.hitRate);
      // The restored cache holds each hash whose last evaluation succeeded and was not forgotten since.
      const held = new Map<string, number>();
      for (const e of events) {
        if ((e.outcome === 'miss' || e.outcome === 'partial-hit') && e.fitness !== null) held.set(e.hash!, e.fitness);
        if (e.forgotten) held.delete(e.hash!);
      }
      assert.deepEqual(new Map([...restored.cacheEntries].map(([h, entry]) => [h, entry.fitness])), held);
    });
  }

  it('a resumed run ends with the counters of its whole event log', async () => {
    const overrides: Partial<SearchConfig> = { workers: 2, batchSize: 3, cache: { forgetProbability: 0.3 } };
    const first = await collect(config({ ...overrides, budget: { maxEvaluations: 20 } }));
    const rest: SearchEvent[] = [];
    const second = await runSearch(config({ ...overrides, budget: { maxEvaluations: 45 } }), {
      resumeFrom: first.events,
      onEvent: (e) => rest.push(e),
    });
    const all = [...first.events, ...rest];
    assert.equal(second.evaluations, 45);
    assert.deepEqual(restoreRun(all).cacheCounters, liveCounters(second, all));
  });
});
