/** The cache file itself: its settings, its schema version check, and the namespace and run rows. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'libsql';
import { openCacheDatabase, SCHEMA_VERSION } from '../../src/cache/sqlite-schema.js';

const root = mkdtempSync(join(tmpdir(), 'deja-schema-'));
after(() => rmSync(root, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(root, `d${files++}`, 'nested', 'fec.db');

/** A second, plain connection: what another process would see. */
function query(path: string, sql: string): unknown[][] {
  const db = new Database(path);
  try {
    return db.prepare(sql).raw(true).all() as unknown[][];
  } finally {
    db.close();
  }
}

describe('cache database file', () => {
  it('creates the file with its folders, in WAL mode with synchronous NORMAL and a 10 s busy wait', () => {
    const path = freshPath();
    const db = openCacheDatabase(path);
    assert.ok(existsSync(path));
    assert.deepEqual(db.raw.prepare('PRAGMA journal_mode').raw(true).get(), ['wal']);
    assert.deepEqual(db.raw.prepare('PRAGMA synchronous').raw(true).get(), [1], 'NORMAL');
    assert.deepEqual(db.raw.prepare('PRAGMA busy_timeout').raw(true).get(), [10_000]);
    assert.equal(db.raw.inTransaction, false, 'the schema is committed');
    db.close();
    assert.deepEqual(query(path, 'SELECT key, value FROM meta'), [['schema', String(SCHEMA_VERSION)]]);
    assert.equal(SCHEMA_VERSION, 1);
    const tables = query(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((r) => r[0]);
    assert.deepEqual(tables, ['claims', 'entries', 'meta', 'namespaces', 'runs']);
  });

  it('opens an existing file again without touching its rows', () => {
    const path = freshPath();
    const first = openCacheDatabase(path);
    const ns = first.namespaceId({ key: 'k', domain: 'd', version: '1', fingerprint: null });
    first.close();
    const again = openCacheDatabase(path);
    assert.equal(again.namespaceId({ key: 'k', domain: 'd', version: '1', fingerprint: null }), ns);
    again.close();
    assert.deepEqual(query(path, 'SELECT value FROM meta'), [['1']]);
  });

  it('refuses a file of another schema version, saying which, and leaves it as it was', () => {
    const path = freshPath();
    openCacheDatabase(path).close();
    const raw = new Database(path);
    raw.prepare("UPDATE meta SET value = '7' WHERE key = 'schema'").run();
    raw.close();
    assert.throws(() => openCacheDatabase(path), (error: Error) => {
      assert.equal(error.message, `cache database ${path} has schema 7, this deja reads 1: use another --cache-db or delete the file`);
      return true;
    });
    // Rolled back and closed: another connection can write at once (a held lock would make it wait and fail).
    const other = new Database(path, { timeout: 0 });
    other.exec('BEGIN IMMEDIATE');
    other.exec('COMMIT');
    other.close();
    assert.deepEqual(query(path, 'SELECT value FROM meta'), [['7']]);
  });

  it('gives each namespace key one row, with its fields, the fingerprint as JSON and its creation time', () => {
    const path = freshPath();
    const db = openCacheDatabase(path);
    const before = Date.now();
    const a = db.namespaceId({ key: 'sym@2/abc', domain: 'sym', version: '2', fingerprint: { target: 'x', n: [1, 2] } });
    const b = db.namespaceId({ key: 'sym@2/def', domain: 'sym', version: '2', fingerprint: 'plain' });
    const afterMs = Date.now();
    assert.notEqual(a, b);
    assert.equal(db.namespaceId({ key: 'sym@2/abc', domain: 'other', version: '9', fingerprint: 0 }), a, 'the key decides; the first row stays');
    db.close();
    const rows = query(path, 'SELECT id, key, domain, version, fingerprint, created_at FROM namespaces ORDER BY id');
    assert.deepEqual(rows.map((r) => r.slice(0, 5)), [
      [a, 'sym@2/abc', 'sym', '2', '{"target":"x","n":[1,2]}'],
      [b, 'sym@2/def', 'sym', '2', '"plain"'],
    ]);
    for (const r of rows) assert.ok((r[5] as number) >= before && (r[5] as number) <= afterMs, `created_at ${r[5]}`);
  });

  it('gives each run uid one row: a resumed run keeps its id', () => {
    const path = freshPath();
    const db = openCacheDatabase(path);
    const ns = db.namespaceId({ key: 'k', domain: 'd', version: '1', fingerprint: null });
    const before = Date.now();
    const r1 = db.runId({ uid: 'u1', experiment: 'exp-a', outDir: '/runs/a' }, ns);
    const r2 = db.runId({ uid: 'u2', experiment: 'exp-b', outDir: null }, ns);
    const afterMs = Date.now();
    assert.notEqual(r1, r2);
    assert.equal(db.runId({ uid: 'u1', experiment: 'renamed', outDir: null }, ns), r1);
    db.close();
    const rows = query(path, 'SELECT id, uid, ns, experiment, out_dir, started_at FROM runs ORDER BY id');
    assert.deepEqual(rows.map((r) => r.slice(0, 5)), [
      [r1, 'u1', ns, 'exp-a', '/runs/a'],
      [r2, 'u2', ns, 'exp-b', null],
    ]);
    for (const r of rows) assert.ok((r[5] as number) >= before && (r[5] as number) <= afterMs, `started_at ${r[5]}`);
  });

  it('commits an open transaction on close', () => {
    const path = freshPath();
    const db = openCacheDatabase(path);
    db.raw.exec('BEGIN IMMEDIATE');
    db.raw.prepare("INSERT INTO meta (key, value) VALUES ('x', 'y')").run();
    db.close();
    assert.deepEqual(query(path, "SELECT value FROM meta WHERE key = 'x'"), [['y']]);
  });
});
