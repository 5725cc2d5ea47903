/**
 * Proposing and routing, value by value, with a scripted searcher and domain: what a
 * proposal carries, where the cache's answer sends it (evaluation, join, settled hit,
 * verification), how probe failures settle, and when a second probe stops the run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import type { CacheStore, Claim } from '../../src/cache/cache-store.js';
import { FunctionalEquivalenceCache } from '../../src/cache/fec.js';
import { MemoryStore } from '../../src/cache/memory-store.js';
import type { Domain } from '../../src/domain/domain.js';
import { ProbeContractError } from '../../src/domain/probe-contract.js';
import { createRng } from '../../src/random/rng.js';
import type { CacheOutcome } from '../../src/record/events.js';
import type { EvaluationStage } from '../../src/search/evaluation-stage.js';
import type { Pending } from '../../src/search/pending.js';
import { ProposalStage } from '../../src/search/proposal-stage.js';
import { RunState } from '../../src/search/run-state.js';
import type { Searcher } from '../../src/search/searcher.js';
import type { SettleDetails, Settler } from '../../src/search/settle.js';
import { Verifier } from '../../src/search/verify-stage.js';

/** Candidates are numbers; the probe's first output names the class; the hash is that number in hex. */
const hash = (o: ArrayLike<number>) => Math.abs(o[0]).toString(16).padStart(16, '0');

interface Setup {
  cache?: boolean;
  probe?: (c: unknown) => ArrayLike<number> | Promise<ArrayLike<number>>;
  verifyProbability?: number;
  /** Whether probes are rechecked; 'default': the stage's default. */
  recheck?: boolean | 'default';
  maxEvalsPerHash?: number;
  store?: CacheStore;
}

function stage(setup: Setup = {}) {
  const proposals: Array<{ candidate: unknown; parentId: number | null }> = [];
  const searcher = { propose: () => proposals.shift()! } as unknown as Searcher<unknown>;
  const probed: unknown[] = [];
  const probe = setup.probe ?? ((c: unknown) => [c as number, 1]);
  const domain = { name: 'dom', probe: (c: unknown) => (probed.push(c), probe(c)) } as unknown as Domain;
  const fec = new FunctionalEquivalenceCache<Pending>({ capacity: 100, maxEvalsPerHash: setup.maxEvalsPerHash ?? 1, forgetProbability: 0, store: setup.store });
  const dispatched: Pending[] = [];
  const evaluation = { dispatch: (p: Pending) => void dispatched.push({ ...p }) } as unknown as EvaluationStage;
  const settled: Array<[number, CacheOutcome, number | null, SettleDetails]> = [];
  /** Each settled proposal's probe time, as the settler sees it. */
  const settledProbeMs: number[] = [];
  const settler = {
    settle: (p: Pending, o: CacheOutcome, f: number | null, d: SettleDetails) => (settledProbeMs.push(p.probeMs), settled.push([p.id, o, f, d])),
  } as unknown as Settler;
  const state = new RunState({ maxEvaluations: 100 }, 1000, null);
  const verifier = new Verifier(setup.verifyProbability ?? 0, 1e-9, createRng(2));
  const cache = setup.cache === false ? null : { fec, hash };
  const s = setup.recheck === 'default'
    ? new ProposalStage(state, searcher, domain, cache, evaluation, settler, verifier)
    : new ProposalStage(state, searcher, domain, cache, evaluation, settler, verifier, setup.recheck ?? false);
  const propose = (candidate: unknown, parentId: number | null = null) => {
    proposals.push({ candidate, parentId });
    return s.proposeOne();
  };
  /** Proposes and returns the wall time the call took, in ms. */
  const timed = (candidate: unknown) => {
    const start = performance.now();
    propose(candidate);
    return performance.now() - start;
  };
  return { s, state, fec, dispatched, settled, settledProbeMs, probed, propose, timed, verifier };
}

