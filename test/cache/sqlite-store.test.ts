import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import Database from 'libsql';
import { FunctionalEquivalenceCache } from '../../src/cache/fec.js';
import { MemoryStore } from '../../src/cache/memory-store.js';
import { SqliteStore, type SqliteStoreOptions } from '../../src/cache/sqlite-store.js';

const namespace = { key: 'test@1/abc', domain: 'test', version: '1', fingerprint: { target: 'a' } };

function open(path: string, uid: string, overrides: Partial<SqliteStoreOptions> = {}): SqliteStore {
  return new SqliteStore({ path, namespace, run: { uid, experiment: 'e', outDir: null }, capacity: 100, ...overrides });
}

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'deja-store-')), 'sub', 'fec.db');

/** What another process reads from the file: one plain connection per query. */
function query(path: string, sql: string, ...params: unknown[]): unknown[][] {
  const db = new Database(path);
  try {
    return db.prepare(sql).raw(true).all(...params) as unknown[][];
  } finally {
    db.close();
  }
}

function execute(path: string, sql: string): void {
  const db = new Database(path);
  try {
    db.prepare(sql).run();
  } finally {
    db.close();
  }
}

const expiresAt = (path: string, hash: string) => query(path, 'SELECT expires_at FROM claims WHERE hash = ?', hash)[0]?.[0] as number | undefined;

