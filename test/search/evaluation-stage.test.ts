/**
 * Dispatching and landing evaluations, value by value, with a scripted evaluator:
 * what each task carries, what each outcome costs, what settles (the evaluated
 * proposal and everyone who joined it), and how verified hits are compared.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FunctionalEquivalenceCache } from '../../src/cache/fec.js';
import { createRng, deriveSeed } from '../../src/random/rng.js';
import type { CacheOutcome } from '../../src/record/events.js';
import { type EvaluationSetup, EvaluationStage } from '../../src/search/evaluation-stage.js';
import { CompletionOrder } from '../../src/search/landing-queue.js';
import type { Pending, VerifiedHit } from '../../src/search/pending.js';
import { RunState } from '../../src/search/run-state.js';
import type { SettleDetails, Settler } from '../../src/search/settle.js';
import { Verifier } from '../../src/search/verify-stage.js';
import type { EvaluationOutcome, EvaluationTask } from '../../src/workers/evaluation-task.js';
import type { Evaluator } from '../../src/workers/evaluator.js';

const H = (c: string) => c.repeat(16);

function pending(id: number, hash: string | null, lookup: CacheOutcome = 'miss', verify?: VerifiedHit): Pending {
  return { id, parentId: null, candidate: { id }, hash, lookup, probeMs: 0, proposedAt: 0, ...(verify ? { verify } : {}) };
}

type Settled = [number, CacheOutcome, number | null, SettleDetails];

function stage(options: { fec?: boolean; maxEvalsPerHash?: number; keyPrefix?: string; verifyProbability?: number } = {}) {
  const tasks: Array<[EvaluationTask, number]> = [];
  const outcomes = new Map<number, EvaluationOutcome>();
  const evaluator = {
    evaluate: (task: EvaluationTask, timeoutMs: number) => {
      tasks.push([task, timeoutMs]);
      return outcomes.get((task.candidate as { id: number }).id)!;
    },
  } as unknown as Evaluator;
  const settled: Settled[] = [];
  const settler = { settle: (p: Pending, o: CacheOutcome, f: number | null, d: SettleDetails) => settled.push([p.id, o, f, d]) } as unknown as Settler;
  const state = new RunState({ maxEvaluations: 100 }, 1000, null);
  const queue = new CompletionOrder();
  const fec = options.fec === false ? null : new FunctionalEquivalenceCache<Pending>({ capacity: 100, maxEvalsPerHash: options.maxEvalsPerHash ?? 1, forgetProbability: 0 });
  const verifier = new Verifier(options.verifyProbability ?? 0.5, 1e-6, createRng(1));
  const setup: EvaluationSetup = { domainRef: { spec: 'dom', options: { a: 1 } }, seed: 77, timeoutMs: 1234, keyPrefix: options.keyPrefix };
  const s = new EvaluationStage(setup, state, evaluator, queue, fec, settler, verifier);
  const run = (p: Pending, outcome: EvaluationOutcome) => {
    outcomes.set(p.id, outcome);
    s.dispatch(p);
  };
  const land = () => queue.landReady(s.land);
  return { s, tasks, settled, state, fec, verifier, run, land };
}

const ok = (fitness: number, wallMs: number, extra: { cost?: number; metrics?: Record<string, number> } = {}): EvaluationOutcome => ({ ok: true, fitness, wallMs, ...extra });
const failed = (wallMs: number): EvaluationOutcome => ({ ok: false, kind: 'error', error: 'boom', wallMs });

describe('evaluation stage', () => {
  it('dispatch: the task, its seed and key; what it counts', () => {
    const t = stage({ keyPrefix: 'ns' });
    t.run(pending(5, H('a')), ok(1, 10));
    t.run(pending(6, null), ok(1, 10));
    t.run(pending(7, H('b'), 'full-hit', { stored: 1, forgotten: false, madeBy: null }), ok(1, 10));
    assert.deepEqual(t.tasks, [
      [{ domain: { spec: 'dom', options: { a: 1 } }, candidate: { id: 5 }, seed: deriveSeed(77, 'evaluate', 5), key: `ns/${H('a')}` }, 1234],
      [{ domain: { spec: 'dom', options: { a: 1 } }, candidate: { id: 6 }, seed: deriveSeed(77, 'evaluate', 6), key: undefined }, 1234],
      [{ domain: { spec: 'dom', options: { a: 1 } }, candidate: { id: 7 }, seed: deriveSeed(77, 'evaluate', 7), key: undefined }, 1234],
    ]);
    assert.deepEqual([t.state.inFlight, t.state.dispatched, t.state.verifications], [3, 2, 1]);
    const plain = stage();
    plain.run(pending(1, H('a')), ok(1, 10));
    assert.equal(plain.tasks[0][0].key, undefined, 'no key without a prefix');
  });

  it('a success settles with the cached mean, and so does everyone who joined it', () => {
    const t = stage({ maxEvalsPerHash: 3 });
    const owner = pending(0, H('a'));
    const joiners = [pending(1, H('a'), 'in-flight-join'), pending(2, H('a'), 'in-flight-join')];
    assert.equal(t.fec!.lookup(H('a'), owner).outcome, 'miss');
    for (const j of joiners) assert.equal(t.fec!.lookup(H('a'), j).outcome, 'in-flight-join');
    t.state.joinsWaiting = 2;
    t.run(owner, ok(4, 500, { metrics: { m: 1 } }));
    t.land();
    const second = pending(3, H('a'), 'partial-hit');
    assert.equal(t.fec!.lookup(H('a'), second).outcome, 'partial-hit');
    t.run(second, ok(8, 100, { cost: 3 }));
    t.land();
    assert.deepEqual(t.settled, [
      [0, 'miss', 4, { cost: 0.5, evalMs: 500, metrics: { m: 1 } }],
      [1, 'in-flight-join', 4, { cost: 0, evalMs: null, joined: 0, metrics: { m: 1 } }],
      [2, 'in-flight-join', 4, { cost: 0, evalMs: null, joined: 0, metrics: { m: 1 } }],
      [3, 'partial-hit', 6, { cost: 3, evalMs: 100, metrics: undefined }],
    ]);
    assert.deepEqual([t.state.inFlight, t.state.joinsWaiting, t.state.dispatched, t.state.evaluationCost], [0, 0, 2, 3.5]);
    assert.equal(t.verifier.madeByOf(H('a')), 0, 'the first evaluation made the entry');
    assert.deepEqual(t.fec!.peek(H('a')), { fitness: 6, evaluations: 2, meanCost: 1.75 });
  });

  it('without a cache the evaluated fitness settles as it is', () => {
    const t = stage({ fec: false });
    t.run(pending(0, null), ok(-2, 250));
    t.run(pending(1, null), failed(750));
    t.land();
    assert.deepEqual(t.settled, [
      [0, 'miss', -2, { cost: 0.25, evalMs: 250, metrics: undefined }],
      [1, 'failed', null, { cost: 0.75, evalMs: 750, lookup: undefined, failure: 'error', error: 'boom' }],
    ]);
    assert.deepEqual([t.state.evaluationCost, t.state.inFlight], [1, 0]);
  });

  it('a failure costs its wall time and fails its joiners, naming the evaluation', () => {
    const t = stage({ maxEvalsPerHash: 2 });
    const owner = pending(0, H('b'));
    t.fec!.lookup(H('b'), owner);
    const joiner = pending(1, H('b'), 'in-flight-join');
    t.fec!.lookup(H('b'), joiner);
    t.state.joinsWaiting = 1;
    t.run(owner, failed(2000));
    t.land();
    t.fec!.lookup(H('c'), pending(2, H('c')));
    t.fec!.complete(H('c'), 1, 1);
    const partial = pending(3, H('c'), 'partial-hit');
    t.fec!.lookup(H('c'), partial);
    t.run(partial, failed(500));
    t.land();
    assert.deepEqual(t.settled, [
      [0, 'failed', null, { cost: 2, evalMs: 2000, lookup: 'miss', failure: 'error', error: 'boom' }],
      [1, 'failed', null, { cost: 0, evalMs: null, joined: 0, failure: 'error', error: 'joined evaluation #0 failed: boom' }],
      [3, 'failed', null, { cost: 0.5, evalMs: 500, lookup: 'partial-hit', failure: 'error', error: 'boom' }],
    ]);
    assert.deepEqual([t.state.evaluationCost, t.state.joinsWaiting, t.state.inFlight, t.state.dispatched], [2.5, 0, 0, 2]);
    assert.equal(t.fec!.stats().failures, 2);
    // The claim was released: the next lookup of b is a miss, not a join.
    assert.equal(t.fec!.lookup(H('b'), pending(4, H('b'))).outcome, 'miss');
  });

  it('a verified hit settles with the stored fitness and the comparison', () => {
    const t = stage();
    const verify = (id: number, v: Partial<VerifiedHit>) => pending(id, H('d'), 'full-hit', { stored: 10, forgotten: false, madeBy: null, ...v });
    t.run(verify(0, { madeBy: 3 }), ok(10 + 1e-6, 200));
    t.run(verify(1, { madeBy: 3, forgotten: true }), ok(10.001, 200, { cost: 5 }));
    t.run(verify(2, { fromOtherRun: true, savedCost: 0.5 }), ok(11, 100));
    t.run(verify(3, {}), failed(300));
    t.land();
    assert.deepEqual(t.settled, [
      [0, 'full-hit', 10, { cost: 0.2, evalMs: 200, forgotten: false, verified: { fitness: 10 + 1e-6, agreed: true } }],
      [1, 'full-hit', 10, { cost: 5, evalMs: 200, forgotten: true, verified: { fitness: 10.001, agreed: false }, mergedWith: 3 }],
      [2, 'full-hit', 10, { cost: 0.1, evalMs: 100, forgotten: false, fromOtherRun: true, savedCost: 0.5, verified: { fitness: 11, agreed: false } }],
      [3, 'full-hit', 10, { cost: 0.3, evalMs: 300, forgotten: false, verified: { fitness: null, agreed: false, error: 'error: boom' } }],
    ]);
    assert.deepEqual([t.state.falseMerges, t.state.verifications, t.state.dispatched, t.state.inFlight], [2, 4, 0, 0]);
    assert.ok(Math.abs(t.state.evaluationCost - 5.6) < 1e-12);
  });
});
