import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FunctionalEquivalenceCache } from '../../src/cache/fec.js';
import { MemoryStore } from '../../src/cache/memory-store.js';
import { SqliteStore, type SqliteStoreOptions } from '../../src/cache/sqlite-store.js';

const namespace = { key: 'test@1/abc', domain: 'test', version: '1', fingerprint: { target: 'a' } };

function open(path: string, uid: string, overrides: Partial<SqliteStoreOptions> = {}): SqliteStore {
  return new SqliteStore({ path, namespace, run: { uid, experiment: 'e', outDir: null }, capacity: 100, ...overrides });
}

const tempDb = () => join(mkdtempSync(join(tmpdir(), 'deja-store-')), 'sub', 'fec.db');

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
});
