/**
 * The landing orders with evaluations finishing in a chosen order: completion order lands
 * each result as it comes, batches land whole and in dispatch order, however they finish.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import type { Pending } from '../../src/search/pending.js';
import { CompletionOrder, DispatchOrderBatches, type LandingQueue } from '../../src/search/landing-queue.js';
import type { EvaluationOutcome } from '../../src/workers/evaluation-task.js';

const pending = (id: number): Pending => ({ id, parentId: null, candidate: id, hash: null, lookup: 'miss', probeMs: 0, proposedAt: 0 });
const outcome = (id: number): EvaluationOutcome => ({ ok: true, fitness: id, wallMs: id }) as EvaluationOutcome;

/** An evaluation whose result arrives when the test says so. */
function deferred(id: number) {
  let resolve!: () => void;
  const promise = new Promise<EvaluationOutcome>((r) => (resolve = () => r(outcome(id))));
  return { promise, finish: resolve };
}

function lander(queue: LandingQueue) {
  const landed: Array<[number, number]> = [];
  return { landed, land: () => queue.landReady((p, o) => landed.push([p.id, o.ok ? o.fitness : -1])) };
}

/** Whether `whenReady`'s promise has resolved after pending callbacks ran. */
async function resolved(p: Promise<void> | null): Promise<boolean> {
  if (p === null) return true;
  let done = false;
  void p.then(() => (done = true));
  await tick();
  await tick();
  return done;
}

describe('completion order', () => {
  it('lands synchronous outcomes at once, and others as they finish', async () => {
    const q = new CompletionOrder();
    const { landed, land } = lander(q);
    assert.equal(await resolved(q.whenReady()), false, 'nothing sent: nothing to land');
    q.add(pending(0), outcome(0));
    assert.equal(q.whenReady(), null);
    land();
    assert.deepEqual(landed, [[0, 0]]);
    const [a, b, c] = [1, 2, 3].map(deferred);
    q.add(pending(1), a.promise);
    q.add(pending(2), b.promise);
    q.add(pending(3), c.promise);
    const ready = q.whenReady();
    assert.notEqual(ready, null);
    assert.equal(await resolved(ready), false);
    c.finish();
    assert.equal(await resolved(ready), true, 'the first result wakes the loop');
    a.finish();
    await tick();
    land();
    assert.deepEqual(landed, [[0, 0], [3, 3], [1, 1]]);
    land();
    assert.equal(landed.length, 3, 'landed results are gone');
    const next = q.whenReady();
    b.finish();
    assert.equal(await resolved(next), true);
    land();
    assert.deepEqual(landed.at(-1), [2, 2]);
  });
});

describe('dispatch-order batches', () => {
  it('land only whole batches, oldest first, in dispatch order', async () => {
    const q = new DispatchOrderBatches(2);
    const { landed, land } = lander(q);
    assert.equal(await resolved(q.whenReady()), false, 'nothing sent: nothing to land');
    const d = [0, 1, 2, 3, 4].map(deferred);
    d.forEach((x, i) => q.add(pending(i), x.promise));
    const ready = q.whenReady();
    d[1].finish();
    d[3].finish();
    d[2].finish();
    assert.equal(await resolved(ready), false, 'the oldest batch (0, 1) is not all back');
    land();
    assert.deepEqual(landed, []);
    // As the engine does (it may stop waiting to poll other runs): wait again after landing.
    const again = q.whenReady();
    d[0].finish();
    assert.equal(await resolved(again), true);
    land();
    assert.deepEqual(landed, [[0, 0], [1, 1]]);
    assert.equal(q.whenReady(), null, 'the next batch (2, 3) is back');
    land();
    assert.deepEqual(landed.slice(2), [[2, 2], [3, 3]]);
    // What there is of the last batch lands when it is all back.
    const last = q.whenReady();
    assert.equal(await resolved(last), false);
    d[4].finish();
    assert.equal(await resolved(last), true);
    land();
    assert.deepEqual(landed.slice(4), [[4, 4]]);
    land();
    assert.equal(landed.length, 5);
  });

  it('synchronous outcomes fill their slots at once', () => {
    const q = new DispatchOrderBatches(3);
    const { landed, land } = lander(q);
    for (let i = 0; i < 4; i++) q.add(pending(i), outcome(i));
    assert.equal(q.whenReady(), null);
    land();
    assert.deepEqual(landed, [[0, 0], [1, 1], [2, 2]]);
    land();
    assert.deepEqual(landed.map(([id]) => id), [0, 1, 2, 3]);
  });
  it('a wait abandoned by landReady never takes the wake-up of the next wait', async () => {
    // The engine stops waiting after 25 ms to poll other runs, lands (nothing), and waits again.
    const q = new DispatchOrderBatches(2);
    const { landed, land } = lander(q);
    const [a, b] = [0, 1].map(deferred);
    q.add(pending(0), a.promise);
    q.add(pending(1), b.promise);
    const abandoned = q.whenReady();
    land();
    a.finish();
    await Promise.resolve(); // a's result is in; the next wait starts before anything else runs
    const next = q.whenReady();
    b.finish();
    assert.equal(await resolved(next), true, 'the batch is back: the current wait wakes');
    assert.equal(await resolved(abandoned), false, 'the abandoned wait stays abandoned');
    land();
    assert.deepEqual(landed, [[0, 0], [1, 1]]);
  });
});