describe('proposal stage', () => {
  it('without a cache every proposal is evaluated, unprobed, with the next id', () => {
    const t = stage({ cache: false });
    t.state.proposals = 7;
    t.propose(3, 2);
    t.propose(4);
    assert.equal(t.probed.length, 0);
    assert.deepEqual(t.dispatched.map(({ proposedAt, ...p }) => p), [
      { id: 7, parentId: 2, candidate: 3, hash: null, lookup: 'miss', probeMs: 0 },
      { id: 8, parentId: null, candidate: 4, hash: null, lookup: 'miss', probeMs: 0 },
    ]);
    assert.ok(t.dispatched.every((p) => p.proposedAt >= 0 && p.proposedAt <= t.state.elapsed()));
    assert.equal(t.state.proposals, 9);
  });

  it('routes by the cache: miss and partial hit evaluate, a hash in flight joins, a full hit settles', () => {
    const t = stage({ maxEvalsPerHash: 2 });
    t.propose(5);
    t.propose(-5); // same class, still in flight: joins
    assert.deepEqual(t.dispatched.map((p) => [p.id, p.hash, p.lookup]), [[0, hash([5]), 'miss']]);
    assert.equal(t.state.joinsWaiting, 1);
    t.fec.complete(hash([5]), 2, 0.5);
    t.propose(5);
    assert.deepEqual(t.dispatched.map((p) => [p.id, p.lookup]), [[0, 'miss'], [2, 'partial-hit']]);
    t.fec.complete(hash([5]), 4, 1.5);
    t.propose(-5, 2);
    assert.deepEqual(t.settled, [[3, 'full-hit', 3, { cost: 0, evalMs: null, forgotten: false }]]);
    assert.ok(t.dispatched.every((p) => p.probeMs >= 0));
    const total = t.dispatched.reduce((s, p) => s + p.probeMs, 0);
    assert.ok(t.state.probeMs >= total && t.state.probeMs > 0, 'probe time adds up');
  });

  it('a sampled full hit is evaluated anyway, carrying what the cache answered', () => {
    const t = stage({ verifyProbability: 1 });
    t.propose(9);
    t.verifier.remember(hash([9]), 0);
    t.fec.complete(hash([9]), 7, 0.25);
    t.propose(9);
    assert.deepEqual(t.dispatched.map((p) => [p.id, p.lookup, p.verify]), [[0, 'miss', undefined], [1, 'full-hit', { stored: 7, forgotten: false, madeBy: 0 }]]);
    assert.deepEqual(t.settled, []);
  });

  it('a probe that throws, rejects or breaks the contract fails its proposal', async () => {
    const t = stage({
      probe: (c) => {
        if (c === 1) throw new Error('bad candidate');
        if (c === 2) throw 'plain string';
        if (c === 3) return Promise.reject(new Error('async bad'));
        if (c === 4) return [];
        if (c === 5) return Promise.resolve([5, 5]);
        return 'nope' as unknown as number[];
      },
    });
    t.propose(1);
    t.propose(2);
    const rejected = t.propose(3);
    assert.ok(rejected instanceof Promise);
    await rejected;
    t.propose(4);
    await t.propose(5);
    t.propose(6);
    const failure = (error: string): SettleDetails => ({ cost: 0, evalMs: null, failure: 'error', error });
    assert.deepEqual(t.settled.map(([id, o, f, d]) => [id, o, f, d]), [
      [0, 'failed', null, failure('probe failed: bad candidate')],
      [1, 'failed', null, failure('probe failed: plain string')],
      [2, 'failed', null, failure('probe failed: async bad')],
      [3, 'failed', null, failure('probe failed: probe returned no outputs; expected at least one number')],
      [5, 'failed', null, failure('probe failed: probe returned string; expected an array of numbers (plain or typed)')],
    ]);
    assert.deepEqual(t.dispatched.map((p) => [p.id, p.hash]), [[4, hash([5])]]);
  });

  it('rechecks early probes on a JSON copy and stops the run when they disagree', async () => {
    let calls = 0;
    const flaky = stage({ recheck: true, probe: (c) => [(c as { x: number }).x + (calls++ === 1 ? 1 : 0)] });
    const candidate = { x: 3 };
    assert.throws(() => flaky.propose(candidate), (e: unknown) => {
      assert.ok(e instanceof ProbeContractError);
      assert.equal(
        e.message,
        `domain "dom": its probe is not deterministic: candidate #0 probed twice gave hash ${hash([3])}, then ${hash([4])}; the cache would hand one candidate's fitness to another, so the run stopped. Make probe a pure function of the candidate (seed any randomness from fixed values), or set cache.recheckProbes: false if the difference is known to be harmless`,
      );
      return true;
    });
    assert.equal(flaky.probed[0], candidate);
    assert.deepEqual(flaky.probed[1], candidate);
    assert.notEqual(flaky.probed[1], candidate, 'the second probe sees a copy');

    const steady = stage({ recheck: true, probe: async (c) => [c as number] });
    await steady.propose(4);
    assert.deepEqual([steady.probed, steady.dispatched.map((p) => p.id)], [[4, 4], [0]]);
    const noRecheck = stage({ probe: (c) => [(c as number) + Math.random()] });
    noRecheck.propose(1);
    assert.equal(noRecheck.probed.length, 1);

    let n = 0;
    const throwsSecond = stage({ recheck: true, probe: () => { if (n++ > 0) throw new Error('second'); return [1]; } });
    assert.throws(() => throwsSecond.propose(1), /probed twice gave the second probe threw \(second\)/);
    let m = 0;
    const badSecond = stage({ recheck: true, probe: () => (m++ > 0 ? [] : [1]) });
    assert.throws(() => badSecond.propose(1), /gave hash 0000000000000001, then not an array of numbers/);
    let k = 0;
    const asyncDiffers = stage({ recheck: true, probe: () => (k++ > 0 ? Promise.resolve([2]) : [1]) });
    await assert.rejects(asyncDiffers.propose(1) as Promise<void>, ProbeContractError);
  });

  it('only the first 20 proposals and every 50th are probed twice', () => {
    const t = stage({ recheck: true });
    for (let i = 0; i < 101; i++) t.propose(1000 + i);
    const twice = new Set<unknown>();
    const seen = new Set<unknown>();
    for (const c of t.probed) (seen.has(c) ? twice : seen).add(c);
    assert.deepEqual([...twice].map((c) => (c as number) - 1000), [...Array.from({ length: 20 }, (_, i) => i), 50, 100]);
  });
  it('joins on another run\'s evaluation settle with its entry, or are looked up again when it failed', () => {
    const other = new MemoryStore(100, 'other');
    const t = stage({ store: other.forRun('me') });
    other.claim(hash([5]), 1);
    other.claim(hash([6]), 1);
    for (const c of [5, -5, 6, -6]) t.propose(c);
    assert.deepEqual([t.dispatched.length, t.settled.length, t.state.joinsWaiting, t.fec.otherRunsWaitedFor], [0, 0, 4, 2]);
    t.s.settleOtherRunJoins();
    assert.deepEqual([t.dispatched.length, t.settled.length, t.state.joinsWaiting], [0, 0, 4], 'both still running elsewhere');
    other.complete(hash([5]), 7, 2);
    other.release(hash([6]));
    t.s.settleOtherRunJoins();
    const joined: SettleDetails = { cost: 0, evalMs: null, fromOtherRun: true, savedCost: 2 };
    assert.deepEqual(t.settled, [[0, 'in-flight-join', 7, joined], [1, 'in-flight-join', 7, joined]]);
    // The failed one's first waiter claims the hash and is evaluated here; the second joins it.
    assert.deepEqual(t.dispatched.map((p) => [p.id, p.lookup]), [[2, 'miss']]);
    assert.deepEqual([t.state.joinsWaiting, t.fec.otherRunsWaitedFor], [1, 0]);
  });

  it('a store that answers later: routed when its answer comes, for proposals and for joins looked up again', async () => {
    const other = new MemoryStore(100, 'other');
    const mine = other.forRun('me');
    const later = Object.assign(Object.create(mine) as CacheStore, {
      claim: (hash: string, wanted: number): Claim => ({ status: 'pending', answer: tick().then(() => mine.claim(hash, wanted)) }),
    });
    const t = stage({ store: later });
    const first = t.propose(5);
    assert.ok(first instanceof Promise);
    assert.equal(t.dispatched.length, 0);
    await first;
    assert.deepEqual(t.dispatched.map((p) => [p.id, p.lookup]), [[0, 'miss']]);
    t.fec.complete(hash([5]), 3, 1);
    await t.propose(-5);
    assert.deepEqual(t.settled, [[1, 'full-hit', 3, { cost: 0, evalMs: null, forgotten: false }]]);
    other.claim(hash([8]), 1);
    await t.propose(8);
    assert.deepEqual([t.state.joinsWaiting, t.fec.otherRunsWaitedFor], [1, 1]);
    other.release(hash([8]));
    t.s.settleOtherRunJoins();
    assert.deepEqual([t.dispatched.length, t.state.joinsWaiting], [1, 0], 'looked up again: the answer is not in yet');
    await tick();
    await tick();
    assert.deepEqual(t.dispatched.map((p) => [p.id, p.lookup]), [[0, 'miss'], [2, 'miss']]);
  });
  it('probe time is the time the probe took: at most the proposal\'s own time, for routed and failed proposals', () => {
    const t = stage({ probe: (c) => { if (c === 2) throw new Error('no'); return [c as number]; } });
    const spans = [1, 2, 3].map((c) => t.timed(c));
    assert.deepEqual(t.dispatched.map((p) => p.id), [0, 2]);
    const probeMs = [t.dispatched[0].probeMs, t.settledProbeMs[0], t.dispatched[1].probeMs];
    for (let i = 0; i < 3; i++) assert.ok(probeMs[i] >= 0 && probeMs[i] <= spans[i] + 5e-5, `#${i}: ${probeMs[i]} of ${spans[i]} ms (+ half the rounding unit)`);
    assert.ok(Math.abs(t.state.probeMs - (probeMs[0] + probeMs[2])) < 1e-9, 'routed proposals add their probe time to the run\'s');
    for (const ms of probeMs) assert.equal(ms, Math.round(ms * 1e4) / 1e4, `${ms} ms: kept to a tenth of a microsecond`);
    assert.ok(t.dispatched.every((p) => p.proposedAt === Math.round(p.proposedAt * 1e6) / 1e6), 'proposedAt to the microsecond');
  });

  it('rechecks probes by default', () => {
    const t = stage({ recheck: 'default' });
    t.propose(3);
    assert.deepEqual(t.probed, [3, 3]);
    assert.deepEqual(t.dispatched.map((p) => p.id), [0]);
  });

  it('a sampled full hit on another run\'s entry carries what it saved', () => {
    const other = new MemoryStore(100, 'other');
    other.claim(hash([4]), 1);
    other.complete(hash([4]), 6, 0.75);
    const t = stage({ store: other.forRun('me'), verifyProbability: 1 });
    t.propose(4);
    assert.deepEqual(t.dispatched.map((p) => [p.id, p.lookup, p.verify]), [[0, 'full-hit', { stored: 6, forgotten: false, madeBy: null, fromOtherRun: true, savedCost: 0.75 }]]);
  });
});
