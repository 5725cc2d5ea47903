/**
 * The CacheStore contract, checked on the in-memory and the SQLite store alike: claims between runs,
 * running means, forgetting, restoring; then what only one of them does (LRU recency, leases).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { CacheStore } from '../../src/cache/cache-store.js';
import { addEvaluation, MemoryStore } from '../../src/cache/memory-store.js';
import { SqliteStore, type SqliteStoreOptions } from '../../src/cache/sqlite-store.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function sqliteRuns(overrides: Partial<SqliteStoreOptions> = {}): (uid: string) => SqliteStore {
  const dir = mkdtempSync(join(tmpdir(), 'deja-contract-'));
  dirs.push(dir);
  const namespace = { key: 'contract@1', domain: 'contract', version: '1', fingerprint: null };
  // Two connections in one thread: each write commits at once (commitEveryMs 0), or the other would find the file locked.
  return (uid) => new SqliteStore({ path: join(dir, 'fec.db'), namespace, run: { uid, experiment: 'e', outDir: null }, capacity: 100, commitEveryMs: 0, ...overrides });
}

/** Opens two runs on one set of entries: `a` and `b`. */
const kinds: Array<[string, () => { a: CacheStore; b: CacheStore }]> = [
  [
    'MemoryStore',
    () => {
      const a = new MemoryStore(100, 'A');
      return { a, b: a.forRun('B') };
    },
  ],
  [
    'SqliteStore',
    () => {
      const open = sqliteRuns();
      return { a: open('A'), b: open('B') };
    },
  ],
];

for (const [kind, open] of kinds) {
  describe(`${kind}: the store contract`, () => {
    it('claims an unknown hash, stores an evaluation with its maker, then hits', () => {
      const { a, b } = open();
      assert.deepEqual(a.claim('h', 1), { status: 'claimed', entry: undefined });
      assert.equal(a.peek('h'), undefined);
      assert.equal(a.size(), 0);
      assert.deepEqual(a.complete('h', 2, 3), { fitness: 2, evaluations: 1, meanCost: 3 });
      assert.deepEqual(a.peek('h'), { fitness: 2, evaluations: 1, meanCost: 3, runId: a.runId });
      assert.equal(a.size(), 1);
      assert.deepEqual(a.claim('h', 1), { status: 'hit', entry: { fitness: 2, evaluations: 1, meanCost: 3, runId: a.runId } });
      assert.deepEqual(b.claim('h', 1), { status: 'hit', entry: { fitness: 2, evaluations: 1, meanCost: 3, runId: a.runId } });
      assert.equal(b.size(), 1);
      assert.notEqual(a.runId, b.runId);
    });

    it('folds further evaluations into running means while fewer than wanted are stored, keeping the first maker', () => {
      const { a, b } = open();
      a.claim('h', 3);
      a.complete('h', 2, 3);
      assert.deepEqual(b.claim('h', 3), { status: 'claimed', entry: { fitness: 2, evaluations: 1, meanCost: 3, runId: a.runId } });
      assert.deepEqual(b.complete('h', 4, 5), { fitness: 3, evaluations: 2, meanCost: 4 });
      assert.equal(a.claim('h', 3).status, 'claimed');
      assert.deepEqual(a.complete('h', 9, 1), { fitness: 5, evaluations: 3, meanCost: 3 });
      assert.deepEqual(b.claim('h', 3), { status: 'hit', entry: { fitness: 5, evaluations: 3, meanCost: 3, runId: a.runId } });
      assert.deepEqual(b.claim('h', 2).status, 'hit');
    });

    it("shows one run's claim to the other as taken, until completed or released by its owner", () => {
      const { a, b } = open();
      assert.equal(a.claim('x', 1).status, 'claimed');
      assert.equal(a.claim('x', 1).status, 'claimed', 'a run may claim its own claim again');
      assert.deepEqual(b.claim('x', 1), { status: 'taken', owner: a.runId });
      assert.equal(b.claimedElsewhere('x'), true);
      assert.equal(a.claimedElsewhere('x'), false);
      assert.equal(a.claimedElsewhere('never'), false);
      b.release('x'); // not b's claim: no effect
      assert.equal(b.claimedElsewhere('x'), true);
      a.release('x');
      assert.equal(b.claimedElsewhere('x'), false);
      assert.equal(a.peek('x'), undefined, 'a release stores nothing');
      assert.equal(b.claim('x', 1).status, 'claimed');
      assert.equal(a.claimedElsewhere('x'), true);
      b.complete('x', 1, 1);
      assert.equal(a.claimedElsewhere('x'), false);
      assert.equal(a.claim('x', 1).status, 'hit');
    });

    it('forgets an entry', () => {
      const { a, b } = open();
      a.claim('f', 1);
      a.complete('f', 1, 1);
      a.claim('g', 1);
      a.complete('g', 2, 1);
      a.forget('f');
      assert.equal(a.peek('f'), undefined);
      assert.equal(b.peek('f'), undefined);
      assert.equal(a.size(), 1);
      assert.deepEqual(a.claim('f', 1), { status: 'claimed', entry: undefined });
      assert.equal(a.claim('g', 1).status, 'hit');
    });

    it('restores entries as its own', () => {
      const { a } = open();
      a.restore([
        ['r1', { fitness: 1, evaluations: 2, meanCost: 3 }],
        ['r2', { fitness: 4, evaluations: 1, meanCost: 0 }],
      ]);
      assert.deepEqual(a.peek('r1'), { fitness: 1, evaluations: 2, meanCost: 3, runId: a.runId });
      assert.deepEqual(a.claim('r2', 1), { status: 'hit', entry: { fitness: 4, evaluations: 1, meanCost: 0, runId: a.runId } });
      assert.equal(a.size(), 2);
    });
  });
}

