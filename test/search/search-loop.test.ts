/**
 * The engine's loop with scripted stages: how many evaluations it keeps in flight (joins
 * counted only when batched), what it flushes before each wait, when it yields during a
 * long run of synchronous hits, how it waits on other runs' evaluations, and which stop
 * reason it returns.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import type { FunctionalEquivalenceCache } from '../../src/cache/fec.js';
import type { Budget } from '../../src/experiment/schema.js';
import type { EvaluationStage } from '../../src/search/evaluation-stage.js';
import { CompletionOrder, DispatchOrderBatches, type LandingQueue } from '../../src/search/landing-queue.js';
import type { Pending } from '../../src/search/pending.js';
import type { ProposalStage } from '../../src/search/proposal-stage.js';
import { RunState } from '../../src/search/run-state.js';
import { runLoop } from '../../src/search/search-loop.js';
import type { EvaluationOutcome } from '../../src/workers/evaluation-task.js';
import type { Evaluator } from '../../src/workers/evaluator.js';

/** What a scripted proposal does: settle at once (a hit), join the evaluation in flight, or be evaluated. */
type Route = 'hit' | 'join' | 'eval';

interface Options {
  budget?: Budget;
  maxProposals?: number;
  slots: number;
  batched?: boolean;
  /** Route of proposal i (default: evaluate). */
  route?: (id: number) => Route;
  /** The probe answers later (proposeOne returns a promise). */
  asyncProbe?: boolean;
  /** Outcomes arrive only when the test calls finishAll (default: on the next turn). */
  manual?: boolean;
  withFlush?: boolean;
  /** A cache whose store's flushes are counted; `others`: other runs' evaluations waited for. */
  cache?: { others: number };
  signal?: AbortSignal;
}

function harness(o: Options) {
  const state = new RunState(o.budget ?? {}, o.maxProposals ?? 1e9, null, o.signal);
  const queue: LandingQueue = o.batched ? new DispatchOrderBatches(o.slots) : new CompletionOrder();
  const log: string[] = [];
  const landed: number[] = [];
  /** Proposals in flight to their evaluation, and joins waiting on them. */
  const joinsOn: Pending[] = [];
  let probing = 0;
  let maxBusy = 0;
  let maxInFlight = 0;
  const waiting: Array<() => void> = [];
  const storeFlushes: number[] = [];
  const fec = o.cache
    ? ({
        otherRunsWaitedFor: o.cache.others,
        store: { flush: () => (storeFlushes.push(state.proposals), log.push('store-flush')) },
      } as unknown as FunctionalEquivalenceCache<Pending> & { otherRunsWaitedFor: number })
    : null;
  let polls = 0;
  const evaluation = {
    land: (p: Pending, outcome: EvaluationOutcome) => {
      state.inFlight--;
      landed.push(p.id);
      state.observe(p.id, null, p.id);
      assert.equal(outcome.ok && outcome.fitness, p.id);
      // The joins wait on the oldest evaluation in flight, as the cache's joins do.
      const joined = joinsOn.splice(0);
      state.joinsWaiting -= joined.length;
      for (const j of joined) landed.push(j.id);
    },
  } as unknown as EvaluationStage;
  const dispatch = (p: Pending) => {
    state.inFlight++;
    state.dispatched++;
    maxInFlight = Math.max(maxInFlight, state.inFlight);
    const outcome: EvaluationOutcome = { ok: true, fitness: p.id, wallMs: 1 };
    if (o.manual) queue.add(p, new Promise((resolve) => waiting.push(() => resolve(outcome))));
    else queue.add(p, tick().then(() => outcome));
  };
  const routeOf = (p: Pending) => {
    const route = o.route?.(p.id) ?? 'eval';
    if (route === 'hit') landed.push(p.id);
    else if (route === 'join' && state.inFlight > 0) {
      state.joinsWaiting++;
      joinsOn.push(p);
    } else dispatch(p);
  };
  const proposals = {
    proposeOne: () => {
      const p: Pending = { id: state.proposals++, parentId: null, candidate: null, hash: null, lookup: 'miss', probeMs: 0, proposedAt: 0 };
      log.push('propose');
      maxBusy = Math.max(maxBusy, state.inFlight + state.joinsWaiting + probing);
      if (!o.asyncProbe) return routeOf(p);
      probing++;
      return tick().then(() => {
        probing--;
        routeOf(p);
      });
    },
    settleOtherRunJoins: () => {
      polls++;
      log.push('poll');
      if (fec && fec.otherRunsWaitedFor > 0) fec.otherRunsWaitedFor--;
    },
  } as unknown as ProposalStage;
  const evaluator = { evaluate: () => assert.fail('the loop never evaluates itself'), cancelAll: () => {}, close: async () => {} } as unknown as Evaluator;
  if (o.withFlush !== false) evaluator.flush = () => void log.push('flush');
  const whenReady = queue.whenReady.bind(queue);
  queue.whenReady = () => (log.push('wait'), whenReady());
  const run = () => runLoop({ state, proposals, evaluation, queue, evaluator, slots: o.slots, batched: o.batched ?? false, signal: o.signal, fec });
  const finishAll = () => waiting.splice(0).forEach((finish) => finish());
  return {
    state,
    log,
    landed,
    storeFlushes,
    run,
    finishAll,
    get maxBusy() { return maxBusy; },
    get maxInFlight() { return maxInFlight; },
    get polls() { return polls; },
  };
}