describe('SQLite cache store', () => {
  it('keeps entries across runs: a later run full-hits what an earlier one stored, marked as from another run', () => {
    const path = tempDb();
    const first = open(path, 'run-1');
    const fecA = new FunctionalEquivalenceCache<string>({ capacity: 10, maxEvalsPerHash: 1, forgetProbability: 0, store: first });
    assert.equal(fecA.lookup('h1', 'a').outcome, 'miss');
    fecA.complete('h1', 0.75, 3);
    const own = fecA.lookup('h1', 'b');
    assert.deepEqual(own, { outcome: 'full-hit', entry: { fitness: 0.75, evaluations: 1, meanCost: 3 }, forgotten: false });
    first.close();
    const second = open(path, 'run-2');
    const fecB = new FunctionalEquivalenceCache<string>({ capacity: 10, maxEvalsPerHash: 1, forgetProbability: 0, store: second });
    assert.deepEqual(fecB.lookup('h1', 'c'), { outcome: 'full-hit', entry: { fitness: 0.75, evaluations: 1, meanCost: 3 }, forgotten: false, fromOtherRun: true });
    assert.deepEqual(fecB.otherRunStats(), { fullHits: 1, inFlightJoins: 0, costSaved: 3 });
    assert.equal(second.size(), 1);
    second.close();
  });

  it('never shows one namespace the entries of another', () => {
    const path = tempDb();
    const a = open(path, 'run-1');
    a.claim('h', 1);
    a.complete('h', 1, 1);
    a.close();
    const b = open(path, 'run-2', { namespace: { ...namespace, key: 'test@1/other' } });
    assert.equal(b.claim('h', 1).status, 'claimed');
    b.close();
  });

  it('claims atomically across connections: the second run joins, then sees the result', () => {
    const path = tempDb();
    const a = new FunctionalEquivalenceCache<string>({ capacity: 10, maxEvalsPerHash: 1, forgetProbability: 0, store: open(path, 'A') });
    const b = new FunctionalEquivalenceCache<string>({ capacity: 10, maxEvalsPerHash: 1, forgetProbability: 0, store: open(path, 'B') });
    assert.equal(a.lookup('h', 'a1').outcome, 'miss');
    a.store.flush(); // the engine commits before it waits for the evaluation
    assert.equal(b.lookup('h', 'b1').outcome, 'in-flight-join');
    assert.equal(b.lookup('h', 'b2').outcome, 'in-flight-join', 'a second proposal joins the same wait');
    assert.deepEqual(b.pollOtherRuns(), [], 'still running');
    a.complete('h', 0.5, 2);
    a.store.flush();
    assert.deepEqual(b.pollOtherRuns(), [{ hash: 'h', waiters: ['b1', 'b2'], entry: { fitness: 0.5, evaluations: 1, meanCost: 2 } }]);
    assert.deepEqual(b.otherRunStats(), { fullHits: 0, inFlightJoins: 2, costSaved: 4 });
    assert.equal(b.stats().inFlightJoins, 2);
    a.store.close();
    b.store.close();
  });

  it('hands a failed or lapsed claim to the waiting run, which looks it up again', () => {
    const path = tempDb();
    const a = new FunctionalEquivalenceCache<string>({ capacity: 10, maxEvalsPerHash: 1, forgetProbability: 0, store: open(path, 'A', { leaseMs: 40 }) });
    const b = new FunctionalEquivalenceCache<string>({ capacity: 10, maxEvalsPerHash: 1, forgetProbability: 0, store: open(path, 'B') });
    a.lookup('h', 'a1');
    a.store.flush();
    assert.equal(b.lookup('h', 'b1').outcome, 'in-flight-join');
    a.fail('h');
    a.store.flush();
    assert.deepEqual(b.pollOtherRuns(), [{ hash: 'h', waiters: ['b1'], entry: undefined }]);
    assert.equal(b.stats().inFlightJoins, 0, 'not a join after all');
    assert.equal(b.lookup('h', 'b1').outcome, 'miss');
    // A run that dies holding a claim: its lease lapses and another run takes the hash over.
    a.lookup('k', 'a2');
    a.store.flush();
    assert.equal(b.store.claim('k', 1).status, 'taken');
    const until = Date.now() + 60;
    while (Date.now() < until);
    assert.equal(b.store.claim('k', 1).status, 'claimed');
    a.store.close();
    b.store.close();
  });

  it('aggregates evaluations from several runs into one mean (maxEvalsPerHash)', () => {
    const path = tempDb();
    const a = open(path, 'A');
    const b = open(path, 'B');
    assert.equal(a.claim('h', 2).status, 'claimed');
    a.complete('h', 1, 1);
    a.flush();
    const partial = b.claim('h', 2);
    assert.equal(partial.status, 'claimed');
    assert.equal(partial.status === 'claimed' && partial.entry?.evaluations, 1);
    assert.deepEqual(b.complete('h', 3, 3), { fitness: 2, evaluations: 2, meanCost: 2 });
    b.flush();
    assert.equal(a.claim('h', 2).status, 'hit');
    a.close();
    b.close();
  });

  it('puts back entries a resumed run recorded that the file lost', () => {
    const path = tempDb();
    const s = open(path, 'A');
    s.restore([['x', { fitness: 2, evaluations: 1, meanCost: 1 }]]);
    assert.equal(s.claim('x', 1).status, 'hit');
    s.close();
  });

  it('lets two runs in one process share a memory store, with joins between them', () => {
    const shared = new MemoryStore(100, 'A');
    const a = new FunctionalEquivalenceCache<string>({ capacity: 10, maxEvalsPerHash: 1, forgetProbability: 0, store: shared });
    const b = new FunctionalEquivalenceCache<string>({ capacity: 10, maxEvalsPerHash: 1, forgetProbability: 0, store: shared.forRun('B') });
    a.lookup('h', 'a1');
    assert.equal(b.lookup('h', 'b1').outcome, 'in-flight-join');
    a.complete('h', 1, 5);
    assert.equal(b.pollOtherRuns()[0].entry?.fitness, 1);
    assert.equal(b.lookup('h', 'b2').outcome, 'full-hit');
  });
  it('batches completions, releases and forgets: another run sees each only once committed', () => {
    const path = tempDb();
    const a = open(path, 'A', { commitEveryMs: 60_000 });
    a.claim('kept', 1);
    a.complete('kept', 1, 1);
    a.claim('c', 1); // commits the claim and the completion before it
    a.claim('r', 1);
    const claims = () => query(path, 'SELECT hash FROM claims ORDER BY hash');
    const entries = () => query(path, 'SELECT hash, fitness FROM entries ORDER BY hash');
    assert.deepEqual([claims(), entries()], [[['c'], ['r']], [['kept', 1]]]);
    a.release('r');
    assert.deepEqual(claims(), [['c'], ['r']], 'release not committed yet');
    a.flush();
    assert.deepEqual(claims(), [['c']]);
    a.forget('kept');
    assert.deepEqual(entries(), [['kept', 1]], 'forget not committed yet');
    a.flush();
    assert.deepEqual(entries(), []);
    a.complete('c', 2, 2);
    assert.deepEqual([claims(), entries()], [[['c']], []], 'completion not committed yet');
    a.flush();
    assert.deepEqual([claims(), entries()], [[], [['c', 2]]]);
    a.close();
  });

  it('commits a completion on the first write 50 ms after its transaction began, by default', async () => {
    const path = tempDb();
    const a = open(path, 'A');
    a.claim('h', 1);
    a.complete('h', 3, 1);
    assert.deepEqual(query(path, 'SELECT hash FROM entries'), [], 'a write commits only when a store call finds the window over');
    await sleep(80);
    a.release('other');
    assert.deepEqual(query(path, 'SELECT hash, fitness FROM entries'), [['h', 3]]);
    a.close();
  });

  it('leases a claim for 30 s by default, and renews it at most every third of the lease', async () => {
    const path = tempDb();
    const before = Date.now();
    const a = open(path, 'A');
    a.claim('h', 1);
    const first = expiresAt(path, 'h')!;
    assert.ok(first >= before + 30_000 && first <= Date.now() + 30_000, `expires ${first - before} ms after the claim`);
    await sleep(20);
    a.flush();
    assert.equal(expiresAt(path, 'h'), first, 'not renewed within a third of the lease');
    a.close();
    const b = open(path, 'B', { leaseMs: 1200 });
    b.claim('k', 1);
    const leased = expiresAt(path, 'k')!;
    await sleep(20);
    b.flush();
    assert.equal(expiresAt(path, 'k'), leased, 'not renewed yet');
    await sleep(450);
    const renewing = Date.now();
    b.flush();
    const renewed = expiresAt(path, 'k')!;
    assert.ok(renewed >= renewing + 1200 && renewed <= Date.now() + 1200, `renewed to ${renewed - renewing} ms after the flush`);
    b.close();
  });

  it('answers repeated hits from memory: a hash it holds is not read from the file again', () => {
    const path = tempDb();
    const a = open(path, 'A', { commitEveryMs: 0 });
    const b = open(path, 'B', { commitEveryMs: 0 });
    for (const h of ['x', 'y']) {
      a.claim(h, 1);
      a.complete(h, 4, 2);
    }
    assert.equal(b.claim('x', 1).status, 'hit'); // b read x from the file
    execute(path, 'DELETE FROM entries'); // e.g. `deja cache clear` meanwhile
    assert.deepEqual(b.claim('x', 1), { status: 'hit', entry: { fitness: 4, evaluations: 1, meanCost: 2, runId: a.runId } }, "b's memory still has x");
    assert.deepEqual(b.claim('y', 1), { status: 'claimed', entry: undefined }, 'y was never read by b');
    b.release('y');
    // What a run completes goes to its memory too.
    a.claim('y', 1);
    a.complete('y', 6, 1);
    execute(path, 'DELETE FROM entries');
    assert.deepEqual(a.claim('y', 1), { status: 'hit', entry: { fitness: 6, evaluations: 1, meanCost: 1, runId: a.runId } });
    a.close();
    b.close();
  });

  it('hits an entry already in the file without taking the write lock another run holds', () => {
    const path = tempDb();
    const a = open(path, 'A', { commitEveryMs: 0 });
    a.claim('h', 1);
    a.complete('h', 5, 1);
    const b = open(path, 'B');
    const writer = new Database(path, { timeout: 0 });
    writer.exec('BEGIN IMMEDIATE'); // another process in the middle of a write
    try {
      // A claim that took the lock would wait the 10 s busy timeout and fail.
      assert.deepEqual(b.claim('h', 1), { status: 'hit', entry: { fitness: 5, evaluations: 1, meanCost: 1, runId: a.runId } });
      assert.deepEqual(b.peek('h'), { fitness: 5, evaluations: 1, meanCost: 1, runId: a.runId });
      assert.equal(b.claimedElsewhere('h'), false);
      assert.equal(b.size(), 1);
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
    a.close();
    b.close();
  });

  it('hits, under the write lock, an entry another process committed while it waited for the lock', async () => {
    const path = tempDb();
    const a = open(path, 'A', { commitEveryMs: 0 });
    const b = open(path, 'B');
    const [[ns]] = query(path, 'SELECT id FROM namespaces');
    // Another process: takes the write lock, then commits an entry for h 150 ms later.
    const other = new Worker(
      `const { parentPort, workerData: w } = require('node:worker_threads');
      const db = new (require(w.libsql))(w.path);
      db.exec('BEGIN IMMEDIATE');
      parentPort.postMessage('locked');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
      db.prepare('INSERT INTO entries (ns, hash, fitness, evaluations, mean_cost, run, updated_at) VALUES (?, ?, 7, 2, 3, ?, 0)').run(w.ns, 'h', w.run);
      db.exec('COMMIT');
      db.close();`,
      { eval: true, workerData: { libsql: createRequire(import.meta.url).resolve('libsql'), path, ns, run: Number(a.runId) } },
    );
    await once(other, 'message');
    // b reads no h, waits for the lock, then finds h there: a hit with exactly the evaluations wanted, not a claim.
    assert.deepEqual(b.claim('h', 2), { status: 'hit', entry: { fitness: 7, evaluations: 2, meanCost: 3, runId: a.runId } });
    await once(other, 'exit');
    assert.deepEqual(query(path, 'SELECT hash FROM claims'), []);
    a.close();
    b.close();
  });

  it('commits restored entries at once, as its own and dated now', () => {
    const path = tempDb();
    const a = open(path, 'A', { commitEveryMs: 60_000 });
    const before = Date.now();
    a.restore([['r', { fitness: 2, evaluations: 3, meanCost: 4 }]]);
    const [row] = query(path, 'SELECT hash, fitness, evaluations, mean_cost, run, updated_at FROM entries');
    assert.deepEqual(row.slice(0, 5), ['r', 2, 3, 4, Number(a.runId)]);
    assert.ok((row[5] as number) >= before && (row[5] as number) <= Date.now());
    a.close();
  });
});