describe('addEvaluation', () => {
  it('keeps the arithmetic means of fitness and cost, and the maker', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e3, noNaN: true })), { minLength: 1, maxLength: 20 }), (evaluations) => {
        let entry = { fitness: evaluations[0][0], meanCost: evaluations[0][1], evaluations: 1, runId: 'maker' };
        for (const [fitness, cost] of evaluations.slice(1)) entry = addEvaluation(entry, fitness, cost);
        const mean = (k: 0 | 1) => evaluations.reduce((s, e) => s + e[k], 0) / evaluations.length;
        const close = (x: number, y: number) => Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(y));
        assert.equal(entry.evaluations, evaluations.length);
        assert.equal(entry.runId, 'maker');
        assert.ok(close(entry.fitness, mean(0)), `${entry.fitness} vs ${mean(0)}`);
        assert.ok(close(entry.meanCost, mean(1)), `${entry.meanCost} vs ${mean(1)}`);
      }),
      { seed: 16, numRuns: 200 },
    );
  });
});

describe('MemoryStore only', () => {
  it('is named memory, owned by "run" by default, and flush and close do nothing', () => {
    const store = new MemoryStore(4);
    assert.equal(store.location, 'memory');
    assert.equal(store.runId, 'run');
    store.claim('a', 1);
    store.complete('a', 1, 1);
    store.flush();
    store.close();
    assert.equal(store.size(), 1);
  });

  it('evicts the least recently claimed entry beyond its capacity; a peek does not count as use', () => {
    const store = new MemoryStore(2, 'A');
    for (const h of ['a', 'b']) {
      store.claim(h, 1);
      store.complete(h, 1, 1);
    }
    store.claim('a', 1); // a hit: a is now the most recent
    store.peek('b');
    store.claim('c', 1);
    store.complete('c', 1, 1);
    assert.equal(store.peek('b'), undefined);
    assert.deepEqual([store.peek('a')?.fitness, store.peek('c')?.fitness, store.size()], [1, 1, 2]);
  });

  it('restores oldest first, so the newest entries survive a small capacity', () => {
    const store = new MemoryStore(2, 'A');
    store.restore(['r1', 'r2', 'r3'].map((h, i) => [h, { fitness: i, evaluations: 1, meanCost: 1 }]));
    assert.deepEqual(
      ['r1', 'r2', 'r3'].map((h) => store.peek(h)?.fitness),
      [undefined, 1, 2],
    );
  });

  it('replaces entries instead of changing them, so a kept entry object stays as it was', () => {
    const store = new MemoryStore(4, 'A');
    store.claim('h', 2);
    store.complete('h', 1, 1);
    const kept = store.peek('h')!;
    store.claim('h', 2);
    store.complete('h', 3, 3);
    assert.deepEqual(kept, { fitness: 1, evaluations: 1, meanCost: 1, runId: 'A' });
    assert.deepEqual(store.peek('h'), { fitness: 2, evaluations: 2, meanCost: 2, runId: 'A' });
  });
});

