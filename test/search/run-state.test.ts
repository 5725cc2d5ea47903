/**
 * The run's state and what becomes of it, checked by value without running a search:
 * RunState's counters, best and stop reasons (their order and boundaries), the Settler's
 * events and progress reports, and summary.json from a state and cache counters.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Domain } from '../../src/domain/domain.js';
import type { Experiment } from '../../src/experiment/schema.js';
import type { SearchEvent } from '../../src/record/events.js';
import type { RestoredRun } from '../../src/record/restore-run.js';
import type { RunRecorder } from '../../src/record/run-recorder.js';
import { hitRate } from '../../src/record/summary.js';
import type { Pending } from '../../src/search/pending.js';
import { RunState } from '../../src/search/run-state.js';
import type { Searcher } from '../../src/search/searcher.js';
import { type ProgressSnapshot, type SettleDetails, Settler } from '../../src/search/settle.js';
import { summarize, type CacheReport } from '../../src/search/summarize.js';

function restored(overrides: Partial<RestoredRun> = {}): RestoredRun {
  return {
    nextId: 17, evaluations: 11, failed: 3, evaluationCost: 4.5, probeMs: 250, elapsedSeconds: 100,
    cacheEntries: new Map(), cacheCounters: { misses: 0, partialHits: 0, fullHits: 0, inFlightJoins: 0, failures: 0, forgotten: 0, costSaved: 0 },
    verifications: 6, falseMerges: 2, otherRunCounters: { fullHits: 0, inFlightJoins: 0, costSaved: 0 }, individuals: [],
    best: { id: 4, fitness: 0.75, candidate: 'c4', metrics: { loss: 1 } },
    ...overrides,
  };
}

const fields = (s: RunState) => [s.proposals, s.dispatched, s.failed, s.evaluationCost, s.probeMs, s.verifications, s.falseMerges, s.inFlight, s.joinsWaiting];

// Progress throttling compares performance.now() with 0 first, and elapsed() with the process's start: be well past both.
before(async () => {
  await sleep(Math.max(0, 600 - performance.now()));
});

describe('RunState', () => {
  it('starts from zero, or from every restored counter', () => {
    const fresh = new RunState({ maxEvaluations: 5 }, 500, null);
    assert.deepEqual(fields(fresh), [0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(fresh.best, null);
    assert.equal(fresh.targetReached, false);
    const e = fresh.elapsed();
    assert.ok(e >= 0 && e < 0.5, `${e}`);

    const s = new RunState({ maxEvaluations: 50 }, 500, restored());
    assert.deepEqual(fields(s), [17, 11, 3, 4.5, 250, 6, 2, 0, 0]);
    assert.deepEqual(s.best, { id: 4, fitness: 0.75, candidate: 'c4', metrics: { loss: 1 } });
    assert.equal(s.targetReached, false);
    const t = s.elapsed();
    assert.ok(t >= 100 && t < 100.5, `elapsed counts the restored seconds: ${t}`);
  });

  it('elapsed() grows with wall time, in seconds', async () => {
    const s = new RunState({ maxEvaluations: 5 }, 500, null);
    const a = s.elapsed();
    await sleep(60);
    const d = s.elapsed() - a;
    assert.ok(d >= 0.05 && d < 5, `${d}`);
  });

  it('timestamp() is elapsed() to the microsecond', async () => {
    const s = new RunState({ maxEvaluations: 5 }, 500, restored({ elapsedSeconds: 12.3456789 }));
    await sleep(3);
    const [before, t, after] = [s.elapsed(), s.timestamp(), s.elapsed()];
    assert.equal(t, Math.round(t * 1e6) / 1e6, `${t} has no digits below a microsecond`);
    assert.ok(t >= before - 5e-7 && t <= after + 5e-7, `${before} <= ${t} <= ${after}`);
    assert.ok(t >= 12.3476, `counts the restored seconds and the time since: ${t}`);
  });

  it('a restored best at or above the target has reached it', () => {
    assert.equal(new RunState({ maxEvaluations: 5, targetFitness: 0.75 }, 9, restored()).targetReached, true);
    assert.equal(new RunState({ maxEvaluations: 5, targetFitness: 0.76 }, 9, restored()).targetReached, false);
    assert.equal(new RunState({ maxEvaluations: 5, targetFitness: -1 }, 9, restored({ best: null })).targetReached, false);
  });

  it('observe: failures count, the first of equal fitnesses stays best, the target is reached at equality', () => {
    const s = new RunState({ maxEvaluations: 50, targetFitness: 3 }, 500, null);
    s.observe(0, 'a', null);
    assert.deepEqual([s.failed, s.best], [1, null]);
    s.observe(1, 'b', -2, { m: 1 });
    assert.deepEqual(s.best, { id: 1, fitness: -2, candidate: 'b', metrics: { m: 1 } });
    s.observe(2, 'c', -2);
    s.observe(3, 'd', -5);
    assert.equal(s.best?.id, 1);
    s.observe(4, 'e', 2.5);
    assert.deepEqual([s.best?.id, s.targetReached, s.failed], [4, false, 1]);
    assert.equal(s.stopReason(), null);
    s.observe(5, 'f', 3);
    assert.deepEqual([s.best?.id, s.targetReached], [5, true]);
    assert.equal(s.stopReason(), 'target-fitness');
  });

  it('stop reasons at their boundaries, in order of precedence', () => {
    const budget = { maxEvaluations: 10, maxCost: 2, maxWallSeconds: 1000, targetFitness: 1 };
    const controller = new AbortController();
    const s = new RunState(budget, 20, null, controller.signal);
    assert.equal(s.stopReason(), null);
    s.evaluationCost = 1.999;
    s.dispatched = 9;
    s.proposals = 19;
    assert.equal(s.stopReason(), null);
    s.evaluationCost = 2;
    assert.equal(s.stopReason(), 'max-cost');
    s.proposals = 20;
    assert.equal(s.stopReason(), 'max-proposals');
    s.dispatched = 10;
    assert.equal(s.stopReason(), 'max-evaluations');
    s.targetReached = true;
    assert.equal(s.stopReason(), 'target-fitness');
    controller.abort();
    assert.equal(s.stopReason(), 'interrupted');

    const wall = new RunState({ maxWallSeconds: 100.5 }, 100, restored({ best: null }));
    assert.equal(wall.stopReason(), null);
    const over = new RunState({ maxWallSeconds: 100 }, 100, restored({ best: null }));
    assert.equal(over.stopReason(), 'max-wall-seconds');
    // Proposals are bounded even without an evaluation budget; maxProposals comes before cost and time.
    const proposalsOnly = new RunState({ maxCost: 1, maxWallSeconds: 1 }, 17, restored({ evaluationCost: 5 }));
    assert.equal(proposalsOnly.stopReason(), 'max-proposals');
    assert.equal(new RunState({ maxCost: 1, maxWallSeconds: 1 }, 18, restored({ evaluationCost: 5 })).stopReason(), 'max-cost');
  });
});

function pending(id: number, overrides: Partial<Pending> = {}): Pending {
  return { id, parentId: id - 1, candidate: { n: id }, hash: `h${id}`, lookup: 'miss', probeMs: 0.5 + id, proposedAt: 1.25 * id, ...overrides };
}

const plain: SettleDetails = { cost: 0.25, evalMs: 250 };

function settler(listeners: ConstructorParameters<typeof Settler>[3] = {}, restore: RestoredRun | null = null) {
  const state = new RunState({ maxEvaluations: 100 }, 1000, restore);
  const observed: Array<[number, unknown, number | null]> = [];
  const searcher = { observe: (id: number, c: unknown, f: number | null) => observed.push([id, c, f]) } as unknown as Searcher<unknown>;
  const recorded: Array<[SearchEvent, boolean, unknown]> = [];
  const recorder = { event: (e: SearchEvent, candidate: unknown, keep: boolean) => recorded.push([{ ...e }, keep, candidate]) } as unknown as RunRecorder;
  return { state, observed, recorded, s: new Settler(state, searcher, recorder, listeners, () => 0.375) };
}

describe('Settler', () => {
  it('writes the event with exactly the details given', () => {
    const events: SearchEvent[] = [];
    const { s, state, recorded } = settler({ onEvent: (e) => events.push(e) });
    s.settle(pending(3), 'miss', 0.5, plain);
    const first = events[0];
    const { settledAt, ...rest } = first;
    assert.deepEqual(rest, { id: 3, parentId: 2, hash: 'h3', outcome: 'miss', fitness: 0.5, cost: 0.25, probeMs: 3.5, evalMs: 250, proposedAt: 3.75, candidate: { n: 3 } });
    assert.ok(settledAt >= 0 && settledAt <= state.elapsed());
    // The recorder gets the candidate apart (it decides whether to write it) and the event without it.
    const { candidate, ...withoutCandidate } = first;
    assert.deepEqual([recorded[0][0], recorded[0][2]], [withoutCandidate, candidate]);

    const all: SettleDetails = {
      cost: 0, evalMs: null, joined: 0, fromOtherRun: true, savedCost: 1.5, verified: { fitness: 2, agreed: false }, mergedWith: 1,
      forgotten: true, lookup: 'partial-hit', failure: 'timeout', error: 'too slow', metrics: { acc: 0.5 },
    };
    s.settle(pending(4), 'failed', null, all);
    const { settledAt: _, ...second } = events[1];
    assert.deepEqual(second, {
      id: 4, parentId: 3, hash: 'h4', outcome: 'failed', fitness: null, cost: 0, probeMs: 4.5, evalMs: null, proposedAt: 5,
      joined: 0, forgotten: true, verified: { fitness: 2, agreed: false }, mergedWith: 1, fromOtherRun: true, savedCost: 1.5,
      lookup: 'partial-hit', failure: 'timeout', error: 'too slow', metrics: { acc: 0.5 }, candidate: { n: 4 },
    });
    // Falsy details stay out of the line: no forgotten: false, and no savedCost without fromOtherRun.
    s.settle(pending(5), 'full-hit', 1, { cost: 0, evalMs: null, forgotten: false, savedCost: 3, joined: 0 });
    const { settledAt: __, ...third } = events[2];
    assert.deepEqual(third, { id: 5, parentId: 4, hash: 'h5', outcome: 'full-hit', fitness: 1, cost: 0, probeMs: 5.5, evalMs: null, proposedAt: 6.25, joined: 0, candidate: { n: 5 } });
  });

  it('tells the recorder which events improve on the best, and updates searcher and state', () => {
    const { s, state, observed, recorded } = settler({}, restored({ best: { id: 0, fitness: 1, candidate: 'x' } }));
    const fitnesses = [null, 0.5, 1, 1.5, 1.5, null, 2];
    fitnesses.forEach((f, i) => s.settle(pending(20 + i), f === null ? 'failed' : 'miss', f, { ...plain, metrics: { i } }));
    assert.deepEqual(recorded.map(([, keep]) => keep), [false, false, false, true, false, false, true]);
    assert.deepEqual(observed, fitnesses.map((f, i) => [20 + i, { n: 20 + i }, f]));
    assert.deepEqual([state.failed, state.best?.id, state.best?.metrics], [3 + 2, 26, { i: 6 }]);
    const fresh = settler();
    fresh.s.settle(pending(0), 'miss', -3, plain);
    assert.equal(fresh.recorded[0][1], true, 'the first fitness is a new best');
  });

  it('settles without a run folder (no recorder)', () => {
    const state = new RunState({ maxEvaluations: 100 }, 1000, null);
    const searcher = { observe: () => undefined } as unknown as Searcher<unknown>;
    const events: SearchEvent[] = [];
    new Settler(state, searcher, null, { onEvent: (e) => events.push(e) }, () => 0).settle(pending(1), 'miss', 2, plain);
    assert.deepEqual([events.length, state.best?.fitness], [1, 2]);
  });

  it('reports progress at most once per interval (250 ms by default)', () => {
    const reports: ProgressSnapshot[] = [];
    const { s } = settler({ onProgress: (p) => reports.push(p) });
    for (let i = 0; i < 5; i++) s.settle(pending(i), 'miss', i, plain);
    assert.equal(reports.length, 1);
    const every: ProgressSnapshot[] = [];
    const b = settler({ onProgress: (p) => every.push(p), progressIntervalMs: 0 });
    for (let i = 0; i < 5; i++) b.s.settle(pending(i), 'miss', i, plain);
    assert.equal(every.length, 5);
    assert.deepEqual(every.map((p) => p.bestFitness), [0, 1, 2, 3, 4]);
    const never: ProgressSnapshot[] = [];
    const c = settler({ onProgress: (p) => never.push(p), progressIntervalMs: 1e9 });
    c.s.settle(pending(0), 'miss', 1, plain);
    assert.equal(never.length, 0);
  });

  it('a progress snapshot holds the state counters and rates', () => {
    const { s, state } = settler({}, restored());
    state.inFlight = 4;
    const p = s.progress();
    assert.deepEqual({ ...p, elapsedSeconds: 0, evaluationsPerSecond: 0 }, {
      elapsedSeconds: 0, proposals: 17, evaluations: 11, evaluationsPerSecond: 0, bestFitness: 0.75, hitRate: 0.375, inFlight: 4, failed: 3,
    });
    assert.ok(p.elapsedSeconds >= 100 && p.elapsedSeconds < 100.5);
    assert.equal(p.evaluationsPerSecond, 11 / p.elapsedSeconds);
    assert.equal(settler().s.progress().bestFitness, null);
  });
});

const experiment = { name: 'exp', seed: 42, workers: 3, cache: { enabled: true } } as unknown as Experiment;

function domain(extra: Partial<Domain> = {}): Domain {
  return { name: 'dom', describe: (c: unknown) => `described ${JSON.stringify(c)}`, ...extra } as unknown as Domain;
}

describe('summarize', () => {
  it('without a cache: every evaluation was a miss; rates from the wall time', async () => {
    const state = new RunState({ maxEvaluations: 100 }, 1000, restored({ verifications: 0, falseMerges: 0 }));
    const s = await summarize({ ...experiment, cache: { enabled: false } } as Experiment, domain(), state, null, null);
    const { wallSeconds, evaluationsPerSecond, proposalsPerSecond, best, ...rest } = s;
    assert.deepEqual(rest, {
      name: 'exp', domain: 'dom', seed: 42, workers: 3, evaluations: 11, proposals: 17, failed: 3,
      cache: { enabled: false, misses: 11, partialHits: 0, fullHits: 0, inFlightJoins: 0, hitRate: 0, size: 0, costSaved: 0, forgotten: 0 },
      evaluationCost: 4.5, costUnit: 's', probeSeconds: 0.25, stopReason: 'interrupted',
    });
    assert.ok(wallSeconds >= 100 && wallSeconds < 100.5);
    assert.equal(evaluationsPerSecond, 11 / wallSeconds);
    assert.equal(proposalsPerSecond, 17 / wallSeconds);
    assert.deepEqual({ ...best, final: 'none' }, { id: 4, fitness: 0.75, candidate: 'c4', description: 'described "c4"', metrics: { loss: 1 }, final: 'none' });
    assert.equal(best?.final, undefined);
  });

  it('with a cache: its counters, hit rate, store, other runs and verification', async () => {
    const report: CacheReport = {
      counters: { misses: 5, partialHits: 1, fullHits: 3, inFlightJoins: 1, failures: 2, forgotten: 1, costSaved: 2.5, size: 6 },
      otherRuns: { fullHits: 1, inFlightJoins: 0, costSaved: 0.5 },
      record: { store: 'sqlite', location: '/tmp/c.db', namespace: 'ns', runUid: 'uid' },
    };
    const state = new RunState({ maxEvaluations: 100 }, 1000, restored());
    const s = await summarize(experiment, domain({ costUnit: 'GPU h' }), state, report, 'max-cost');
    assert.deepEqual(s.cache, {
      enabled: true, misses: 5, partialHits: 1, fullHits: 3, inFlightJoins: 1, hitRate: 0.4, size: 6, costSaved: 2.5, forgotten: 1,
      store: { kind: 'sqlite', location: '/tmp/c.db', namespace: 'ns' }, fromOtherRuns: { fullHits: 1, inFlightJoins: 0, costSaved: 0.5 },
      verified: 6, falseMerges: 2,
    });
    assert.deepEqual([s.costUnit, s.stopReason], ['GPU h', 'max-cost']);
  });

  it("the best's held-out score: its value and time, or why it failed; no best, no score", async () => {
    const state = new RunState({ maxEvaluations: 100 }, 1000, restored());
    const finalEvaluate = async (c: unknown) => {
      await sleep(50);
      return { fitness: c === 'c4' ? 0.5 : -1, metrics: { held: 1 } };
    };
    const before = performance.now();
    const s = await summarize(experiment, domain({ finalEvaluate }), state, null, 'max-evaluations');
    const around = (performance.now() - before) / 1000;
    const final = s.best?.final as { fitness: number; metrics: unknown; seconds: number };
    assert.deepEqual([final.fitness, final.metrics], [0.5, { held: 1 }]);
    // At least the 50 ms it slept, at most the time around the whole call.
    assert.ok(final.seconds >= 0.04 && final.seconds <= around, `${final.seconds} of ${around}`);
    const failing = await summarize(experiment, domain({ finalEvaluate: () => { throw new Error('no held-out data'); } }), state, null, 'max-evaluations');
    assert.deepEqual(failing.best?.final, { error: 'finalEvaluate failed: no held-out data' });
    const none = await summarize(experiment, domain({ finalEvaluate }), new RunState({ maxEvaluations: 1 }, 1, null), null, null);
    assert.equal(none.best, null);
    assert.equal(none.evaluationsPerSecond, 0 / none.wallSeconds);
  });

  it('hitRate: hits and joins over all lookups, 0 without lookups', () => {
    assert.equal(hitRate({ misses: 3, partialHits: 2, fullHits: 4, inFlightJoins: 1 }), 0.5);
    assert.equal(hitRate({ misses: 0, partialHits: 0, fullHits: 0, inFlightJoins: 0 }), 0);
    assert.equal(hitRate({ misses: 0, partialHits: 0, fullHits: 2, inFlightJoins: 0 }), 1);
  });
});