describe('search loop', () => {
  it('keeps exactly `slots` evaluations in flight and lands every one before it returns', async () => {
    const h = harness({ slots: 3, budget: { maxEvaluations: 10 } });
    assert.equal(await h.run(), 'max-evaluations');
    assert.equal(h.maxInFlight, 3);
    assert.equal(h.maxBusy, 2, 'a proposal is made only while fewer than `slots` are in flight');
    assert.deepEqual([h.state.proposals, h.state.dispatched, h.state.inFlight], [10, 10, 0]);
    assert.deepEqual([...h.landed].sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i));
    const one = harness({ slots: 1, budget: { maxEvaluations: 4 } });
    await one.run();
    assert.deepEqual([one.maxInFlight, one.landed], [1, [0, 1, 2, 3]], 'one slot: one at a time, in order');
  });

  it('counts joins against the slots only when batched', async () => {
    const joinEveryOther = (id: number): Route => (id % 2 === 1 ? 'join' : 'eval');
    const plain = harness({ slots: 3, budget: { maxEvaluations: 9 }, route: joinEveryOther });
    await plain.run();
    assert.equal(plain.maxInFlight, 3, 'unbatched: joins do not take a slot');
    assert.ok(plain.maxBusy > 2, `${plain.maxBusy}`);
    const batched = harness({ slots: 3, batched: true, budget: { maxEvaluations: 9 }, route: joinEveryOther });
    assert.equal(await batched.run(), 'max-evaluations');
    assert.equal(batched.maxBusy, 2, 'batched: evaluations and joins together stay below the slots when proposing');
    assert.equal(batched.maxInFlight, 2);
    assert.equal(batched.state.joinsWaiting, 0);
    assert.equal(batched.landed.length, batched.state.proposals);
  });

  it('waits for an asynchronous probe before proposing on', async () => {
    const h = harness({ slots: 2, asyncProbe: true, budget: { maxEvaluations: 6 }, cache: { others: 0 } });
    assert.equal(await h.run(), 'max-evaluations');
    assert.equal(h.maxBusy, 1, 'a probe in flight holds its slot');
    const count = (what: string) => h.log.filter((e) => e === what).length;
    assert.equal(count('store-flush'), count('wait'), 'waiting on a probe is no yield: the store is flushed only before waits');
    assert.equal(h.maxInFlight, 2);
    assert.deepEqual([h.state.proposals, h.landed.length], [6, 6]);
  });

  it('flushes the evaluator and the store before every wait, and not without one to flush', async () => {
    const h = harness({ slots: 2, budget: { maxEvaluations: 5 }, cache: { others: 0 } });
    await h.run();
    const waits = h.log.flatMap((e, i) => (e === 'wait' ? [i] : []));
    assert.ok(waits.length >= 3, h.log.join(' '));
    for (const i of waits) assert.deepEqual(h.log.slice(i - 2, i), ['flush', 'store-flush'], h.log.join(' '));
    assert.equal(h.log.filter((e) => e === 'flush').length, waits.length);
    assert.equal(h.log.filter((e) => e === 'store-flush').length, waits.length);
    assert.equal(h.polls, 0, 'no other run waited for: no polling');
    // An evaluator without flush and a run without a cache.
    const bare = harness({ slots: 2, budget: { maxEvaluations: 5 }, withFlush: false });
    assert.equal(await bare.run(), 'max-evaluations');
    assert.deepEqual([bare.log.filter((e) => e === 'wait').length, bare.polls], [waits.length, 0]);
  });

  it('yields (flushing the store) after every 1000 synchronous proposals', async () => {
    const h = harness({ slots: 1, maxProposals: 2500, route: () => 'hit', cache: { others: 0 } });
    assert.equal(await h.run(), 'max-proposals');
    assert.deepEqual(h.storeFlushes, [1000, 2000]);
    assert.equal(h.landed.length, 2500);
    assert.ok(!h.log.includes('wait'), 'nothing in flight: never waits');
    const bare = harness({ slots: 1, maxProposals: 2100, route: () => 'hit' });
    assert.equal(await bare.run(), 'max-proposals', 'yields without a cache too');
  });

  it('lets timers run during a long run of hits, so an abort stops it', async () => {
    const controller = new AbortController();
    const h = harness({ slots: 4, route: () => 'hit', signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    assert.equal(await h.run(), 'interrupted');
    assert.ok(h.state.proposals >= 1000, `${h.state.proposals}`);
  });

  it('polls other runs every 25 ms while their evaluations are waited for, even with nothing in flight', async () => {
    const h = harness({ slots: 2, budget: { maxEvaluations: 0 }, cache: { others: 3 } });
    const start = performance.now();
    assert.equal(await h.run(), 'max-evaluations');
    const ms = performance.now() - start;
    assert.equal(h.polls, 3, 'polled until no other run was waited for');
    assert.ok(ms >= 3 * 20, `${ms} ms`);
    assert.deepEqual(h.log.filter((e) => e !== 'flush' && e !== 'store-flush'), ['wait', 'poll', 'wait', 'poll', 'wait', 'poll']);
    // With evaluations in flight too: results still land as they come.
    const busy = harness({ slots: 2, budget: { maxEvaluations: 4 }, cache: { others: 1 } });
    assert.equal(await busy.run(), 'max-evaluations');
    assert.deepEqual([busy.landed.length, busy.polls], [4, 1]);
  });

  it('an abort while the last evaluations run turns a budget stop into an interruption', async () => {
    const budgetStop = harness({ slots: 3, budget: { maxEvaluations: 2 }, manual: true });
    const done = budgetStop.run();
    await tick();
    budgetStop.finishAll();
    assert.equal(await done, 'max-evaluations');

    const controller = new AbortController();
    const h = harness({ slots: 3, budget: { maxEvaluations: 2 }, manual: true, signal: controller.signal });
    const running = h.run();
    await tick();
    assert.equal(h.state.inFlight, 2);
    controller.abort();
    h.finishAll();
    assert.equal(await running, 'interrupted');
    assert.deepEqual(h.landed, [0, 1], 'what was in flight still lands');
  });
  it('keeps the stop reason first decided: a target reached by the last results does not replace a budget', async () => {
    const h = harness({ slots: 3, budget: { maxEvaluations: 2, targetFitness: 1 }, manual: true });
    const done = h.run();
    await tick();
    h.finishAll();
    assert.equal(await done, 'max-evaluations');
    assert.equal(h.state.targetReached, true, 'evaluation #1 reached the target after the budget stopped proposing');
    const target = harness({ slots: 1, budget: { maxEvaluations: 5, targetFitness: 1 } });
    assert.equal(await target.run(), 'target-fitness');
    assert.equal(target.state.proposals, 2);
  });
});