describe('SqliteStore only', () => {
  it('lets a claim lapse after its lease unless its run flushes (renews) in time', async () => {
    const open = sqliteRuns({ leaseMs: 1500 });
    const [a, b, c] = [open('A'), open('B'), open('C')];
    a.claim('kept', 1);
    c.claim('lapsed', 1);
    await sleep(600);
    a.flush(); // over a third of the lease since A's last renewal: renews A's claims
    await sleep(1000);
    // 1.6 s after the claims: an unrenewed one lapsed at 1.5 s.
    assert.equal(b.claimedElsewhere('kept'), true);
    assert.deepEqual(b.claim('kept', 1), { status: 'taken', owner: a.runId });
    assert.equal(b.claimedElsewhere('lapsed'), false);
    assert.deepEqual(b.claim('lapsed', 1), { status: 'claimed', entry: undefined });
    for (const store of [a, b, c]) store.close();
  });

  it('hands a lapsed claim to another run', async () => {
    const open = sqliteRuns({ leaseMs: 200 });
    const a = open('A');
    const b = open('B');
    a.claim('h', 1);
    assert.equal(b.claim('h', 1).status, 'taken');
    await sleep(400);
    assert.equal(b.claimedElsewhere('h'), false);
    assert.deepEqual(b.claim('h', 1), { status: 'claimed', entry: undefined });
    assert.equal(a.claimedElsewhere('h'), true);
    a.close();
    b.close();
  });

  it('releases all its claims on close', () => {
    const open = sqliteRuns();
    const a = open('A');
    const b = open('B');
    a.claim('x', 1);
    a.claim('y', 1);
    a.close();
    assert.equal(b.claimedElsewhere('x'), false);
    assert.equal(b.claimedElsewhere('y'), false);
    b.close();
  });

  it('commits completions once commitEveryMs has passed, or at a flush', async () => {
    const open = sqliteRuns({ commitEveryMs: 300 });
    const a = open('A');
    const reader = open('R');
    a.claim('h', 1);
    a.complete('h', 7, 1);
    assert.equal(reader.peek('h'), undefined, 'not committed yet');
    await sleep(400);
    a.release('other'); // the next write after the window commits
    assert.equal(reader.peek('h')?.fitness, 7);
    a.claim('g', 1);
    a.complete('g', 8, 1);
    assert.equal(reader.peek('g'), undefined);
    a.flush();
    assert.equal(reader.peek('g')?.fitness, 8);
    a.close();
    reader.close();
  });

  it('keeps a restored entry the file already has', () => {
    const open = sqliteRuns();
    const a = open('A');
    a.claim('h', 1);
    a.complete('h', 1, 1);
    a.restore([['h', { fitness: 99, evaluations: 5, meanCost: 9 }]]);
    assert.deepEqual(a.peek('h'), { fitness: 1, evaluations: 1, meanCost: 1, runId: a.runId });
    a.close();
  });
});
