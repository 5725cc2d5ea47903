/** `deja cache`'s library side on a file built here: the listing's values, pruning and clearing. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'libsql';
import { cacheInfo, clearAll, clearDomain, fileBytes, pruneOlderThan } from '../../src/cache/cache-admin.js';
import { openCacheDatabase } from '../../src/cache/sqlite-schema.js';

const root = mkdtempSync(join(tmpdir(), 'deja-admin-'));
after(() => rmSync(root, { recursive: true, force: true }));
let files = 0;

interface Spec {
  key: string;
  domain: string;
  runs: Array<[uid: string, experiment: string]>;
  /** hash -> updated_at */
  entries: Record<string, number>;
}

/** A cache file with these namespaces, runs and entries (written as SqliteStore writes them). */
function build(specs: Spec[]): string {
  const path = join(root, `f${files++}`, 'fec.db');
  const db = openCacheDatabase(path);
  for (const spec of specs) {
    const ns = db.namespaceId({ key: spec.key, domain: spec.domain, version: spec.key.split('@')[1] ?? '1', fingerprint: null });
    const run = spec.runs.map(([uid, experiment]) => db.runId({ uid, experiment, outDir: null }, ns))[0] ?? 0;
    const put = db.raw.prepare('INSERT INTO entries (ns, hash, fitness, evaluations, mean_cost, run, updated_at) VALUES (?, ?, 0.5, 1, 1, ?, ?)');
    for (const [hash, at] of Object.entries(spec.entries)) put.run(ns, hash, run, at);
  }
  db.close();
  return path;
}

const hashes = (path: string) => {
  const db = new Database(path);
  try {
    return (db.prepare('SELECT hash FROM entries ORDER BY hash').raw(true).all() as Array<[string]>).map((r) => r[0]);
  } finally {
    db.close();
  }
};

const many = (n: number, prefix: string, at: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`.padEnd(64, 'x'), at]));

describe('cache administration', () => {
  it('lists namespaces by domain then key, with entries, runs, experiments and the newest write', () => {
    const path = build([
      { key: 'zeta@1', domain: 'zeta', runs: [['u1', 'exp-z']], entries: { a: 1000, b: 5000, c: 3000 } },
      { key: 'alpha@2', domain: 'alpha', runs: [['u2', 'exp-a'], ['u3', 'exp-b'], ['u4', 'exp-a']], entries: { a: 7000 } },
      { key: 'alpha@1', domain: 'alpha', runs: [], entries: {} },
    ]);
    const info = cacheInfo(path);
    assert.equal(info.path, path);
    assert.equal(info.entries, 4);
    assert.deepEqual(
      info.namespaces.map((ns) => ({ ...ns, experiments: [...ns.experiments].sort() })),
      [
        { key: 'alpha@1', domain: 'alpha', version: '1', entries: 0, lastUpdated: null, runs: 0, experiments: [] },
        { key: 'alpha@2', domain: 'alpha', version: '2', entries: 1, lastUpdated: 7000, runs: 3, experiments: ['exp-a', 'exp-b'] },
        { key: 'zeta@1', domain: 'zeta', version: '1', entries: 3, lastUpdated: 5000, runs: 1, experiments: ['exp-z'] },
      ],
    );
  });

  it('counts the bytes of the database, its write-ahead log and its index', () => {
    const path = build([{ key: 'k@1', domain: 'k', runs: [['u', 'e']], entries: many(50, 'h', 1) }]);
    // Another connection keeps the log and index files in place, with rows still in the log.
    const holder = new Database(path);
    holder.prepare("INSERT INTO meta (key, value) VALUES ('pending', 'in the log')").run();
    try {
      const info = cacheInfo(path);
      const sizes = ['', '-wal', '-shm'].map((suffix) => statSync(path + suffix).size);
      for (const size of sizes) assert.ok(size > 0, `sizes ${sizes}`);
      assert.equal(info.bytes, sizes[0] + sizes[1] + sizes[2]);
    } finally {
      holder.close();
    }
  });

  it('counts only the files that exist', () => {
    const dir = join(root, 'plain');
    mkdirSync(dir);
    writeFileSync(join(dir, 'x.db'), Buffer.alloc(1000));
    assert.equal(fileBytes(join(dir, 'x.db')), 1000);
    writeFileSync(join(dir, 'x.db-shm'), Buffer.alloc(24));
    assert.equal(fileBytes(join(dir, 'x.db')), 1024);
    assert.equal(fileBytes(join(dir, 'none.db')), 0);
  });

  it('prunes the entries written strictly before the cutoff', () => {
    const path = build([
      { key: 'a@1', domain: 'a', runs: [['u1', 'e']], entries: { old: 1000, edge: 2000, new: 3000 } },
      { key: 'b@1', domain: 'b', runs: [['u2', 'e']], entries: { older: 500 } },
    ]);
    assert.equal(pruneOlderThan(path, 2000), 2);
    assert.deepEqual(hashes(path), ['edge', 'new']);
    assert.equal(pruneOlderThan(path, 2000), 0);
  });

  it("clears a domain's entries in every version, and everything", () => {
    const path = build([
      { key: 'sym@1', domain: 'sym', runs: [['u1', 'e']], entries: { a: 1, b: 1 } },
      { key: 'sym@2', domain: 'sym', runs: [['u2', 'e']], entries: { c: 1 } },
      { key: 'nas@1', domain: 'nas', runs: [['u3', 'e']], entries: { d: 1, e: 1 } },
    ]);
    assert.equal(clearDomain(path, 'sym'), 3);
    assert.deepEqual(hashes(path), ['d', 'e']);
    assert.equal(clearDomain(path, 'none'), 0);
    assert.equal(clearAll(path), 2);
    assert.deepEqual(hashes(path), []);
    assert.equal(cacheInfo(path).namespaces.length, 3, 'namespaces and runs stay');
  });

  it('gives the freed pages back and empties the log, even while another run has the file open', () => {
    const path = build([{ key: 'k@1', domain: 'k', runs: [['u', 'e']], entries: many(3000, 'h', 1) }]);
    const holder = new Database(path);
    try {
      const pages = () => holder.prepare('PRAGMA page_count').raw(true).get() as [number];
      const full = pages()[0];
      assert.equal(clearAll(path), 3000);
      assert.deepEqual(holder.prepare('PRAGMA freelist_count').raw(true).get(), [0]);
      assert.ok(pages()[0] < full / 4, `${pages()[0]} pages of ${full}`);
      assert.equal(statSync(`${path}-wal`).size, 0);
    } finally {
      holder.close();
    }
    assert.ok(existsSync(path));
  });
});
