/**
 * The Redis cache store as two coordinators see it (two stores, two run ids,
 * one private Redis): claim-or-read, hits across runs, joins on another run's
 * evaluation, a dead claimant's lease lapsing, released claims, namespaces.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Claim } from '../../src/cache/cache-store.js';
import { RedisStore } from '../../src/cache/redis-store.js';
import { startRedis, type RedisServer } from '../fixtures/redis-server.js';

/** The claim's final answer (a remote store answers `pending` first). */
async function settled(claim: Claim): Promise<Claim> {
  return claim.status === 'pending' ? claim.answer : claim;
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('Redis cache store', () => {
  let redis: RedisServer;
  const stores: RedisStore[] = [];
  const open = async (runId: string, namespace = 'test@1/abc', leaseMs = 30_000) => {
    const store = await RedisStore.open({ url: redis.url, namespace, runId, leaseMs, watchMs: 50 });
    stores.push(store);
    return store;
  };

  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const s of stores) await s.close();
    await redis.stop();
  });

  it('claims a new hash once: the other run sees it taken, joins, and gets the result', async () => {
    const a = await open('run-a');
    const b = await open('run-b');
    assert.deepEqual(await settled(a.claim('h1', 1)), { status: 'claimed', entry: undefined });
    assert.deepEqual(await settled(b.claim('h1', 1)), { status: 'taken', owner: 'run-a' });
    assert.equal(b.claimedElsewhere('h1'), true);
    assert.deepEqual(a.complete('h1', 0.5, 2), { fitness: 0.5, evaluations: 1, meanCost: 2 });
    await until(() => !b.claimedElsewhere('h1'));
    assert.deepEqual(b.peek('h1'), { fitness: 0.5, evaluations: 1, meanCost: 2, runId: 'run-a' });
    // Later lookups from either run are hits, answered locally.
    assert.deepEqual(b.claim('h1', 1), { status: 'hit', entry: { fitness: 0.5, evaluations: 1, meanCost: 2, runId: 'run-a' } });
    const c = await open('run-c');
    assert.deepEqual(await settled(c.claim('h1', 1)), { status: 'hit', entry: { fitness: 0.5, evaluations: 1, meanCost: 2, runId: 'run-a' } });
    await c.close();
    assert.equal(c.size(), 1);
  });

  it('keeps namespaces apart: the same hash under another evaluation fingerprint is a miss', async () => {
    const a = await open('run-a', 'ns@1/one');
    const b = await open('run-b', 'ns@1/two');
    assert.equal((await settled(a.claim('h2', 1))).status, 'claimed');
    a.complete('h2', 1, 1);
    assert.deepEqual(await settled(b.claim('h2', 1)), { status: 'claimed', entry: undefined });
  });

  it('lets a dead claimant\'s lease lapse, so a waiting run claims the hash itself', async () => {
    const dead = await open('run-dead', 'lease@1/x', 300);
    const alive = await open('run-alive', 'lease@1/x', 300);
    assert.equal((await settled(dead.claim('h3', 1))).status, 'claimed');
    // The claimant dies: no renewal, no completion, no release.
    dead.abandon();
    assert.equal((await settled(alive.claim('h3', 1))).status, 'taken');
    await until(() => !alive.claimedElsewhere('h3'), 3000);
    assert.equal(alive.peek('h3'), undefined);
    assert.deepEqual(await settled(alive.claim('h3', 1)), { status: 'claimed', entry: undefined });
  });

  it('releases the claims it still holds when closed', async () => {
    const a = await open('run-a', 'close@1/x');
    const b = await open('run-b', 'close@1/x');
    assert.equal((await settled(a.claim('h8', 1))).status, 'claimed');
    await a.close();
    assert.equal((await settled(b.claim('h8', 1))).status, 'claimed');
  });

  it('renews a live claim past its lease', async () => {
    const a = await open('run-a', 'renew@1/x', 300);
    const b = await open('run-b', 'renew@1/x', 300);
    assert.equal((await settled(a.claim('h4', 1))).status, 'claimed');
    await sleep(900);
    assert.equal((await settled(b.claim('h4', 1))).status, 'taken');
  });

  it('announces a released claim so joiners look again', async () => {
    const a = await open('run-a', 'release@1/x');
    const b = await open('run-b', 'release@1/x');
    assert.equal((await settled(a.claim('h5', 1))).status, 'claimed');
    assert.equal((await settled(b.claim('h5', 1))).status, 'taken');
    a.release('h5');
    await until(() => !b.claimedElsewhere('h5'));
    assert.equal(b.peek('h5'), undefined);
    assert.equal((await settled(b.claim('h5', 1))).status, 'claimed');
  });

  it('aggregates: a partial entry is claimed through its claim key and averaged', async () => {
    const a = await open('run-a', 'agg@1/x');
    const b = await open('run-b', 'agg@1/x');
    assert.equal((await settled(a.claim('h6', 2))).status, 'claimed');
    a.complete('h6', 1, 1);
    await until(() => b.peek('h6') !== undefined);
    const claim = await settled(b.claim('h6', 2));
    assert.equal(claim.status, 'claimed');
    assert.equal((await settled(a.claim('h6', 2))).status, 'taken');
    assert.deepEqual(b.complete('h6', 3, 1), { fitness: 2, evaluations: 2, meanCost: 1 });
    await until(() => !a.claimedElsewhere('h6'));
    assert.deepEqual(await settled(a.claim('h6', 2)), { status: 'hit', entry: { fitness: 2, evaluations: 2, meanCost: 1, runId: 'run-a' } });
  });

  it('adopts its own claim after a restart of the same run', async () => {
    const before = await open('run-same', 'adopt@1/x');
    assert.equal((await settled(before.claim('h7', 1))).status, 'claimed');
    before.abandon();
    const other = await open('run-other', 'adopt@1/x');
    assert.equal((await settled(other.claim('h7', 1))).status, 'taken');
    const again = await open('run-same', 'adopt@1/x');
    assert.deepEqual(await settled(again.claim('h7', 1)), { status: 'claimed', entry: undefined });
  });
});
